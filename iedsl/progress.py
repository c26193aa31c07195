"""A progress bar on stderr for long runs: documents done, MB/s and time left.

Shown when stderr is a terminal (or ``--progress`` forces it) and never written to
stdout, so it cannot corrupt piped output.  tqdm is imported only when a bar is
actually shown, which keeps ``iedsl`` fast to start.

The bar counts bytes, so that its rate reads in MB/s and its ETA weighs big and small
documents right, and shows the document count beside it.  When the total size is
unknown (stdin) it shows what has been done and the rate, without an ETA.  Messages
printed while the bar runs go through :meth:`Progress.note`, so they do not tear it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO, TypeVar

T = TypeVar("T")


def want_progress(flag: bool | None, stream: TextIO | None = None) -> bool:
    """``--progress`` / ``--no-progress`` win; otherwise show it on a terminal only."""
    if flag is not None:
        return flag
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Wraps an iterable of results; ``size_of(item)`` says how many bytes each one was."""

    def __init__(self, *, enabled: bool, total_bytes: int | None = None,
                 total_docs: int | None = None, label: str = "extract",
                 stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.total_bytes = total_bytes
        self.total_docs = total_docs
        self.label = label
        self.stream = stream
        self._bar: Any = None

    def note(self, message: str) -> None:
        """Print a line on stderr above the bar (or plainly when there is none)."""
        stream = self.stream if self.stream is not None else sys.stderr
        if self._bar is not None:
            self._bar.write(message, file=stream)
        else:
            print(message, file=stream, flush=True)

    def wrap(self, items: Iterable[T], size_of: Callable[[T], int]) -> Iterator[T]:
        if not self.enabled:
            yield from items
            return
        from tqdm import tqdm

        self._bar = bar = tqdm(
            total=self.total_bytes or None, unit="B", unit_scale=True, unit_divisor=1024,
            desc=self.label, file=self.stream if self.stream is not None else sys.stderr,
            dynamic_ncols=True, smoothing=0.1, mininterval=0.2)
        suffix = f"/{self.total_docs}" if self.total_docs else ""
        done = 0
        try:
            for item in items:
                done += 1
                bar.set_postfix_str(f"{done}{suffix} docs", refresh=False)
                bar.update(size_of(item))
                yield item
        finally:
            bar.close()
            self._bar = None
