"""The text stage: tokens, sentences and the optional ``date YYYY-MM-DD`` header.

The matcher's whole-token semantics rest on the definitions here, so they are
deliberately small and exact:

* a *word character* is whatever the ``regex`` module's Unicode ``\\w`` matches
  (letters, digits, underscore, combining marks, joiners);
* a *token* is a maximal run of word characters or one non-space non-word
  character, i.e. exactly the matches of :data:`TOKEN_RE`;
* :func:`is_boundary` is the *local* form of the same definition, so the matcher
  can check a candidate span in O(1) instead of tokenizing around every hit.

Whitespace is the ``regex`` module's ``\\s`` everywhere (tokens, trimming,
sentence coverage), so "every non-space character belongs to a token and to a
sentence" holds with one definition of space.  All offsets are absolute.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .source import Span

__all__ = [
    "TOKEN_RE",
    "WORD_CHAR_RE",
    "Token",
    "is_boundary",
    "is_word_char",
    "read_date_header",
    "sentence_index_of",
    "split_sentences",
    "tokenize",
]

#: Sentences longer than this are cut (at whitespace) to bound the cost of matching
#: inside one sentence; far above any real sentence, so it only tames hostile input.
SENTENCE_MAX_CHARS = 100_000

WORD_CHAR_RE = regex.compile(r"\w")
TOKEN_RE = regex.compile(r"\w+|[^\w\s]")

# Every character ``regex``'s \s matches lies below U+3001 (a test checks the whole
# range); ``str.strip`` with this set trims exactly what tokenization skips.
_WS = "".join(regex.findall(r"\s", "".join(map(chr, range(0x3001)))))

# Word-ness per character, filled lazily: is_boundary runs once per Aho-Corasick hit
# and a dict lookup is several times cheaper than a regex call.  It holds at most one
# entry per distinct character ever seen.
_WORD_CACHE: dict[str, bool] = {}


def is_word_char(ch: str) -> bool:
    """Whether the single character ``ch`` is a word character (cached)."""
    w = _WORD_CACHE.get(ch)
    if w is None:
        w = _WORD_CACHE[ch] = WORD_CHAR_RE.match(ch) is not None
    return w


def is_boundary(text: str, pos: int) -> bool:
    """Whether a token boundary may lie at ``pos``.

    True at either end of ``text`` (and beyond it) and wherever the characters on
    both sides are not both word characters.  A span ``[s, e)`` whose first and
    last characters are not whitespace is a whole-token span iff this holds at
    both ``s`` and ``e``.
    """
    if pos <= 0 or pos >= len(text):
        return True
    cache = _WORD_CACHE
    before = cache.get(text[pos - 1])
    if before is None:
        before = is_word_char(text[pos - 1])
    if not before:
        return True
    after = cache.get(text[pos])
    if after is None:
        after = is_word_char(text[pos])
    return not after


@dataclass(frozen=True, slots=True)
class Token:
    """A token's offsets; its text is ``doc[start:end]`` (not stored, to stay light)."""

    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` offsets of the tokens of ``text[start:end]``, absolute.

    Plain tuples rather than :class:`Token` objects because this runs on every
    sentence holding a trigger candidate and object creation would dominate.
    A word run crossing ``start`` or ``end`` is cut there, as if the slice were
    tokenized on its own.
    """
    if end is None:
        end = len(text)
    return tuple([m.span() for m in TOKEN_RE.finditer(text, start, end)])


_DATE_HEADER_RE = regex.compile(
    r"\s*(?i:date)[^\S\n\r\x0b\x0c\x85\u2028\u2029]+([0-9]{4})-([0-9]{2})-([0-9]{2})(?=\s|\Z)\s*"
)


def read_date_header(text: str) -> tuple[datetime.date | None, int]:
    """Read the optional ``date YYYY-MM-DD`` metadata header at the top of a document.

    Returns the date and the offset where the body begins (after the header and
    the whitespace following it), or ``(None, 0)`` when there is no valid header:
    a header naming an impossible date is treated as ordinary text, not an error.
    """
    m = _DATE_HEADER_RE.match(text)
    if m is None:
        return None, 0
    try:
        day = datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None, 0
    return day, m.end()


# Atomic, so that CRLF never counts as two line breaks (a blank line).
_NL = r"(?>\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])"
_HS = r"[^\S\n\r\x0b\x0c\x85\u2028\u2029]"
_HS_CHARS = "".join(c for c in _WS if c not in "\n\r\x0b\x0c\x85\u2028\u2029")
_TERMINALS = ".!?…"
_CLOSERS = "\"”’')]"

# One scan finds every break candidate: blank lines, single line breaks (noting
# whether the next line starts lowercase) and terminal punctuation followed by
# horizontal space and a plausible sentence start.  Python only looks at these.
_CANDIDATE_RE = regex.compile(
    rf"(?P<blank>{_NL}(?:{_HS}*{_NL})+)"
    rf"|(?P<nl>{_NL}){_HS}*(?P<low>\p{{Ll}})?"
    rf"|(?P<term>[.!?…]+)(?P<close>[\"”’')\]]*)"
    rf"(?={_HS}+(?P<next>[\p{{Lu}}\p{{Lt}}\p{{Nd}}\"“‘'(\[]))"
)
# The word, or dotted abbreviation minus its final dot, just before a single '.'.
# Reverse mode ((?r)) anchors the search at the end: ~10x faster than a forward scan.
_TAIL_RE = regex.compile(
    r"(?r)(?:(?<![\w.])(?P<dotted>(?:[A-Za-z]\.)+[A-Za-z])|(?<!\w)(?P<word>\w+))\Z"
)
# Matched in their usual capitalization only: "No. 5" holds, "said no. The" breaks.
_ABBREVIATION_WORDS = (
    "Mr Mrs Ms Dr Gen Lt Col Maj Capt Sgt Cpl Adm Gov Sen Rep Rev Prof St Jr Sr Mt Ft Brig"
    " Cmdr Gens No Nos Inc Corp Co Ltd Bros vs etc approx Dept Univ Ave Blvd"
    " Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_STARTER_RE = regex.compile(
    rf"{_HS}+(?:The|This|That|These|Those|It|Its|He|She|They|We|I|In|On|At|But|And|However"
    r"|Meanwhile|A|An|There|His|Her|Their|Our|After|Before|When|While|As|Officials|According)"
    r"(?!\w)"
)
_LAST_WS_RE = regex.compile(r"(?r)\s")
_NON_WS_RE = regex.compile(r"\S")
_TAIL_WINDOW = 40


def _period_breaks(text: str, lo: int, dot: int, after: int, next_char: str) -> bool:
    """Whether a lone '.' at ``dot`` (followed by space and ``next_char``) ends a sentence.

    Only the text from ``lo`` on is consulted, so splitting ``text[lo:]`` gives the
    same sentences.  Initials, like dotted abbreviations, hold the sentence together
    only before a capitalized word that is not a common sentence starter, so
    "announced on X. “U.S. forces" and "World War I. The" still break.
    """
    tail = _TAIL_RE.search(text[max(lo, dot - _TAIL_WINDOW) : dot])
    if tail is None:
        return True
    word = tail["word"]
    if word is None:  # dotted abbreviation: U.S., a.m.
        return _STARTER_RE.match(text, after) is not None
    if word in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper() and next_char.isalpha():  # George W. Bush
        return _STARTER_RE.match(text, after) is not None
    return True


def _line_ends_terminal(text: str, lo: int, pos: int) -> bool:
    """Whether the line ending at ``pos`` ends with terminal punctuation (and closers)."""
    while pos > lo and text[pos - 1] in _HS_CHARS:
        pos -= 1
    while pos > lo and text[pos - 1] in _CLOSERS:
        pos -= 1
    return pos > lo and text[pos - 1] in _TERMINALS


def _emit(text: str, a: int, b: int, max_chars: int, out: list[Span]) -> None:
    """Append ``text[a:b]`` trimmed, cut into pieces of at most ``max_chars``."""
    seg = text[a:b]
    stripped = seg.lstrip(_WS)
    if not stripped:
        return
    a += len(seg) - len(stripped)
    b = a + len(stripped.rstrip(_WS))
    while b - a > max_chars:
        limit = a + max_chars
        ws = _LAST_WS_RE.search(text, a + 1, limit + 1)
        if ws is not None:
            cut = ws.start()
            out.append(Span(a, a + len(text[a:cut].rstrip(_WS))))
            a = _NON_WS_RE.search(text, cut, b).start()  # type: ignore[union-attr]
            continue
        cut = limit  # no space: prefer a token boundary, else cut the word run itself
        while cut > a and not is_boundary(text, cut):
            cut -= 1
        if cut == a:
            cut = limit
        out.append(Span(a, cut))
        a = cut
    out.append(Span(a, b))


def split_sentences(text: str, start: int = 0, *, max_chars: int = SENTENCE_MAX_CHARS
                    ) -> tuple[Span, ...]:
    """Sentence spans over ``text[start:]``: trimmed, ordered, non-empty, covering
    every non-space character from ``start`` on.

    Breaks: blank lines; single line breaks unless the next line starts lowercase
    and this one lacks terminal punctuation (hard-wrapped prose); ``.!?…`` (plus
    closing quotes/brackets) before space and an uppercase letter, digit or opening
    quote/bracket - except after titles, month and other common abbreviations,
    initials before a name, and dotted abbreviations (U.S., p.m.) unless a common
    sentence starter follows ("the U.S. The next day").

    A sentence longer than ``max_chars`` is cut at the last whitespace within the
    limit (at a token boundary, or hard, if it has none), so that later stages that
    are super-linear in sentence length have bounded cost.  The result depends
    only on ``text[start:]``.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    out: list[Span] = []
    prev = start
    for m in _CANDIDATE_RE.finditer(text, start):
        blank, nl, low, term, close, next_char = m.groups()  # one call beats six lookups
        if blank is not None:
            cut = m.start()
        elif nl is not None:
            cut = m.start()
            if low is not None and not _line_ends_terminal(text, start, cut):
                continue
        else:
            cut = m.end()
            if (
                term == "."
                and not close
                and not _period_breaks(text, start, m.start(), cut, next_char)
            ):
                continue
        _emit(text, prev, cut, max_chars, out)
        prev = cut
    _emit(text, prev, len(text), max_chars, out)
    return tuple(out)


def sentence_index_of(spans: Sequence[Span], pos: int) -> int | None:
    """Index of the span in sorted, disjoint ``spans`` containing ``pos``, else None."""
    i = bisect.bisect_right(spans, pos, key=lambda s: s.start) - 1
    if i >= 0 and pos < spans[i].end:
        return i
    return None
