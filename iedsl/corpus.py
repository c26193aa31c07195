"""Reading the documents a command runs on: files, folders, globs, stdin, JSON Lines.

Entry point: :func:`open_corpus`.  It resolves every command-line input up front, so
a mistyped path is a usage error before any work starts, and yields documents
lazily, in input order, so a corpus never has to fit in memory.

A document from a file is not read here: it carries its path and is read where it
is processed (in a worker process with ``-j``), so the parent never ships file
contents through a pipe.  Bytes are decoded by :meth:`iedsl.Engine.process`, which
turns an undecodable file into an error record instead of stopping the run.

* a file ``x/name.txt`` is one document with id ``name`` (the file name without its
  extension); a ``.jsonl`` file holds one document per line:
  ``{"id": ..., "text": ..., "date": "YYYY-MM-DD"}`` (``date`` optional; ``doc``
  stands for ``id``, so EVENTS.md's gold files and iedsl's own output read back
  with their document ids, and ``iedsl eval --run gold.jsonl`` lines up);
* a folder means every file below it matching ``--glob`` (default ``*.txt``), in
  sorted order of relative path;
* a pattern with ``*``, ``?`` or ``[`` is expanded like a shell would (``**`` too);
* ``-`` is stdin: JSON Lines when its first line is a JSON object with a ``text``
  key, else one document with id ``stdin``.

Error codes: E910 an input that does not exist or matches nothing, E911 no input
at all (usage errors, raised); D005 a file that cannot be read, D006 a bad JSON
Lines record (document errors: they become error records).
"""

from __future__ import annotations

import datetime as dt
import glob as globmod
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from .errors import Diagnostic, DocumentError, IedslError

InputFormat = Literal["auto", "text", "jsonl"]
STDIN_ID = "stdin"


