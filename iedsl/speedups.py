"""The optional C loops (``iedsl._speedups``) and the tables they read.

The C module is built at install time when a compiler is present and is never
required: every caller keeps a pure-Python loop that defines the behaviour, and
the tests run both and demand the same results.  Set ``IEDSL_PURE_PYTHON=1`` to
run without it (``iedsl extract --profile`` shows which is in use).

The tables are built from iedsl's own definitions (:data:`iedsl.text.WORD_CHAR_RE`,
:data:`iedsl.fold._FULL_MAP`), lazily, so that what counts as a word character or a
fold stays decided in exactly one place and start-up pays nothing for them.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from types import ModuleType

from .text import WORD_CHAR_RE


def _load() -> ModuleType | None:
    if os.environ.get("IEDSL_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        return importlib.import_module("._speedups", __package__)
    except ImportError:
        return None


#: The C module, or None when it is not built or IEDSL_PURE_PYTHON is set.
native: ModuleType | None = _load()

#: Characters below this code point are looked up in :func:`word_table`.
WORD_TABLE_SIZE = 0x10000


@lru_cache(maxsize=1)
def word_table() -> bytes:
    """One byte per BMP code point: 1 for a word character (``regex``'s ``\\w``)."""
    chars = "".join(map(chr, range(WORD_TABLE_SIZE)))
    return _marks(chars, WORD_CHAR_RE.sub("\x01", chars))


def _marks(chars: str, marked: str) -> bytes:
    # "\x01" is not a word character, so a "\x01" in `marked` is a substitution
    # everywhere except at code point 1 itself.
    out = bytearray(len(chars))
    pos = marked.find("\x01")
    while pos >= 0:
        if pos != 1:
            out[pos] = 1
        pos = marked.find("\x01", pos + 1)
    return bytes(out)


@lru_cache(maxsize=1)
def fold_table() -> bytes:
    """The 1:1 character folds as a little-endian UCS-4 array (0: unchanged)."""
    from .fold import _FULL_MAP

    size = max(map(ord, _FULL_MAP)) + 1
    table = bytearray(4 * size)
    for c, f in _FULL_MAP.items():
        table[4 * ord(c):4 * ord(c) + 4] = ord(f).to_bytes(4, "little")
    return bytes(table)
