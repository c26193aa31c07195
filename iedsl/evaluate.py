"""Scoring of predicted event frames against gold annotations (``iedsl eval``).

This implements the "Scoring" section of EVENTS.md.  Every score is computed twice,
once with *lenient* span matching (the spans share at least one character) and once
with *exact* matching (identical start and end); empty spans never match.  The
levels are trigger identification (TI), trigger classification (TC), argument
identification (AI), argument classification (AC), and the accuracy of the ``mode``,
``polarity`` and ``modality`` attributes over TC-matched events.  Precision, recall
and F1 are micro-averaged over all documents: we keep counts, not ratios, so that
documents simply add up.

Matching choices the spec leaves open, and why:

* Assignments are one-to-one and greedy within a document, *best overlap first*:
  candidate (gold, predicted) pairs are taken by overlap length (descending), then by
  boundary distance ``|Δstart| + |Δend|`` (so an exact match beats an equally long
  sloppy one), then by the position of both items in a canonical order (sorted by
  offsets and content).  Input order therefore never changes a score.
* Classification is matched first and identification extends it.  TC is its own
  greedy assignment restricted to same-type pairs; TI starts from the TC pairs and
  then greedily pairs the remaining events regardless of type.  Had TI been matched
  type-blind first and TC taken as "TI pairs of the same type", a prediction that
  overlaps a wrong-type gold trigger a little more than the right one would be
  penalised in TC for a tie of geometry; had the two been matched independently,
  TC could exceed TI and a "wrong type" finding could point at the wrong pair.  With
  this order TC pairs are exactly the TI pairs of the same type, so TC <= TI holds
  and every TI pair with different types is reported as a type error.
* Arguments are matched the same way (AC first, AI extends it) between the arguments
  of each TC-matched pair of events.  Precision's denominator is every predicted
  argument (of matched and unmatched events alike), recall's every gold argument.
* Breakdowns per event type and per role credit a matched gold item to its own
  type/role (recall) and a matched prediction to *its* type/role (precision), which
  differ for TI by type and AI by role; :class:`PRF` therefore keeps two numerators.
* A ratio with a zero denominator is 1.0 when there was nothing to find and nothing
  was predicted (a vacuous success) and 0.0 otherwise.
* Findings (misses and false alarms with a reason) are taken from the lenient run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from . import evaluate_render
from .evaluate_input import Arg, Event, collect_docs, load_jsonl

__all__ = ["ATTRIBUTES", "PRF", "EvalReport", "Finding", "Scores", "evaluate", "load_jsonl"]

ATTRIBUTES: tuple[str, ...] = ("mode", "polarity", "modality")
METRICS: tuple[str, ...] = ("ti", "tc", "ai", "ac")
FindingKind = Literal["trigger", "argument"]


@dataclass(frozen=True, slots=True)
class PRF:
    """The counts behind one precision/recall/F1 triple.

    ``tp`` is the number of matched gold items (recall's numerator) and ``tp_pred``
    the number of matched predictions (precision's numerator; ``-1`` means "same as
    ``tp``").  They differ only in per-type TI and per-role AI breakdowns.
    """

    tp: int
    n_pred: int
    n_gold: int
    tp_pred: int = -1

    def __post_init__(self) -> None:
        if self.tp_pred < 0:
            object.__setattr__(self, "tp_pred", self.tp)

    @property
    def precision(self) -> float:
        return _ratio(self.tp_pred, self.n_pred, vacuous=self.n_gold == 0)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.n_gold, vacuous=self.n_pred == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "tp_pred": self.tp_pred, "n_pred": self.n_pred,
                "n_gold": self.n_gold, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


def _ratio(num: int, den: int, *, vacuous: bool) -> float:
    if den:
        return num / den
    return 1.0 if vacuous else 0.0


@dataclass(frozen=True, slots=True)
class Scores:
    """All scores under one span criterion (lenient or exact).

    ``by_type[event_type][metric]`` holds ti/tc/ai/ac, ``by_role[role][metric]`` ai/ac;
    ``attrs[name]`` is ``(correct, total)`` over TC-matched events whose gold event
    has that attribute.
    """

    ti: PRF
    tc: PRF
    ai: PRF
    ac: PRF
    by_type: dict[str, dict[str, PRF]]
    by_role: dict[str, dict[str, PRF]]
    attrs: dict[str, tuple[int, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            **{m: getattr(self, m).to_dict() for m in METRICS},
            "by_type": {t: {m: p.to_dict() for m, p in ms.items()}
                        for t, ms in self.by_type.items()},
            "by_role": {r: {m: p.to_dict() for m, p in ms.items()}
                        for r, ms in self.by_role.items()},
            "attrs": {a: {"correct": c, "total": n, "accuracy": _ratio(c, n, vacuous=True)}
                      for a, (c, n) in self.attrs.items()},
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One gold item that was not found (miss) or one prediction that was wrong.

    ``role`` is None for triggers; ``reason`` says in a few words what went wrong, so
    that a rule writer knows whether to fix a span, a type, a role or a whole rule.
    """

    doc: str
    kind: FindingKind
    event_type: str
    role: str | None
    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "kind": self.kind, "event_type": self.event_type,
                "role": self.role, "start": self.start, "end": self.end,
                "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class EvalReport:
    """The result of :func:`evaluate`: both score sets, findings and input warnings.

    ``unscored_docs`` are documents that only the predictions mention; their events
    count as false alarms.  ``warnings`` explain such things in words.
    """

    lenient: Scores
    exact: Scores
    misses: tuple[Finding, ...]
    false_alarms: tuple[Finding, ...]
    n_docs: int = 0
    unscored_docs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"n_docs": self.n_docs, "lenient": self.lenient.to_dict(),
                "exact": self.exact.to_dict(),
                "misses": [f.to_dict() for f in self.misses],
                "false_alarms": [f.to_dict() for f in self.false_alarms],
                "unscored_docs": list(self.unscored_docs), "warnings": list(self.warnings)}

    def render_table(self) -> str:
        """A fixed-width table: overall, per type, per role, attribute accuracy."""
        return evaluate_render.render_table(self)

    def render_findings(self, texts: Mapping[str, str] | None = None,
                        limit: int | None = None) -> str:
        """Misses and false alarms, each in its sentence with the span as ``[[..]]``.

        ``texts`` maps doc ids to document text; ``limit`` caps each of the two lists.
        """
        return evaluate_render.render_findings(self, texts, limit)


# ---------------------------------------------------------------- matching


def _overlap(a: Arg | Event, b: Arg | Event, exact: bool) -> int:
    if exact:
        return a.end - a.start if (a.start, a.end) == (b.start, b.end) else 0
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _assign(gold: Sequence[Arg | Event], pred: Sequence[Arg | Event],
            labels: tuple[Sequence[str], Sequence[str]],
            exact: bool) -> tuple[dict[int, int], dict[int, int]]:
    """Greedy one-to-one matching: (same-label pairs, all pairs), gold index -> pred."""
    cands: list[tuple[int, int, int, int, bool]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = _overlap(g, p, exact)
            if ov > 0:
                dist = abs(g.start - p.start) + abs(g.end - p.end)
                cands.append((-ov, dist, gi, pi, labels[0][gi] == labels[1][pi]))
    cands.sort()
    same = _take((c for c in cands if c[4]), {})
    return same, _take(cands, dict(same))


def _take(cands: Iterable[tuple[int, int, int, int, bool]],
          matched: dict[int, int]) -> dict[int, int]:
    used = set(matched.values())
    for _, _, gi, pi, _ in cands:
        if gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    return matched


_TP, _TP_PRED, _N_PRED, _N_GOLD = range(4)  # slots of a _Tally counter


class _Tally:
    """Mutable counters keyed (metric, group, key) -> [tp, tp_pred, n_pred, n_gold]."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0] * 4)
        self.attrs: dict[str, list[int]] = {a: [0, 0] for a in ATTRIBUTES}

    def add(self, metrics: Sequence[str], slot: int, etype: str, role: str | None) -> None:
        for m in metrics:
            self.counts[m, "all", ""][slot] += 1
            self.counts[m, "type", etype][slot] += 1
            if role is not None:
                self.counts[m, "role", role][slot] += 1

    def hit(self, metric: str, gold: tuple[str, str | None], pred: tuple[str, str | None]) -> None:
        self.counts[metric, "all", ""][_TP] += 1
        self.counts[metric, "all", ""][_TP_PRED] += 1
        for slot, (etype, role) in ((_TP, gold), (_TP_PRED, pred)):
            self.counts[metric, "type", etype][slot] += 1
            if role is not None:
                self.counts[metric, "role", role][slot] += 1

    def freeze(self) -> Scores:
        def prf(metric: str, group: str, key: str) -> PRF:
            tp, tp_pred, n_pred, n_gold = self.counts.get((metric, group, key), [0] * 4)
            return PRF(tp, n_pred, n_gold, tp_pred)

        def keys(group: str) -> list[str]:
            return sorted({k for (_, g, k) in self.counts if g == group})

        ti, tc, ai, ac = (prf(m, "all", "") for m in METRICS)
        return Scores(ti, tc, ai, ac,
                      by_type={t: {m: prf(m, "type", t) for m in METRICS}
                               for t in keys("type")},
                      by_role={r: {m: prf(m, "role", r) for m in ("ai", "ac")}
                               for r in keys("role")},
                      attrs={a: (c, n) for a, (c, n) in self.attrs.items()})


@dataclass(slots=True)
class _Findings:
    misses: list[Finding] = field(default_factory=list)
    false_alarms: list[Finding] = field(default_factory=list)


def _score_doc(doc: str, gold: list[Event], pred: list[Event], exact: bool,
               tally: _Tally, out: _Findings | None) -> None:
    for side, events in ((_N_GOLD, gold), (_N_PRED, pred)):
        for e in events:
            tally.add(("ti", "tc"), side, e.type, None)
            for a in e.args:
                tally.add(("ai", "ac"), side, e.type, a.role)
    tc, ti = _assign(gold, pred, ([e.type for e in gold], [e.type for e in pred]), exact)
    for gi, pi in ti.items():
        g, p = gold[gi], pred[pi]
        tally.hit("ti", (g.type, None), (p.type, None))
        if gi in tc:
            tally.hit("tc", (g.type, None), (p.type, None))
            _score_attrs(g, p, tally)
    arg_pairs: dict[int, tuple[dict[int, int], dict[int, int]]] = {}
    for gi, pi in tc.items():
        g, p = gold[gi], pred[pi]
        roles = ([a.role for a in g.args], [a.role for a in p.args])
        ac, ai = _assign(g.args, p.args, roles, exact)
        arg_pairs[gi] = (ac, ai)
        for ga, pa in ai.items():
            g_arg, p_arg = g.args[ga], p.args[pa]
            tally.hit("ai", (g.type, g_arg.role), (p.type, p_arg.role))
            if ga in ac:
                tally.hit("ac", (g.type, g_arg.role), (p.type, p_arg.role))
    if out is not None:
        _find(doc, gold, pred, tc, ti, arg_pairs, out)


def _score_attrs(gold: Event, pred: Event, tally: _Tally) -> None:
    pred_attrs = dict(pred.attrs)
    for name, value in gold.attrs:
        if name in tally.attrs:
            tally.attrs[name][1] += 1
            tally.attrs[name][0] += int(pred_attrs.get(name) == value)


def _find(doc: str, gold: list[Event], pred: list[Event], tc: dict[int, int],
          ti: dict[int, int], arg_pairs: dict[int, tuple[dict[int, int], dict[int, int]]],
          out: _Findings) -> None:
    """Record every unmatched item (lenient run) with the reason it did not match."""
    tc_pred = {pi: gi for gi, pi in tc.items()}
    ti_pred = {pi: gi for gi, pi in ti.items()}

    def trig(e: Event, reason: str) -> Finding:
        return Finding(doc, "trigger", e.type, None, e.start, e.end, e.text, reason)

    def arg(e: Event, a: Arg, reason: str) -> Finding:
        return Finding(doc, "argument", e.type, a.role, a.start, a.end, a.text, reason)

    for gi, g in enumerate(gold):
        if gi in tc:
            continue
        if gi in ti:
            reason = f"wrong type: predicted {pred[ti[gi]].type}"
        elif any(_overlap(g, p, False) for p in pred):
            reason = "overlapping prediction matched another gold event"
        else:
            reason = "not found"
        out.misses.append(trig(g, reason))
        why = "its event got the wrong type" if gi in ti else "its event was not found"
        out.misses.extend(arg(g, a, why) for a in g.args)
    for pi, p in enumerate(pred):
        if pi in tc_pred:
            continue
        if pi in ti_pred:
            reason = f"wrong type: gold is {gold[ti_pred[pi]].type}"
        elif any(_overlap(g, p, False) for g in gold):
            reason = "duplicate: the gold event is already matched"
        else:
            reason = "no gold event here"
        out.false_alarms.append(trig(p, reason))
        why = "its event has the wrong type" if pi in ti_pred else "its event is a false alarm"
        out.false_alarms.extend(arg(p, a, why) for a in p.args)
    for gi, (ac, ai) in arg_pairs.items():
        g, p = gold[gi], pred[tc[gi]]
        ai_pred = {pa: ga for ga, pa in ai.items()}
        for ga, g_arg in enumerate(g.args):
            if ga not in ac:
                reason = (f"wrong role: predicted {p.args[ai[ga]].role}" if ga in ai
                          else "not found")
                out.misses.append(arg(g, g_arg, reason))
        for pa, p_arg in enumerate(p.args):
            if pa not in ai_pred:
                reason = ("duplicate: the gold argument is already matched"
                          if any(_overlap(a, p_arg, False) for a in g.args)
                          else "no gold argument here")
                out.false_alarms.append(arg(p, p_arg, reason))
            elif ai_pred[pa] not in ac:
                reason = f"wrong role: gold is {g.args[ai_pred[pa]].role}"
                out.false_alarms.append(arg(p, p_arg, reason))


# ---------------------------------------------------------------- entry point


def _finding_key(f: Finding) -> tuple[str, int, int, str, str, str, str, str]:
    return (f.doc, f.start, f.end, f.kind, f.event_type, f.role or "", f.reason, f.text)


def evaluate(gold: Iterable[Mapping[str, Any]],
             pred: Iterable[Mapping[str, Any]]) -> EvalReport:
    """Score predicted records against gold records (see the module docstring).

    Both are JSON-Lines records as read by :func:`load_jsonl`.  Gold documents that
    have no prediction count as predicting nothing; prediction-only documents count
    all their events as false alarms and are listed in ``unscored_docs``.
    Raises :class:`~iedsl.errors.RuleFileError` (E311) for a malformed record.
    """
    warnings: list[str] = []
    gold_docs = collect_docs(gold, "gold", warnings)
    pred_docs = collect_docs(pred, "prediction", warnings)
    unscored = tuple(sorted(set(pred_docs) - set(gold_docs)))
    for doc in unscored:
        warnings.append(f"prediction doc {doc!r} has no gold; its "
                        f"{len(pred_docs[doc])} events count as false alarms")
    findings = _Findings()
    scores = []
    for exact in (False, True):
        tally = _Tally()
        for doc in sorted(set(gold_docs) | set(pred_docs)):
            _score_doc(doc, gold_docs.get(doc, []), pred_docs.get(doc, []), exact, tally,
                       None if exact else findings)
        scores.append(tally.freeze())
    return EvalReport(scores[0], scores[1],
                      misses=tuple(sorted(findings.misses, key=_finding_key)),
                      false_alarms=tuple(sorted(findings.false_alarms, key=_finding_key)),
                      n_docs=len(gold_docs), unscored_docs=unscored,
                      warnings=tuple(sorted(set(warnings))))
