"""Turn the text of a count or casualty phrase into a number with its hedges.

News rarely gives a bare count: it says "more than 85 targets", "some 50 people",
"between 10 and 20 soldiers", "dozens of civilians".  Analysts aggregate these
counts, so the hedge matters as much as the number; :func:`normalize_number` keeps
both, as a small JSON-serialisable dict (see its docstring for the shape).

The phrase is tokenized (digits, words, dashes, other marks), then scanned left to
right for the first quantity.  Offsets are never needed here: the engine keeps the
mention's span, this module only computes its ``value``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, cast

__all__ = ["normalize_number"]

#: What a hedge word says about the number it qualifies.
Hedge = Literal["lower", "upper", "approx", "range"]
TokenKind = Literal["skip", "num", "word", "dash", "other"]

_TOKEN_RE = re.compile(
    r"""
    (?P<skip>[0-9]+(?:[:/][0-9]+)+)                       # clock times, numeric dates
    | (?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)
    | (?P<word>[a-z]+)
    | (?P<dash>[-\u2010-\u2015\u2212])
    | (?P<other>\S)
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)

#: Longer digit strings are identifiers or noise, not counts (and would make ``int``
#: slow or refuse them on Python 3.11+).
_MAX_DIGITS = 30

# fmt: off
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9}
#: Words that multiply the number before them ("2.5 million", "two dozen").
_MULTIPLIERS = {"dozen": 12, "hundred": 100, **_SCALES}
_ORDINALS = frozenset({
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
        "seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth", "fortieth", "fiftieth",
        "sixtieth", "seventieth", "eightieth", "ninetieth", "hundredth", "thousandth", "millionth",
        "billionth", "st", "nd", "rd", "th",
})

#: Fixed phrases with an exact value, tried before number words.
_EXACT_PHRASES: dict[tuple[str, ...], int] = {
    ("half", "a", "dozen"): 6,
    ("no", "one"): 0,
    ("nobody",): 0,
    ("none",): 0,
    ("both",): 2,
}

#: Vague quantities: phrase -> (canonical name, representative value or None).
#: The value is a conventional reading for aggregation, always flagged ``approx``;
#: words that give no size at all ("many") carry no value.
_VAGUE: dict[tuple[str, ...], tuple[str, int | None]] = {
    ("tens", "of", "thousands"): ("tens of thousands", 20_000),
    ("hundreds", "of", "thousands"): ("hundreds of thousands", 200_000),
    ("tens", "of", "millions"): ("tens of millions", 20_000_000),
    ("hundreds", "of", "millions"): ("hundreds of millions", 200_000_000),
    ("a", "number", "of"): ("a number of", 3),
    ("a", "few"): ("few", 3),
    ("a", "handful"): ("handful", 3),
    ("a", "couple"): ("couple", 2),
    ("a", "lot"): ("many", None),
    ("a", "great", "many"): ("many", None),
    ("few",): ("few", 3),
    ("several",): ("several", 3),
    ("dozens",): ("dozens", 24),
    ("scores",): ("scores", 40),
    ("hundreds",): ("hundreds", 200),
    ("thousands",): ("thousands", 2000),
    ("millions",): ("millions", 2_000_000),
    ("many",): ("many", None),
    ("numerous",): ("numerous", None),
    ("multiple",): ("multiple", None),
    ("countless",): ("countless", None),
    ("lots",): ("many", None),
}

