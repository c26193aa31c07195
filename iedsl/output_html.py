"""HTML output: one self-contained page with every document's text and its frames.

Per document the page shows the text with triggers and arguments highlighted (one
colour per role, the event type after each trigger, a tooltip with type, role, rule,
id and value) and below it a table of the frames.  Error records become an error
box.  No external resources and no JavaScript: the page opens offline and from mail.

Annotations overlap freely (an argument inside another event's argument, one span as
the argument of two events, spans that cross), while HTML elements must nest.
:func:`mark_text` therefore builds the markup from the sorted span boundaries and
splits an element into fragments only where a crossing span forces it, so the page is
always well-formed and every character of the text appears exactly once.  Each
element carries ``data-ann`` (one id per annotation, shared by its fragments),
``data-event`` and, for arguments, ``data-arg`` and ``data-role``.

Two characters cannot survive HTML: U+0000 (dropped by every parser) and lone
surrogates (not encodable in UTF-8); both are shown as U+FFFD.  ``\\r`` is written as
``&#13;`` because parsers fold a raw CR LF into LF.  Spans that do not fit the text
(out of range or empty) are listed in the frame table, marked "not in text".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from .output_common import (
    Pairs,
    args_of,
    attrs_of,
    describe_ref,
    doc_id,
    error_of,
    events_of,
    format_value,
    span_of,
    text_field,
    trigger_of,
)

# Sasha Trubetskoy's 16 distinct colours; roles take them in order of first appearance.
PALETTE = (
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324", "#800000", "#aaffc3", "#000075",
)

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;color:#222;max-width:62rem;margin:0 auto;
padding:0 1rem 2rem;display:flex;flex-direction:column}
h1{order:-2;font-size:1.4rem;margin:1rem 0 .3rem}
.legend{order:-1;position:sticky;top:0;z-index:1;background:#fff;padding:.4rem 0;
border-bottom:1px solid #ccc;font-size:.9em}
.legend span{margin-right:.8em;white-space:nowrap}
.doc{border-top:2px solid #ccc;margin-top:1rem}
.doc h2{font-size:1.05rem;margin:.6rem 0}.doc h2 small{color:#777;font-weight:400}
.text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:2.2;font-family:Georgia,serif}
mark{background:none;color:inherit;padding:0 1px;border-radius:2px}
mark:hover{outline:1px solid #333}
mark.trig{font-weight:700;text-decoration:underline 2px;background:#0000001a}
mark.trig::after,.sample::after{content:attr(data-type);font:600 .6em system-ui;
vertical-align:super;color:#444;margin-left:1px}
mark.trig.more::after{content:none}
mark.arg{border-bottom:3px solid var(--c);background:var(--b)}
mark.arg mark.arg{padding-bottom:4px}mark.arg mark.arg mark.arg{padding-bottom:8px}
.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:3px;
background:var(--c)}
.sample{font-weight:700;text-decoration:underline 2px}
table.frames{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.88em}
.frames td,.frames th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
.frames ul{margin:0;padding-left:1em;list-style:none}
.unplaced{color:#b00}.note{color:#777}
.errbox{border:2px solid #c00;background:#fee;padding:.5rem .8rem;border-radius:4px}
""" + "".join(f".c{i}{{--c:{c};--b:{c}33}}" for i, c in enumerate(PALETTE))

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;",
                               "\0": "\ufffd"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "'": "&#x27;", "\r": "&#13;", "\0": "\ufffd"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def esc(text: str) -> str:
    """Escape text content; one output character (or reference) per input character."""
    return _SURROGATE.sub("\ufffd", text.translate(_TEXT_ESCAPES))


def esc_attr(text: str) -> str:
    """Escape a double-quoted attribute value."""
    return _SURROGATE.sub("\ufffd", text.translate(_ATTR_ESCAPES))


@dataclass(frozen=True, slots=True)
class Mark:
    """One annotation to draw: half-open span, CSS classes and element attributes."""

    start: int
    end: int
    classes: str
    attrs: tuple[tuple[str, str], ...]

    def open_tag(self, first: bool, last: bool) -> str:
        classes = self.classes + ("" if first else " cont") + ("" if last else " more")
        attrs = "".join(f' {k}="{esc_attr(v)}"' for k, v in self.attrs)
        return f'<mark class="{classes}"{attrs}>'


