"""Reading gold and prediction JSON Lines for :mod:`iedsl.evaluate`.

Records are checked completely on the way in, so that a mistake is reported once,
with its file and line, as a :class:`~iedsl.errors.RuleFileError` (E310: not JSON or
unreadable; E311: a record of the wrong shape), and the scorer can trust its input.
Events become small frozen, orderable values: sorting them gives the canonical order
that makes scores independent of the order of records, events and arguments.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Diagnostic, RuleFileError


@dataclass(frozen=True, slots=True, order=True)
class Arg:
    """One argument: span, role and the text the record gives for it."""

    start: int
    end: int
    role: str
    text: str


@dataclass(frozen=True, slots=True, order=True)
class Event:
    """One event mention; ``args`` are sorted, ``attrs`` hold JSON-encoded values."""

    start: int
    end: int
    type: str
    text: str
    args: tuple[Arg, ...]
    attrs: tuple[tuple[str, str], ...]  # (name, JSON of value): comparable and orderable


def _bad(where: str, message: str) -> RuleFileError:
    return RuleFileError(Diagnostic("E311", f"{where}: {message}"))


def _offset(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _bad(where, f"'{key}' must be a non-negative integer, got {value!r}")
    return value


def _span(obj: Any, where: str) -> tuple[int, int, str]:
    if not isinstance(obj, Mapping):
        raise _bad(where, "expected an object with 'start' and 'end'")
    start, end = _offset(obj, "start", where), _offset(obj, "end", where)
    if end < start:
        raise _bad(where, f"'end' ({end}) is before 'start' ({start})")
    text = obj.get("text", "")
    return start, end, text if isinstance(text, str) else str(text)


def _label(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _bad(where, f"missing or non-string '{key}'")
    return value


def _parse_event(raw: Any, where: str) -> Event:
    if not isinstance(raw, Mapping):
        raise _bad(where, "an event must be a JSON object")
    etype = _label(raw, "type", where)
    start, end, text = _span(raw.get("trigger"), f"{where}: trigger")
    raw_args = raw.get("args") or []
    raw_attrs = raw.get("attrs") or {}
    if not isinstance(raw_args, list) or not isinstance(raw_attrs, Mapping):
        raise _bad(where, "'args' must be a list and 'attrs' an object")
    args = []
    for j, arg in enumerate(raw_args, 1):
        at = f"{where}: argument {j}"
        if not isinstance(arg, Mapping):
            raise _bad(at, "an argument must be a JSON object")
        a_start, a_end, a_text = _span(arg, at)
        args.append(Arg(a_start, a_end, _label(arg, "role", at), a_text))
    attrs = tuple(sorted((str(k), json.dumps(v, sort_keys=True, default=str))
                         for k, v in raw_attrs.items() if v is not None))
    return Event(start, end, etype, text, tuple(sorted(args)), attrs)


def parse_record(rec: Any, where: str) -> tuple[str, list[Event], str | None]:
    """(doc, events, error text or None) of one JSONL record, or raise E311."""
    if not isinstance(rec, Mapping):
        raise _bad(where, "a record must be a JSON object")
    doc = _label(rec, "doc", where)
    if "error" in rec and "events" not in rec:
        err = rec["error"]
        if isinstance(err, Mapping):
            err = f"{err.get('code', '?')}: {err.get('message', '')}"
        return doc, [], str(err)
    events = rec.get("events")
    if not isinstance(events, list):
        raise _bad(where, f"doc {doc!r}: needs an 'events' list or an 'error' object")
    return doc, [_parse_event(e, f"{where}: doc {doc!r}: event {i}")
                 for i, e in enumerate(events, 1)], None


def load_jsonl(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a gold or prediction file, one JSON record per non-blank line.

    Every record is validated here so that a mistake is reported with ``path:line``
    (E310 for text that is not JSON or cannot be read, E311 for a record of the
    wrong shape) instead of surfacing later without a location.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(Diagnostic("E310", f"{name}: cannot read: {exc}")) from exc
    records: list[dict[str, Any]] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            msg = f"{name}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
            raise RuleFileError(Diagnostic("E310", msg)) from exc
        parse_record(rec, f"{name}:{lineno}")
        records.append(rec)
    return records


def collect_docs(records: Iterable[Mapping[str, Any]], side: str,
                 warnings: list[str]) -> dict[str, list[Event]]:
    """Events per document, in canonical order; odd input is noted in ``warnings``."""
    docs: dict[str, list[Event]] = {}
    for i, rec in enumerate(records, 1):
        doc, events, error = parse_record(rec, f"{side} record {i}")
        if error is not None:
            warnings.append(f"{side} for doc {doc!r} is an error record ({error}); "
                            "scored as no events")
        if doc in docs:
            warnings.append(f"{side} doc {doc!r} appears more than once; events merged")
        docs.setdefault(doc, []).extend(events)
    return {doc: sorted(events) for doc, events in docs.items()}
