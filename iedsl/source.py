"""Source text and spans.

Every offset in iedsl is a half-open code-point offset into the original text.
Line and column numbers are derived only when something is printed, so nothing
upstream ever has to agree on how lines are counted.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open ``[start, end)`` code-point range."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Source:
    """A named piece of text: a rule file, an inline rule string or a document.

    Line starts are found on first use: a million-line term file is only ever
    asked for a line number when one of its lines is wrong.
    """

    name: str
    text: str
    _line_starts: tuple[int, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def line_starts(self) -> tuple[int, ...]:
        starts = self._line_starts
        if starts is None:
            starts = (0, *(m.end() for m in re.finditer("\n", self.text)))
            object.__setattr__(self, "_line_starts", starts)
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        starts = self.line_starts
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def line_span(self, line: int) -> Span:
        """The span of 1-based ``line`` without its line break."""
        starts = self.line_starts
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return Span(start, end)

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break."""
        span = self.line_span(line)
        return self.text[span.start:span.end]
