"""``iedsl explain``: what the engine saw in one text, and why each rule did or did not fire.

Entry point: :func:`explain_text`, which returns plain JSON-ready data (``--json``
prints it as is); :mod:`iedsl.explain_render` turns it into the terminal view.

It is built on the assemble stage's trace hook, so it reports the engine's own
decisions rather than re-deriving them: for every trigger match of every rule, the
candidates of each role clause with the reason the engine gave for rejecting them,
the required role that stayed empty or the predicate that said no, and whether the
frame survived the competition between overlapping frames.  When a rule's trigger
never matched, it says so and shows what came close: pieces of the trigger found in
the text, words spelled like its terms, and the triggers of other rules that did
match.

All sentences are examined (no trigger gating), which shows every mention and gives
the same frames as ``extract``: gating only skips sentences where no trigger can match.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from .engine import Engine, iter_sentences
from .errors import Diagnostic, IedslError, did_you_mean
from .examples import describe_frame
from .fold import fold_full
from .patterns import Alt, Atom, Cap, Node, Rep, Seq
from .program import Program, RuleDef, value_entries
from .results import Frame, Mention
from .sentence import SentenceContext
from .text import tokenize

#: At most this many similar words are suggested for a trigger that never matched.
MAX_SUGGESTIONS = 8
_VOCAB_LIMIT = 50_000   # beyond this, similar-word search would be slow: skip it


def explain_text(engine: Engine, text: str, *, rule: str | None = None,
                 doc_date: dt.date | None = None) -> dict[str, Any]:
    """Sentences, tokens, mentions, per-rule trigger decisions and frames of ``text``.

    ``rule`` keeps one event rule, every rule of an event type, or the mentions of one
    label; an unknown name raises :class:`IedslError` (E930) with a suggestion.
    """
    program = engine.program
    rules, label = _select(program, rule)
    events: list[dict[str, Any]] = []
    date, sentences, hits, contexts = iter_sentences(program, text, doc_date=doc_date,
                                                     all_sentences=True)
    from .assemble import assemble_frames

    kept: list[Mention] = []
    dropped: list[dict[str, Any]] = []
    frames: list[Frame] = []
    for ctx in contexts:
        kept += [m for lab in program.label_order for m in ctx.mentions[lab]]
        dropped += _discarded(ctx)
        frames += assemble_frames(ctx, trace=events.append)
    kept.sort(key=lambda m: (m.start, m.end, m.label))
    starts = [s.start for s in sentences]

    def sentence_of(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    if label is not None:
        labels = program.labels[label].descendants
        kept = [m for m in kept if m.label in labels]
        dropped = [d for d in dropped if d["label"] in labels]
    groups = _group(events)
    report_rules = [_explain_rule(program, r, groups.get(r.name, []), frames, text,
                                  sentence_of, hits, kept) for r in rules]
    return {
        "date": date.isoformat() if date else None,
        "sentences": [{"index": i, "start": s.start, "end": s.end,
                       "tokens": [text[a:b] for a, b in tokenize(text, s.start, s.end)]}
                      for i, s in enumerate(sentences)],
        "mentions": [dict(_mention(m), sentence=sentence_of(m.start)) for m in kept],
        "discarded_mentions": dropped,
        "rules": report_rules,
        "frames": [dict(f.to_dict(), summary=describe_frame(f)) for f in frames
                   if any(f.rule == r.name for r in rules)],
    }


def _select(program: Program, name: str | None) -> tuple[list[RuleDef], str | None]:
    if name is None:
        return list(program.rules), None
    by_rule = [r for r in program.rules if r.name == name]
    if by_rule:
        return by_rule, None
    by_type = [r for r in program.rules if r.event == name]
    if by_type:
        return by_type, None
    if name in program.labels:
        return [], name
    names = [r.name for r in program.rules] + list(program.events) + list(program.labels)
    raise IedslError(Diagnostic(
        "E930", f"no rule, event type or label named `{name}`",
        hint=did_you_mean(name, names) or f"rules: {', '.join(r.name for r in program.rules)}"))


def _mention(m: Mention) -> dict[str, Any]:
    return m.to_dict()


def _discarded(ctx: SentenceContext) -> Iterator[dict[str, Any]]:
    """Mentions an overlap policy threw away, each with the mention that won, and
    matches an entity's guard dropped (``not after`` / ``not before``)."""
    for label, found in ctx.found.items():
        kept = ctx.mentions[label]
        keep = {id(m) for m in kept}   # the policy keeps the very objects it was given
        for m, _ in found:
            if id(m) in keep:
                continue
            winner = next((k for k in kept if k.start < m.end and m.start < k.end), None)
            if winner is None:
                continue   # a duplicate of a kept span (same span from another rule)
            yield dict(_mention(m), sentence=ctx.index, policy=ctx.program.labels[label].policy,
                       winner={"text": winner.text, "start": winner.start, "end": winner.end,
                               "rule": winner.rule})
    for ei, ts, te, guard in ctx.guarded:
        edef = ctx.program.entities[ei]
        start, end = ctx.char_span(ts, te)
        yield {"label": edef.label, "start": start, "end": end, "text": ctx.text[start:end],
               "rule": edef.name, "sentence": ctx.index, "guard": guard}


