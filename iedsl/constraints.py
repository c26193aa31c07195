"""Where a role clause looks, how many arguments a role takes, and an entity guard's
name.

Shared by the rule-file AST (:mod:`iedsl.nodes`) and the compiled program
(:mod:`iedsl.program`): a program loaded from the rule cache needs these and not the
AST, whose forty dataclasses take a noticeable part of the CLI's start-up to import.
"""

from __future__ import annotations

from enum import Enum


class Position(str, Enum):
    BEFORE = "before"
    AFTER = "after"
    ANY = "any"


class Scope(str, Enum):
    SENTENCE = "sentence"
    CLAUSE = "clause"


class Cardinality(str, Enum):
    ONE = ""          # required, at most one
    OPTIONAL = "?"    # optional, at most one
    MANY = "*"        # optional, any number
    SOME = "+"        # required, any number

    @property
    def required(self) -> bool:
        return self in (Cardinality.ONE, Cardinality.SOME)

    @property
    def repeats(self) -> bool:
        return self in (Cardinality.MANY, Cardinality.SOME)


def guard_name(side: str, negated: bool) -> str:
    """How rule files write a guard: "after", "not before", ..."""
    return f"not {side}" if negated else side
