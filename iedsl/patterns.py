"""Sequence patterns over tokens: the compiled form and its matcher.

A pattern is lowered to a small tree (``Atom``, ``Seq``, ``Alt``, ``Rep``, ``Cap``)
and then to a Thompson NFA whose symbols are *atoms*: a lexicon or literal (found
by the one Aho-Corasick pass), a regex (found by the regex pass), the mentions of a
label, any token, or a negated sub-pattern.  An atom occurrence spans one or more
tokens, so a transition jumps from a token position to the atom's end position.

Matching (:func:`find_all`) is POSIX-style leftmost-longest, non-overlapping,
within one sentence: for each candidate start (only positions where some atom of
the pattern's FIRST set occurs), the NFA is simulated as a set of states per token
position, each position visited once in increasing order, until no thread is
alive.  With precomputed epsilon closures the cost of one start is
O(L · S · A) for a sentence of L tokens, S states and A atom occurrences per
position; sentences are bounded in length, so the total cost is linear in the
text for a fixed rule set.  Because the semantics are set-based, greedy and lazy
quantifiers are the same thing here: the longest match always wins.

Which atom occurrences make up a match (for ids, attributes and captures) is
decided afterwards, once per accepted match, by :func:`parse_match`: the first
parse in a fixed order (alternatives left to right, repetitions greedy, longer
atom occurrences first) that spans exactly the match.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .speedups import native

AtomKind = Literal["src", "re", "label", "any", "not"]


@dataclass(frozen=True, slots=True)
class Atom:
    """Index into :attr:`Program.atoms`."""

    index: int


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    options: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Rep:
    item: Node
    min: int
    max: int | None


@dataclass(frozen=True, slots=True)
class Cap:
    name: str
    item: Node


Node = (Atom | Seq | Alt | Rep | Cap)


def _reduce_by_fields(obj: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle a frozen slotted dataclass as a call of its constructor."""
    return type(obj), tuple(getattr(obj, f) for f in obj.__slots__)


def pickle_as_constructor(*classes: type) -> None:
    """Make these frozen slotted dataclasses pickle as constructor calls.

    A compiled program holds thousands of them (pattern nodes, atoms, clauses), and the
    dataclass default, a ``__setstate__`` that asks ``fields()`` for every object, took
    half of the time to load the rule cache.  Every field must be an ``__init__``
    argument, in order (true of all of them here: none has ``init=False``).
    """
    for cls in classes:
        cls.__reduce__ = _reduce_by_fields  # type: ignore[assignment, method-assign]


pickle_as_constructor(Atom, Seq, Alt, Rep, Cap)


@dataclass(frozen=True, slots=True)
class AtomDef:
    """What an atom stands for.  ``arg``: source id, regex id, labels, or a pattern id."""

    kind: AtomKind
    arg: Any
    text: str      # how the rule wrote it, for explain and errors


@dataclass(frozen=True, slots=True)
class NFA:
    trans: tuple[tuple[tuple[int, int], ...], ...]   # state -> ((atom, target), ...)
    closure: tuple[frozenset[int], ...]              # state -> epsilon closure
    start: frozenset[int]
    accept: int


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """One pattern ready to run: tree (for parsing), NFA (for matching), FIRST set."""

    tree: Node
    nfa: NFA
    first: frozenset[int]       # atoms that can begin a match
    text: str                   # source text of the pattern
    first_anywhere: bool = False            # FIRST holds `_` or a negation
    # A pattern that opens with `lead` one-token wildcards (`_`, `!x`) starts `lead`
    # tokens before an occurrence of an atom of `anchor` (lead 0: no such shape).
    lead: int = 0
    anchor: frozenset[int] = frozenset()
    alternatives: tuple[int, ...] | None = None  # set when the pattern is atoms | atoms
    required: tuple[frozenset[int], ...] = ()  # each: one of its atoms is in every match
    shared: int = -1            # index of the first pattern with this tree (cache key)
    # Sets of atoms of which a sentence must hold one each for any match: the anchor
    # (or the FIRST set, when no match can start on any token) and the required sets,
    # made once at compile time so that find_all's prefilter is one loop.
    prefilter: tuple[frozenset[int], ...] = ()