def mark_text(text: str, marks: Sequence[Mark]) -> str:
    """``text`` escaped, with each mark's span wrapped in ``<mark>`` elements.

    Marks open in order (start, longest first, given order), so nested and identical
    spans nest without splitting; when a mark ends while others opened after it are
    still open (crossing spans), those are closed and reopened as continuation
    fragments (class ``cont``; all but the last fragment have class ``more``).
    Marks must lie inside the text and be non-empty (see ``span_of``).
    """
    order = sorted(range(len(marks)), key=lambda i: (marks[i].start, -marks[i].end, i))
    starting: dict[int, list[int]] = {}
    for i in order:
        starting.setdefault(marks[i].start, []).append(i)
    points = sorted({0, len(text)} | set(starting) | {m.end for m in marks})
    tokens: list[tuple[str, int]] = []  # ("open" | "close", mark) or ("text", point index)
    stack: list[int] = []
    for n, pos in enumerate(points):
        reopen: list[int] = []
        while any(marks[i].end == pos for i in stack):
            top = stack.pop()
            tokens.append(("close", top))
            if marks[top].end != pos:
                reopen.append(top)
        for i in [*reversed(reopen), *starting.get(pos, ())]:
            tokens.append(("open", i))
            stack.append(i)
        if n + 1 < len(points):
            tokens.append(("text", n))
    fragments = [0] * len(marks)
    for kind, i in tokens:
        if kind == "open":
            fragments[i] += 1
    seen = [0] * len(marks)
    parts: list[str] = []
    for kind, i in tokens:
        if kind == "text":
            parts.append(esc(text[points[i]:points[i + 1]]))
        elif kind == "close":
            parts.append("</mark>")
        else:
            seen[i] += 1
            parts.append(marks[i].open_tag(seen[i] == 1, seen[i] == fragments[i]))
    return "".join(parts)


class _Roles:
    """Role → palette slot, in order of first appearance across the whole page."""

    def __init__(self) -> None:
        self.slots: dict[str, int] = {}

    def css(self, role: str) -> str:
        slot = self.slots.setdefault(role, len(self.slots))
        return f"c{slot % len(PALETTE)}"


def _attr_summary(attrs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}: {format_value(v)}" for k, v in attrs.items())


def _where(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('start')}–{obj.get('end')}"


def _marks(events: Sequence[Mapping[str, Any]], text: str | None, roles: _Roles) -> list[Mark]:
    """The marks of a document's placeable triggers and arguments."""
    marks: list[Mark] = []
    for e, event in enumerate(events):
        etype, rule = str(event.get("type", "?")), str(event.get("rule") or "")
        trig = trigger_of(event)
        head = f"{etype} (event {e})"
        span = span_of(trig, text)
        if span is not None:
            title = [head, f'trigger: "{text_field(trig)}" {_where(trig)}']
            title += [_attr_summary(attrs_of(event))] if attrs_of(event) else []
            title += [f"rule: {rule}"] if rule else []
            title += [f"sentence: {event['sentence']}"] if "sentence" in event else []
            marks.append(Mark(*span, "trig", (
                ("data-ann", f"e{e}"), ("data-event", str(e)), ("data-type", etype),
                ("title", "\n".join(title)))))
        for a, arg in enumerate(args_of(event)):
            role = str(arg.get("role", "?"))
            css = roles.css(role)
            span = span_of(arg, text)
            if span is None:
                continue
            title = [f"{role} of {head}", f'"{text_field(arg)}" {_where(arg)}']
            title += [f"label: {arg['label']}"] if arg.get("label") else []
            title += [f"id: {arg['id']}"] if arg.get("id") not in (None, "") else []
            title += [f"value: {format_value(arg['value'])}"] if "value" in arg else []
            title += [f"rule: {rule}"] if rule else []
            marks.append(Mark(*span, f"arg {css}", (
                ("data-ann", f"e{e}a{a}"), ("data-event", str(e)), ("data-arg", str(a)),
                ("data-role", role), ("title", "\n".join(title)))))
    return marks