#: Hedges written before the number.  Longest match wins ("no more than" over
#: "more than").  "between" only announces a range.
_PREFIXES: dict[tuple[str, ...], Hedge] = {
    **dict.fromkeys(
        [("more", "than"), ("over",), ("at", "least"), ("upwards", "of"), ("in", "excess", "of"),
         ("no", "fewer", "than"), ("no", "less", "than"), ("not", "less", "than"), ("above",),
         ("well", "over"), ("just", "over"), ("exceeding",)],
        "lower",
    ),
    **dict.fromkeys(
        [("fewer", "than"), ("less", "than"), ("up", "to"), ("at", "most"), ("nearly",),
         ("almost",), ("under",), ("no", "more", "than"), ("not", "more", "than"),
         ("as", "many", "as"), ("just", "under"), ("close", "to")],
        "upper",
    ),
    **dict.fromkeys(
        [("about",), ("around",), ("some",), ("approximately",), ("roughly",),
         ("an", "estimated"), ("estimated",), ("approx",), ("approx", "."), ("circa",),
         ("~",)],
        "approx",
    ),
    ("between",): "range",
}
#: Hedges written after the number ("85 or more", "85-plus").
_SUFFIXES: dict[tuple[str, ...], Hedge] = {
    ("or", "more"): "lower", ("or", "above"): "lower", ("and", "more"): "lower",
    ("and", "above"): "lower", ("plus",): "lower", ("-", "plus"): "lower", ("+",): "lower",
    ("or", "fewer"): "upper", ("or", "less"): "upper", ("or", "below"): "upper",
    ("or", "so"): "approx",
}
_RANGE_WORDS = frozenset({"to", "-", "or"})

#: Nouns that, after a leading "a"/"an", name a group rather than one thing, so the
#: article does not mean "1" ("a group of militants", "a total of ...").
_COLLECTIVES = frozenset({
        "total", "number", "lot", "few", "couple", "handful", "series", "host", "range", "group",
        "majority", "minority", "fraction", "half", "quarter", "bunch", "crowd", "wave", "spate",
        "string", "slew", "score", "percentage", "portion", "part", "share", "dozen", "hundred",
        "thousand", "million", "billion",
})

# fmt: on


@dataclass(frozen=True, slots=True)
class _Token:
    kind: TokenKind
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Quantity:
    value: Fraction | None
    end: int
    scale: int = 1
    vague: str | None = None


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = cast(TokenKind, match.lastgroup)
        word = "-" if kind == "dash" else match.group().lower()
        tokens.append(_Token(kind, word, match.start(), match.end()))
    return tokens


def _words(tokens: list[_Token], i: int, n: int) -> tuple[str, ...]:
    return tuple(t.text for t in tokens[i : i + n])


def _text_at(tokens: list[_Token], i: int) -> str:
    return tokens[i].text if i < len(tokens) else ""


def _attached(tokens: list[_Token], i: int) -> bool:
    """Whether token ``i`` touches token ``i - 1`` with no space between."""
    return 0 < i < len(tokens) and tokens[i - 1].end == tokens[i].start


def _match_table(tokens: list[_Token], i: int, table: dict[tuple[str, ...], Any]) -> int:
    """Length of the longest key of ``table`` that matches at ``i`` (0 if none)."""
    return next((n for n in (4, 3, 2, 1) if _words(tokens, i, n) in table), 0)


def _small(tokens: list[_Token], i: int) -> tuple[int, int] | None:
    """1..99 in words: "seven", "fifteen", "twenty", "twenty-five", "twenty five"."""
    word = _text_at(tokens, i)
    if word in _UNITS or word in _TEENS:
        return _UNITS.get(word, _TEENS.get(word, 0)), i + 1
    if word not in _TENS:
        return None
    glued = _text_at(tokens, i + 1) == "-" and _attached(tokens, i + 1) and _attached(tokens, i + 2)
    j = i + 2 if glued else i + 1
    unit = _text_at(tokens, j)
    if unit in _UNITS and unit != "zero":
        return _TENS[word] + _UNITS[unit], j + 1
    return _TENS[word], i + 1


def _below_thousand(tokens: list[_Token], i: int, lead: int | None) -> tuple[int, int] | None:
    """1..999 in words, e.g. "one hundred and twelve"; ``lead`` is a value already read."""
    if lead is None:
        small = _small(tokens, i)
        if small is None:
            return None
        lead, i = small
    if _text_at(tokens, i) != "hundred":
        return lead, i
    value, i = lead * 100, i + 1
    j = i + 1 if _text_at(tokens, i) == "and" else i
    rest = _small(tokens, j)
    # "between one hundred and two hundred": the "and" separates, it does not add.
    if rest is not None and _text_at(tokens, rest[1]) != "hundred":
        return value + rest[0], rest[1]
    return value, i


