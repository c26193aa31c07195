"""``iedsl stats``: what every rule does over a corpus, and ``extract --profile``'s report.

Entry points: :class:`StatsTask` (runs one document; picklable, so ``-j`` works),
:func:`summarize` (adds the per-document counts up, scores each rule against gold)
and :func:`render_stats` / :func:`render_profile` (the terminal views).

Counted per entity rule: mentions kept, and mentions its label's overlap policy
discarded (with the rules whose mentions won).  Per event rule: trigger matches,
frames made, frames kept, frames discarded when overlapping frames of one type
compete (and to which rules), and why the others failed (the required role left
empty, the predicate that said no).  Every sentence is examined, not only those a
trigger gates, so that an entity rule that never matches anything shows up as such.
With gold, each event rule's frames are scored alone with :func:`iedsl.evaluate.evaluate`:
its precision is the share of its frames that match a gold event of the same type.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .corpus import Document
from .engine import Engine, iter_sentences
from .errors import IedslError
from .results import Frame
from .scan import DEFAULT_REGEX_TIMEOUT


@dataclass(slots=True)
class DocStats:
    """Counts from one document (or, added up, from a corpus)."""

    doc: str
    error: str | None = None
    size: int = 0                                                # bytes, for progress
    mentions: Counter[str] = field(default_factory=Counter)      # entity rule -> kept
    discarded: Counter[tuple[str, str]] = field(default_factory=Counter)  # (loser, winner)
    triggers: Counter[str] = field(default_factory=Counter)      # event rule -> matches
    fired: Counter[str] = field(default_factory=Counter)         # frames made
    kept: Counter[str] = field(default_factory=Counter)          # frames that survived
    lost: Counter[tuple[str, str]] = field(default_factory=Counter)       # (loser, winner)
    missing: Counter[tuple[str, str]] = field(default_factory=Counter)    # (rule, role)
    refused: Counter[tuple[str, str]] = field(default_factory=Counter)    # (rule, predicate)
    events: list[dict[str, Any]] = field(default_factory=list)   # output events, for gold

    def add(self, other: DocStats) -> None:
        for name in ("mentions", "discarded", "triggers", "fired", "kept", "lost", "missing",
                     "refused"):
            getattr(self, name).update(getattr(other, name))


@dataclass(frozen=True, slots=True)
class StatsTask:
    """Count what the rules do in one document (run by :func:`iedsl.parallel.run_documents`)."""

    doc_date: dt.date | None = None
    regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT

    def __call__(self, engine: Engine, doc: Document) -> DocStats:
        from .assemble import assemble_frames

        out = DocStats(doc.id, size=doc.size)
        try:
            if doc.error is not None:
                out.error = f"{doc.error[0]}: {doc.error[1]}"
                return out
            data = doc.load()
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            program = engine.program
            trace: list[dict[str, Any]] = []
            frames: list[Frame] = []
            _, _, _, contexts = iter_sentences(program, text, doc_date=doc.date or self.doc_date,
                                               all_sentences=True,
                                               regex_timeout=self.regex_timeout)
            for ctx in contexts:
                for label, found in ctx.found.items():
                    kept = ctx.mentions[label]
                    out.mentions.update(m.rule for m in kept)
                    keep = {id(m) for m in kept}   # values may be dicts: not hashable
                    for m, _ in found:
                        if id(m) not in keep:
                            win = next((k.rule for k in kept
                                        if k.start < m.end and m.start < k.end), "?")
                            out.discarded[(m.rule, win)] += 1
                frames += assemble_frames(ctx, trace=trace.append)
        except UnicodeDecodeError as exc:
            out.error = f"D001: cannot decode as UTF-8: {exc.reason} at byte {exc.start}"
            return out
        except IedslError as exc:
            out.error = f"{exc.code}: {exc.diagnostics[0].message}"
            return out
        _count(out, trace, frames)
        out.events = [f.to_dict() for f in frames]
        return out


def _count(out: DocStats, trace: list[dict[str, Any]], frames: list[Frame]) -> None:
    kept = {id(f) for f in frames}   # resolve_frames keeps the traced objects themselves
    for ev in trace:
        kind, rule = ev["kind"], ev["rule"]
        if kind == "trigger":
            out.triggers[rule] += 1
            made = ev["frame"]
            if made is None:
                continue
            out.fired[rule] += 1
            if id(made) in kept:
                out.kept[rule] += 1
            else:
                win = next((f.rule for f in frames if f.type == made.type
                            and f.trigger_start < made.trigger_end
                            and made.trigger_start < f.trigger_end), "?")
                out.lost[(rule, win)] += 1
        elif kind == "missing":
            out.missing[(rule, ev["role"])] += 1
        elif kind == "require":
            out.refused[(rule, ev["predicate"])] += 1


def summarize(engine: Engine, results: Iterable[DocStats],
              gold: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Add the documents up into the JSON-ready report that :func:`render_stats` shows."""
    total = DocStats("*")
    failed: list[dict[str, str]] = []
    events: dict[str, list[dict[str, Any]]] = {}
    n_docs = 0
    for ds in results:
        n_docs += 1
        if ds.error is not None:
            failed.append({"doc": ds.doc, "error": ds.error})
            continue
        total.add(ds)
        events[ds.doc] = ds.events
    program = engine.program
    entities = []
    for e in program.entities:
        lost_to = {w: n for (loser, w), n in total.discarded.items() if loser == e.name}
        entities.append({"rule": e.name, "label": e.label,
                         "policy": program.labels[e.label].policy,
                         "mentions": total.mentions[e.name],
                         "discarded": sum(lost_to.values()), "lost_to": lost_to})
    rules = []
    for r in program.rules:
        lost_to = {w: n for (loser, w), n in total.lost.items() if loser == r.name}
        rules.append({
            "rule": r.name, "event": r.event, "where": r.where,
            "triggers": total.triggers[r.name], "fired": total.fired[r.name],
            "frames": total.kept[r.name], "discarded": sum(lost_to.values()),
            "lost_to": lost_to,
            "missing": {role: n for (rule, role), n in total.missing.items() if rule == r.name},
            "refused": {p: n for (rule, p), n in total.refused.items() if rule == r.name},
        })
    if gold is not None:
        _precision(rules, events, gold)
    return {
        "documents": n_docs, "failed": failed, "entities": entities, "rules": rules,
        "never_fire": [r["rule"] for r in rules if not r["frames"]],
        "never_match": [e["rule"] for e in entities if not e["mentions"]],
    }