def _frame_table(doc_index: int, events: Sequence[Mapping[str, Any]], text: str | None,
                 roles: _Roles) -> str:
    """The frames of one document as a table: one row per event, its arguments listed."""
    rows = ["<table class=\"frames\"><thead><tr><th>#</th><th>type</th><th>trigger</th>"
            "<th>attributes</th><th>rule</th><th>arguments</th></tr></thead><tbody>"]
    for e, event in enumerate(events):
        trig = trigger_of(event)
        unplaced = ' <small class="unplaced">not in text</small>'
        trig_cell = (f"<b>{esc(text_field(trig))}</b> <small>{esc(_where(trig))}</small>"
                     + ("" if span_of(trig, text) else unplaced))
        items = []
        for arg in args_of(event):
            role = str(arg.get("role", "?"))
            ref = describe_ref(arg)
            items.append(
                f'<li><span class="sw {roles.css(role)}"></span>{esc(role)}: '
                f"“{esc(text_field(arg))}” <small>{esc(_where(arg))}</small>"
                + (f" <small>({esc(ref)})</small>" if ref else "")
                + ("" if span_of(arg, text) else unplaced) + "</li>")
        rows.append(
            f'<tr id="d{doc_index}-e{e}"><td>{e}</td><td>{esc(str(event.get("type", "?")))}</td>'
            f"<td>{trig_cell}</td><td>{esc(_attr_summary(attrs_of(event)))}</td>"
            f"<td>{esc(str(event.get('rule') or ''))}</td>"
            f"<td><ul>{''.join(items)}</ul></td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def render_document(doc_index: int, record: Mapping[str, Any], text: str | None,
                    roles: _Roles) -> str:
    """One ``<section>``: heading, marked text and frame table, or an error box."""
    doc = doc_id(record)
    open_section = f'<section class="doc" id="doc-{doc_index}" data-doc="{esc_attr(doc)}">'
    err = error_of(record)
    if err is not None:
        code, message = err
        return (f'{open_section}<h2>{esc(doc)}</h2><p class="errbox">'
                f"<b>error[{esc(code)}]</b>: {esc(message)}</p></section>\n")
    events = events_of(record)
    date = f" <small>{esc(str(record['date']))}</small>" if record.get("date") else ""
    count = f" <small>{len(events)} event{'' if len(events) == 1 else 's'}</small>"
    body = ('<p class="note">(no text)</p>' if text is None else
            f'<div class="text">{mark_text(text, _marks(events, text, roles))}</div>')
    table = _frame_table(doc_index, events, text, roles) if events else (
        '<p class="note">(no events)</p>')
    return f"{open_section}<h2>{esc(doc)}{date}{count}</h2>{body}{table}</section>\n"


def _head() -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>iedsl events</title><style>{_CSS}</style></head>\n<body>\n"
            "<h1>iedsl events</h1>\n")


def _legend(roles: _Roles, docs: int, events: int, errors: int) -> str:
    """Legend and totals; written last (streaming) but shown first via CSS ``order``."""
    chips = ['<span><span class="sample" data-type="TYPE">trigger</span></span>']
    chips += [f'<span><span class="sw c{slot % len(PALETTE)}"></span>{esc(role)}</span>'
              for role, slot in roles.slots.items()]
    totals = f"{docs} document(s), {events} event(s), {errors} error(s)"
    return f'<div class="legend">{"".join(chips)}<small>{totals}</small></div>\n'


def iter_html(pairs: Pairs) -> Iterator[str]:
    """The page in pieces: head, one piece per document, then legend and footer."""
    roles = _Roles()
    docs = events = errors = 0
    yield _head()
    for record, text in pairs:
        yield render_document(docs, record, text, roles)
        docs += 1
        errors += error_of(record) is not None
        events += len(events_of(record))
    yield _legend(roles, docs, events, errors) + "</body></html>\n"


def write_html(pairs: Pairs, out: TextIO) -> None:
    """Write the page to ``out``, one document at a time."""
    for piece in iter_html(pairs):
        out.write(piece)
