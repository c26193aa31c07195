"""Assemble stage: triggers, role filling, attributes and cues -> event frames.

Semantics (pinned by the reference interpreter and its property tests):

* A rule's trigger matches are the leftmost-longest matches of its trigger pattern
  in a sentence.  Role clauses are applied in the order written.
* A clause's candidates are the leftmost-longest matches of its filler in the
  sentence that do not overlap the trigger or an argument already taken, lie on the
  required side (``before``/``after trigger``), in the trigger's clause (``in
  clause``: clauses are split at ``;``), within N tokens (the tokens strictly
  between candidate and trigger), and, with ``via``, next to a match of the via
  pattern on the side facing the trigger, that match lying between them, and, with
  ``not across``, with no match of the barrier pattern among the tokens between
  candidate and trigger.
* Nearest first (fewest tokens between, then leftmost).  A single-valued role takes
  the nearest; a later clause for a single-valued role that is already filled is
  skipped, which makes clauses fallbacks.  A repeating role takes every candidate,
  and then any further candidate listed together with a taken one ("Iraq and Syria",
  "A, B, and C") even past the via word, the token limit or a barrier; lists are read
  as written: commas, then one closing and/or (a lone comma is not a list).  A
  single-valued role declared ``listed`` takes the nearest and the candidates listed
  with it ("Russia and Ukraine each freed": one agent clause, both sides).
* A frame is made only when every required role (of the event, or named by the rule's
  ``require``) has an argument and every ``require`` predicate agrees.  Attributes:
  the event's defaults, then the trigger's attributes, then ``set`` clauses, then cues
  in declaration order.
* Frames of one type whose triggers overlap compete: higher rule priority, longer
  trigger, more arguments, earlier rule wins.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from time import perf_counter
from typing import Any

from .constraints import Position, Scope
from .extensions import get_predicate
from .program import ClauseDef, CueDef, EventDef, RuleDef
from .results import Argument, Frame
from .sentence import Candidate, SentenceContext, piece_info

#: Tokens that may join coordinated arguments; at least one must be a conjunction.
CONJUNCTIONS = frozenset({",", "and", "or", "&", "/"})
#: Words that may open a list item: articles, possessives and counts ("struck three radar
#: sites and **two** surface vessels": quantities stay out of a target's span).
COORD_FILLERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "both", "two", "three",
                           "four", "five", "six", "seven", "eight", "nine", "ten", "several",
                           "another"})

Trace = Callable[[dict[str, Any]], None]


def assemble_frames(ctx: SentenceContext, *, trace: Trace | None = None) -> list[Frame]:
    """Every frame of one sentence (after the entities of ``ctx`` have been run)."""
    program = ctx.program
    frames: list[Frame] = []
    for rule in rules_that_may_fire(ctx):
        started = perf_counter() if trace is not None else 0.0
        event = program.events[rule.event]
        trig_pattern = program.patterns[rule.trigger]
        for ts, te in ctx.matches(rule.trigger):
            parse = ctx.parse(rule.trigger, ts, te)
            _, trig_attrs = piece_info(parse, ts, te)
            frame = fill_rule(ctx, rule, event, ts, te, dict(trig_attrs), trace)
            if trace is not None:
                trace({"kind": "trigger", "rule": rule.name, "pattern": trig_pattern.text,
                       "span": ctx.char_span(ts, te), "fired": frame is not None,
                       "frame": frame})
            if frame is not None:
                frames.append(frame)
        if trace is not None:
            # the time this rule took in this sentence (``iedsl extract --profile``)
            trace({"kind": "rule_time", "rule": rule.name, "seconds": perf_counter() - started})
    return resolve_frames(frames, {r.name: r.index for r in program.rules})


def rules_that_may_fire(ctx: SentenceContext) -> list[RuleDef]:
    """Rules whose trigger can start with an atom that occurs in this sentence.

    Found from the atoms present rather than by asking every rule, so that rules
    that cannot fire here cost nothing (trigger-first evaluation).
    """
    program = ctx.program
    by_atom = program.rules_by_first_atom
    chosen = set(program.rules_anywhere)
    for atom in ctx.view.table:
        found = by_atom.get(atom)
        if found:
            chosen.update(found)
    return [program.rules[i] for i in sorted(chosen)]


def resolve_frames(frames: list[Frame], rule_index: dict[str, int]) -> list[Frame]:
    order = sorted(frames, key=lambda f: (-f.priority, -(f.trigger_end - f.trigger_start),
                                          -len(f.args), rule_index[f.rule], f.trigger_start))
    kept: list[Frame] = []
    for f in order:
        if all(k.type != f.type or f.trigger_end <= k.trigger_start
               or k.trigger_end <= f.trigger_start for k in kept):
            kept.append(f)
    kept.sort(key=lambda f: (f.trigger_start, f.trigger_end, f.type, rule_index[f.rule]))
    return kept


def _side(c: Candidate, ts: int, te: int) -> Position | None:
    if c.te <= ts:
        return Position.BEFORE
    if c.ts >= te:
        return Position.AFTER
    return None


def _overlaps(c: Candidate, used: list[tuple[int, int]]) -> bool:
    return any(c.ts < e and s < c.te for s, e in used)


def _gap(c: Candidate, side: Position, ts: int, te: int) -> int:
    return ts - c.te if side is Position.BEFORE else c.ts - te


def fill_rule(ctx: SentenceContext, rule: RuleDef, event: EventDef, ts: int, te: int,
              trig_attrs: dict[str, Any], trace: Trace | None = None) -> Frame | None:
    used: list[tuple[int, int]] = [(ts, te)]
    taken: dict[str, list[Candidate]] = {r.name: [] for r in event.roles}
    # traced, every clause is tried, so that explain can say why each took nothing
    for clause in rule.clauses if trace is not None else ctx.live_clauses(rule):
        got = taken[clause.role]
        if got and not clause.repeats:
            continue
        chosen = fill_clause(ctx, rule, clause, ts, te, used, trace)
        if chosen:
            got.extend(chosen)
            used.extend((c.ts, c.te) for c in chosen)
    for name in rule.required_roles:
        if not taken[name]:
            if trace is not None:
                trace({"kind": "missing", "rule": rule.name, "role": name,
                       "span": ctx.char_span(ts, te)})
            return None
    attrs = frame_attrs(ctx, rule, event, ts, te, trig_attrs, taken, trace)
    args = []
    for role in event.roles:
        provenance = f"{rule.name}.{role.name}"
        for c in taken[role.name]:
            args.append(Argument(role.name, c.start, c.end, ctx.text[c.start:c.end], c.label,
                                 c.id, c.value, c.rule if c.rule is not None else provenance))
    args.sort(key=lambda a: (a.start, a.end, a.role))
    start, end = ctx.char_span(ts, te)
    frame = Frame(event.name, start, end, ctx.text[start:end], tuple(attrs.items()),
                  tuple(args), rule.name, rule.where, ctx.index, rule.priority)
    for pred in rule.requires:
        if pred in taken:   # a role, checked above
            continue
        fn = get_predicate(pred)
        if fn is not None and not fn(frame, ctx.text):
            if trace is not None:
                trace({"kind": "require", "rule": rule.name, "predicate": pred,
                       "span": (start, end)})
            return None
    return frame


def fill_clause(ctx: SentenceContext, rule: RuleDef, clause: ClauseDef, ts: int, te: int,
                used: list[tuple[int, int]], trace: Trace | None) -> list[Candidate]:
    """The candidates a clause takes for the trigger at ``[ts, te)``.

    Candidates are disjoint and in text order, so the ones on each side of the
    trigger, and those within N tokens, are index ranges found by bisection; they
    are visited nearest first and a single-valued role stops at the first that
    passes.  A sentence with thousands of triggers and mentions stays cheap.
    """
    cands, starts, ends = ctx.candidate_index(clause.filler)
    if trace is not None:
        via_spans = ctx.matches(clause.via) if clause.via is not None else None
        trig_clause = ctx.clause_of(ts) if clause.scope is Scope.CLAUSE else None
        for c in cands:
            trace({"kind": "candidate", "rule": rule.name, "role": clause.role,
                   "clause": clause.text, "span": (c.start, c.end), "label": c.label,
                   "rejected": _reject(ctx, clause, c, ts, te, used, via_spans, trig_clause)})
    if not cands:
        return []
    within = clause.within
    # before the trigger: cands[lo_b:hi_b], nearest last; after it: cands[lo_a:hi_a]
    hi_b = bisect.bisect_right(ends, ts) if clause.position is not Position.AFTER else 0
    lo_b = bisect.bisect_left(ends, ts - within) if within is not None else 0
    lo_a = bisect.bisect_left(starts, te) if clause.position is not Position.BEFORE \
        else len(cands)
    hi_a = bisect.bisect_right(starts, te + within) if within is not None else len(cands)
    via = clause.via
    if via is not None:
        by_end, by_start = ctx.via_index(via)
        if not by_end:
            return []   # no via match in the sentence: no candidate can pass
    trig_clause = ctx.clause_of(ts) if clause.scope is Scope.CLAUSE else None
    adjacent = clause.adjacent
    barrier = clause.barrier

    def passes(c: Candidate, before: bool) -> bool:
        # the cheap dictionary tests first; all must hold
        if via is not None:
            if before:
                ve = by_start.get(c.te)
                if ve is None or not (ve == ts if adjacent else ve <= ts):
                    return False
            else:
                vs = by_end.get(c.ts)
                if vs is None or not (vs == te if adjacent else vs >= te):
                    return False
        elif adjacent and not (c.te == ts if before else c.ts == te):
            return False
        if trig_clause is not None and not (ctx.clause_of(c.ts) == trig_clause
                                            == ctx.clause_of(c.te - 1)):
            return False
        if barrier is not None and _barred(ctx, barrier, c, before, ts, te):
            return False
        return not any(c.ts < e and s < c.te for s, e in used)

    chosen: list[Candidate] = []
    i, j = hi_b - 1, max(lo_a, 0)
    while i >= lo_b or j < hi_a:
        # nearest first; on equal distance the one before the trigger (leftmost)
        take_before = j >= hi_a or (i >= lo_b and ts - ends[i] <= starts[j] - te)
        if take_before:
            c, before = cands[i], True
            i -= 1
        else:
            c, before = cands[j], False
            j += 1
        if passes(c, before):
            chosen.append(c)
            if not clause.repeats:
                break
    if clause.lists and chosen:
        chosen = _coordinate(ctx, cands, starts, chosen, ts, te, used, trig_clause)
    return chosen


def _reject(ctx: SentenceContext, clause: ClauseDef, c: Candidate, ts: int, te: int,
            used: list[tuple[int, int]], via: list[tuple[int, int]] | None,
            trig_clause: int | None) -> str | None:
    """Why ``c`` cannot fill ``clause`` for the trigger at ``[ts, te)``, or None."""
    if c.ts < te and ts < c.te:
        return "overlaps the trigger"
    if _overlaps(c, used):
        return "already used by another role"
    side = _side(c, ts, te)
    assert side is not None
    if clause.position is not Position.ANY and side is not clause.position:
        return f"not {clause.position.value} the trigger"
    if trig_clause is not None and not (ctx.clause_of(c.ts) == trig_clause
                                        == ctx.clause_of(c.te - 1)):
        return "not in the trigger's clause"
    gap = _gap(c, side, ts, te)
    if clause.within is not None and gap > clause.within:
        return f"{gap} tokens from the trigger (within {clause.within})"
    if via is not None:
        if side is Position.AFTER:
            found = any(ve == c.ts and (vs == te if clause.adjacent else vs >= te)
                        for vs, ve in via)
        else:
            found = any(vs == c.te and (ve == ts if clause.adjacent else ve <= ts)
                        for vs, ve in via)
        if not found:
            return "no via word between it and the trigger" if clause.adjacent else \
                "no via word next to it"
    elif clause.adjacent and gap:
        return f"{gap} tokens from the trigger (right {side.value} it)"
    if clause.barrier is not None and _barred(ctx, clause.barrier, c,
                                              side is Position.BEFORE, ts, te):
        return "a match of its `not across` pattern lies between it and the trigger"
    return None


def _barred(ctx: SentenceContext, barrier: int, c: Candidate, before: bool, ts: int,
            te: int) -> bool:
    """Whether a match of the barrier lies among the tokens between ``c`` and the trigger."""
    return ctx.crosses(barrier, c.te, ts) if before else ctx.crosses(barrier, te, c.ts)


def _coordinate(ctx: SentenceContext, cands: list[Candidate], starts: list[int],
                chosen: list[Candidate], ts: int, te: int, used: list[tuple[int, int]],
                trig_clause: int | None) -> list[Candidate]:
    """Add the candidates listed together with a taken one ("Iraq and Syria", "A, B, and C").

    From each taken candidate, the chain of candidates joined by link words only
    (commas, and/or, articles and possessives) is followed away from the trigger and
    read the way lists are written: commas, then one and/or that closes the list
    (see :func:`list_links`).  A lone comma is not a list ("Under the Trump
    administration, the US ..."), nor is ", and" after "and" ("in Iraq and Syria, and
    Iran launched ...").
    """
    out = list(chosen)
    taken = {c.ts for c in chosen}     # candidates are disjoint: a start names one
    for seed in chosen:
        after = seed.ts >= te
        step = 1 if after else -1
        chain: list[Candidate] = []
        kinds: list[str] = []
        k = bisect.bisect_left(starts, seed.ts)
        c = seed
        while True:
            nxt = None
            m = k + step
            while 0 <= m < len(cands):     # the nearest candidate further out
                c2 = cands[m]
                m += step
                if c2.ts in taken or any(c2.ts < e and s < c2.te for s, e in used):
                    continue
                if (c2.ts >= te) is not after or (not after and c2.te > ts):
                    continue
                if trig_clause is not None and ctx.clause_of(c2.ts) != trig_clause:
                    continue
                lo, hi = (c.te, c2.ts) if after else (c2.te, c.ts)
                if hi <= lo:
                    continue
                kind = link_kind([ctx.token_text(x).lower() for x in range(lo, hi)])
                if kind is not None:
                    nxt = (c2, kind, m - step)
                break
            if nxt is None:
                break
            chain.append(nxt[0])
            kinds.append(nxt[1])
            taken.add(nxt[0].ts)
            c, k = nxt[0], nxt[2]
        keep = list_links(kinds, after)
        out.extend(chain[:keep])
        for dropped in chain[keep:]:
            taken.discard(dropped.ts)
    out.sort(key=lambda x: x.ts)
    return out


def link_kind(words: list[str]) -> str | None:
    """What joins two candidates: ``"comma"``, ``"conj"`` (and, or, &, /),
    ``"comma_conj"`` (", and"), or None when other words stand between them."""
    if not words or not all(w in CONJUNCTIONS or w in COORD_FILLERS for w in words):
        return None
    conj = any(w in CONJUNCTIONS and w != "," for w in words)
    comma = "," in words
    if conj:
        return "comma_conj" if comma else "conj"
    return "comma" if comma else None


def list_links(kinds: list[str], text_order: bool) -> int:
    """How many links, counted outward from the taken candidate, form a list.

    A list is ``comma* conj`` in text order, where the closing link may be ", and"
    only after at least one comma ("A, B, and C").  ``text_order`` says whether the
    outward direction is the text order (arguments after the trigger) or its reverse
    (arguments before it, whose list closes next to the taken candidate).
    """
    if text_order:
        for i, k in enumerate(kinds):
            if k == "comma":
                continue
            if k == "conj" or (k == "comma_conj" and i > 0):
                return i + 1
            return 0
        return 0
    if not kinds or kinds[0] == "comma":
        return 0
    if kinds[0] == "comma_conj" and (len(kinds) < 2 or kinds[1] != "comma"):
        return 0
    n = 1
    while n < len(kinds) and kinds[n] == "comma":
        n += 1
    return n


def frame_attrs(ctx: SentenceContext, rule: RuleDef, event: EventDef, ts: int, te: int,
                trig_attrs: dict[str, Any], taken: dict[str, list[Candidate]],
                trace: Trace | None = None) -> dict[str, str]:
    """The frame's attributes: defaults, the trigger's, ``set`` clauses, then cues.

    Traced, each attribute is reported with what decided it (the last writer), so that
    ``iedsl explain`` can say which cue made an attack hypothetical.
    """
    decls = {a.name: a for a in event.attrs}
    attrs = {a.name: a.default for a in event.attrs}
    # what decided each attribute, for the trace only: nothing is formatted untraced
    traced = trace is not None
    why = dict.fromkeys(attrs, "the event's default") if traced else {}
    for name, value in trig_attrs.items():
        if name in decls and str(value) in decls[name].values:
            attrs[name] = str(value)
            if traced:
                why[name] = "the trigger's attribute"
    for s in rule.sets:
        if s.value is not None:
            attrs[s.attr] = s.value
            if traced:
                why[s.attr] = f"`set {s.attr} = {s.value}`"
            continue
        for src in s.sources:
            values = [trig_attrs.get(s.attr)] if src == "trigger" else [
                dict(c.attrs).get(s.attr) for c in taken.get(src, ())]
            found = next((str(v) for v in values if v is not None
                          and str(v) in decls[s.attr].values), None)
            if found is not None:
                attrs[s.attr] = found
                if traced:
                    why[s.attr] = f"`set {s.attr} from {src}`"
                break
    cues = ctx.program.cues
    for i in ctx.program.event_cues[event.name]:
        cue = cues[i]
        span = cue_match(ctx, cue, ts, te)
        if span is not None:
            attrs[cue.attr] = cue.value
            if traced:
                start, end = ctx.char_span(*span)
                why[cue.attr] = f"cue at {cue.where} matched {ctx.text[start:end]!r}"
    if trace is not None:
        for name, value in attrs.items():
            trace({"kind": "attribute", "rule": rule.name, "attr": name, "value": value,
                   "source": why[name]})
    return attrs


def cue_match(ctx: SentenceContext, cue: CueDef, ts: int, te: int) -> tuple[int, int] | None:
    """The first match of the cue (token range) on its side of the trigger at ``[ts, te)``
    and within its distance, if any (the cue being one of the event's:
    ``Program.event_cues``)."""
    for cs, ce in ctx.matches(cue.pattern):
        if cs < te and ts < ce:
            continue
        side = Position.BEFORE if ce <= ts else Position.AFTER
        if cue.position is not Position.ANY and side is not cue.position:
            continue
        gap = ts - ce if side is Position.BEFORE else cs - te
        if cue.within is None or gap <= cue.within:
            return cs, ce
    return None

