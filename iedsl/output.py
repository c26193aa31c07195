"""Output stage: write event records as jsonl, csv, tsv, a terminal table, html or brat.

Entry point: :func:`write_output`.  Every writer takes an iterable of ``(record, text)``
pairs (the record format is in ``EVENTS.md``, "Gold and output format"; ``text`` is the
document's full text, None for error records) and consumes it one document at a
time, so a corpus never has to fit in memory.  The html writer lives in
:mod:`iedsl.output_html` and the brat writer in :mod:`iedsl.output_brat`.

Error codes raised here: ``E901`` bad usage (unknown format, brat without an output
directory), ``E902`` a record that cannot be written as JSON (typically a Python
normalizer that returned a non-JSON value).  Error *records* (``{"doc", "error"}``) are
data, not exceptions: every format renders them.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from .errors import Diagnostic, IedslError, did_you_mean
from .output_brat import write_brat
from .output_common import (
    Pairs,
    args_of,
    attrs_of,
    describe_ref,
    doc_id,
    error_of,
    events_of,
    format_value,
    text_field,
    trigger_of,
)
from .output_html import write_html

__all__ = [
    "CSV_HEADER",
    "FORMATS",
    "write_brat",
    "write_csv",
    "write_html",
    "write_jsonl",
    "write_output",
    "write_table",
]

FORMATS = ("jsonl", "csv", "tsv", "table", "html", "brat")

CSV_HEADER = (
    "doc", "event", "type", "trigger_start", "trigger_end", "trigger",
    "mode", "polarity", "modality", "rule",
    "role", "arg_start", "arg_end", "arg_text", "label", "id", "value",
)

def write_output(
    pairs: Pairs,
    fmt: str,
    out: TextIO | None,
    *,
    out_dir: Path | None = None,
    color: bool = False,
) -> None:
    """Write ``pairs`` in format ``fmt`` to ``out`` (stdout when None).

    ``brat`` writes files into ``out_dir`` instead and ignores ``out``; ``color`` only
    affects ``table``.  Usage errors are raised before the first pair is consumed, so
    a lazy pipeline behind ``pairs`` never starts work that cannot be written.
    """
    if fmt not in FORMATS:
        hint = did_you_mean(fmt, FORMATS) or f"formats: {', '.join(FORMATS)}"
        raise IedslError(Diagnostic("E901", f"unknown output format `{fmt}`", hint=hint))
    if fmt == "brat":
        if out_dir is None:
            raise IedslError(Diagnostic(
                "E901", "the brat format writes files and needs an output directory",
                hint="pass an output directory (out_dir)"))
        write_brat(pairs, Path(out_dir))
        return
    stream = sys.stdout if out is None else out
    if fmt == "jsonl":
        write_jsonl(pairs, stream)
    elif fmt in ("csv", "tsv"):
        write_csv(pairs, stream, delimiter="," if fmt == "csv" else "\t")
    elif fmt == "table":
        write_table(pairs, stream, color=color)
    else:
        write_html(pairs, stream)


# --------------------------------------------------------------------------- jsonl

def write_jsonl(pairs: Pairs, out: TextIO) -> None:
    """One compact JSON line per document, keys in record order.

    Byte-for-byte deterministic for the same records (no key sorting, no spaces,
    UTF-8 kept as is), so output files diff cleanly and can be compared by hash.
    """
    for record, _text in pairs:
        try:
            line = json.dumps(record, ensure_ascii=False, sort_keys=False,
                              separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise IedslError(Diagnostic(
                "E902", f"record for document `{doc_id(record)}` is not JSON: {exc}",
                hint="normalizers must return str, int, float, bool, None, list or dict",
            )) from exc
        out.write(line + "\n")


# ----------------------------------------------------------------------- csv / tsv

def _cell(value: Any) -> Any:
    """None becomes an empty cell; everything else is written as is."""
    return "" if value is None else value


def csv_rows(record: Mapping[str, Any]) -> Iterable[list[Any]]:
    """The rows of one record, in :data:`CSV_HEADER` order.

    Design choices (all rows have the full width, so the file stays rectangular):

    - one row per argument; an event without arguments gives one row whose
      argument columns are empty; a document without events gives one row with only
      ``doc`` filled, so every processed document is visible in the file;
    - ``event`` is the 0-based index of the event within its document;
    - ``value`` is the argument's value as is when it is a string, else its JSON;
      an argument without a value has an empty cell;
    - an error record gives one row: ``type`` = ``ERROR``, ``label`` = the error code
      and ``arg_text`` = the message (the same columns a reader already shows as
      "what" and "text"), every other column empty.
    """
    doc = doc_id(record)
    err = error_of(record)
    if err is not None:
        code, message = err
        row = [""] * len(CSV_HEADER)
        row[0], row[2], row[13], row[14] = doc, "ERROR", message, code
        yield row
        return
    events = events_of(record)
    if not events:
        yield [doc] + [""] * (len(CSV_HEADER) - 1)
        return
    for index, event in enumerate(events):
        trig, attrs = trigger_of(event), attrs_of(event)
        head = [
            doc, index, _cell(event.get("type")), _cell(trig.get("start")),
            _cell(trig.get("end")), text_field(trig), _cell(attrs.get("mode")),
            _cell(attrs.get("polarity")), _cell(attrs.get("modality")),
            _cell(event.get("rule")),
        ]
        args = args_of(event)
        if not args:
            yield head + [""] * 7
        for arg in args:
            value = format_value(arg["value"]) if "value" in arg else ""
            yield [
                *head, _cell(arg.get("role")), _cell(arg.get("start")), _cell(arg.get("end")),
                text_field(arg), _cell(arg.get("label")), _cell(arg.get("id")), value,
            ]


def write_csv(pairs: Pairs, out: TextIO, *, delimiter: str = ",") -> None:
    """Rows of :func:`csv_rows` under :data:`CSV_HEADER` (``delimiter="\\t"`` for tsv).

    Quoting follows the csv module's minimal dialect, so commas, tabs, quotes and line
    breaks inside document text survive a round trip through ``csv.reader``.  Lines end
    with ``\\n`` (what Unix tools expect); ``csv.reader`` accepts it, and a ``\\r`` inside
    a text is quoted, never mistaken for a line end.
    """
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for record, _text in pairs:
        writer.writerows(csv_rows(record))


# --------------------------------------------------------------------------- table

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PALETTE = ("32", "33", "34", "35", "36", "91", "92", "93", "94", "95", "96")


def _clean(text: str) -> str:
    """Make text safe for a terminal: control characters (ESC, C1, ...) become escapes.

    Document text is untrusted; printing a raw ESC would let it drive the terminal.
    """
    if text.isprintable():
        return text
    return "".join(
        _ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if unicodedata.category(ch) == "Cc" else ch
        for ch in text
    )


def _quote(text: str) -> str:
    """``"text"`` on one line, with quotes, backslashes and control characters escaped."""
    return '"' + _clean(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


class _Style:
    """ANSI styling that disappears entirely when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def role(self, role: str, text: str) -> str:
        """A role in a colour fixed by its name (crc32: stable across runs and processes)."""
        return self(text, _PALETTE[zlib.crc32(role.encode("utf-8")) % len(_PALETTE)])