class View:
    """Atom occurrences in one sentence, indexed by token start position.

    ``table[atom][start]`` is a list of ``(end, payload)`` sorted by end descending.
    """

    __slots__ = ("atoms", "dirty", "n_tokens", "negated", "special", "table")

    def __init__(self, n_tokens: int, special: frozenset[int] = frozenset()) -> None:
        self.n_tokens = n_tokens
        self.table: dict[int, dict[int, list[tuple[int, Any]]]] = {}
        # The atoms present, a live view of the table's keys.  Prefilters ask
        # ``view.atoms.isdisjoint(some_atoms)``, which walks the smaller side;
        # ``frozenset.isdisjoint(table)`` would walk every key of the table.
        self.atoms = self.table.keys()
        # negation atom -> test(view, pos); given the view rather than holding it, so
        # that a view and its tests form no reference cycle
        self.negated: dict[int, Callable[[View, int], bool]] = {}
        self.special = special      # `_` and negation atoms: never in the table
        self.dirty: list[list[tuple[int, Any]]] = []   # lists that need sorting

    def add(self, atom: int, start: int, end: int, payload: Any) -> None:
        by_start = self.table.get(atom)
        if by_start is None:
            by_start = self.table[atom] = {}
        occ = by_start.get(start)
        if occ is None:
            by_start[start] = [(end, payload)]
        else:
            # Mark the list on every growth: finish() may have run since the last
            # add (label mentions arrive one label at a time), so "marked when it
            # reached two" is not enough.
            if not self.dirty or self.dirty[-1] is not occ:
                self.dirty.append(occ)
            occ.append((end, payload))

    def finish(self) -> None:
        """Sort what was added since the last call (stable: equal ends keep scan order)."""
        for occ in self.dirty:
            occ.sort(key=_neg_end)
        self.dirty.clear()

    def starts(self, atom: int) -> Iterable[int]:
        return self.table.get(atom, {}).keys()


def _neg_end(occ: tuple[int, Any]) -> int:
    return -occ[0]


def occurrences(view: View, atoms: Sequence[AtomDef], atom: int, pos: int
                ) -> Sequence[tuple[int, Any]]:
    by_start = view.table.get(atom)
    if by_start is not None:
        return by_start.get(pos, ())
    kind = atoms[atom].kind
    if kind == "any":
        return ((pos + 1, None),) if pos < view.n_tokens else ()
    if kind == "not" and pos < view.n_tokens and not view.negated[atom](view, pos):
        return ((pos + 1, None),)
    return ()


# ------------------------------------------------------------------ NFA construction
class _Builder:
    def __init__(self) -> None:
        self.trans: list[list[tuple[int, int]]] = []
        self.eps: list[list[int]] = []

    def state(self) -> int:
        self.trans.append([])
        self.eps.append([])
        return len(self.trans) - 1

    def build(self, node: Node, start: int) -> int:
        """Add ``node`` from ``start``; return its end state."""
        if isinstance(node, Atom):
            end = self.state()
            self.trans[start].append((node.index, end))
            return end
        if isinstance(node, Cap):
            return self.build(node.item, start)
        if isinstance(node, Seq):
            cur = start
            for item in node.items:
                cur = self.build(item, cur)
            return cur
        if isinstance(node, Alt):
            end = self.state()
            for opt in node.options:
                s = self.state()
                self.eps[start].append(s)
                self.eps[self.build(opt, s)].append(end)
            return end
        if isinstance(node, Rep):
            cur = start
            for _ in range(node.min):
                cur = self.build(node.item, cur)
            if node.max is None:
                loop = self.state()
                self.eps[cur].append(loop)
                body_end = self.build(node.item, loop)
                self.eps[body_end].append(loop)
                return loop
            end = self.state()
            self.eps[cur].append(end)
            for _ in range(node.max - node.min):
                nxt = self.build(node.item, cur)
                self.eps[nxt].append(end)
                cur = nxt
            return end
        raise TypeError(node)  # pragma: no cover - the compiler only makes the nodes above


