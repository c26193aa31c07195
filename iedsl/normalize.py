"""The built-in normalizers: what ``normalize(number)`` and ``normalize(date)`` run.

A rule names a normalizer (``entity CASUALTY = ... normalize(number)``); the engine
looks the name up in :data:`BUILTIN_NORMALIZERS` and stores what it returns as the
mention's ``value``.  Every normalizer has one signature, ``(text, doc_date) ->
dict | None``, so that the engine can call any of them the same way; each is a pure
function (same input, same output, no state), never raises for any string, and
returns only JSON-serialisable values, so that output writers need no special cases.

The readers themselves live in :mod:`iedsl.normalize_numbers` (counts) and
:mod:`iedsl.normalize_dates` (dates and times); this module is the registry.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from .normalize_dates import normalize_date
from .normalize_numbers import normalize_number

__all__ = ["BUILTIN_NORMALIZERS", "Normalizer", "normalize_date", "normalize_number"]

#: ``(mention text, publication date or None) -> value dict or None``.
Normalizer = Callable[[str, datetime.date | None], dict[str, Any] | None]


def _number(text: str, doc_date: datetime.date | None) -> dict[str, Any] | None:
    """Adapt :func:`normalize_number` to the normalizer signature: counts ignore dates.

    News repeats its counts ("two people", "dozens"), and reading one takes tens of
    microseconds, so readings are memoized; each caller gets its own copy of the dict.
    """
    found = _cached_number(text)
    return None if found is None else dict(found)


@lru_cache(maxsize=8192)
def _cached_number(text: str) -> dict[str, Any] | None:
    return normalize_number(text)


#: Normalizers by the name rules use; read-only so that no caller can change what
#: another caller's rules mean.
BUILTIN_NORMALIZERS: Mapping[str, Normalizer] = MappingProxyType(
    {"number": _number, "date": normalize_date}
)
