"""Syntax tree of a rule file: frozen dataclasses, one per grammar rule.

Every node records ``where`` (its source and span) so that the checker can point
at it and compiled rules can name the file and line they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .constraints import Cardinality, Position, Scope, guard_name
from .source import Source, Span


@dataclass(frozen=True, slots=True)
class Where:
    source: Source = field(compare=False, repr=False)
    span: Span

    def describe(self) -> str:
        line, col = self.source.line_col(self.span.start)
        return f"{self.source.name}:{line}:{col}"


# ------------------------------------------------------------------ patterns
@dataclass(frozen=True, slots=True)
class Literal:
    """``"text"`` or ``"text" [key=value, ...]`` (attributes it lends to a match)."""

    text: str
    where: Where = field(compare=False)
    attrs: tuple[tuple[str, str | int], ...] = ()


@dataclass(frozen=True, slots=True)
class Regex:
    """``/pattern/flags`` or ``/pattern/flags [key=value, ...]``."""

    pattern: str
    flags: str
    where: Where = field(compare=False)
    attrs: tuple[tuple[str, str | int], ...] = ()


@dataclass(frozen=True, slots=True)
class Ref:
    """``@name``: a lexicon or a named pattern."""

    name: str
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class LabelRef:
    """``LABEL``: mentions of an entity label or any label below it."""

    label: str
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class AnyToken:
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class Negation:
    """``!atom``: one token at which ``atom`` does not start."""

    atom: Pattern
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Pattern, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class Alternation:
    options: tuple[Pattern, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class Repeat:
    item: Pattern
    min: int
    max: int | None
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class Capture:
    name: str
    item: Pattern
    where: Where = field(compare=False)


Pattern = (Literal | Regex | Ref | LabelRef | AnyToken | Negation | Sequence | Alternation
           | Repeat | Capture)


# ------------------------------------------------------------------ examples
@dataclass(frozen=True, slots=True)
class ExpectedFrame:
    event: str
    trigger: str | None
    args: tuple[tuple[str, str], ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class Example:
    """An inline test: ``frames`` empty and ``spans`` empty means "=> nothing"."""

    text: str
    frames: tuple[ExpectedFrame, ...]
    spans: tuple[str, ...]
    nothing: bool
    where: Where = field(compare=False)


# ------------------------------------------------------------------ statements
@dataclass(frozen=True, slots=True)
class Include:
    path: str
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class PythonImport:
    module: str
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class LabelDecl:
    name: str
    parent: str | None
    policy: str | None
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class TermGroup:
    terms: tuple[str, ...]
    term_id: str | None
    attrs: tuple[tuple[str, str | int], ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class LexiconDecl:
    name: str
    folds: frozenset[str] | None     # None: the default folds
    groups: tuple[TermGroup, ...]
    files: tuple[str, ...]
    file_attrs: tuple[tuple[str, str | int], ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class PatternDecl:
    name: str
    pattern: Pattern
    examples: tuple[Example, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class EntityGuard:
    """``[not] after P`` / ``[not] before P``: context an entity's match must touch
    (or must not): a match of ``P`` ending where it starts (``after``) or starting
    where it ends (``before``).  "No group claimed it": *group* names nobody."""

    side: str               # "after" | "before"
    negated: bool
    pattern: Pattern
    where: Where = field(compare=False)

    def describe(self) -> str:
        return guard_name(self.side, self.negated)


@dataclass(frozen=True, slots=True)
class EntityDecl:
    label: str
    priority: int
    normalizer: str | None
    pattern: Pattern
    examples: tuple[Example, ...]
    where: Where = field(compare=False)
    guards: tuple[EntityGuard, ...] = ()


@dataclass(frozen=True, slots=True)
class AttributeDecl:
    name: str
    values: tuple[str, ...]
    default: str
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class RoleDecl:
    name: str
    labels: tuple[str, ...]
    cardinality: Cardinality
    where: Where = field(compare=False)
    #: A single-valued role that also takes what is listed with its argument
    #: ("Russia and Ukraine each freed"): `agent: (ACTOR | PEOPLE)? listed`.
    listed: bool = False


@dataclass(frozen=True, slots=True)
class EventDecl:
    name: str
    roles: tuple[RoleDecl, ...]
    attributes: tuple[AttributeDecl, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class RoleClause:
    role: str
    filler: Pattern
    position: Position
    scope: Scope
    within: int | None
    via: Pattern | None
    where: Where = field(compare=False)
    adjacent: bool = False      # `right before/after trigger`: nothing but the via between
    barrier: Pattern | None = None   # `not across P`: no match of P between it and the trigger


@dataclass(frozen=True, slots=True)
class SetClause:
    attr: str
    value: str | None
    sources: tuple[str, ...]     # "trigger" or role names, first that has the attribute wins
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class RequireClause:
    predicate: str
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class RuleDecl:
    name: str
    event: str
    priority: int
    trigger: Pattern | None
    roles: tuple[RoleClause, ...]
    sets: tuple[SetClause, ...]
    requires: tuple[RequireClause, ...]
    examples: tuple[Example, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True, slots=True)
class CueDecl:
    attr: str
    value: str
    position: Position
    within: int | None
    events: tuple[str, ...]
    pattern: Pattern
    examples: tuple[Example, ...]
    where: Where = field(compare=False)


Statement = (Include | PythonImport | LabelDecl | LexiconDecl | PatternDecl | EntityDecl
             | AttributeDecl | EventDecl | RuleDecl | CueDecl)


@dataclass(frozen=True, slots=True)
class RuleFile:
    source: Source = field(repr=False)
    statements: tuple[Statement, ...]