def compile_nfa(tree: Node) -> NFA:
    b = _Builder()
    start = b.state()
    accept = b.build(tree, start)
    closures = []
    for s in range(len(b.trans)):
        seen = {s}
        stack = [s]
        while stack:
            for t in b.eps[stack.pop()]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        closures.append(frozenset(seen))
    # Keep only states with outgoing symbols (or the accept state) in closures.
    useful = {s for s in range(len(b.trans)) if b.trans[s]} | {accept}
    closure = tuple(frozenset(c & useful) for c in closures)
    return NFA(tuple(tuple(t) for t in b.trans), closure, closure[start], accept)


def first_atoms(tree: Node) -> frozenset[int]:
    """Atoms that can begin a non-empty match."""
    return _first(tree)[0]


def _first(node: Node) -> tuple[frozenset[int], bool]:
    """The atoms that can begin a match of ``node``, and whether it can be empty."""
    if isinstance(node, Atom):
        return frozenset({node.index}), False
    if isinstance(node, Cap):
        return _first(node.item)
    if isinstance(node, Alt):
        atoms: frozenset[int] = frozenset()
        empty = False
        for opt in node.options:
            a, e = _first(opt)
            atoms |= a
            empty |= e
        return atoms, empty
    if isinstance(node, Seq):
        atoms = frozenset()
        for item in node.items:
            a, e = _first(item)
            atoms |= a
            if not e:
                return atoms, False
        return atoms, True
    if isinstance(node, Rep):
        a, e = _first(node.item)
        return a, e or node.min == 0
    raise TypeError(node)  # pragma: no cover


def lead_anchor(tree: Node, atoms: Sequence[AtomDef]) -> tuple[int, frozenset[int]]:
    """``(lead, anchor)`` for a pattern that opens with ``lead`` one-token wildcards
    (`_` or a negation) followed by a part that cannot be empty and begins with
    scanned atoms only (``anchor``); ``(0, frozenset())`` for any other shape.

    Such a pattern ("not after a participle: ``!@PARTICIPLE "in"``") can start at
    any token, yet each match starts exactly ``lead`` tokens before an occurrence of
    an anchor atom, since a wildcard always takes one token.  Trying only those
    starts keeps it as cheap as a pattern that opens with a word.
    """
    node = tree
    while isinstance(node, Cap):
        node = node.item
    items = node.items if isinstance(node, Seq) else (node,)
    lead = 0
    for k, item in enumerate(items):
        inner = item
        while isinstance(inner, Cap):
            inner = inner.item
        if isinstance(inner, Atom) and atoms[inner.index].kind in ("any", "not"):
            lead += 1
            continue
        if lead == 0:
            break
        anchor, empty = _first(Seq(items[k:]))
        if empty or not anchor or any(atoms[a].kind in ("any", "not") for a in anchor):
            break
        return lead, anchor
    return 0, frozenset()


# ------------------------------------------------------------------ matching
def longest_at(p: CompiledPattern, view: View, atoms: Sequence[AtomDef], start: int
               ) -> int | None:
    """End of the longest non-empty match starting at ``start``, or None.

    Runs the C loop when it is built (the same algorithm over bitsets), else
    :func:`longest_at_python`, which defines it.
    """
    if native is None:
        return longest_at_python(p, view, atoms, start)
    entry = _NATIVE.get(id(p))
    if entry is None:
        entry = _native_form(p)
    return native.longest_at(entry[1], view.table, view.special, occurrences, view, atoms,
                             start, view.n_tokens)


#: id(pattern or tree) -> (it, its C form, the pattern's first atoms as a tuple); the
#: object is held so that its id stays its own.  Programs stay picklable: the C forms
#: live here, made once per process, never in a Program.
_NATIVE: dict[int, tuple[Any, Any, tuple[int, ...]]] = {}
_NATIVE_MAX = 40_000


def _native_form(p: CompiledPattern) -> tuple[Any, Any, tuple[int, ...]]:
    """The C form of ``p``'s NFA and the atoms its starts come from (FIRST, or the
    anchor of a pattern with a lead), made once per pattern."""
    assert native is not None
    nfa = p.nfa
    starts_from = p.anchor if p.lead else p.first
    return _remember(p, native.compile_nfa(nfa.trans, nfa.closure, nfa.start, nfa.accept),
                     tuple(sorted(starts_from)))


