"""Plain-text views of an :class:`~iedsl.evaluate.EvalReport`.

Kept apart from the scoring so that the numbers can be trusted without reading the
layout code.  Both views are fixed-width so that they diff well between runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .evaluate import PRF, EvalReport, Finding, Scores

_LABEL = 28
_CONTEXT = 160  # characters kept on each side of a span inside a long sentence
_HEADER = (f"{'':<{_LABEL}}{'gold':>6}{'pred':>6}  |  {'P':>6}{'R':>7}{'F1':>7}"
           f"  |  {'P':>6}{'R':>7}{'F1':>7}")
_GROUPS = (f"{'':<{_LABEL}}{'':>12}  |  {'lenient (overlap)':<20}  |  {'exact (same span)':<20}")


def _row(label: str, lenient: PRF, exact: PRF) -> str:
    def triple(p: PRF) -> str:
        return f"{p.precision:>6.3f}{p.recall:>7.3f}{p.f1:>7.3f}"

    # gold/pred counts are the same under both criteria; only matches differ
    return (f"{label:<{_LABEL}}{lenient.n_gold:>6}{lenient.n_pred:>6}"
            f"  |  {triple(lenient)}  |  {triple(exact)}")


def _section(title: str, rows: Sequence[str]) -> list[str]:
    return [title, _GROUPS, _HEADER, *rows, ""]


def render_table(report: EvalReport) -> str:
    """Overall, per-type and per-role P/R/F1 (lenient and exact) and attribute accuracy."""
    len_s, ex_s = report.lenient, report.exact
    names = {"ti": "TI trigger identification", "tc": "TC trigger classification",
             "ai": "AI argument identification", "ac": "AC argument classification"}
    out = _section(f"Overall ({report.n_docs} gold documents, micro-averaged)",
                   [_row(names[m], getattr(len_s, m), getattr(ex_s, m))
                    for m in ("ti", "tc", "ai", "ac")])
    out += _section("By event type", [
        _row(f"{etype} {m.upper()}", ms[m], ex_s.by_type[etype][m])
        for etype, ms in len_s.by_type.items() for m in ("ti", "tc", "ai", "ac")])
    out += _section("By role (gold role for recall, predicted role for precision)", [
        _row(f"{role} {m.upper()}", ms[m], ex_s.by_role[role][m])
        for role, ms in len_s.by_role.items() for m in ("ai", "ac")])
    out += _attr_lines(len_s, ex_s)
    if report.unscored_docs:
        out.append("Documents without gold (predictions counted as false alarms): "
                   + ", ".join(report.unscored_docs))
    out += [f"warning: {w}" for w in report.warnings]
    return "\n".join(out).rstrip() + "\n"


def _attr_lines(len_s: Scores, ex_s: Scores) -> list[str]:
    def cell(correct: int, total: int) -> str:
        acc = f"{correct / total:.3f}" if total else "  -  "
        return f"{f'{correct}/{total}':>9} {acc:>6}"

    lines = ["Attribute accuracy over TC-matched events",
             f"{'':<{_LABEL}}{'lenient':>16}  |  {'exact':>16}"]
    for name, (c, n) in len_s.attrs.items():
        lines.append(f"{name:<{_LABEL}}{cell(c, n):>16}  |  {cell(*ex_s.attrs[name]):>16}")
    return [*lines, ""]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)``: out to the nearest newline or ``'. '``."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo = max(text.rfind("\n", 0, start) + 1, _after_stop(text, start))
    nl, stop = text.find("\n", end), text.find(". ", end)
    hi = min(i for i in (nl, stop + 1 if stop >= 0 else -1, len(text)) if i >= 0)
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, max(hi, end)


def _after_stop(text: str, start: int) -> int:
    i = text.rfind(". ", 0, start)
    return i + 2 if i >= 0 else 0


def mark_span(text: str, start: int, end: int) -> str:
    """The sentence holding the span, with the span written ``[[like this]]``."""
    lo, hi = sentence_bounds(text, start, end)
    left, right = text[lo:start], text[end:hi].rstrip()
    if len(left) > _CONTEXT:
        left = "…" + left[-_CONTEXT:]
    if len(right) > _CONTEXT:
        right = right[:_CONTEXT] + "…"
    return f"{left}[[{text[start:end]}]]{right}"


def _finding_lines(f: Finding, texts: Mapping[str, str] | None) -> list[str]:
    what = f.event_type if f.role is None else f"{f.event_type}/{f.role}"
    text = f.text
    doc_text = texts.get(f.doc) if texts is not None else None
    if doc_text is not None and f.end <= len(doc_text):
        text = doc_text[f.start:f.end]
    head = f"  {f.doc}  {f.kind:<8}  {what:<24} {f.start}-{f.end} {text!r}: {f.reason}"
    if doc_text is None:
        return [head]
    return [head, f"      {mark_span(doc_text, f.start, f.end)}"]


def render_findings(report: EvalReport, texts: Mapping[str, str] | None = None,
                    limit: int | None = None) -> str:
    """Misses then false alarms, each with its reason and (given texts) its sentence."""
    out: list[str] = []
    for title, items in (("Misses", report.misses), ("False alarms", report.false_alarms)):
        shown = items if limit is None else items[:max(0, limit)]
        out.append(f"{title} ({len(items)}):")
        for f in shown:
            out += _finding_lines(f, texts)
        if len(shown) < len(items):
            out.append(f"  ... and {len(items) - len(shown)} more")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
