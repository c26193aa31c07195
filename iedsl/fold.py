"""Folding: which differences between a term and the text do not matter.

Two kinds of fold, chosen so that offsets never move:

* **character folds** (``case``, ``quotes``, ``dashes``, ``space``, ``accents``) map
  each text character to one character.  The scanner folds the whole text once with
  all of them (``str.lower`` plus one ``str.translate``) and keeps an offset map only
  in the rare case where lowercasing changes the length (``İ``).
* **term folds** (``apostrophes``, ``hyphens``) are applied to the *terms* when the
  automaton is built, as extra spellings: an apostrophe in a term is optional in the
  text (Kata'ib / Kataib), a hyphen in a term also matches a space (al-Qaeda /
  al Qaeda).  The text itself is never shortened.

A lexicon that opts out of a character fold has its hits verified against the
original text under just the folds it asked for, so one automaton serves every
lexicon.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata

from .speedups import fold_table, native

CHAR_FOLDS = frozenset({"case", "quotes", "dashes", "space", "accents"})
TERM_FOLDS = frozenset({"apostrophes", "hyphens"})
ALL_FOLDS = CHAR_FOLDS | TERM_FOLDS

#: Hyphen variants are generated for at most this many hyphens in one term.
MAX_HYPHEN_VARIANTS = 4

# Only punctuation here: a fold must keep word characters word characters (ʼ ʻ ʿ ʾ are
# letters to Unicode), so that token boundaries in the folded text are the original's.
_QUOTES = {c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"}
_DASHES = {c: "-" for c in "‐‑‒–—―−﹘﹣－"}
_SPACES = {c: " " for c in "\t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
           "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"}


def _accent_table() -> dict[str, str]:
    table = {}
    for cp in itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        if len(decomposed) > 1 and base.isascii() and base.isalpha() and all(
                unicodedata.combining(c) for c in decomposed[1:]):
            table[ch] = base
    return table


_ACCENTS = _accent_table()
_PARTS = {"quotes": _QUOTES, "dashes": _DASHES, "space": _SPACES, "accents": _ACCENTS}
_FULL_MAP = _QUOTES | _DASHES | _SPACES | _ACCENTS
# ``str.translate`` looks every character up in a dict (~30 MB/s); news text holds a
# folded character every hundred or so, so substituting just those is ~5x faster.
# (The stdlib ``re`` is used here because its sub() with a callable is much faster
# than the ``regex`` module's.)
_FULL_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_FULL_MAP)) + "]")
_full_get = _FULL_MAP.__getitem__


# ASCII text has only whitespace and the backquote to fold, and str.translate has a
# fast path for ASCII-to-ASCII tables.
_ASCII_TABLE = str.maketrans({c: f for c, f in _FULL_MAP.items() if c.isascii()})


def _fold_chars(low: str) -> str:
    if low.isascii():
        if low.isprintable() and "`" not in low:   # nothing to fold: the usual term
            return low
        return low.translate(_ASCII_TABLE)
    if native is not None and len(low) > 256:   # a document, not a term
        return native.fold_chars(low, fold_table())
    return _FULL_RE.sub(lambda m: _full_get(m.group()), low)


def _table_for(folds: frozenset[str]) -> dict[int, str]:
    merged: dict[str, str] = {}
    for name, part in _PARTS.items():
        if name in folds:
            merged.update(part)
    return str.maketrans(merged)


_TABLES: dict[frozenset[str], dict[int, str]] = {}


def fold_with(text: str, folds: frozenset[str]) -> str:
    """``text`` under the character folds in ``folds`` (not length-preserving for İ)."""
    table = _TABLES.get(folds)
    if table is None:
        table = _TABLES[folds] = _table_for(folds)
    if "case" in folds:
        text = text.lower()
    return text.translate(table)


def fold_full(text: str) -> str:
    """``text`` under every character fold: the automaton's alphabet."""
    return _fold_chars(text.lower())


def fold_full_many(terms: list[str]) -> list[str]:
    """:func:`fold_full` of each term, folded as one string (a big term file has a
    million terms; one pass beats a million calls).

    The terms are joined with NUL, which no fold touches and which ends a word for
    ``str.lower``'s context rule (final sigma), so each piece folds as it would
    alone.  A term holding NUL itself falls back to one call per term.
    """
    joined = "\0".join(terms)
    if joined.count("\0") != max(len(terms) - 1, 0):
        return [fold_full(t) for t in terms]
    return fold_full(joined).split("\0") if terms else []


def needing_variants(terms: list[str]) -> set[int]:
    """Indices of the terms for which :func:`needs_variants` holds, in one pass."""
    hits = [m.start() for m in _APOSTROPHE_OR_DASH.finditer("\0".join(terms))]
    if not hits:
        return set()
    starts = list(itertools.accumulate((len(t) + 1 for t in terms), initial=0))
    return {bisect.bisect_right(starts, h) - 1 for h in hits}


def fold_document(text: str) -> tuple[str, list[int] | None]:
    """Fold a document for scanning.

    Returns the folded text and, only when folding changed the length, a map from
    each folded index (plus one past the end) to the original index.
    """
    low = text.lower()
    if len(low) == len(text):
        return _fold_chars(low), None
    pieces: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = ch.lower()
        pieces.append(folded)
        offsets.extend([i] * len(folded))
    offsets.append(len(text))
    return _fold_chars("".join(pieces)), offsets


_APOSTROPHE_OR_DASH = re.compile("[" + re.escape("".join(
    [c for c, f in _QUOTES.items() if f == "'"] + ["'"] + list(_DASHES) + ["-"])) + "]")


def needs_variants(term: str) -> bool:
    """Whether a term has an apostrophe or dash, so that term folds may respell it."""
    return _APOSTROPHE_OR_DASH.search(term) is not None


def term_variants(term: str, folds: frozenset[str]) -> list[str]:
    """Spellings of ``term`` that the term folds allow, original first, no repeats."""
    if not needs_variants(term):
        return [term]
    out = [term]
    if "apostrophes" in folds:
        bare = "".join(c for c in term if _QUOTES.get(c, c) != "'")
        if bare != term and bare.strip():
            out.append(bare)
    if "hyphens" in folds:
        more = []
        for form in out:
            hyphens = [i for i, c in enumerate(form) if _DASHES.get(c, c) == "-"
                       and 0 < i < len(form) - 1]
            if not hyphens or len(hyphens) > MAX_HYPHEN_VARIANTS:
                continue
            for mask in range(1, 2 ** len(hyphens)):
                chars = list(form)
                for bit, pos in enumerate(hyphens):
                    if mask >> bit & 1:
                        chars[pos] = " "
                more.append("".join(chars))
        out.extend(more)
    return list(dict.fromkeys(out))

