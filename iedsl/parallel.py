"""Running a task over many documents, in this process or in ``-j N`` worker processes.

Entry point: :func:`run_documents`.  Its output does not depend on ``jobs``: results
come back in input order and each document is processed by the same task function,
so ``-j 4`` writes byte-identical output to ``-j 1``.

How the work is shipped, and why:

* the :class:`~iedsl.Engine` goes to each worker once, through the pool initializer
  (a compiled program is cheap to pickle; with ``fork`` it is not even pickled);
* documents go in chunks (up to :data:`CHUNK_DOCS` documents or
  :data:`CHUNK_BYTES` bytes), so inter-process overhead is paid per chunk, not per
  document; a file is shipped as its path and read by the worker;
* at most ``jobs * PENDING_PER_JOB`` chunks are in flight, so memory stays bounded
  however large the corpus, and results stream out while later chunks still run.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from .corpus import Document
from .engine import Engine
from .errors import Diagnostic, DocumentError, IedslError
from .scan import DEFAULT_REGEX_TIMEOUT

if TYPE_CHECKING:
    from concurrent.futures import Future

# Small enough that a few hundred documents still split evenly over the workers
# (16 gave 13 chunks for 200 documents, which alone capped -j 2 near 1.86x), large
# enough that pickling costs little next to extraction.
CHUNK_DOCS = 6
CHUNK_BYTES = 1 << 19
PENDING_PER_JOB = 4

R = TypeVar("R")
Task = Callable[[Engine, Document], R]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one document produced: its output record and what the caller asked for."""

    doc: str
    record: dict[str, Any]
    text: str | None              # the decoded text, when ``keep_text`` (html, brat, eval)
    size: int                     # bytes read, for progress
    seconds: float = 0.0
    rule_seconds: tuple[tuple[str, float, int], ...] = ()   # (rule, seconds, frames)

    @property
    def error(self) -> dict[str, Any] | None:
        err = self.record.get("error")
        return err if isinstance(err, dict) else None


@dataclass(frozen=True, slots=True)
class ExtractTask:
    """Extract one document (picklable, so that workers can run it)."""

    doc_date: dt.date | None = None
    regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT
    keep_text: bool = False
    profile: bool = False
    merge: bool = False
    event_modes: bool = True    # see Engine.extract

    def __call__(self, engine: Engine, doc: Document) -> Outcome:
        started = time.perf_counter()
        if doc.error is not None:
            code, message = doc.error
            return Outcome(doc.id, {"doc": doc.id, "error": {"code": code, "message": message}},
                           None, doc.size)
        try:
            data = doc.load()
        except DocumentError as exc:
            d = exc.diagnostics[0]
            return Outcome(doc.id, {"doc": doc.id, "error": {"code": d.code,
                                                             "message": d.message}},
                           None, doc.size)
        times: dict[str, float] = {}

        def trace(event: dict[str, Any]) -> None:
            if event["kind"] == "rule_time":
                times[event["rule"]] = times.get(event["rule"], 0.0) + event["seconds"]

        result = engine.process(data, doc_id=doc.id, doc_date=doc.date or self.doc_date,
                                regex_timeout=self.regex_timeout,
                                trace=trace if self.profile else None,
                                event_modes=self.event_modes)
        text = None
        if result.ok and (self.keep_text or self.merge):
            text = data if isinstance(data, str) else data.decode("utf-8")
        record = result.to_dict()
        if self.merge and text is not None:
            from .merge import merge_document

            record = merge_document(result, text)
        if not self.keep_text:
            text = None
        size = len(data) if isinstance(data, bytes) else (doc.size or len(data.encode()))
        frames: dict[str, int] = {}
        for f in result.frames:
            frames[f.rule] = frames.get(f.rule, 0) + 1
        rules = tuple((r, s, frames.get(r, 0)) for r, s in times.items())
        return Outcome(doc.id, record, text, size,
                       time.perf_counter() - started, rules)


def run_documents(engine: Engine, docs: Iterable[Document], task: Task[R], *,
                  jobs: int = 1) -> Iterator[R]:
    """``task(engine, doc)`` for every document, in input order, using ``jobs`` processes."""
    if jobs <= 1:
        for doc in docs:
            yield task(engine, doc)
        return
    yield from _run_pool(engine, docs, task, jobs)


def chunked(docs: Iterable[Document], max_docs: int = CHUNK_DOCS,
            max_bytes: int = CHUNK_BYTES) -> Iterator[list[Document]]:
    """Consecutive documents grouped up to ``max_docs`` documents or ``max_bytes`` bytes."""
    chunk: list[Document] = []
    size = 0
    for doc in docs:
        chunk.append(doc)
        size += doc.size
        if len(chunk) >= max_docs or size >= max_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


# ------------------------------------------------------------------ the worker side
_ENGINE: Engine | None = None


def _init_worker(engine: Engine) -> None:
    global _ENGINE
    _ENGINE = engine
    # Ctrl-C reaches the whole process group: let only the parent handle it (it cancels
    # the queued work), so that workers do not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(task: Task[R], chunk: list[Document]) -> list[R]:
    assert _ENGINE is not None, "worker not initialized"
    return [task(_ENGINE, doc) for doc in chunk]


# ------------------------------------------------------------------ the parent side
def _run_pool(engine: Engine, docs: Iterable[Document], task: Task[R],
              jobs: int) -> Iterator[R]:
    # imported here: a process pool costs a tenth of the CLI's warm start to import,
    # and -j 1 never needs one
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(engine,))
    chunks = chunked(docs)
    pending: deque[Future[list[R]]] = deque(
        pool.submit(_run_chunk, task, c) for c in islice(chunks, jobs * PENDING_PER_JOB))
    finished = False
    try:
        while pending:
            try:
                results = pending.popleft().result()
            except BrokenProcessPool as exc:
                raise IedslError(Diagnostic(
                    "E920", "a worker process died (out of memory, or killed)",
                    hint="run again with fewer jobs (-j) or -j 1")) from exc
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(pool.submit(_run_chunk, task, nxt))
            yield from results
        finished = True
    finally:
        # on an early exit (error, Ctrl-C, closed pipe) drop the queued work at once
        pool.shutdown(wait=finished, cancel_futures=not finished)
