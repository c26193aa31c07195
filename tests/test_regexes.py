"""Regex atoms scanned branch by branch match exactly what the whole regex matches."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from iedsl.regexes import compile_branches, compile_regex, leading_branches, scan_split

#: Alternation-led patterns with the shapes that make splitting subtle: branches that
#: are prefixes of one another, branches matching at the same start with different
#: ends, lookarounds past the group, case folding, optional suffixes.
PATTERNS = [
    (r"(?:is|island|i)\w*", ""),
    (r"(?:a|ab|abc)(?:c|bc)?", ""),
    (r"(?:was|were|be|been)(?!\s+(?:not|no)\b)", "i"),
    (r"(?:deals?|agreements?)\b(?<=\b(?:the|a)\s+\w+)", "i"),
    (r"(?:shot|shoot)\s+down(?=\s+(?:\S+\s+){0,2}?jets?\b)", "i"),
    (r"(?:on|in|at)(?=\s)", ""),
    (r"(?:x|xy|y)", ""),
    (r"(?:,|and|but)(?=\s+(?:also\s+)?(?:was|the)\b)", ""),
]
WORDS = ["is", "island", "i", "a", "ab", "abc", "bc", "c", "was", "were", "be", "been",
         "not", "no", "the", "deal", "deals", "agreement", "Agreements", "shot", "down",
         "jets", "jet", "shoot", "on", "in", "at", "x", "xy", "y", "Was", "THE", "and",
         "but", "also", ","]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?:slammed|tore)\s+into", [r"slammed\s+into", r"tore\s+into"]),
    (r"(?:a|b)(?!c|d)", ["a(?!c|d)", "b(?!c|d)"]),
    (r"(?:a[)|]b|c)d", ["a[)|]bd", "cd"]),
    (r"(?:,|and)(?=\s)", [r",(?=\s)", r"and(?=\s)"]),   # punctuation is a literal too
    (r"(?:\.|x)y", None),           # ... but not a metacharacter or an escape
    (r"(?:#|x)y", None),             # ... nor what the verbose flag makes special
    (r"(?:a|b)c|d", None),           # "d" is an alternative of the whole
    (r"(?:a|b)?c", None),            # a quantified group
    (r"(?:\s|x)y", None),            # a branch that opens with no literal
    (r"(?:a?|b)c", None),            # ... or with an optional one
    (r"(?:a|b)(?i)x", None),         # a global inline flag
    (r"(?:(a)|b)\1", None),          # a backreference
    (r"\d+", None),
])
def test_leading_branches(pattern: str, expected: list[str] | None) -> None:
    assert leading_branches(pattern) == expected


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(PATTERNS),
       words=st.lists(st.sampled_from(WORDS), max_size=30),
       seps=st.lists(st.sampled_from([" ", "  ", ", ", "-", "\n", "."]), min_size=30,
                     max_size=30))
def test_branch_scan_equals_the_whole_regex(case: tuple[str, str], words: list[str],
                                            seps: list[str]) -> None:
    pattern, flags = case
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    whole = compile_regex(pattern, flags)
    branches = compile_branches(pattern, flags)
    assert branches is not None
    expected = [m.span() for m in whole.finditer(text) if m.end() > m.start()]
    assert scan_split(whole, branches, text) == expected


def test_an_empty_match_hands_over_to_the_whole_regex() -> None:
    whole = regex.compile(r"(?:a|b)?")
    branches = (regex.compile("a?"), regex.compile("b?"))
    assert scan_split(whole, branches, "xab") == [(1, 2), (2, 3)]


def test_the_time_limit_covers_all_branches() -> None:
    whole = compile_regex(r"(?:a|b)(?:\w+)+$", "")
    branches = compile_branches(r"(?:a|b)(?:\w+)+$", "")
    assert branches is not None
    with pytest.raises(TimeoutError):
        scan_split(whole, branches, "a" + "x" * 5000 + "!", timeout=0.05)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(["singing", "ing", "king", "Bring", "attacking", "a",
                                       "sing-ing", "rings", "in", "ringing"]), max_size=30),
       seps=st.lists(st.sampled_from([" ", "  ", ", ", "-", "\n", "."]), min_size=30,
                     max_size=30))
def test_a_reversed_word_regex_finds_the_forward_matches(words: list[str],
                                                         seps: list[str]) -> None:
    """The `r` flag is for patterns whose matches cannot overlap: there the backward
    search finds exactly the forward matches (in reverse order)."""
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    forward = compile_regex(r"\p{Ll}+ing", "")
    backward = compile_regex(r"\p{Ll}+ing", "r")
    assert backward.flags & regex.REVERSE
    assert sorted(m.span() for m in backward.finditer(text)) == \
        [m.span() for m in forward.finditer(text)]


def test_a_reversed_regex_is_not_split_into_branches() -> None:
    assert compile_branches(r"(?:slammed|tore)\s+into", "r") is None
    assert compile_branches(r"(?:slammed|tore)\s+into", "") is not None
