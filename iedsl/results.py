"""What extraction returns: frozen mentions, arguments, frames and documents.

Every object carries character offsets into the original text (``text[start:end]
== obj.text``) and the rule that produced it, so any result can be traced back to
its rule file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple


class Mention(NamedTuple):
    """An entity occurrence: a labelled span found by an entity rule.

    A named tuple rather than a dataclass: lexicon-only extraction makes one per
    term occurrence, and a tuple is built several times faster.  It is just as
    immutable.
    """

    label: str
    start: int
    end: int
    text: str
    rule: str
    priority: int = 0
    id: str | None = None
    value: Any = None
    attrs: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "start": self.start, "end": self.end,
                               "text": self.text, "rule": self.rule}
        if self.id is not None:
            out["id"] = self.id
        if self.value is not None:
            out["value"] = self.value
        if self.attrs:
            out["attrs"] = dict(self.attrs)
        return out


@dataclass(frozen=True, slots=True)
class Argument:
    role: str
    start: int
    end: int
    text: str
    label: str | None = None
    id: str | None = None
    value: Any = None
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "start": self.start, "end": self.end,
                               "text": self.text}
        if self.label is not None:
            out["label"] = self.label
        if self.id is not None:
            out["id"] = self.id
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(frozen=True, slots=True)
class Frame:
    """One event mention: type, trigger, attributes, arguments and provenance."""

    type: str
    trigger_start: int
    trigger_end: int
    trigger_text: str
    attrs: tuple[tuple[str, str], ...]
    args: tuple[Argument, ...]
    rule: str
    rule_where: str
    sentence: int
    priority: int = 0

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self.attrs)

    def args_for(self, role: str) -> tuple[Argument, ...]:
        return tuple(a for a in self.args if a.role == role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "trigger": {"start": self.trigger_start, "end": self.trigger_end,
                        "text": self.trigger_text},
            "attrs": dict(self.attrs),
            "args": [a.to_dict() for a in self.args],
            "rule": self.rule,
            "sentence": self.sentence,
        }


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Frames of one document, or the error that stopped it."""

    doc: str
    frames: tuple[Frame, ...]
    date: dt.date | None = None
    error: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"doc": self.doc, "error": self.error}
        out: dict[str, Any] = {"doc": self.doc}
        if self.date is not None:
            out["date"] = self.date.isoformat()
        out["events"] = [f.to_dict() for f in self.frames]
        return out