def table_lines(record: Mapping[str, Any], *, color: bool = False) -> list[str]:
    """The human view of one record: a header line, then one line per event and argument.

    ::

        000_b6dab5eb842bb83d  2024-02-03  (1 event)
          ATTACK "strikes" [air, positive, asserted] (attack_active)
            authorizer: "Joe Biden" (person:joe_biden)
    """
    style = _Style(color)
    doc = _clean(doc_id(record))
    err = error_of(record)
    if err is not None:
        code, message = err
        return [f"{style(doc, '1')}: {style(f'error[{code}]', '1;31')}: {_clean(message)}"]
    events = events_of(record)
    date = record.get("date")
    count = f"({len(events)} event{'' if len(events) == 1 else 's'})"
    head = [style(doc, "1;4")] + ([_clean(str(date))] if date else []) + [style(count, "2")]
    lines = ["  ".join(head)]
    if not events:
        lines.append("  " + style("(no events)", "2"))
    for event in events:
        attrs = attrs_of(event)
        known = [str(attrs[k]) for k in ("mode", "polarity", "modality") if k in attrs]
        extra = [f"{k}={v}" for k, v in attrs.items() if k not in ("mode", "polarity", "modality")]
        line = f"  {style(_clean(str(event.get('type', '?'))), '1;35')} "
        line += style(_quote(text_field(trigger_of(event))), "1")
        if known or extra:
            line += " " + style(_clean(f"[{', '.join(known + extra)}]"), "2")
        if event.get("rule"):
            line += " " + style(_clean(f"({event['rule']})"), "2")
        lines.append(line)
        for arg in args_of(event):
            role = _clean(str(arg.get("role", "?")))
            ref = describe_ref(arg)
            arg_line = f"    {style.role(role, role + ':')} {_quote(text_field(arg))}"
            lines.append(arg_line + (f" ({_clean(ref)})" if ref else ""))
    return lines


def write_table(pairs: Pairs, out: TextIO, *, color: bool = False) -> None:
    """Print :func:`table_lines` per document, documents separated by a blank line."""
    for index, (record, _text) in enumerate(pairs):
        if index:
            out.write("\n")
        out.write("\n".join(table_lines(record, color=color)) + "\n")