def _word_number(tokens: list[_Token], i: int) -> tuple[int, int] | None:
    """A whole number in words, with scales: "two thousand three hundred and five"."""
    lead = None
    if _text_at(tokens, i) in ("a", "an") and _text_at(tokens, i + 1) in _MULTIPLIERS:
        lead, i = 1, i + 1  # "a hundred", "a thousand", "a dozen"
        if _text_at(tokens, i) == "dozen":
            return 12, i + 1
    group = _below_thousand(tokens, i, lead)
    if group is None:
        return None
    current, i = group
    total, last_scale = 0, 10**12
    while (scale := _SCALES.get(_text_at(tokens, i), 0)) and scale < last_scale:
        total, last_scale, i = total + current * scale, scale, i + 1
        j = i + 1 if _text_at(tokens, i) == "and" else i
        following = _below_thousand(tokens, j, None)
        if following is None:
            return total, i
        current, i = following
    if _text_at(tokens, i) == "dozen":
        return (total + current) * 12, i + 1
    return total + current, i


def _digits(tokens: list[_Token], i: int) -> _Quantity | None:
    """A digit string such as "1,200" or "2.5", with any scale words after it."""
    token = tokens[i]
    digits = token.text.replace(",", "")
    if len(digits) > _MAX_DIGITS:
        return None
    value, j, scale = Fraction(digits), i + 1, 1
    while (factor := _MULTIPLIERS.get(_text_at(tokens, j))) is not None:
        scale, j = scale * factor, j + 1
    return _Quantity(value * scale, j, scale)


def _is_identifier(tokens: list[_Token], i: int, end: int) -> bool:
    """True for numbers that are part of a name or modifier, not a count.

    "F-15", "MQ-9", "15E", "24-hour", "three-day", "21st", "twenty-first".
    """
    if tokens[i].kind == "num" and _attached(tokens, i):
        before = tokens[i - 1]
        if before.kind == "word":
            return True
        if before.text == "-" and _attached(tokens, i - 1) and tokens[i - 2].kind == "word":
            return True
    if end >= len(tokens) or not _attached(tokens, end):
        return False
    after = tokens[end]
    if after.kind == "word":
        return True
    if after.text == "-" and _attached(tokens, end + 1) and tokens[end + 1].kind == "word":
        following = tokens[end + 1].text
        return following != "plus" and _small(tokens, end + 1) is None
    return False


def _quantity(tokens: list[_Token], i: int) -> _Quantity | None:
    """The quantity starting exactly at token ``i``, if any."""
    if n := _match_table(tokens, i, _EXACT_PHRASES):
        return _Quantity(Fraction(_EXACT_PHRASES[_words(tokens, i, n)]), i + n)
    if n := _match_table(tokens, i, _VAGUE):
        name, base = _VAGUE[_words(tokens, i, n)]
        j = i + n
        factor = _MULTIPLIERS.get(_text_at(tokens, j))
        if base is not None and factor is not None and name in ("few", "several"):
            return _Quantity(Fraction(base * factor), j + 1, vague=f"{name} {tokens[j].text}")
        return _Quantity(None if base is None else Fraction(base), j, vague=name)
    if tokens[i].kind == "num":
        quantity = _digits(tokens, i)
    else:
        parsed = _word_number(tokens, i)
        quantity = None if parsed is None else _Quantity(Fraction(parsed[0]), parsed[1])
    if quantity is None:
        return None
    if _is_identifier(tokens, i, quantity.end) or _text_at(tokens, quantity.end) in _ORDINALS:
        return None
    return quantity