def _remember(obj: Any, capsule: Any, starts: tuple[int, ...]) -> tuple[Any, Any, tuple[int, ...]]:
    """Keep ``obj``'s C form in :data:`_NATIVE` (emptied when many programs have filled it)."""
    if len(_NATIVE) >= _NATIVE_MAX:
        _NATIVE.clear()
    entry = _NATIVE[id(obj)] = (obj, capsule, starts)
    return entry


def _native_tree(tree: Node) -> Any:
    """The C form of a pattern tree for :func:`parse_match`, made once per tree."""
    assert native is not None
    rows: list[tuple[int, Any, int, int, tuple[int, ...]]] = []
    _tree_rows(tree, rows)
    return _remember(tree, native.compile_tree(tuple(rows)), ())[1]


def _tree_rows(node: Node, rows: list[tuple[int, Any, int, int, tuple[int, ...]]]) -> int:
    """Append ``node`` and its descendants to ``rows``, parents first, each as
    ``(kind, value, min, max, children)`` (see ``compile_tree`` in the C file); return
    its index.  (A function, not a closure: a recursive closure is a reference cycle.)"""
    at = len(rows)
    rows.append((0, None, 0, 0, ()))
    if isinstance(node, Atom):
        rows[at] = (0, node.index, 0, 0, ())
        return at
    if isinstance(node, Seq):
        kind, value, lo, hi, kids = 1, None, 0, 0, node.items
    elif isinstance(node, Alt):
        kind, value, lo, hi, kids = 2, None, 0, 0, node.options
    elif isinstance(node, Rep):
        kind, value, lo, hi = 3, None, node.min, -1 if node.max is None else node.max
        kids = (node.item,)
    elif isinstance(node, Cap):
        kind, value, lo, hi, kids = 4, node.name, 0, 0, (node.item,)
    else:  # pragma: no cover
        raise TypeError(node)
    rows[at] = (kind, value, lo, hi, tuple(_tree_rows(k, rows) for k in kids))
    return at


def longest_at_python(p: CompiledPattern, view: View, atoms: Sequence[AtomDef], start: int
                      ) -> int | None:
    """:func:`longest_at` in Python: a breadth-first NFA walk over token positions."""
    return max(accepting_ends(p, view, atoms, start), default=None)


def accepting_ends(p: CompiledPattern, view: View, atoms: Sequence[AtomDef], start: int
                   ) -> Iterator[int]:
    """Every end of a non-empty match from ``start``, in increasing order: the NFA run
    as a set of states per token position, each position visited once."""
    nfa = p.nfa
    trans, closure, accept = nfa.trans, nfa.closure, nfa.accept
    table = view.table
    special = view.special
    occ: Sequence[tuple[int, Any]] | None
    agenda: dict[int, set[int]] = {start: set(nfa.start)}
    heap = [start]
    while heap:
        pos = heapq.heappop(heap)
        states = agenda.pop(pos)
        if accept in states and pos > start:
            yield pos
        for st in states:
            for atom, target in trans[st]:
                by_start = table.get(atom)   # inlined occurrences(): this is the hot loop
                if by_start is not None:
                    occ = by_start.get(pos)
                    if occ is None:
                        continue
                elif atom in special:
                    occ = occurrences(view, atoms, atom, pos)
                else:
                    continue
                for end, _ in occ:
                    nxt = agenda.get(end)
                    if nxt is None:
                        agenda[end] = set(closure[target])
                        heapq.heappush(heap, end)
                    else:
                        nxt |= closure[target]


def candidate_starts(p: CompiledPattern, view: View, atoms: Sequence[AtomDef]) -> list[int]:
    if p.lead:
        lead = p.lead
        table = view.table
        shifted: set[int] = set()
        for a in p.anchor:
            by_start = table.get(a)
            if by_start:
                shifted.update(s - lead for s in by_start if s >= lead)
        return sorted(shifted)
    if p.first_anywhere:
        return list(range(view.n_tokens))
    table = view.table
    starts: set[int] = set()
    for a in p.first:
        by_start = table.get(a)
        if by_start:
            starts.update(by_start)
    return sorted(starts)


def alternatives_of(tree: Node, atoms: Sequence[AtomDef]) -> tuple[int, ...] | None:
    """The atoms of a pattern that is one atom or an alternation of atoms, in the
    order a parse tries them, else None."""
    if isinstance(tree, Atom):
        return (tree.index,) if atoms[tree.index].kind not in ("any", "not") else None
    if isinstance(tree, Alt):
        out: list[int] = []
        for opt in tree.options:
            sub = alternatives_of(opt, atoms)
            if sub is None:
                return None
            out += [a for a in sub if a not in out]
        return tuple(out)
    return None


