"""The terminal view of :func:`iedsl.explain.explain_text`'s report.

Kept apart from the analysis so that ``--json`` and the text view show the same
facts: this module only lays them out.  Document text is untrusted, so every piece
of it goes through the table writer's control-character escaping.
"""

from __future__ import annotations

from typing import Any

from .output import _clean

_MARK = {"taken": "+", "rejected": "-", "accepted": "~", "not taken": "~"}


def render_explanation(report: dict[str, Any], *, tokens: bool = True) -> str:
    """Sentences and tokens, mentions, each rule's verdict with its evidence, frames."""
    out: list[str] = []
    sents = report["sentences"]
    date = f", date {report['date']}" if report.get("date") else ""
    out.append(f"Text: {len(sents)} sentence{'s' if len(sents) != 1 else ''}, "
               f"{sum(len(s['tokens']) for s in sents)} tokens{date}")
    if tokens:
        for s in sents:
            toks = " | ".join(_clean(t) for t in s["tokens"])
            out.append(f"  [{s['index']}] {s['start']}-{s['end']}  {toks}")
    out.append("")
    _mentions(report, out)
    for rule in report["rules"]:
        _rule(rule, out)
    frames = report["frames"]
    out.append(f"Frames ({len(frames)})")
    for f in frames:
        out.append(f"  {_clean(f['summary'])}  ({f['rule']})")
    if not frames:
        out.append("  (none)")
    return "\n".join(out).rstrip() + "\n"


def _q(text: str) -> str:
    return '"' + _clean(text) + '"'


def _mentions(report: dict[str, Any], out: list[str]) -> None:
    ments, dropped = report["mentions"], report["discarded_mentions"]
    guarded = sum(1 for m in dropped if "guard" in m)
    out.append(f"Mentions ({len(ments)} kept, {len(dropped) - guarded} discarded by overlap "
               f"policies, {guarded} by guards)" if guarded else
               f"Mentions ({len(ments)} kept, {len(dropped)} discarded by overlap policies)")
    for m in ments:
        extra = f" id={m['id']}" if m.get("id") else ""
        if m.get("value") is not None:
            extra += f" value={m['value']}"
        out.append(f"  [{m['sentence']}] {m['label']} {_q(m['text'])} {m['start']}-{m['end']}"
                   f"{extra}  <- {m['rule']}")
    for m in dropped:
        if "guard" in m:
            out.append(f"  [{m['sentence']}] dropped {m['label']} {_q(m['text'])} "
                       f"{m['start']}-{m['end']} ({m['rule']}): its `{m['guard']}` guard "
                       "matched")
            continue
        w = m["winner"]
        out.append(f"  [{m['sentence']}] discarded {m['label']} {_q(m['text'])} "
                   f"{m['start']}-{m['end']} ({m['rule']}): overlaps {_q(w['text'])} "
                   f"({w['rule']}), policy `{m['policy']}`")
    out.append("")


def _rule(rule: dict[str, Any], out: list[str]) -> None:
    out.append(f"Rule {rule['rule']} ({rule['event']}, {rule['where']}): {rule['verdict']}")
    out.append(f"  trigger = {rule['trigger']}")
    for t in rule["triggers"]:
        head = (f"  trigger {_q(t['text'])} {t['start']}-{t['end']} "
                f"[sentence {t['sentence']}]: ")
        if t["outcome"] == "frame":
            out.append(head + _clean(t["frame"]))
        else:
            out.append(head + "NO FRAME: " + t["reason"])
        for c in t["clauses"]:
            out.append(f"    {c['clause']}")
            if c.get("note"):
                out.append(f"      ({c['note']})")
            for cand in c["candidates"]:
                label = f" {cand['label']}" if cand.get("label") else ""
                why = f": {cand['reason']}" if cand.get("reason") else ""
                note = f" ({cand['note']})" if cand.get("note") else ""
                out.append(f"      {_MARK[cand['status']]} {_q(cand['text'])} "
                           f"{cand['start']}-{cand['end']}{label} {cand['status']}{why}{note}")
        if t["outcome"] == "frame":
            for a in t["attributes"]:
                out.append(f"    {a['attr']}={a['value']}: {a['source']}")
    near = rule.get("near")
    if near is not None:
        _near(rule, near, out)
    out.append("")


def _near(rule: dict[str, Any], near: dict[str, Any], out: list[str]) -> None:
    if near["pieces"]:
        out.append("  parts of the trigger occur, but the whole pattern does not match:")
        for p in near["pieces"]:
            out.append(f"    {_q(p['text'])} {p['start']}-{p['end']} [sentence {p['sentence']}]"
                       f" is {p['atom']}")
    if near["similar"]:
        out.append("  words spelled like its trigger terms:")
        for s in near["similar"]:
            out.append(f"    {_q(s['text'])} {s['start']}-{s['end']} [sentence {s['sentence']}]"
                       f" ~ {_q(s['like'])}")
    if near["other_triggers"]:
        out.append("  triggers of other rules that matched:")
        for o in near["other_triggers"]:
            out.append(f"    {_q(o['text'])} {o['start']}-{o['end']} [sentence {o['sentence']}]"
                       f" -> {o['event']} by rule {o['rule']}")
    if not (near["pieces"] or near["similar"] or near["other_triggers"]):
        out.append("  nothing in the text resembles its trigger terms")
