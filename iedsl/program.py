"""The compiled program: everything extraction needs, built once, never mutated.

A :class:`Program` is deterministic (the same rules give the same program),
picklable (the Aho-Corasick automaton and compiled regexes pickle by value, Python
extensions by name), and safe to share between threads: scanning only reads it.
Mappings inside it are plain dicts by necessity of pickling; nothing writes to them
after :func:`~iedsl.compile.compile_rules` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ahocorasick
import regex

from .constraints import Cardinality, Position, Scope, guard_name
from .patterns import AtomDef, CompiledPattern, pickle_as_constructor

PROGRAM_VERSION = 9


@dataclass(frozen=True, slots=True)
class SourceDef:
    """A lexicon, or an anonymous one holding a string literal of a pattern."""

    name: str
    literal: bool


#: What one automaton key means for one atom:
#: ``(atom, term_id, attrs, check, folds)``; ``check`` is the verification form when
#: the lexicon folds less than the automaton (then ``folds`` are its folds).
#: A key's value is ``(key_length, starts_with_word_char, ends_with_word_char,
#: sentence_risk, *first_entry, more_entries)`` (see
#: :func:`iedsl.compile.sentence_risk`): ten fields, the first entry inline and the
#: rest (usually none) in a tuple.  One flat tuple a key: a big lexicon has a million
#: keys to build, hold and pickle, and a scan reads one per hit.
TermEntry = tuple[int, "str | None", "tuple[tuple[str, Any], ...]", "str | None",
                  "frozenset[str] | None"]


def value_entries(value: tuple[Any, ...]) -> tuple[TermEntry, ...]:
    """Every entry of an automaton value, first one first."""
    return (value[4:9], *value[9])  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class RegexDef:
    pattern: str
    flags: str
    where: str
    owner: str
    compiled: regex.Pattern[str] = field(compare=False, repr=False)
    attrs: tuple[tuple[str, Any], ...] = ()    # lent to every match
    # the same regex as its literal-led branches, when it opens with an alternation
    # (iedsl.regexes.compile_branches): scanned faster, matching exactly the same
    branches: tuple[regex.Pattern[str], ...] | None = field(default=None, compare=False,
                                                             repr=False)


class GuardDef(NamedTuple):
    """Context an entity's match must (not) touch (see :class:`iedsl.nodes.EntityGuard`)."""

    side: str          # "after" | "before"
    negated: bool
    pattern: int       # index into Program.patterns

    @property
    def name(self) -> str:
        return guard_name(self.side, self.negated)


@dataclass(frozen=True, slots=True)
class EntityDef:
    label: str
    name: str                  # provenance: "LABEL@file:line"
    priority: int
    normalizer: str | None
    pattern: int               # index into Program.patterns
    index: int
    guards: tuple[GuardDef, ...] = ()


def entity_patterns(e: EntityDef) -> tuple[int, ...]:
    """The patterns an entity consults: its own and its guards'."""
    return (e.pattern, *(g.pattern for g in e.guards))


@dataclass(frozen=True, slots=True)
class LabelDef:
    name: str
    parent: str | None
    policy: str
    descendants: frozenset[str]
    entities: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoleDef:
    name: str
    labels: tuple[str, ...]
    cardinality: Cardinality
    listed: bool = False        # single-valued, but takes the items listed with its argument

    @property
    def lists(self) -> bool:
        """Whether a clause for this role reads lists ("in Iraq and Syria")."""
        return self.listed or self.cardinality.repeats


@dataclass(frozen=True, slots=True)
class AttrDef:
    name: str
    values: tuple[str, ...]
    default: str


@dataclass(frozen=True, slots=True)
class EventDef:
    name: str
    roles: tuple[RoleDef, ...]
    attrs: tuple[AttrDef, ...]

    def role(self, name: str) -> RoleDef:
        for r in self.roles:
            if r.name == name:
                return r
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class ClauseDef:
    role: str
    filler: int
    position: Position
    scope: Scope
    within: int | None
    via: int | None
    text: str
    adjacent: bool = False      # nothing but the via match between argument and trigger
    repeats: bool = False       # the role takes any number of arguments (its cardinality)
    lists: bool = False         # ... or the items listed with the one it takes (`listed`)
    barrier: int | None = None  # `not across`: no match of this between argument and trigger


@dataclass(frozen=True, slots=True)
class SetDef:
    attr: str
    value: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleDef:
    name: str
    event: str
    priority: int
    index: int
    trigger: int
    clauses: tuple[ClauseDef, ...]
    sets: tuple[SetDef, ...]
    requires: tuple[str, ...]       # `require` names as written: roles and predicates
    where: str
    # The roles a frame must fill, in the event's order: those the event requires and
    # those the rule's `require` names (found here once, not per trigger).
    required_roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CueDef:
    attr: str
    value: str
    position: Position
    within: int | None
    events: frozenset[str] | None
    pattern: int
    where: str


@dataclass(frozen=True, slots=True)
class ExampleDef:
    """An inline example, kept in the program so `iedsl test` needs no re-parse."""

    owner: str                      # "rule attack_active", "entity WEAPON", ...
    owner_kind: str                 # rule | entity | pattern | cue
    label: str | None               # entity label or event type the owner produces
    where: str
    text: str
    frames: tuple[tuple[str, str | None, tuple[tuple[str, str], ...]], ...]
    spans: tuple[str, ...]
    nothing: bool


@dataclass(frozen=True, slots=True)
class Program:
    version: int
    automaton: ahocorasick.Automaton = field(repr=False)
    sources: tuple[SourceDef, ...]
    regexes: tuple[RegexDef, ...]
    atoms: tuple[AtomDef, ...]
    patterns: tuple[CompiledPattern, ...]
    labels: dict[str, LabelDef]
    label_order: tuple[str, ...]
    entities: tuple[EntityDef, ...]
    events: dict[str, EventDef]
    rules: tuple[RuleDef, ...]
    cues: tuple[CueDef, ...]
    python_modules: tuple[str, ...]
    gate_atoms: frozenset[int]     # a sentence needs one of these to hold a trigger
    gate_all: bool                 # some trigger can start anywhere: no gating
    examples: tuple[ExampleDef, ...]
    n_terms: int
    source_atoms: dict[int, int]   # source id -> atom index
    named_patterns: dict[str, int]  # `pattern NAME` -> index into patterns
    simple_entities: dict[int, tuple[int, ...]]   # atom -> entities that are just that atom
    lexicon_only: bool              # every entity is one lexicon or literal
    label_atoms: dict[str, tuple[int, ...]]       # label -> atoms that refer to it
    negation_atoms: tuple[tuple[int, int], ...]   # (atom, negated pattern)
    special_atoms: frozenset[int]   # `_` and negations: occur without being scanned
    rules_by_first_atom: dict[int, tuple[int, ...]]   # atom -> rules whose trigger starts so
    rules_anywhere: tuple[int, ...]  # rules whose trigger may start with `_` or a negation
    rules_label_first: tuple[int, ...]   # rules whose trigger may start with a label
    rule_labels: tuple[frozenset[str], ...]   # rule -> labels it needs, with dependencies
    cue_labels: frozenset[str]      # labels the cues need, with dependencies
    event_cues: dict[str, tuple[int, ...]]   # event -> cues that may set one of its attributes
    regex_atoms: dict[int, int]    # regex id -> atom index


pickle_as_constructor(SourceDef, RegexDef, EntityDef, LabelDef, RoleDef, AttrDef, EventDef,
                      ClauseDef, SetDef, RuleDef, CueDef, ExampleDef, Program)