@dataclass(frozen=True, slots=True)
class Document:
    """One input document.  ``path`` is read on demand; ``error`` marks bad input."""

    id: str
    path: str | None = None
    data: str | bytes | None = None
    date: dt.date | None = None
    error: tuple[str, str] | None = None     # (code, message)
    size: int = 0                            # bytes it accounts for (progress)

    def load(self) -> str | bytes:
        """The document's content; raises :class:`DocumentError` (D005) if unreadable."""
        if self.data is not None:
            return self.data
        if self.path is None:
            return ""
        try:
            with open(self.path, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise DocumentError(Diagnostic(
                "D005", f"cannot read {self.path}: {exc.strerror or exc}")) from exc


@dataclass(frozen=True, slots=True)
class _Input:
    kind: Literal["text", "jsonl", "stdin"]
    path: str
    size: int


@dataclass(slots=True)
class Corpus:
    """Resolved inputs.  ``total_bytes`` is None when stdin is among them (unknown)."""

    inputs: tuple[_Input, ...]
    stdin: BinaryIO | None
    input_format: InputFormat
    warn: Callable[[str], None] | None = None
    _seen: set[str] = field(default_factory=set)

    @property
    def total_bytes(self) -> int | None:
        if any(i.kind == "stdin" for i in self.inputs):
            return None
        return sum(i.size for i in self.inputs)

    @property
    def n_files(self) -> int:
        return sum(1 for i in self.inputs if i.kind == "text")

    def documents(self) -> Iterator[Document]:
        """Every document, in input order (lazily: JSONL is read one line at a time)."""
        for inp in self.inputs:
            if inp.kind == "text":
                docs: Iterator[Document] = iter(
                    [Document(Path(inp.path).stem, path=inp.path, size=inp.size)])
            elif inp.kind == "jsonl":
                docs = _jsonl_file(inp.path)
            else:
                docs = self._stdin()
            for doc in docs:
                if doc.id in self._seen and self.warn is not None:
                    self.warn(f"document id `{doc.id}` appears more than once")
                self._seen.add(doc.id)
                yield doc

    def _stdin(self) -> Iterator[Document]:
        data = self.stdin.read() if self.stdin is not None else b""
        fmt = self.input_format
        if fmt == "auto":
            fmt = "jsonl" if _looks_like_jsonl(data) else "text"
        if fmt == "text":
            yield Document(STDIN_ID, data=data, size=len(data))
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Document(STDIN_ID, error=("D001", f"cannot decode stdin as UTF-8: "
                                            f"{exc.reason} at byte {exc.start}"), size=len(data))
            return
        yield from _jsonl_lines(text.splitlines(keepends=True), STDIN_ID)


def open_corpus(paths: Sequence[str], *, glob: str = "*.txt", stdin: BinaryIO | None = None,
                input_format: InputFormat = "auto",
                warn: Callable[[str], None] | None = None) -> Corpus:
    """Resolve command-line inputs; raise E910/E911 (usage errors) before any work."""
    if not paths:
        raise IedslError(Diagnostic("E911", "no input documents",
                                    hint="give files, folders, glob patterns, or - for stdin"))
    inputs: list[_Input] = []
    for arg in paths:
        if arg == "-":
            if any(i.kind == "stdin" for i in inputs):
                raise IedslError(Diagnostic("E910", "stdin (-) is given twice"))
            inputs.append(_Input("stdin", "-", 0))
            continue
        p = Path(arg)
        if p.is_dir():
            found = sorted((f for f in p.rglob(glob) if f.is_file()),
                           key=lambda f: f.relative_to(p).as_posix())
            if not found:
                raise IedslError(Diagnostic("E910", f"no files matching `{glob}` in {arg}",
                                            hint="choose other files with --glob"))
            inputs += [_file_input(str(f), input_format) for f in found]
        elif p.is_file():
            inputs.append(_file_input(arg, input_format))
        elif globmod.has_magic(arg):
            found_s = sorted(f for f in globmod.glob(arg, recursive=True) if os.path.isfile(f))
            if not found_s:
                raise IedslError(Diagnostic("E910", f"no files match `{arg}`"))
            inputs += [_file_input(f, input_format) for f in found_s]
        else:
            raise IedslError(Diagnostic("E910", f"no such file or directory: {arg}"))
    return Corpus(tuple(inputs), stdin, input_format, warn)


def _file_input(path: str, input_format: InputFormat) -> _Input:
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    jsonl = input_format == "jsonl" or (input_format == "auto" and path.endswith(".jsonl"))
    return _Input("jsonl" if jsonl else "text", path, size)


def _looks_like_jsonl(data: bytes) -> bool:
    first = data.lstrip().split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        rec = json.loads(first)
    except ValueError:
        return False
    return isinstance(rec, dict) and "text" in rec


def _jsonl_file(path: str) -> Iterator[Document]:
    stem = Path(path).stem
    try:
        fh = open(path, encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        yield Document(stem, error=("D005", f"cannot read {path}: {exc.strerror or exc}"))
        return
    with fh:
        try:
            yield from _jsonl_lines(fh, stem)
        except UnicodeDecodeError as exc:
            yield Document(stem, error=("D001", f"cannot decode {path} as UTF-8: {exc.reason}"))


def _record_id(rec: dict[str, Any], where: str) -> str:
    """A record's id: ``id``, else ``doc`` (the key of EVENTS.md), else FILE:LINE."""
    for key in ("id", "doc"):
        if rec.get(key) is not None:
            return str(rec[key])
    return where


def _jsonl_lines(lines: Any, name: str) -> Iterator[Document]:
    """Documents of JSON Lines input; a bad line becomes an error document (D006)."""
    for lineno, line in enumerate(lines, 1):
        size = len(line.encode("utf-8"))
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        try:
            rec = json.loads(line)
        except ValueError as exc:
            yield Document(where, error=("D006", f"line {lineno} is not JSON: {exc}"), size=size)
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            yield Document(_record_id(rec, where) if isinstance(rec, dict) else where,
                           error=("D006", f'line {lineno} needs a string "text" field'),
                           size=size)
            continue
        doc_id = _record_id(rec, where)
        date = None
        if rec.get("date") is not None:
            try:
                date = dt.date.fromisoformat(str(rec["date"]))
            except ValueError:
                yield Document(doc_id, error=("D006", f"line {lineno}: date {rec['date']!r} is "
                                              "not YYYY-MM-DD"), size=size)
                continue
        yield Document(doc_id, data=rec["text"], date=date, size=size)
