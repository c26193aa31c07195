"""Python extension points: normalizers and predicates registered by name.

Rules name them (``entity COUNT normalize my_counts``, ``require my_check``) and
rule files say which modules define them (``python "mypkg.normalizers"``).  The
compiled program stores only names and module names, so it pickles and can be sent
to worker processes, which import the same modules and find the same functions.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from .normalize import BUILTIN_NORMALIZERS

Normalizer = Callable[[str, "dt.date | None"], Any]
Predicate = Callable[..., bool]

_NORMALIZERS: dict[str, Normalizer] = {}
_PREDICATES: dict[str, Predicate] = {}

F = TypeVar("F", bound=Callable[..., Any])


def register_normalizer(name: str) -> Callable[[F], F]:
    """Register ``fn(text, doc_date) -> JSON value | None`` under ``name``."""

    def deco(fn: F) -> F:
        _NORMALIZERS[name] = fn
        return fn

    return deco


def register_predicate(name: str) -> Callable[[F], F]:
    """Register ``fn(frame_candidate) -> bool`` under ``name`` (see :class:`Candidate`)."""

    def deco(fn: F) -> F:
        _PREDICATES[name] = fn
        return fn

    return deco


def import_modules(modules: tuple[str, ...]) -> None:
    for mod in modules:
        importlib.import_module(mod)


def get_normalizer(name: str) -> Normalizer | None:
    return _NORMALIZERS.get(name) or BUILTIN_NORMALIZERS.get(name)


def get_predicate(name: str) -> Predicate | None:
    return _PREDICATES.get(name)


def normalizer_names() -> list[str]:
    return sorted({"id", *_NORMALIZERS, *BUILTIN_NORMALIZERS})


def predicate_names() -> list[str]:
    return sorted(_PREDICATES)