def _json_number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _describe(low: _Quantity, high: _Quantity | None, hedges: list[Hedge]) -> dict[str, Any]:
    """Build the result dict from the quantity (or range) and the hedges around it."""
    result: dict[str, Any] = {}
    if low.value is not None:
        result["value"] = _json_number(low.value)
    if high is not None and high.value is not None:
        result["max"] = _json_number(high.value)
        result["bound"] = "range"
    else:
        bound = next((h for h in hedges if h in ("lower", "upper")), None)
        if bound is not None and low.value is not None:
            result["bound"] = bound
    if "approx" in hedges or (low.vague is not None and low.value is not None):
        result["approx"] = True
    if low.vague is not None:
        result["vague"] = low.vague
    return result


def _range(
    tokens: list[_Token], low: _Quantity, between: bool
) -> tuple[_Quantity, _Quantity] | None:
    """Both ends of "10 to 20", "10-20", "two or three", "between 10 and 20".

    The low end borrows the high end's scale when it has none: "2 to 3 million".
    """
    if low.value is None or low.vague is not None or low.end + 1 >= len(tokens):
        return None
    joiner = _text_at(tokens, low.end)
    if joiner not in _RANGE_WORDS and not (between and joiner == "and"):
        return None
    high = _quantity(tokens, low.end + 1)
    if high is None or high.value is None or high.vague is not None:
        return None
    low_value = low.value
    if low.scale == 1 and high.scale > 1 and low_value < high.value / high.scale:
        low_value *= high.scale
    if high.value <= low_value:
        return None
    return _Quantity(low_value, low.end), high


def _article_count(tokens: list[_Token]) -> dict[str, Any] | None:
    """Count one for a leading singular indefinite article: "a U.S. contractor"."""
    if len(tokens) < 2 or tokens[0].text not in ("a", "an") or tokens[1].kind != "word":
        return None
    if tokens[1].text in _COLLECTIVES or tokens[1].text in _ORDINALS:
        return None
    return {"value": 1}


def normalize_number(text: str) -> dict[str, Any] | None:
    """Read the first count in ``text``, keeping how the text hedges it.

    Returns ``None`` when the text holds no count (ordinals such as "third" or "21st",
    and numbers inside names such as "F-15" or "24-hour", are not counts).  Otherwise
    a dict with some of these keys:

    - ``value``: the number (int, or float for "2.5"); absent for sizeless words.
    - ``bound``: ``"lower"`` ("more than 85", "85 or more"), ``"upper"`` ("up to 10",
      "nearly 10"), or ``"range"`` with ``max`` ("between 10 and 20", "10-20").
    - ``approx``: ``True`` for "about 50", "some 50", "an estimated 50" and every
      vague quantity.
    - ``vague``: the canonical name of a vague quantity.  Values are conventional
      readings so that counts can be summed, not facts:

      ==================================  ==========
      phrase                              value
      ==================================  ==========
      a couple                            2
      few, a few, several, a handful,     3
      a number of
      several/a few hundred (thousand..)  300 (3000)
      dozens                              24
      scores                              40
      hundreds                            200
      thousands                           2000
      tens / hundreds of thousands        20000 / 200000
      millions                            2000000
      many, numerous, multiple,           no value
      countless, a lot, lots
      ==================================  ==========

    A phrase with no count that starts with "a"/"an" before a singular noun ("a U.S.
    contractor") counts one; collective nouns ("a group of") do not.  Exact phrases:
    "a dozen" 12, "half a dozen" 6, "both" 2, "none"/"nobody"/"no one" 0.
    """
    tokens = _tokenize(text)
    i = 0
    while i < len(tokens):
        hedges: list[Hedge] = []
        low = None
        if (n := _match_table(tokens, i, _PREFIXES)) and i + n < len(tokens):
            hedges.append(_PREFIXES[_words(tokens, i, n)])
            low = _quantity(tokens, i + n)
        if low is None:
            low, hedges = _quantity(tokens, i), []
        if low is None:
            i += 1
            continue
        ends = _range(tokens, low, between="range" in hedges)
        high = None if ends is None else ends[1]
        low = low if ends is None else ends[0]
        end = low.end if high is None else high.end
        if n := _match_table(tokens, end, _SUFFIXES):
            hedges.append(_SUFFIXES[_words(tokens, end, n)])
        return _describe(low, high, hedges)
    return _article_count(tokens)