def _group(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Trace events per rule: one dict per trigger match with the events that led to it.

    The assemble stage reports a trigger after the role candidates it examined for it,
    so the events buffered since the previous trigger belong to this one.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    buffer: list[dict[str, Any]] = []
    for ev in events:
        if ev["kind"] == "trigger":
            out.setdefault(ev["rule"], []).append(dict(ev, steps=buffer))
            buffer = []
        elif ev["kind"] != "rule_time":
            buffer.append(ev)
    return out


def _explain_rule(program: Program, rule: RuleDef, triggers: list[dict[str, Any]],
                  frames: list[Frame], text: str, sentence_of: Any, hits: list[Any],
                  mentions: list[Mention]) -> dict[str, Any]:
    event = program.events[rule.event]
    out_triggers = [_explain_trigger(program, rule, t, frames, text, sentence_of)
                    for t in triggers]
    n_frames = sum(1 for t in out_triggers if t["outcome"] == "frame")
    report: dict[str, Any] = {
        "rule": rule.name, "event": event.name, "where": rule.where,
        "trigger": program.patterns[rule.trigger].text, "frames": n_frames,
        "triggers": out_triggers,
    }
    if n_frames:
        report["verdict"] = f"fired {n_frames} time{'s' if n_frames != 1 else ''}"
    elif not out_triggers:
        report["verdict"] = "did not fire: its trigger matched nowhere in the text"
        report["near"] = _near(program, rule, text, sentence_of, hits, mentions, frames)
    else:
        reasons = sorted({t["reason"] for t in out_triggers})
        report["verdict"] = "did not fire: " + "; ".join(reasons)
    return report


def _explain_trigger(program: Program, rule: RuleDef, t: dict[str, Any], frames: list[Frame],
                     text: str, sentence_of: Any) -> dict[str, Any]:
    start, end = t["span"]
    made: Frame | None = t.get("frame")
    out: dict[str, Any] = {"text": text[start:end], "start": start, "end": end,
                           "sentence": sentence_of(start)}
    missing = [s for s in t["steps"] if s["kind"] == "missing"]
    refused = [s for s in t["steps"] if s["kind"] == "require"]
    if made is not None and any(f is made for f in frames):
        out["outcome"], out["reason"] = "frame", "made a frame"
        out["frame"] = describe_frame(made)
    elif made is not None:
        out["outcome"] = "discarded"
        out["reason"] = _lost_to(program, made, frames)
    elif missing:
        out["outcome"] = "missing"
        out["reason"] = f"required role `{missing[0]['role']}` has no argument"
    elif refused:
        out["outcome"] = "rejected"
        out["reason"] = f"predicate `{refused[0]['predicate']}` rejected the frame"
    else:
        out["outcome"], out["reason"] = "none", "no frame"
    out["clauses"] = _clauses(program, rule, t["steps"], made, text)
    out["attributes"] = [{"attr": s["attr"], "value": s["value"], "source": s["source"]}
                         for s in t["steps"] if s["kind"] == "attribute"]
    return out


def _lost_to(program: Program, lost: Frame, frames: list[Frame]) -> str:
    index = {r.name: r.index for r in program.rules}
    winner = next((f for f in frames if f.type == lost.type
                   and f.trigger_start < lost.trigger_end
                   and lost.trigger_start < f.trigger_end), None)
    if winner is None:
        return "its frame was discarded"
    if winner.priority != lost.priority:
        why = f"priority {winner.priority} > {lost.priority}"
    elif winner.trigger_end - winner.trigger_start != lost.trigger_end - lost.trigger_start:
        why = "longer trigger"
    elif len(winner.args) != len(lost.args):
        why = f"more arguments ({len(winner.args)} > {len(lost.args)})"
    else:
        why = "earlier rule" if index[winner.rule] < index[lost.rule] else "same rank"
    return (f"its frame lost to rule `{winner.rule}`'s frame on "
            f"{winner.trigger_text!r} ({why})")


def _clauses(program: Program, rule: RuleDef, steps: list[dict[str, Any]],
             made: Frame | None, text: str) -> list[dict[str, Any]]:
    """Each role clause with its candidates, marked taken / rejected (why) / accepted.

    The trace says why a candidate failed a clause; which clause took an argument is
    inferred in clause order: the first clause where it passed, or, for a role that
    reads lists (repeating, or declared ``listed``), the clause that took a candidate
    it is coordinated with.
    """
    claimed: dict[str, set[tuple[int, int]]] = {}      # role -> spans earlier clauses took
    out = []
    for clause in rule.clauses:
        single = not clause.repeats
        before = claimed.setdefault(clause.role, set())
        cands = [s for s in steps if s["kind"] == "candidate" and s["role"] == clause.role
                 and s["clause"] == clause.text]
        in_frame = ({(a.start, a.end) for a in made.args_for(clause.role)}
                    if made is not None else set())
        passed = any(c["rejected"] is None and tuple(c["span"]) in in_frame for c in cands)
        rows, took = [], set()
        for c in cands:
            s, e = c["span"]
            row = {"text": text[s:e], "start": s, "end": e, "label": c["label"]}
            mine = (s, e) in in_frame and (s, e) not in before
            if mine and c["rejected"] is None:
                row["status"] = "taken"
            elif mine and passed and clause.lists:
                row["status"] = "taken"
                row["note"] = f"coordinated with a taken argument; alone: {c['rejected']}"
            elif c["rejected"]:
                row["status"], row["reason"] = "rejected", c["rejected"]
                if (s, e) in before:
                    row["note"] = "taken by an earlier clause"
            elif made is not None:
                row["status"] = "not taken"
                row["reason"] = ("a nearer candidate filled the role" if single
                                 else "overlaps a taken argument")
            else:
                row["status"] = "accepted"
            if row["status"] in ("taken", "accepted"):
                took.add((s, e))
            rows.append(row)
        entry: dict[str, Any] = {"role": clause.role, "clause": clause.text, "candidates": rows}
        if not cands:
            entry["note"] = ("skipped: the role was already filled by an earlier clause"
                             if single and before
                             else f"no candidate: nothing in the sentence matches "
                                  f"`{program.patterns[clause.filler].text}`")
        before |= took
        out.append(entry)
    return out


# ------------------------------------------------------------------ near misses
def _trigger_atoms(program: Program, node: Node, seen: set[str] | None = None) -> set[int]:
    """Source and regex atoms a trigger is built from, through the labels it names."""
    seen = set() if seen is None else seen
    if isinstance(node, Atom):
        d = program.atoms[node.index]
        if d.kind in ("src", "re"):
            return {node.index}
        if d.kind == "label":
            out: set[int] = set()
            for lab in d.arg:
                if lab in seen or lab not in program.labels:
                    continue
                seen.add(lab)
                for ei in program.labels[lab].entities:
                    tree = program.patterns[program.entities[ei].pattern].tree
                    out |= _trigger_atoms(program, tree, seen)
            return out
        return set()
    if isinstance(node, Seq | Alt):
        items = node.items if isinstance(node, Seq) else node.options
        return set().union(*(_trigger_atoms(program, i, seen) for i in items))
    if isinstance(node, Rep | Cap):
        return _trigger_atoms(program, node.item, seen)
    return set()


def _near(program: Program, rule: RuleDef, text: str, sentence_of: Any, hits: list[Any],
          mentions: list[Mention], frames: list[Frame]) -> dict[str, Any]:
    """What came close to a trigger that never matched."""
    atoms = _trigger_atoms(program, program.patterns[rule.trigger].tree)
    pieces = [{"text": text[s:e], "start": s, "end": e, "sentence": sentence_of(s),
               "atom": program.atoms[atom].text}
              for s, e, atom, *_ in sorted(hits) if atom in atoms]
    vocab = _vocabulary(program, atoms)
    skip = [(p["start"], p["end"]) for p in pieces]
    similar = _similar_words(text, vocab, sentence_of, skip) if vocab else []
    others = [{"rule": f.rule, "event": f.type, "text": f.trigger_text,
               "start": f.trigger_start, "end": f.trigger_end, "sentence": f.sentence}
              for f in frames if f.rule != rule.name]
    others.sort(key=lambda o: (o["event"] != rule.event, o["start"]))
    return {"pieces": pieces[:20], "similar": similar, "other_triggers": others[:10]}


def _vocabulary(program: Program, atoms: set[int]) -> list[str]:
    """The folded automaton keys that stand for ``atoms`` (the terms of a trigger).

    Each entry of an automaton value starts with the atom it stands for.
    """
    if not atoms or not len(program.automaton):
        return []
    out = []
    for key, value in program.automaton.items():
        if any(entry[0] in atoms for entry in value_entries(value)):
            out.append(key)
            if len(out) > _VOCAB_LIMIT:
                return []
    return out


def _similar_words(text: str, vocab: list[str], sentence_of: Any,
                   skip: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Words of the text spelled like a trigger term: variants, typos, other inflections.

    Single words are compared with every term; two adjacent words ("air strike") only
    with terms of several words or a hyphen, which is where such variants come from.
    """
    def squash(s: str) -> str:
        return s.replace(" ", "").replace("-", "")

    single = {squash(k): k for k in vocab}
    multi = {squash(k): k for k in vocab if " " in k or "-" in k}
    toks = [(s, e) for s, e in tokenize(text) if e - s > 2 and text[s].isalpha()]
    spans = [(t, single) for t in toks]
    spans += [((a[0], b[1]), multi) for a, b in pairwise(toks) if b[0] - a[1] <= 1 and multi]
    found: dict[str, dict[str, Any]] = {}
    for (s, e), table in spans:
        form = squash(fold_full(text[s:e]))
        if form in found or any(s < ke and ks < e for ks, ke in skip):
            continue
        words = list(table)
        close = difflib.get_close_matches(form, words, n=1, cutoff=0.8)
        if not close and len(form) >= 5:
            close = [w for w in words if len(w) >= 5 and w[:5] == form[:5]][:1]
        if close:
            found[form] = {"text": text[s:e], "start": s, "end": e,
                           "sentence": sentence_of(s), "like": table[close[0]]}
            if len(found) >= MAX_SUGGESTIONS:
                break
    return sorted(found.values(), key=lambda f: f["start"])