def _precision(rules: list[dict[str, Any]], events: dict[str, list[dict[str, Any]]],
               gold: Sequence[Mapping[str, Any]]) -> None:
    """Score each rule's frames alone against the gold of the documents that were run."""
    from .evaluate import evaluate

    gold_here = [g for g in gold if g.get("doc") in events]
    for r in rules:
        pred = [{"doc": d, "events": [e for e in evs if e.get("rule") == r["rule"]]}
                for d, evs in events.items()]
        report = evaluate(gold_here, pred)
        tc, ac = report.lenient.tc, report.lenient.ac
        r["precision"] = {"tc": tc.precision, "tc_matched": tc.tp_pred, "frames": tc.n_pred,
                          "ac": ac.precision, "ac_matched": ac.tp_pred, "args": ac.n_pred}


def _counts(d: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1]))


def render_stats(report: Mapping[str, Any]) -> str:
    """The terminal view: event rules, entity rules, rules that never fire, failures."""
    out = [f"{report['documents']} documents, {len(report['failed'])} failed", ""]
    has_p = any("precision" in r for r in report["rules"])
    head = f"{'event rule':<32}{'type':<12}{'triggers':>9}{'fired':>7}{'frames':>8}{'lost':>6}"
    out.append(head + (f"{'P(TC)':>8}{'P(AC)':>8}" if has_p else ""))
    for r in report["rules"]:
        line = (f"{r['rule']:<32}{r['event']:<12}{r['triggers']:>9}{r['fired']:>7}"
                f"{r['frames']:>8}{r['discarded']:>6}")
        if "precision" in r:
            p = r["precision"]
            line += (f"{p['tc']:>8.3f}" if p["frames"] else f"{'-':>8}")
            line += (f"{p['ac']:>8.3f}" if p["args"] else f"{'-':>8}")
        out.append(line)
        for what, d in (("lost to", r["lost_to"]), ("required role empty", r["missing"]),
                        ("predicate said no", r["refused"])):
            if d:
                out.append(f"    {what}: {_counts(d)}")
    out += ["", f"{'entity rule':<48}{'policy':<10}{'mentions':>9}{'discarded':>10}"]
    for e in report["entities"]:
        out.append(f"{e['rule']:<48}{e['policy']:<10}{e['mentions']:>9}{e['discarded']:>10}")
        if e["lost_to"]:
            out.append(f"    lost to: {_counts(e['lost_to'])}")
    out.append("")
    out.append("Event rules that never fired: " + (", ".join(report["never_fire"]) or "none"))
    out.append("Entity rules that never matched: "
               + (", ".join(report["never_match"]) or "none"))
    for f in report["failed"]:
        out.append(f"failed: {f['doc']}: {f['error']}")
    return "\n".join(out) + "\n"


def render_profile(rule_seconds: Mapping[str, float], rule_frames: Mapping[str, int],
                   total: float, n_docs: int) -> str:
    """``extract --profile``: where the time went, slowest rule first."""
    from .speedups import native

    in_rules = sum(rule_seconds.values())
    out = [f"profile: {n_docs} documents, {total:.3f} s processing "
           f"({in_rules:.3f} s in event rules; C loops "
           f"{'on' if native is not None else 'off: pure Python'})",
           f"  {'rule':<32}{'seconds':>10}{'share':>8}{'frames':>8}"]
    for rule, secs in sorted(rule_seconds.items(), key=lambda kv: -kv[1]):
        share = secs / total * 100 if total else 0.0
        out.append(f"  {rule:<32}{secs:>10.4f}{share:>7.1f}%{rule_frames.get(rule, 0):>8}")
    rest = max(0.0, total - in_rules)
    share = rest / total * 100 if total else 0.0
    out.append(f"  {'(scan, sentences, entities)':<32}{rest:>10.4f}{share:>7.1f}%")
    return "\n".join(out)
