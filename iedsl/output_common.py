"""Record helpers shared by the output writers (:mod:`iedsl.output` and its siblings).

Writers read records defensively: a record is plain JSON-like data that may come
from another tool (``iedsl eval`` gold files, hand-edited JSONL), so a missing key
renders as empty instead of raising a ``KeyError`` at the user.  Offsets are checked
against the text before any writer slices with them, because a bad span must never
corrupt a whole HTML page or shift every brat offset after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: What every writer consumes: a document record and its full text (None for errors).
Pair = tuple[Mapping[str, Any], str | None]
Pairs = Iterable[Pair]


def error_of(record: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(code, message)`` of an error record, or None for a normal record."""
    if "error" not in record:
        return None
    err = record.get("error")
    if isinstance(err, Mapping):
        return str(err.get("code", "") or ""), str(err.get("message", "") or "")
    return "", ("" if err is None else str(err))


def doc_id(record: Mapping[str, Any]) -> str:
    """The document id as a string (empty when the record has none)."""
    doc = record.get("doc", "")
    return "" if doc is None else str(doc)


def events_of(record: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    """The event frames of a record; empty for error records and records without any."""
    events = record.get("events")
    if not isinstance(events, Sequence):
        return ()
    return [e for e in events if isinstance(e, Mapping)]


def args_of(event: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    """The arguments of one event frame."""
    args = event.get("args")
    if not isinstance(args, Sequence):
        return ()
    return [a for a in args if isinstance(a, Mapping)]


def trigger_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The trigger dict of one event frame (empty mapping when absent)."""
    trig = event.get("trigger")
    return trig if isinstance(trig, Mapping) else {}


def attrs_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The attribute dict of one event frame (empty mapping when absent)."""
    attrs = event.get("attrs")
    return attrs if isinstance(attrs, Mapping) else {}


def text_field(obj: Mapping[str, Any], key: str = "text") -> str:
    """A string field of a trigger/argument; None and missing become ``""``."""
    value = obj.get(key)
    return "" if value is None else str(value)


def format_value(value: Any) -> str:
    """An argument's normalized ``value`` as text: strings as they are, the rest as JSON.

    One rule for every writer, so that csv, table and html agree on how ``3``,
    ``{"year": 2020}`` or ``true`` look.
    """
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def describe_ref(arg: Mapping[str, Any]) -> str:
    """``id``, ``= value`` or ``id = value`` for an argument; ``""`` when it has neither."""
    parts = []
    if arg.get("id") not in (None, ""):
        parts.append(str(arg["id"]))
    if "value" in arg:
        parts.append(f"= {format_value(arg['value'])}")
    return " ".join(parts)


def span_of(obj: Mapping[str, Any], text: str | None) -> tuple[int, int] | None:
    """``(start, end)`` when it is a non-empty span inside ``text``, else None.

    Writers that point into the text (html, brat) only place spans this accepts;
    the others still list the frame, so nothing is dropped silently from the record.
    """
    start, end = obj.get("start"), obj.get("end")
    if text is None or type(start) is not int or type(end) is not int:
        return None
    if 0 <= start < end <= len(text):
        return start, end
    return None
