"""Compile stage: checked rules -> immutable :class:`~iedsl.program.Program`.

Every literal of every lexicon and every pattern goes into ONE Aho-Corasick
automaton over the fully folded alphabet (see :mod:`iedsl.fold`); every distinct
regex is compiled once; every pattern becomes an NFA over atoms (see
:mod:`iedsl.patterns`).  Named patterns are expanded in place.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import ahocorasick

from . import nodes as n
from .check import CheckedRules
from .fold import (
    ALL_FOLDS,
    CHAR_FOLDS,
    fold_full,
    fold_full_many,
    fold_with,
    needing_variants,
    term_variants,
)
from .patterns import (
    Alt,
    Atom,
    AtomDef,
    Cap,
    CompiledPattern,
    Node,
    Rep,
    Seq,
    alternatives_of,
    compile_nfa,
    first_atoms,
    lead_anchor,
    required_atoms,
)
from .program import (
    PROGRAM_VERSION,
    AttrDef,
    ClauseDef,
    CueDef,
    EntityDef,
    EventDef,
    ExampleDef,
    GuardDef,
    LabelDef,
    Program,
    RegexDef,
    RoleDef,
    RuleDef,
    SetDef,
    SourceDef,
    TermEntry,
    entity_patterns,
)
from .regexes import compile_branches, compile_regex
from .text import _WORD_CACHE, is_word_char

#: Characters after which a sentence may end (folded forms): a key holding one may
#: straddle a sentence boundary and must be checked against the real sentences.
_BREAK_PUNCT = re.compile(r"[.!?…\"')\]]")


def sentence_risk(key: str) -> int:
    """0: cannot cross a sentence boundary; 1: holds a space (a line break in the
    text, or a long sentence's cut, may lie there); 2: holds sentence punctuation."""
    if _BREAK_PUNCT.search(key):
        return 2
    return 1 if " " in key else 0


def _put(a: ahocorasick.Automaton, key: str, entry: TermEntry) -> bool:
    """Add ``entry`` under ``key`` (the value layout is :data:`iedsl.program.TermEntry`'s)
    unless it is there already; whether it was added."""
    value = a.get(key, None)
    if value is None:
        a.add_word(key, (len(key), is_word_char(key[0]), is_word_char(key[-1]),
                         sentence_risk(key), *entry, ()))
        return True
    if entry == value[4:9] or entry in value[9]:
        return False
    a.add_word(key, (*value[:9], (*value[9], entry)))
    return True


def _atoms_of(tree: Node) -> list[int]:
    if isinstance(tree, Atom):
        return [tree.index]
    if isinstance(tree, (Rep, Cap)):
        return _atoms_of(tree.item)
    children = tree.items if isinstance(tree, Seq) else tree.options
    return [a for c in children for a in _atoms_of(c)]


def _attrs_text(attrs: tuple[tuple[str, Any], ...]) -> str:
    return " [" + ", ".join(f"{k}={v}" for k, v in attrs) + "]"


def event_cues(event: EventDef, cues: list[CueDef]) -> tuple[int, ...]:
    """The cues, in declaration order, that may set an attribute of ``event``: those
    for it (or for every event) whose attribute it declares with the cue's value.
    Decided once here, so that a frame asks only these where their pattern matches."""
    values = {a.name: a.values for a in event.attrs}
    return tuple(i for i, cue in enumerate(cues)
                 if (cue.events is None or event.name in cue.events)
                 and cue.value in values.get(cue.attr, ()))


def compile_rules(checked: CheckedRules) -> Program:
    return _Compiler(checked).run()


class _Compiler:
    def __init__(self, checked: CheckedRules) -> None:
        self.c = checked
        self.sources: list[SourceDef] = []
        self.source_index: dict[tuple[str, str], int] = {}
        self.source_keys: list[tuple[Any, ...]] = []   # ("lex", name) | ("lit", text, attrs)
        self.regexes: list[RegexDef] = []
        self.regex_index: dict[tuple[Any, ...], int] = {}
        self.atoms: list[AtomDef] = []
        self.atom_index: dict[tuple[str, Any], int] = {}
        self.atom_nodes: list[Atom] = []
        self.patterns: list[CompiledPattern] = []
        self.pattern_by_tree: dict[Node, int] = {}
        self.n_terms = 0
        self.owner = ""
        # Equal attribute tuples and fold sets of terms, made one object each: the
        # pickled program (rule cache, workers) then holds each once, where a
        # per-term copy made a 25,000-term gazetteer load 0.15 s slower.
        self.interned: dict[Any, Any] = {}

    # ---------------------------------------------------------------- terms
    # Sources (lexicons and literals) are registered while patterns are lowered;
    # their terms go into the automaton only afterwards (:meth:`automaton`), once it
    # is known which sources some pattern uses and under which atom, so that each
    # term is handled once, straight into its final automaton value.

    def lexicon_source(self, name: str) -> int:
        return self._source(("lex", name), SourceDef(name, literal=False))

    def literal_source(self, text: str, attrs: tuple[tuple[str, Any], ...] = ()) -> int:
        return self._source(("lit", text, attrs), SourceDef(text, literal=True))

    def _source(self, key: tuple[Any, ...], sdef: SourceDef) -> int:
        idx = self.source_index.get(key)
        if idx is None:
            idx = self.source_index[key] = len(self.sources)
            self.sources.append(sdef)
            self.source_keys.append(key)
        return idx

    def automaton(self) -> ahocorasick.Automaton:
        """One automaton for every literal that some pattern uses.

        A key's value is laid out as :data:`iedsl.program.TermEntry` says, its
        entries in source order, then term order.  Sources no pattern uses add
        nothing.
        """
        atom_of: dict[int, int] = {d.arg: i for i, d in enumerate(self.atoms)
                                   if d.kind == "src"}
        a = ahocorasick.Automaton()
        for idx, key in enumerate(self.source_keys):
            atom = atom_of.get(idx)
            if atom is None:
                continue
            if key[0] == "lit":
                self.add_term(a, atom, key[1], ALL_FOLDS, None, key[2])
            else:
                self.add_lexicon(a, atom, key[1])
        if len(a):
            a.make_automaton()
        return a

    def add_lexicon(self, a: ahocorasick.Automaton, atom: int, name: str) -> None:
        lex = self.c.lexicons[name]
        folds = ALL_FOLDS if lex.folds is None else lex.folds
        for g in lex.groups:
            for t in g.terms:
                self.add_term(a, atom, t, folds, g.term_id, g.attrs)
        file_attrs = lex.file_attrs
        plain = folds >= CHAR_FOLDS and ("case", "exact") not in file_attrs
        # Written for a million terms: keys folded in one pass (fold_full_many), and a
        # new key's value made inline (_put's first branch; the call alone cost 15 %
        # of a million-term compile).
        get, add = a.get, a.add_word
        word = _WORD_CACHE.get
        punct = _BREAK_PUNCT.search
        for file_rows in self.c.lexicon_rows.get(name, ()):
            terms = [row[0] for row in file_rows]
            keys = fold_full_many(terms) if plain else terms
            special = needing_variants(terms) if plain else set()
            intern = self.interned.setdefault
            for i, (term, term_id, row_attrs, _) in enumerate(file_rows):
                attrs = file_attrs
                if row_attrs:
                    attrs = file_attrs + row_attrs
                    attrs = intern(attrs, attrs)
                if not plain or row_attrs or i in special:
                    self.add_term(a, atom, term, folds, term_id, attrs)
                    continue
                key = keys[i]
                if get(key, None) is None:
                    first = word(key[0])
                    if first is None:
                        first = is_word_char(key[0])
                    last = word(key[-1])
                    if last is None:
                        last = is_word_char(key[-1])
                    add(key, (len(key), first, last,
                              2 if punct(key) else 1 if " " in key else 0,  # sentence_risk
                              atom, term_id, attrs, None, None, ()))
                elif not _put(a, key, (atom, term_id, attrs, None, None)):
                    continue
                self.n_terms += 1

    def add_term(self, a: ahocorasick.Automaton, atom: int, term: str, folds: frozenset[str],
                 term_id: str | None, attrs: tuple[tuple[str, Any], ...]) -> None:
        """One term with every spelling its term folds allow."""
        if ("case", "exact") in attrs:
            intern = self.interned.setdefault
            folds = folds - {"case"}
            folds = intern(folds, folds)
            attrs = tuple(x for x in attrs if x != ("case", "exact"))
            attrs = intern(attrs, attrs)
        partial = not folds >= CHAR_FOLDS
        for variant in term_variants(term.strip(), folds):
            key = fold_full(variant)
            check = fold_with(variant, folds) if partial else None
            if _put(a, key, (atom, term_id, attrs, check, folds if partial else None)):
                self.n_terms += 1

    # ---------------------------------------------------------------- atoms
    def atom(self, kind: str, arg: Any, text: str) -> Atom:
        key = (kind, arg)
        idx = self.atom_index.get(key)
        if idx is None:
            idx = len(self.atoms)
            self.atoms.append(AtomDef(kind, arg, text))  # type: ignore[arg-type]
            self.atom_index[key] = idx
            self.atom_nodes.append(Atom(idx))
        # one node per atom: the cached program pickles (and loads) each once
        return self.atom_nodes[idx]

    def lower(self, p: n.Pattern) -> Node:
        if isinstance(p, n.Literal):
            shown = f'"{p.text}"' + (_attrs_text(p.attrs) if p.attrs else "")
            return self.atom("src", self.literal_source(p.text, p.attrs), shown)
        if isinstance(p, n.Ref):
            if p.name in self.c.lexicons:
                return self.atom("src", self.lexicon_source(p.name), f"@{p.name}")
            return self.lower(self.c.patterns[p.name].pattern)
        if isinstance(p, n.Regex):
            key = (p.pattern, p.flags, p.attrs)
            ri = self.regex_index.get(key)
            if ri is None:
                ri = len(self.regexes)
                self.regexes.append(RegexDef(p.pattern, p.flags, p.where.describe(),
                                             self.owner, compile_regex(p.pattern, p.flags),
                                             p.attrs, compile_branches(p.pattern, p.flags)))
                self.regex_index[key] = ri
            shown = f"/{p.pattern}/{p.flags}" + (_attrs_text(p.attrs) if p.attrs else "")
            return self.atom("re", ri, shown)
        if isinstance(p, n.LabelRef):
            return self.atom("label", self.c.descendants.get(p.label, frozenset({p.label})),
                             p.label)
        if isinstance(p, n.AnyToken):
            return self.atom("any", None, "_")
        if isinstance(p, n.Negation):
            inner = self.patterns[self.pattern(p.atom)]
            return self.atom("not", inner.shared, "!" + inner.text)
        if isinstance(p, n.Sequence):
            return Seq(tuple(self.lower(i) for i in p.items))
        if isinstance(p, n.Alternation):
            return Alt(tuple(self.lower(i) for i in p.options))
        if isinstance(p, n.Repeat):
            return Rep(self.lower(p.item), p.min, p.max)
        if isinstance(p, n.Capture):
            return Cap(p.name, self.lower(p.item))
        raise TypeError(p)  # pragma: no cover - the checker admits only the nodes above

    def pattern(self, p: n.Pattern) -> int:
        """Index of a new pattern; one that lowers to a tree already seen shares it.

        Rule packs repeat the same filler (``@ACTOR``, ``"in" | "at"``) in hundreds
        of clauses.  A sentence matches each *shared* pattern once, so the copies
        keep their own source text (for ``explain``) but name the first as
        ``shared``, which is what the per-sentence caches key on.
        """
        tree = self.lower(p)
        src = p.where.source.text[p.where.span.start:p.where.span.end]
        text = " ".join(src.split())
        seen = self.pattern_by_tree.get(tree)
        if seen is not None:
            self.patterns.append(replace(self.patterns[seen], text=text))
            return len(self.patterns) - 1
        first = first_atoms(tree)
        index = len(self.patterns)
        lead, anchor = lead_anchor(tree, self.atoms)
        anywhere = any(self.atoms[a].kind in ("any", "not") for a in first)
        required = required_atoms(tree, self.atoms)
        self.patterns.append(CompiledPattern(
            tree, compile_nfa(tree), first, text, first_anywhere=anywhere,
            lead=lead, anchor=anchor,
            alternatives=alternatives_of(tree, self.atoms),
            required=required, shared=index,
            prefilter=((anchor,) if lead else () if anywhere else (first,)) + required))
        self.pattern_by_tree[tree] = index
        return index

    # ---------------------------------------------------------------- the pass
    def run(self) -> Program:
        c = self.c
        # Lexicons first, in declaration order, so source ids do not depend on use order.
        for name in c.lexicons:
            self.lexicon_source(name)
        entities = []
        for i, e in enumerate(c.entities):
            self.owner = f"entity {e.label}"
            line = e.where.describe()
            entities.append(EntityDef(
                e.label, f"{e.label}@{line}", e.priority, e.normalizer, self.pattern(e.pattern), i,
                tuple(GuardDef(g.side, g.negated, self.pattern(g.pattern)) for g in e.guards)))
        labels = {}
        for name, info in c.labels.items():
            labels[name] = LabelDef(name, info.parent, info.policy,
                                    c.descendants.get(name, frozenset({name})),
                                    tuple(e.index for e in entities if e.label == name))
        events = {}
        global_attrs = [AttrDef(a.name, a.values, a.default) for a in c.attributes]
        for ev in c.events.values():
            own = [AttrDef(a.name, a.values, a.default) for a in ev.attributes]
            names = {a.name for a in own}
            attrs = tuple(own + [a for a in global_attrs if a.name not in names])
            events[ev.name] = EventDef(ev.name, tuple(RoleDef(r.name, r.labels, r.cardinality,
                                                              r.listed)
                                                      for r in ev.roles), attrs)
        rules = []
        for i, r in enumerate(c.rules):
            self.owner = f"rule {r.name}"
            assert r.trigger is not None
            trigger = self.pattern(r.trigger)
            roles = {x.name: x for x in events[r.event].roles}
            clauses = tuple(ClauseDef(
                cl.role, self.pattern(cl.filler), cl.position, cl.scope, cl.within,
                self.pattern(cl.via) if cl.via is not None else None,
                " ".join(cl.where.source.text[cl.where.span.start:cl.where.span.end].split()),
                cl.adjacent, roles[cl.role].cardinality.repeats, roles[cl.role].lists,
                self.pattern(cl.barrier) if cl.barrier is not None else None)
                for cl in r.roles)
            sets = tuple(SetDef(s.attr, s.value, s.sources) for s in r.sets)
            requires = tuple(q.predicate for q in r.requires)
            required = tuple(x.name for x in events[r.event].roles
                             if x.cardinality.required or x.name in requires)
            rules.append(RuleDef(r.name, r.event, r.priority, i, trigger, clauses, sets,
                                 requires, r.where.describe(), required))
        cues = []
        for cu in c.cues:
            self.owner = "cue"
            cues.append(CueDef(cu.attr, cu.value, cu.position, cu.within,
                               frozenset(cu.events) if cu.events else None,
                               self.pattern(cu.pattern), cu.where.describe()))
        named = {}
        for name, decl in c.patterns.items():
            self.owner = f"pattern @{name}"
            named[name] = self.pattern(decl.pattern)
        gate, gate_all = self.gates(rules, entities, labels)
        simple: dict[int, list[int]] = {}
        for edef in entities:
            tree = self.patterns[edef.pattern].tree
            if (isinstance(tree, Atom) and self.atoms[tree.index].kind == "src"
                    and not edef.guards):
                simple.setdefault(tree.index, []).append(edef.index)
        return Program(
            version=PROGRAM_VERSION, automaton=self.automaton(), sources=tuple(self.sources),
            regexes=tuple(self.regexes), atoms=tuple(self.atoms), patterns=tuple(self.patterns),
            labels=labels, label_order=c.label_order, entities=tuple(entities), events=events,
            rules=tuple(rules), cues=tuple(cues), python_modules=c.python_modules,
            gate_atoms=gate, gate_all=gate_all, examples=self.examples(),
            n_terms=self.n_terms,
            source_atoms={d.arg: i for i, d in enumerate(self.atoms) if d.kind == "src"},
            named_patterns=named,
            simple_entities={a: tuple(es) for a, es in simple.items()},
            lexicon_only=sum(len(es) for es in simple.values()) == len(entities),
            label_atoms=self.label_atoms(),
            negation_atoms=tuple((i, d.arg) for i, d in enumerate(self.atoms)
                                 if d.kind == "not"),
            special_atoms=frozenset(i for i, d in enumerate(self.atoms)
                                    if d.kind in ("any", "not")),
            rules_by_first_atom=self.rules_by_first_atom(rules),
            rules_anywhere=tuple(r.index for r in rules
                                 if self.patterns[r.trigger].first_anywhere),
            rules_label_first=tuple(r.index for r in rules if any(
                self.atoms[a].kind == "label" for a in self.patterns[r.trigger].first)),
            rule_labels=tuple(self.needed_labels(
                [r.trigger, *(c.filler for c in r.clauses),
                 *(c.via for c in r.clauses if c.via is not None),
                 *(c.barrier for c in r.clauses if c.barrier is not None)], labels, entities)
                for r in rules),
            cue_labels=self.needed_labels([c.pattern for c in cues], labels, entities),
            event_cues={name: event_cues(ev, cues) for name, ev in events.items()},
            regex_atoms={d.arg: i for i, d in enumerate(self.atoms) if d.kind == "re"})

    def needed_labels(self, patterns: list[int], labels: dict[str, LabelDef],
                      entities: list[EntityDef]) -> frozenset[str]:
        """Labels whose mentions these patterns may consult, with their dependencies."""
        out: set[str] = set()
        todo = list(patterns)
        seen_patterns: set[int] = set()
        while todo:
            pid = todo.pop()
            if pid in seen_patterns:
                continue
            seen_patterns.add(pid)
            for atom in _atoms_of(self.patterns[pid].tree):
                d = self.atoms[atom]
                if d.kind == "not":
                    todo.append(d.arg)
                elif d.kind == "label":
                    for lab in d.arg:
                        if lab in labels and lab not in out:
                            out.add(lab)
                            todo.extend(p for ei in labels[lab].entities
                                        for p in entity_patterns(entities[ei]))
        return frozenset(out)

    def rules_by_first_atom(self, rules: list[RuleDef]) -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = {}
        for r in rules:
            for a in sorted(self.patterns[r.trigger].first):
                out.setdefault(a, []).append(r.index)
        return {a: tuple(rs) for a, rs in out.items()}

    def label_atoms(self) -> dict[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        for i, d in enumerate(self.atoms):
            if d.kind == "label":
                for lab in sorted(d.arg):
                    out.setdefault(lab, []).append(i)
        return {k: tuple(v) for k, v in out.items()}

    def gates(self, rules: list[RuleDef], entities: list[EntityDef],
              labels: dict[str, LabelDef]) -> tuple[frozenset[int], bool]:
        """Atoms that must occur in a sentence for any trigger to match there."""
        gate: set[int] = set()
        seen_labels: set[str] = set()
        todo = [a for r in rules for a in self.patterns[r.trigger].first]
        while todo:
            a = todo.pop()
            d = self.atoms[a]
            if d.kind in ("any", "not"):
                return frozenset(), True
            if d.kind == "label":
                for lab in d.arg:
                    if lab in seen_labels or lab not in labels:
                        continue
                    seen_labels.add(lab)
                    for ei in labels[lab].entities:
                        todo.extend(self.patterns[entities[ei].pattern].first)
            else:
                gate.add(a)
        return frozenset(gate), False

    def examples(self) -> tuple[ExampleDef, ...]:
        out = []
        for f in self.c.rules:
            out += [self._example(ex, f"rule {f.name}", "rule", f.event) for ex in f.examples]
        for e in self.c.entities:
            out += [self._example(ex, f"entity {e.label}", "entity", e.label)
                    for ex in e.examples]
        for p in self.c.patterns.values():
            out += [self._example(ex, f"pattern @{p.name}", "pattern", p.name)
                    for ex in p.examples]
        for cu in self.c.cues:
            out += [self._example(ex, f"cue {cu.attr}={cu.value}", "cue", None)
                    for ex in cu.examples]
        return tuple(out)

    @staticmethod
    def _example(ex: n.Example, owner: str, kind: str, label: str | None) -> ExampleDef:
        frames = tuple((f.event, f.trigger, f.args) for f in ex.frames)
        return ExampleDef(owner, kind, label, ex.where.describe(), ex.text, frames, ex.spans,
                          ex.nothing)