def required_atoms(tree: Node, atoms: Sequence[AtomDef]) -> tuple[frozenset[int], ...]:
    """Sets of atoms of which every match contains at least one: a sentence missing
    every atom of one set holds no match (a prefilter, like the ``required literal``
    of a regex engine, generalised to alternations).

    `_` and negations are never absent, so they are left out; an alternation gives
    one set, the union of a smallest set of each option.
    """

    def need(node: Node) -> frozenset[frozenset[int]]:
        if isinstance(node, Atom):
            return frozenset() if atoms[node.index].kind in ("any", "not") else \
                frozenset({frozenset({node.index})})
        if isinstance(node, Cap):
            return need(node.item)
        if isinstance(node, Seq):
            return frozenset().union(*(need(i) for i in node.items))
        if isinstance(node, Alt):
            options = [need(o) for o in node.options]
            if not all(options):
                return frozenset()
            common = frozenset.intersection(*options)
            either = frozenset().union(*(min(o, key=lambda x: (len(x), sorted(x)))
                                         for o in options))
            return common | {either}
        if isinstance(node, Rep):
            return need(node.item) if node.min > 0 else frozenset()
        raise TypeError(node)  # pragma: no cover

    return tuple(sorted(need(tree), key=lambda x: (len(x), sorted(x))))


def find_all(p: CompiledPattern, view: View, atoms: Sequence[AtomDef]) -> list[tuple[int, int]]:
    """Leftmost-longest, non-overlapping matches as token ranges ``(start, end)``."""
    if p.alternatives is not None:
        # One atom deep: the longest occurrence at each start is the match there.
        table = view.table
        if view.atoms.isdisjoint(p.first):
            return []
        spans = sorted((s, -occ[0][0]) for a in p.alternatives if a in table
                       for s, occ in table[a].items())
        found = []
        last = 0
        for s, neg_e in spans:
            if s >= last:
                found.append((s, -neg_e))
                last = -neg_e
        return found
    present = view.atoms
    for need in p.prefilter:
        if present.isdisjoint(need):
            return []
    table = view.table
    if native is not None:
        entry = _NATIVE.get(id(p))
        if entry is None:
            entry = _native_form(p)
        return native.find_all(entry[1], entry[2], p.first_anywhere and not p.lead, p.lead,
                               table, view.special, occurrences, view, atoms, view.n_tokens)
    return find_all_python(p, view, atoms)


def find_all_python(p: CompiledPattern, view: View, atoms: Sequence[AtomDef]
                    ) -> list[tuple[int, int]]:
    """:func:`find_all` after its prefilters, in Python: each candidate start tried
    with :func:`longest_at`, skipping those inside the previous match."""
    out = []
    last = 0
    for s in candidate_starts(p, view, atoms):
        if s < last:
            continue
        e = longest_at(p, view, atoms, s)
        if e is not None:
            out.append((s, e))
            last = e
    return out


def match_ends(p: CompiledPattern, view: View, atoms: Sequence[AtomDef]) -> set[int]:
    """Every position where some non-empty match ends, from any start: what a
    lookbehind asks (entity guards), where :func:`find_all` keeps only the
    leftmost-longest matches."""
    if p.alternatives is not None:
        # One atom deep ("of" | "," | "and"): the matches are the atoms' occurrences.
        table = view.table
        return {end for a in p.alternatives if a in table
                for occ in table[a].values() for end, _ in occ}
    return {e for s in candidate_starts(p, view, atoms) for e in accepting_ends(p, view, atoms, s)}


def matches_at(p: CompiledPattern, view: View, atoms: Sequence[AtomDef], pos: int) -> bool:
    """Whether any non-empty match starts at ``pos`` (used by negation)."""
    return longest_at(p, view, atoms, pos) is not None


