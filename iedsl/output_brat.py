"""brat standoff output: ``<doc>.txt`` and ``<doc>.ann`` per document in a directory.

Mapping (https://brat.nlplab.org/standoff.html):

- ``T`` lines: one per distinct (type, span).  A trigger's type is its event type; an
  argument's type is its ``label`` (PERSON, ...) when it has one, else its role.  The
  same span used by several events is written once and referenced from each ``E``.
- ``E`` lines: ``E1<TAB>ATTACK:T1 target:T2 target2:T3 place:T4``; a repeated role is
  numbered from 2 (brat strips trailing digits to find the role, so a role name that
  itself ends in a digit gets a ``_`` appended).
- ``A`` lines: every attribute of ``attrs`` as written, defaults included
  (``A1<TAB>polarity E1 positive``), so the .ann loses nothing the record had; a
  ``True`` value becomes a binary attribute, ``False`` and None are omitted.
- Names are made brat-safe: characters other than letters, digits, ``_`` and ``-``
  become ``_``.

Offsets are code points of the .txt, which is written UTF-8 with ``newline=""`` so
no line ending is translated and every offset stays valid.  brat's .ann is
line-oriented (read with ``readlines``, which also breaks at ``\\x0c``, ``\\x85``,
``\\u2028`` and the like), so a span containing any line break is written as
discontinuous fragments (``T3<TAB>place 10 14;15 21<TAB>Iraq Syria``: the runs between
line breaks, their texts joined by one space, as brat itself does).  A span that does
not fit the text (out of range, empty or line breaks only) is left out; an event whose
trigger is left out is left out whole.

Error records produce no files; they are appended, as JSON lines, to
``<out_dir>/errors.jsonl`` (always created, empty when nothing failed).  So are
documents whose id cannot be a file name (empty, ``.``, ``..``, containing ``/``,
``\\`` or NUL) or repeats an id already written, with code ``E903``.  ``E904``:
the directory or a file in it cannot be written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from .errors import Diagnostic, IedslError
from .output_common import (
    Pairs,
    args_of,
    attrs_of,
    doc_id,
    error_of,
    events_of,
    span_of,
    trigger_of,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
# Every character str.splitlines() breaks at: brat reads the .ann with readlines().
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_RUN = re.compile(f"[^{_LINE_BREAKS}]+")


def brat_name(name: str) -> str:
    """A type, role or attribute name brat accepts (never empty)."""
    return _UNSAFE.sub("_", name) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The runs of ``text[start:end]`` free of line breaks, as absolute offsets."""
    return [(start + m.start(), start + m.end()) for m in _LINE_RUN.finditer(text[start:end])]


class _Ann:
    """The .ann lines of one document, with T annotations shared by (type, span)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.entities: dict[tuple[str, int, int], str] = {}
        self.events = 0
        self.attributes = 0

    def entity(self, etype: str, obj: Mapping[str, Any]) -> str | None:
        """The T id for a span of type ``etype``, written on first use; None if unplaceable."""
        span = span_of(obj, self.text)
        if span is None:
            return None
        key = (etype, *span)
        if key not in self.entities:
            frags = fragments(self.text, *span)
            if not frags:
                return None
            tid = f"T{len(self.entities) + 1}"
            self.entities[key] = tid
            offsets = ";".join(f"{s} {e}" for s, e in frags)
            shown = " ".join(self.text[s:e] for s, e in frags)
            self.lines.append(f"{tid}\t{etype} {offsets}\t{shown}")
        return self.entities[key]

    def event(self, event: Mapping[str, Any]) -> None:
        """Write the E line (and its T and A lines) of one frame."""
        etype = brat_name(str(event.get("type", "EVENT")))
        trigger = self.entity(etype, trigger_of(event))
        if trigger is None:
            return
        parts = [f"{etype}:{trigger}"]
        counts: dict[str, int] = {}
        for arg in args_of(event):
            role = brat_name(str(arg.get("role", "arg")))
            role += "_" if role[-1].isdigit() else ""
            label = arg.get("label")
            tid = self.entity(brat_name(str(label)) if label else role, arg)
            if tid is None:
                continue
            counts[role] = counts.get(role, 0) + 1
            parts.append(f"{role}{counts[role] if counts[role] > 1 else ''}:{tid}")
        self.events += 1
        eid = f"E{self.events}"
        self.lines.append(f"{eid}\t{' '.join(parts)}")
        for key, value in attrs_of(event).items():
            if value is None or value is False:
                continue
            self.attributes += 1
            line = f"A{self.attributes}\t{brat_name(str(key))} {eid}"
            if value is not True:
                shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                line += f" {brat_name(shown)}"
            self.lines.append(line)


def ann_lines(record: Mapping[str, Any], text: str) -> list[str]:
    """The .ann lines of one (non-error) record."""
    ann = _Ann(text)
    for event in events_of(record):
        ann.event(event)
    return ann.lines


def _unusable_name(doc: str, written: set[str]) -> str | None:
    """Why ``doc`` cannot be a file name in the output directory, or None."""
    if doc in ("", ".", "..") or any(c in doc for c in "/\\\0"):
        return f"document id `{doc}` cannot be used as a brat file name"
    if doc in written:
        return f"document id `{doc}` was already written to the brat directory"
    return None


def _cannot_write(path: Path, exc: OSError) -> IedslError:
    return IedslError(Diagnostic(
        "E904", f"cannot write brat output to {path}: {exc.strerror or exc}"))


def _write_file(path: Path, content: str) -> None:
    """Write ``content`` exactly (UTF-8, no newline translation)."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(content)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def _log_error(errors: TextIO, path: Path, record: Mapping[str, Any]) -> None:
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        errors.write(line + "\n")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def write_brat(pairs: Pairs, out_dir: Path) -> None:
    """Write ``.txt``/``.ann`` pairs into ``out_dir`` (created if missing), one doc at a time.

    Existing files of the same names are overwritten; other files are left alone.  Only
    file-system failures are wrapped as ``E904``: an exception raised while producing
    ``pairs`` passes through unchanged.
    """
    errors_path = out_dir / "errors.jsonl"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        errors = open(errors_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from exc
    with errors:
        written: set[str] = set()
        for record, text in pairs:
            doc = doc_id(record)
            if error_of(record) is not None:
                _log_error(errors, errors_path, record)
                continue
            problem = _unusable_name(doc, written)
            if problem is not None:
                _log_error(errors, errors_path,
                           {"doc": doc, "error": {"code": "E903", "message": problem}})
                continue
            written.add(doc)
            text = text or ""
            _write_file(out_dir / f"{doc}.txt", text)
            _write_file(out_dir / f"{doc}.ann",
                        "".join(line + "\n" for line in ann_lines(record, text)))
