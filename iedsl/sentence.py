"""One sentence, ready for matching: tokens, atom occurrences and cached matches.

Everything the assemble stage does happens inside one sentence, so this is where
the per-sentence work is shared: each pattern is matched at most once per sentence
however many rules use it, and each label's mentions are computed once.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from .extensions import get_normalizer
from .patterns import (
    AtomDef,
    CompiledPattern,
    Parse,
    View,
    find_all,
    match_ends,
    matches_at,
    parse_match,
)
from .program import ClauseDef, EntityDef, Program, RuleDef
from .results import Mention
from .scan import Hit
from .source import Span
from .text import tokenize


class Candidate(NamedTuple):
    """A pattern match in token and character coordinates, with what it carries.

    ``rule`` is the entity rule of a one-mention filler; None for any other filler,
    whose provenance is the event rule and role that take it.  A named tuple, as
    :class:`iedsl.results.Mention` is: one is made per filler match per sentence.
    """

    ts: int
    te: int
    start: int
    end: int
    label: str | None
    id: str | None
    value: Any
    attrs: tuple[tuple[str, Any], ...]
    rule: str | None


class SentenceContext:
    def __init__(self, program: Program, text: str, index: int, span: Span,
                 hits: Iterable[Hit], doc_date: dt.date | None) -> None:
        self.program = program
        self.text = text
        self.index = index
        self.span = span
        self.doc_date = doc_date
        self.tokens = tokenize(text, span.start, span.end)
        self.start_idx = start_idx = {s: i for i, (s, _) in enumerate(self.tokens)}
        self.end_idx = end_idx = {e: i + 1 for i, (_, e) in enumerate(self.tokens)}
        self.view = view = View(len(self.tokens), program.special_atoms)
        for h in hits:
            si = start_idx.get(h[0])
            ei = end_idx.get(h[1])
            if si is not None and ei is not None:
                view.add(h[2], si, ei, h)
        for ai, pattern in program.negation_atoms:
            view.negated[ai] = _Negation(program.patterns[pattern], program.atoms)
        self.mentions: dict[str, list[Mention]] = {}
        self.found: dict[str, list[tuple[Mention, int]]] = {}   # (mention, entity index)
        self.guarded: list[tuple[int, int, int, str]] = []     # matches a guard dropped
        self._matches: dict[int, list[tuple[int, int]]] = {}
        self._clauses: list[int] | None = None
        self._index: dict[int, Any] = {}
        self._via: dict[int, tuple[dict[int, int], dict[int, int]]] = {}
        self._barrier: dict[int, tuple[list[int], list[int]]] = {}
        self._ends: dict[int, set[int]] = {}    # guard pattern -> where its matches end
        self._live: dict[int, tuple[ClauseDef, ...]] = {}
        self._label_atoms = program.label_atoms

    # ------------------------------------------------------------- coordinates
    def char_span(self, ts: int, te: int) -> tuple[int, int]:
        return self.tokens[ts][0], self.tokens[te - 1][1]

    def token_text(self, i: int) -> str:
        s, e = self.tokens[i]
        return self.text[s:e]

    def clause_of(self, tok: int) -> int:
        if self._clauses is None:
            ids, cur = [], 0
            for i in range(len(self.tokens)):
                ids.append(cur)
                if self.token_text(i) == ";":
                    cur += 1
            self._clauses = ids
        return self._clauses[tok]

    # ------------------------------------------------------------- matching
    def matches(self, pattern: int) -> list[tuple[int, int]]:
        key = self.program.patterns[pattern].shared
        found = self._matches.get(key)
        if found is None:
            if self.view.dirty:
                self.view.finish()
            found = self._matches[key] = find_all(self.program.patterns[pattern],
                                                  self.view, self.program.atoms)
        return found

    def parse(self, pattern: int, ts: int, te: int) -> Parse:
        p = self.program.patterns[pattern]
        if p.alternatives is not None:
            # One atom deep: the first alternative (in the order a parse tries them)
            # with an occurrence spanning exactly [ts, te).
            table = self.view.table
            for a in p.alternatives:
                for end, payload in table.get(a, {}).get(ts, ()):
                    if end == te:
                        return Parse(((a, ts, te, payload),), ())
        return parse_match(p.tree, self.view, self.program.atoms, ts, te)

    def candidate_index(self, pattern: int) -> tuple[list[Candidate], list[int], list[int]]:
        """Matches of a role filler as candidates, with their start and end token lists
        for bisecting (leftmost-longest matches are disjoint and in order, so both
        lists are sorted).

        A candidate carries the mention when the filler is one label.  A filler that
        is not one mention has no rule of its own (``rule`` is None): the frame names
        the rule and role that took it, so one list serves every rule that shares
        the pattern.
        """
        key = self.program.patterns[pattern].shared
        found = self._index.get(key)
        if found is not None:
            return found
        cands = []
        for ts, te in self.matches(pattern):
            start, end = self.char_span(ts, te)
            parse = self.parse(pattern, ts, te)
            whole = [p for p in parse.pieces if p[1] == ts and p[2] == te]
            m = whole[0][3] if len(whole) == 1 else None
            if isinstance(m, Mention):
                cands.append(Candidate(ts, te, start, end, m.label, m.id, m.value, m.attrs,
                                       m.rule))
            else:
                tid, attrs = piece_info(parse, ts, te)
                cands.append(Candidate(ts, te, start, end, None, tid, None, attrs, None))
        found = self._index[key] = (cands, [c.ts for c in cands], [c.te for c in cands])
        return found

    def via_index(self, pattern: int) -> tuple[dict[int, int], dict[int, int]]:
        """Matches of a via pattern by end (-> start) and by start (-> end)."""
        key = self.program.patterns[pattern].shared
        found = self._via.get(key)
        if found is None:
            spans = self.matches(pattern)
            found = self._via[key] = ({e: s for s, e in spans}, {s: e for s, e in spans})
        return found

    def barrier_index(self, pattern: int) -> tuple[list[int], list[int]]:
        """Starts and ends of a barrier pattern's matches (``not across``), both sorted:
        the matches are disjoint and in order, so the first one starting at or after a
        point is also the first to end."""
        key = self.program.patterns[pattern].shared
        found = self._barrier.get(key)
        if found is None:
            spans = self.matches(pattern)
            found = self._barrier[key] = ([s for s, _ in spans], [e for _, e in spans])
        return found

    def crosses(self, pattern: int, lo: int, hi: int) -> bool:
        """Whether a match of ``pattern`` lies within the tokens ``[lo, hi)``."""
        starts, ends = self.barrier_index(pattern)
        k = bisect.bisect_left(starts, lo)
        return k < len(starts) and ends[k] <= hi

    def live_clauses(self, rule: RuleDef) -> tuple[ClauseDef, ...]:
        """The clauses of ``rule`` that can take an argument anywhere in this sentence.

        A clause whose filler has no match here, or whose via pattern has none, takes
        nothing for any trigger; most of a rule's fallback clauses are such, so they
        are dropped once per sentence rather than tried once per trigger.  Call after
        the entities have run (their caches are cleared label by label).
        """
        found = self._live.get(rule.index)
        if found is None:
            # matches() is cached per shared pattern: each is matched once a sentence
            found = self._live[rule.index] = tuple(
                c for c in rule.clauses
                if self.matches(c.filler) and (c.via is None or self.matches(c.via)))
        return found

    # ------------------------------------------------------------- entities
    def run_entities(self, only: frozenset[str] | None = None) -> None:
        """Mentions of every label (or of those in ``only``, which must be closed
        under dependencies), dependencies first; label atoms join the view."""
        program = self.program
        for label in program.label_order:
            if only is not None and label not in only:
                continue
            ldef = program.labels[label]
            found: list[tuple[Mention, int]] = []
            for ei in ldef.entities:
                edef = program.entities[ei]
                spans = self.matches(edef.pattern)
                if edef.guards and spans:
                    spans = self._guarded(edef, spans)
                for ts, te in spans:
                    found.append((self.mention(edef, ts, te), ei))
            kept = resolve_overlaps(found, ldef.policy)
            self.mentions[label] = kept
            self.found[label] = found   # before the overlap policy: `iedsl stats` compares
            for m in kept:
                ts, te = self._tok_span(m)
                for ai in self._label_atoms.get(label, ()):
                    self.view.add(ai, ts, te, m)
            self._matches.clear()
            self._index.clear()
            self._via.clear()
            self._barrier.clear()
            self._ends.clear()
        self.view.finish()

    def _guarded(self, edef: EntityDef, spans: list[tuple[int, int]]
                 ) -> list[tuple[int, int]]:
        """The matches every guard of the entity accepts; the others are noted in
        :attr:`guarded` as ``(entity index, ts, te, guard)`` for ``iedsl explain``."""
        kept = spans
        program = self.program
        view = self.view
        if view.dirty:
            view.finish()
        for guard in edef.guards:
            if not kept:
                break   # nothing left to test: the guard's matches are not needed
            p = program.patterns[guard.pattern]
            after = guard.side == "after"
            ends = self._match_ends(p) if after else set()
            out = []
            for ts, te in kept:
                touches = ts in ends if after else matches_at(p, view, program.atoms, te)
                if touches == guard.negated:
                    self.guarded.append((edef.index, ts, te, guard.name))
                else:
                    out.append((ts, te))
            kept = out
        return kept

    def _match_ends(self, p: CompiledPattern) -> set[int]:
        """Where some match of ``p`` ends in this sentence, once per label round."""
        found = self._ends.get(p.shared)
        if found is None:
            found = self._ends[p.shared] = match_ends(p, self.view, self.program.atoms)
        return found

    def _tok_span(self, m: Mention) -> tuple[int, int]:
        return self.start_idx[m.start], self.end_idx[m.end]

    def mention(self, edef: Any, ts: int, te: int) -> Mention:
        start, end = self.char_span(ts, te)
        parse = self.parse(edef.pattern, ts, te)
        tid, attrs = piece_info(parse, ts, te)
        text = self.text[start:end]
        value = None
        if edef.normalizer and edef.normalizer != "id":
            fn = get_normalizer(edef.normalizer)
            if fn is not None:
                value = fn(text, self.doc_date)
        else:
            whole = [p for p in parse.pieces if p[1] == ts and p[2] == te]
            if len(whole) == 1 and isinstance(whole[0][3], Mention):
                value = whole[0][3].value
        return Mention(edef.label, start, end, text, edef.name, edef.priority, tid, value,
                       attrs)


class _Negation:
    """Whether a negated pattern matches at a position of one sentence, memoized.

    A negated alternation of atoms (``!(@STOPWORDS | @CAPWORD)``, the usual kind) is
    answered from the view's table alone: an occurrence of one of them starts there.
    """

    __slots__ = ("alternatives", "atoms", "cache", "pattern")

    def __init__(self, pattern: CompiledPattern, atoms: tuple[AtomDef, ...]) -> None:
        self.pattern, self.atoms = pattern, atoms
        self.alternatives = pattern.alternatives
        self.cache: dict[int, bool] = {}

    def __call__(self, view: View, pos: int) -> bool:
        hit = self.cache.get(pos)
        if hit is None:
            if self.alternatives is not None:
                table = view.table
                hit = any(pos in table.get(a, ()) for a in self.alternatives)
            else:
                hit = matches_at(self.pattern, view, self.atoms, pos)
            self.cache[pos] = hit
        return hit


def piece_info(parse: Parse, ts: int, te: int) -> tuple[str | None, tuple[tuple[str, Any], ...]]:
    """Id and attributes of a match: from its ``head`` capture if any, else the whole.

    The id is taken only from a single atom occurrence covering the whole range (an
    "Iran-backed militia" is not Iran); attributes merge left to right, later wins.
    """
    lo, hi = ts, te
    for name, s, e in parse.captures:
        if name == "head":
            lo, hi = s, e
            break
    attrs: dict[str, Any] = {}
    tid = None
    for _, s, e, payload in parse.pieces:
        if s < lo or e > hi or payload is None:
            continue
        if isinstance(payload, Mention):
            attrs.update(payload.attrs)
            pid = payload.id
        else:   # a scan hit: (start, end, atom, term_id, attrs)
            attrs.update(payload[4])
            pid = payload[3]
        if s == lo and e == hi and pid is not None:
            tid = pid
    return tid, tuple(attrs.items())


def resolve_overlaps(found: list[tuple[Mention, int]], policy: str) -> list[Mention]:
    """Apply a label's overlap policy to the mentions of all its entity rules.

    ``found`` pairs each mention with the index of the entity rule that made it (the
    last tie-break).  Mentions of different sentences never overlap, so resolving a
    whole document at once gives the same result as resolving sentence by sentence.
    """
    if policy == "all":
        best: dict[tuple[int, int], tuple[Mention, int]] = {}
        for m, ei in found:
            key = (m.start, m.end)
            cur = best.get(key)
            if cur is None or (-m.priority, ei) < (-cur[0].priority, cur[1]):
                best[key] = (m, ei)
        return sorted((m for m, _ in best.values()), key=lambda m: (m.start, m.end))
    if policy == "priority":
        order = sorted(found, key=lambda x: (-x[0].priority, -(x[0].end - x[0].start),
                                             x[0].start, x[1]))
        starts: list[int] = []
        kept: list[Mention] = []
        for m, _ in order:
            i = bisect.bisect_left(starts, m.start)
            if i > 0 and kept[i - 1].end > m.start:
                continue
            if i < len(kept) and kept[i].start < m.end:
                continue
            starts.insert(i, m.start)
            kept.insert(i, m)
        return kept
    # longest: in (start, longest, priority, rule) order, keep what does not overlap
    # the previous kept mention (kept mentions are disjoint and sorted, so the last
    # one has the largest end).
    out: list[Mention] = []
    last = -1
    for m, _ in sorted(found, key=lambda x: (x[0].start, -x[0].end, -x[0].priority, x[1])):
        if m.start >= last:
            out.append(m)
            last = m.end
    return out