# ------------------------------------------------------------------ parsing a match
class Parse(NamedTuple):
    """How a match was made: atom occurrences in order, and named captures.

    A named tuple (immutable like the frozen dataclasses elsewhere): one is made
    per parsed match, and a tuple is built several times faster.
    """

    pieces: tuple[tuple[int, int, int, Any], ...]       # (atom, start, end, payload)
    captures: tuple[tuple[str, int, int], ...]          # (name, start, end) token ranges


#: A match longer than this (in tokens) is not parsed: its mention or argument gets
#: no id, attributes or captures.  The search recurses once or twice per atom
#: occurrence, and Python's recursion limit is near a thousand frames.
PARSE_MAX_TOKENS = 400


def parse_match(tree: Node, view: View, atoms: Sequence[AtomDef], start: int, end: int,
                *, step_limit: int = 20000) -> Parse:
    """The canonical parse of a match already known to span ``[start, end)``.

    A backtracking search in the order the pattern is written (options left to
    right, repetitions greedy, atom occurrences longest first); the first parse
    that ends at ``end`` is the one.
    """
    if isinstance(tree, Atom):
        for j, payload in occurrences(view, atoms, tree.index, start):
            if j == end:
                return Parse(((tree.index, start, end, payload),), ())
    if end - start > PARSE_MAX_TOKENS:
        return Parse((), ())
    if native is not None:
        entry = _NATIVE.get(id(tree))
        found = native.parse_match(entry[1] if entry is not None else _native_tree(tree),
                                   view.table, view.special, occurrences, view, atoms,
                                   start, end, view.n_tokens, step_limit)
        if found is None:
            return Parse((), ())
        if found is not False:
            return Parse(*found)
        # False: the C search gave up (step limit or depth); the Python one decides
    return parse_match_python(tree, view, atoms, start, end, step_limit=step_limit)


def parse_match_python(tree: Node, view: View, atoms: Sequence[AtomDef], start: int,
                       end: int, *, step_limit: int = 20000) -> Parse:
    """:func:`parse_match` in Python: nested generators enumerate the parses in
    order; the C version runs the same search with explicit continuations."""
    for j, pieces, caps in _Parser(view, atoms, end, step_limit).go(tree, start):
        if j == end:
            return Parse(tuple(pieces), tuple(caps))
    return Parse((), ())


_Parses = Iterator[tuple[int, tuple[Any, ...], tuple[Any, ...]]]


class _Parser:
    """The search of :func:`parse_match`.  Methods rather than nested functions: the
    mutually recursive closures would form a reference cycle a call, left for the
    cyclic garbage collector, whose passes then cost a fifth of a pack's run."""

    __slots__ = ("atoms", "end", "limit", "steps", "view")

    def __init__(self, view: View, atoms: Sequence[AtomDef], end: int, limit: int) -> None:
        self.view, self.atoms, self.end, self.limit, self.steps = view, atoms, end, limit, 0

    def go(self, node: Node, i: int) -> _Parses:
        self.steps += 1
        if self.steps > self.limit:
            return
        if isinstance(node, Atom):
            end = self.end
            for j, payload in occurrences(self.view, self.atoms, node.index, i):
                if j <= end:
                    yield j, ((node.index, i, j, payload),), ()
        elif isinstance(node, Cap):
            for j, pieces, caps in self.go(node.item, i):
                yield j, pieces, ((node.name, i, j), *caps)
        elif isinstance(node, Alt):
            for opt in node.options:
                yield from self.go(opt, i)
        elif isinstance(node, Seq):
            yield from self.seq(node.items, 0, i)
        elif isinstance(node, Rep):
            yield from self.rep(node, 0, i)

    def seq(self, items: tuple[Node, ...], k: int, i: int) -> _Parses:
        if k == len(items):
            yield i, (), ()
            return
        for j, p1, c1 in self.go(items[k], i):
            for m, p2, c2 in self.seq(items, k + 1, j):
                yield m, p1 + p2, c1 + c2

    def rep(self, node: Rep, count: int, i: int) -> _Parses:
        if node.max is None or count < node.max:
            for j, p1, c1 in self.go(node.item, i):
                if j == i and count >= node.min:
                    continue    # an empty repetition is only needed to reach the minimum
                for m, p2, c2 in self.rep(node, count + 1, j):
                    yield m, p1 + p2, c1 + c2
        if count >= node.min:
            yield i, (), ()


pickle_as_constructor(AtomDef, NFA, CompiledPattern)
