"""The reference interpreter: slow, obviously correct, and the oracle of the tests.

It computes what a compiled :class:`~iedsl.program.Program` means, straight from the
definitions in docs/dsl.md, sharing none of the fast machinery:

* literals are found by folding the text one character at a time and searching for
  every term with ``str.find`` (no Aho-Corasick), and kept when they start and end
  on tokens of ``TOKEN_RE`` (no local boundary test);
* patterns are evaluated as sets of reachable end positions by plain recursion (no
  NFA, no FIRST-set prefilter), leftmost-longest from every token;
* every sentence is examined (no trigger gating); overlap policies, role filling,
  attributes and frame resolution are re-implemented naively from the spec.

What the two share is definitional: the tokenizer and sentence splitter, the regex
module itself, the fold tables, the canonical parse of an accepted match
(:func:`~iedsl.patterns.parse_match`), normalizers, and the words that may join a
list of arguments (:data:`~iedsl.assemble.CONJUNCTIONS`, ``COORD_FILLERS``).  The property tests in
``tests/test_reference.py`` check that the engine returns exactly what this returns.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from .assemble import CONJUNCTIONS, COORD_FILLERS
from .constraints import Position, Scope
from .extensions import get_normalizer, get_predicate
from .fold import fold_with
from .patterns import Alt, Atom, Cap, Node, Rep, Seq, View, parse_match
from .program import GuardDef, Program, RuleDef, value_entries
from .results import Argument, Frame, Mention
from .scan import Hit
from .sentence import piece_info
from .text import SENTENCE_MAX_CHARS, TOKEN_RE, read_date_header, split_sentences


def reference_analyze(program: Program, text: str, doc_date: dt.date | None = None
                      ) -> tuple[list[Mention], list[Frame]]:
    header_date, body = read_date_header(text)
    date = doc_date or header_date
    literal_hits = _literal_hits(program, text)
    regex_hits = []
    for ri, rdef in enumerate(program.regexes):
        atom = program.regex_atoms.get(ri)
        if atom is not None:
            regex_hits += [(m.start(), m.end(), atom, None, rdef.attrs, 2)
                           for m in rdef.compiled.finditer(text) if m.end() > m.start()]
    mentions: list[Mention] = []
    frames: list[Frame] = []
    for index, sent in enumerate(split_sentences(text, body, max_chars=SENTENCE_MAX_CHARS)):
        toks = [m.span() for m in TOKEN_RE.finditer(text, sent.start, sent.end)]
        s = _Sentence(program, text, index, toks, date)
        for h in literal_hits + regex_hits:
            if sent.start <= h[0] and h[1] <= sent.end:
                s.add_hit(h)
        s.run_entities()
        for label in program.label_order:
            mentions.extend(s.mentions[label])
        frames.extend(s.frames())
    mentions.sort(key=lambda m: (m.start, m.end, m.label))
    return mentions, frames


def _literal_hits(program: Program, text: str) -> list[Hit]:
    folded_chars = []
    origin = []
    for i, ch in enumerate(text):
        f = fold_with(ch, frozenset({"case", "quotes", "dashes", "space", "accents"}))
        folded_chars.append(f)
        origin.extend([i] * len(f))
    folded = "".join(folded_chars)
    starts = {m.start() for m in TOKEN_RE.finditer(text)}
    ends = {m.end() for m in TOKEN_RE.finditer(text)}
    hits = []
    for key, value in program.automaton.items():
        entries = value_entries(value)
        pos = folded.find(key)
        while pos >= 0:
            s, e = origin[pos], origin[pos + len(key) - 1] + 1
            if s in starts and e in ends:
                for atom, term_id, attrs, check, folds in entries:
                    if check is not None and fold_with(text[s:e], folds or frozenset()) != check:
                        continue
                    hits.append((s, e, atom, term_id, attrs, 2))
            pos = folded.find(key, pos + 1)
    return hits


class _Sentence:
    def __init__(self, program: Program, text: str, index: int, toks: list[tuple[int, int]],
                 date: dt.date | None) -> None:
        self.p, self.text, self.index, self.toks, self.date = program, text, index, toks, date
        self.view = View(len(toks), program.special_atoms)
        self.mentions: dict[str, list[Mention]] = {}
        for ai, d in enumerate(program.atoms):
            if d.kind == "not":
                self.view.negated[ai] = functools.partial(
                    self._negated, program.patterns[d.arg].tree)

    def _negated(self, tree: Node, view: View, i: int) -> bool:
        return self.starts_here(tree, i)

    def add_hit(self, h: Hit) -> None:
        si = next((i for i, t in enumerate(self.toks) if t[0] == h[0]), None)
        ei = next((i + 1 for i, t in enumerate(self.toks) if t[1] == h[1]), None)
        if si is not None and ei is not None and si < ei:
            self.view.add(h[2], si, ei, h)

    # -------------------------------------------------------------- set semantics
    def starts_here(self, tree: Node, pos: int) -> bool:
        return any(e > pos for e in self.ends(tree, pos))

    def ends(self, node: Node, i: int) -> set[int]:
        atoms = self.p.atoms
        if isinstance(node, Atom):
            d = atoms[node.index]
            if d.kind == "any":
                return {i + 1} if i < len(self.toks) else set()
            if d.kind == "not":
                ok = i < len(self.toks) and not self.view.negated[node.index](self.view, i)
                return {i + 1} if ok else set()
            return {e for e, _ in self.view.table.get(node.index, {}).get(i, ())}
        if isinstance(node, Cap):
            return self.ends(node.item, i)
        if isinstance(node, Alt):
            return set().union(*(self.ends(o, i) for o in node.options))
        if isinstance(node, Seq):
            cur = {i}
            for item in node.items:
                cur = set().union(*(self.ends(item, p) for p in cur)) if cur else set()
            return cur
        if isinstance(node, Rep):
            def step(points: set[int]) -> set[int]:
                return set().union(*(self.ends(node.item, p) for p in points)) if points else set()

            layer, k = {i}, 0           # layer: ends after exactly k repetitions
            while k < node.min:
                layer, k = step(layer), k + 1
            reach = set(layer)
            if node.max is None:
                frontier = set(layer)
                while frontier:
                    frontier = step(frontier) - reach
                    reach |= frontier
                return reach
            while k < node.max and layer:
                layer, k = step(layer), k + 1
                reach |= layer
            return reach
        raise TypeError(node)

    def find(self, pattern: int) -> list[tuple[int, int]]:
        tree = self.p.patterns[pattern].tree
        out, i = [], 0
        while i < len(self.toks):
            found = [e for e in self.ends(tree, i) if e > i]
            if found:
                out.append((i, max(found)))
                i = max(found)
            else:
                i += 1
        return out

    def span(self, ts: int, te: int) -> tuple[int, int]:
        return self.toks[ts][0], self.toks[te - 1][1]

    # -------------------------------------------------------------- entities
    def run_entities(self) -> None:
        for label in self.p.label_order:
            ldef = self.p.labels[label]
            found = []
            for ei in ldef.entities:
                e = self.p.entities[ei]
                for ts, te in self.find(e.pattern):
                    if all(self.guard_holds(g, ts, te) for g in e.guards):
                        found.append((self.mention(e, ts, te), ei))
            kept = _resolve(found, ldef.policy)
            self.mentions[label] = kept
            for m in kept:
                ts = next(i for i, t in enumerate(self.toks) if t[0] == m.start)
                te = next(i + 1 for i, t in enumerate(self.toks) if t[1] == m.end)
                for ai, d in enumerate(self.p.atoms):
                    if d.kind == "label" and label in d.arg:
                        self.view.add(ai, ts, te, m)
        self.view.finish()

    def guard_holds(self, guard: GuardDef, ts: int, te: int) -> bool:
        """``after P``: some non-empty match of P ends at ``ts``; ``before P``: one
        starts at ``te``; ``not``: there is none."""
        tree = self.p.patterns[guard.pattern].tree
        if guard.side == "after":
            touches = any(ts in self.ends(tree, s) for s in range(ts))
        else:
            touches = self.starts_here(tree, te)
        return touches != guard.negated

    def mention(self, e: Any, ts: int, te: int) -> Mention:
        self.view.finish()
        start, end = self.span(ts, te)
        parse = parse_match(self.p.patterns[e.pattern].tree, self.view, self.p.atoms, ts, te)
        tid, attrs = piece_info(parse, ts, te)
        value = None
        if e.normalizer and e.normalizer != "id":
            fn = get_normalizer(e.normalizer)
            value = fn(self.text[start:end], self.date) if fn else None
        else:
            whole = [q for q in parse.pieces if q[1] == ts and q[2] == te]
            if len(whole) == 1 and isinstance(whole[0][3], Mention):
                value = whole[0][3].value
        return Mention(e.label, start, end, self.text[start:end], e.name, e.priority, tid,
                       value, attrs)

    # -------------------------------------------------------------- frames
    def frames(self) -> list[Frame]:
        out = []
        for rule in self.p.rules:
            for ts, te in self.find(rule.trigger):
                f = self.fill(rule, ts, te)
                if f is not None:
                    out.append(f)
        index = {r.name: r.index for r in self.p.rules}
        best: list[Frame] = []
        for f in sorted(out, key=lambda f: (-f.priority, -(f.trigger_end - f.trigger_start),
                                            -len(f.args), index[f.rule], f.trigger_start)):
            clash = [k for k in best if k.type == f.type and
                     k.trigger_start < f.trigger_end and f.trigger_start < k.trigger_end]
            if not clash:
                best.append(f)
        return sorted(best, key=lambda f: (f.trigger_start, f.trigger_end, f.type,
                                           index[f.rule]))

    def clause_id(self, tok: int) -> int:
        return sum(1 for i in range(tok) if self.text[self.toks[i][0]:self.toks[i][1]] == ";")

    def fill(self, rule: RuleDef, ts: int, te: int) -> Frame | None:
        event = self.p.events[rule.event]
        used = {(ts, te)}
        taken: dict[str, list[tuple[int, int, Any]]] = {r.name: [] for r in event.roles}

        def clash(a: tuple[int, int], spans: Any) -> bool:
            return any(a[0] < e and s < a[1] for s, e in spans)

        for cl in rule.clauses:
            repeats = event.role(cl.role).cardinality.repeats
            if not repeats and taken[cl.role]:
                continue
            cands = [(s, e, self.candidate(cl.filler, s, e, f"{rule.name}.{cl.role}"))
                     for s, e in self.find(cl.filler)]
            vias = self.find(cl.via) if cl.via is not None else None
            bars = self.find(cl.barrier) if cl.barrier is not None else None
            good = []
            for s, e, c in cands:
                if clash((s, e), used):
                    continue
                side = Position.BEFORE if e <= ts else Position.AFTER
                if cl.position is not Position.ANY and side is not cl.position:
                    continue
                if cl.scope is Scope.CLAUSE and not (
                        self.clause_id(s) == self.clause_id(ts) == self.clause_id(e - 1)):
                    continue
                gap = ts - e if side is Position.BEFORE else s - te
                if cl.within is not None and gap > cl.within:
                    continue
                if vias is not None and not any(
                        (ve == s and (vs == te if cl.adjacent else vs >= te))
                        if side is Position.AFTER else
                        (vs == e and (ve == ts if cl.adjacent else ve <= ts))
                        for vs, ve in vias):
                    continue
                if vias is None and cl.adjacent and gap:
                    continue
                lo, hi = (e, ts) if side is Position.BEFORE else (te, s)
                if bars is not None and any(lo <= bs and be <= hi for bs, be in bars):
                    continue
                good.append((gap, s, e, c))
            chosen: list[tuple[int, int, Any]] = []
            for _, s, e, c in sorted(good, key=lambda g: (g[0], g[1])):
                if not clash((s, e), [(a, b) for a, b, _ in chosen]):
                    chosen.append((s, e, c))
                    if not repeats:
                        break
            # a repeating role, or a single-valued one declared `listed`, reads lists
            if event.role(cl.role).lists and chosen:
                chosen = self.listed(chosen, cands, used, ts, te, cl)
            taken[cl.role] += chosen
            used |= {(s, e) for s, e, _ in chosen}
        if any(r.cardinality.required and not taken[r.name] for r in event.roles):
            return None
        if any(q in taken and not taken[q] for q in rule.requires):   # `require ROLE`
            return None
        decls = {a.name: a for a in event.attrs}
        attrs: dict[str, Any] = {a.name: a.default for a in event.attrs}
        trig = piece_info(parse_match(self.p.patterns[rule.trigger].tree, self.view,
                                      self.p.atoms, ts, te), ts, te)[1]
        trig_attrs = dict(trig)
        for k, v in trig_attrs.items():
            if k in decls and str(v) in decls[k].values:
                attrs[k] = str(v)
        for st in rule.sets:
            if st.value is not None:
                attrs[st.attr] = st.value
                continue
            for src in st.sources:
                vals = [trig_attrs.get(st.attr)] if src == "trigger" else \
                    [dict(c.attrs).get(st.attr) for _, _, c in taken.get(src, [])]
                vals = [str(v) for v in vals if v is not None and str(v) in decls[st.attr].values]
                if vals:
                    attrs[st.attr] = vals[0]
                    break
        for cue in self.p.cues:
            if cue.events is not None and event.name not in cue.events:
                continue
            if cue.attr not in decls or cue.value not in decls[cue.attr].values:
                continue
            for cs, ce in self.find(cue.pattern):
                if cs < te and ts < ce:
                    continue
                side = Position.BEFORE if ce <= ts else Position.AFTER
                gap = ts - ce if side is Position.BEFORE else cs - te
                if (cue.position is Position.ANY or side is cue.position) and (
                        cue.within is None or gap <= cue.within):
                    attrs[cue.attr] = cue.value
                    break
        args = [Argument(role, c.start, c.end, self.text[c.start:c.end], c.label, c.id,
                         c.value, c.rule)
                for role in (r.name for r in event.roles) for _, _, c in taken[role]]
        args.sort(key=lambda a: (a.start, a.end, a.role))
        start, end = self.span(ts, te)
        frame = Frame(event.name, start, end, self.text[start:end], tuple(attrs.items()),
                      tuple(args), rule.name, rule.where, self.index, rule.priority)
        for pred in rule.requires:
            if pred in taken:
                continue
            fn = get_predicate(pred)
            if fn is not None and not fn(frame, self.text):
                return None
        return frame

    def listed(self, chosen: list[tuple[int, int, Any]], cands: list[tuple[int, int, Any]],
               used: set[tuple[int, int]], ts: int, te: int, cl: Any
               ) -> list[tuple[int, int, Any]]:
        """Candidates listed with a taken one: "A and B", "A, B(,) and C" (text order)."""
        def clash(a: tuple[int, int], spans: Any) -> bool:
            return any(a[0] < e and s < a[1] for s, e in spans)

        def words(lo: int, hi: int) -> list[str]:
            return [self.text[self.toks[i][0]:self.toks[i][1]].lower() for i in range(lo, hi)]

        joiners, fillers = CONJUNCTIONS, COORD_FILLERS
        out = list(chosen)
        for a, b, _ in chosen:
            after = a >= te
            # every chain element outward from the seed, with the words before it
            chain: list[tuple[int, int, Any]] = []
            links: list[list[str]] = []
            cur = (a, b)
            while True:
                pool = [x for x in cands if x not in out and x not in chain
                        and not clash((x[0], x[1]), used)
                        and not clash((x[0], x[1]), [(p, q) for p, q, _ in out + chain])
                        and ((x[0] >= te) if after else (x[1] <= ts))
                        and (cl.scope is not Scope.CLAUSE
                             or self.clause_id(x[0]) == self.clause_id(ts))]
                if after:
                    pool = [x for x in pool if x[0] > cur[1]]
                    nearest = min(pool, key=lambda x: x[0], default=None)
                    gap = words(cur[1], nearest[0]) if nearest else []
                else:
                    pool = [x for x in pool if x[1] < cur[0]]
                    nearest = max(pool, key=lambda x: x[0], default=None)
                    gap = words(nearest[1], cur[0]) if nearest else []
                if nearest is None or not gap or not all(w in joiners | fillers for w in gap) \
                        or not any(w in joiners for w in gap):
                    break
                chain.append(nearest)
                links.append(gap)
                cur = (nearest[0], nearest[1])
            # text order: commas first, one and/or last; ", and" only after a comma
            kinds = ["conj" if any(w in joiners - {","} for w in g) and "," not in g
                     else "comma_conj" if any(w in joiners - {","} for w in g)
                     else "comma" for g in links]
            ordered = kinds if after else kinds[::-1]
            take = 0
            for n in range(1, len(kinds) + 1):
                seq = ordered[:n] if after else ordered[len(kinds) - n:]
                body, last = seq[:-1], seq[-1]
                if all(k == "comma" for k in body) and (
                        last == "conj" or (last == "comma_conj" and body)):
                    take = n
            out += chain[:take]
        # in text order, as the engine keeps them: `set ... from ROLE` reads the first
        return sorted(out, key=lambda x: x[0])

    def candidate(self, pattern: int, ts: int, te: int, rule: str) -> Any:
        from .sentence import Candidate

        start, end = self.span(ts, te)
        parse = parse_match(self.p.patterns[pattern].tree, self.view, self.p.atoms, ts, te)
        whole = [q for q in parse.pieces if q[1] == ts and q[2] == te]
        m = whole[0][3] if len(whole) == 1 else None
        if isinstance(m, Mention):
            return Candidate(ts, te, start, end, m.label, m.id, m.value, m.attrs, m.rule)
        tid, attrs = piece_info(parse, ts, te)
        return Candidate(ts, te, start, end, None, tid, None, attrs, rule)


def _resolve(found: list[tuple[Mention, int]], policy: str) -> list[Mention]:
    if policy == "all":
        out: dict[tuple[int, int], tuple[Mention, int]] = {}
        for m, ei in found:
            k = (m.start, m.end)
            if k not in out or (-m.priority, ei) < (-out[k][0].priority, out[k][1]):
                out[k] = (m, ei)
        return sorted((m for m, _ in out.values()), key=lambda m: (m.start, m.end))
    if policy == "priority":
        key = lambda x: (-x[0].priority, -(x[0].end - x[0].start), x[0].start, x[1])  # noqa: E731
    else:
        key = lambda x: (x[0].start, -x[0].end, -x[0].priority, x[1])  # noqa: E731
    kept: list[Mention] = []
    for m, _ in sorted(found, key=key):
        if not any(m.start < k.end and k.start < m.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)
