"""Tests for the text stage: tokens, boundaries, date header and sentences."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from iedsl import text as text_mod
from iedsl.source import Span
from iedsl.text import (
    TOKEN_RE,
    WORD_CHAR_RE,
    Token,
    is_boundary,
    read_date_header,
    sentence_index_of,
    split_sentences,
    tokenize,
)

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SPACE_RE = regex.compile(r"\s")

# Pieces that stress the definitions: curly quotes, dashes, CRLF and other line
# breaks, NBSP, dotted I, sharp s, combining marks, emoji, joiners, U+001C (space to
# Python's str.isspace but not to regex's \s), abbreviations and sentence starters.
PIECES = [
    *"aZq9_ .,!?…:;'\"“”‘’()[]-–—/",
    *["\n", "\r\n", "\r", "\t", "\u00a0", "\u2028", "\x0c", "\x1c", "\u200b"],
    *["İ", "ß", "e\u0301", "\u0301", "😀", "\u200d", "٣"],
    *["U.S.", "p.m.", "Gen.", "Feb.", "Mr. ", "X. ", " The ", " I ", "3.5", "4:00", "..."],
    *["\n\n", "\n \n", " word", " Word", "etc."],
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=60),
)


def sentence_texts(text: str, start: int = 0, **kw: int) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, start, **kw)]


def read_seed(prefix: str) -> str:
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


# --- tokens -------------------------------------------------------------------


def test_whitespace_set_is_regex_whitespace() -> None:
    everything = "".join(map(chr, range(0x110000)))
    assert set(text_mod._WS) == set(regex.findall(r"\s", everything))


@given(st.data(), texts)
def test_tokenize_matches_token_re(data: st.DataObject, text: str) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = [
        (s + start, e + start) for s, e in (m.span() for m in TOKEN_RE.finditer(text[start:end]))
    ]
    assert list(tokenize(text, start, end)) == expected
    assert list(tokenize(text)) == [m.span() for m in TOKEN_RE.finditer(text)]


@given(texts)
def test_tokens_hold_no_space_and_cover_all_else(text: str) -> None:
    covered = set()
    for s, e in tokenize(text):
        assert s < e
        assert not SPACE_RE.search(text[s:e])
        covered.update(range(s, e))
    assert covered == {i for i, ch in enumerate(text) if not SPACE_RE.match(ch)}


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Kata'ib", ["Kata", "'", "ib"]),
        ("Iran-backed", ["Iran", "-", "backed"]),
        ("U.S.", ["U", ".", "S", "."]),
        ("4:00", ["4", ":", "00"]),
        ("Kata’ib  al-Shuhada\r\n", ["Kata", "’", "ib", "al", "-", "Shuhada"]),
        ("café\u0301 😀!", ["café\u0301", "😀", "!"]),
    ],
)
def test_tokenize_examples(text: str, tokens: list[str]) -> None:
    assert [text[s:e] for s, e in tokenize(text)] == tokens


def test_tokenize_offsets_are_absolute() -> None:
    text = "xx Iran-backed militias"
    assert tokenize(text, 3, 14) == ((3, 7), (7, 8), (8, 14))
    assert tokenize(text, 4, 6) == ((4, 6),)  # a word run is cut at the slice edges


def test_token_is_frozen_and_slotted() -> None:
    tok = Token(1, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tok.start = 2  # type: ignore[misc]
    assert not hasattr(tok, "__dict__")


@given(texts)
def test_is_boundary_is_the_local_token_definition(text: str) -> None:
    def word(ch: str) -> bool:
        return WORD_CHAR_RE.fullmatch(ch) is not None

    for p in range(len(text) + 1):
        expected = p in (0, len(text)) or not (word(text[p - 1]) and word(text[p]))
        assert is_boundary(text, p) == expected
    toks = tokenize(text)
    edges = {p for tok in toks for p in tok}
    for s, e in toks:
        assert is_boundary(text, s) and is_boundary(text, e)
        assert not any(is_boundary(text, p) for p in range(s + 1, e))
    near_token = {
        p
        for p in range(len(text) + 1)
        if (p > 0 and not SPACE_RE.match(text[p - 1]))
        or (p < len(text) and not SPACE_RE.match(text[p]))
    }
    assert edges == {p for p in near_token if is_boundary(text, p)}


def test_is_boundary_examples() -> None:
    t = "Kata'ib Hezbollah"
    assert [p for p in range(len(t) + 1) if is_boundary(t, p)] == [0, 4, 5, 7, 8, 17]
    assert not is_boundary("Hezbollah", 3)
    assert not is_boundary("e\u0301x", 1)  # a combining mark is a word character


# --- date header --------------------------------------------------------------


def test_date_header_on_seeds() -> None:
    t1 = read_seed("001")
    day, body = read_date_header(t1)
    assert day == datetime.date(2024, 2, 3)
    assert t1[body:].startswith("U.S. Launches Strikes")
    t4 = read_seed("004")
    day, body = read_date_header(t4)
    assert day == datetime.date(2024, 1, 4)
    assert t4[body:].startswith("In a recent incident")
    for prefix in ("000", "002", "003"):
        assert read_date_header(read_seed(prefix)) == (None, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date 2024-02-03\nBody", (datetime.date(2024, 2, 3), 16)),
        ("\n\t DATE 2024-02-29   \n\nBody", (datetime.date(2024, 2, 29), 23)),
        ("Date\t2020-01-01", (datetime.date(2020, 1, 1), 15)),
        ("date 2024-13-45 Body", (None, 0)),
        ("date 2023-02-29 Body", (None, 0)),
        ("date 2024-1-3 Body", (None, 0)),
        ("date 2024-02-03x", (None, 0)),
        ("dated 2024-02-03 Body", (None, 0)),
        ("date\n2024-02-03 Body", (None, 0)),
        ("The date 2024-02-03 is later", (None, 0)),
        ("", (None, 0)),
    ],
)
def test_date_header_cases(text: str, expected: tuple[datetime.date | None, int]) -> None:
    assert read_date_header(text) == expected


# --- sentences ----------------------------------------------------------------


@settings(max_examples=300)
@given(st.data(), texts, st.one_of(st.integers(1, 40), st.just(3000)))
def test_sentence_invariants(data: st.DataObject, text: str, max_chars: int) -> None:
    start = data.draw(st.integers(0, len(text)))
    spans = split_sentences(text, start, max_chars=max_chars)
    prev_end = start
    covered: set[int] = set()
    for span in spans:
        assert prev_end <= span.start < span.end <= len(text)
        assert span.end - span.start <= max_chars
        assert not SPACE_RE.match(text[span.start]) and not SPACE_RE.match(text[span.end - 1])
        covered.update(range(span.start, span.end))
        prev_end = span.end
    non_space = {i for i in range(start, len(text)) if not SPACE_RE.match(text[i])}
    assert non_space <= covered
    # The result depends only on text[start:].
    shifted = [Span(s.start + start, s.end + start) for s in split_sentences(text[start:])]
    assert list(split_sentences(text, start)) == shifted


@given(texts)
def test_sentences_are_whole_token_spans(text: str) -> None:
    for span in split_sentences(text):
        assert is_boundary(text, span.start) and is_boundary(text, span.end)


def test_seed_001_title_and_quote() -> None:
    text = read_seed("001")
    _, body = read_date_header(text)
    spans = split_sentences(text, body)
    assert spans[0].start == body
    title = "U.S. Launches Strikes on Iraq and Syria in Wake of Jordan Drone Attack"
    assert text[spans[0].start : spans[0].end] == title
    sentences = [text[s.start : s.end] for s in spans]
    assert (
        "“At 4:00 p.m. (EST) Feb. 02, U.S. Central Command (CENTCOM) forces conducted "
        "airstrikes in Iraq and Syria against Iran’s Islamic Revolutionary Guards Corps "
        "(IRGC) Quds Force and affiliated militia groups,” CENTCOM announced on X."
    ) in sentences
    assert any(s.startswith("“U.S. military forces struck more than 85") for s in sentences)


def test_seed_000_title_and_long_sentence() -> None:
    sentences = sentence_texts(read_seed("000"))
    assert sentences[0] == "US Fighter Planes Have Struck Targets In Iraq/ Syria Border"
    assert (
        "Under the Trump administration, the US assassinated Iran’s highest general, Qassem "
        "Soleimani, after Soleimani approved attacks on the US Embassy, and several missile "
        "strikes on US and allied troops in the vicinity, employing Iran-backed militias."
    ) in sentences
    assert "Support For America In Iraq is Split" in sentences


# Sentence counts reviewed by hand against the seed texts.
@pytest.mark.parametrize(
    ("prefix", "count"), [("000", 20), ("001", 17), ("002", 19), ("003", 16), ("004", 17)]
)
def test_all_seeds(prefix: str, count: int) -> None:
    text = read_seed(prefix)
    _, body = read_date_header(text)
    spans = split_sentences(text, body)
    assert len(spans) == count
    for span in spans:
        sentence = text[span.start : span.end]
        line_end = span.end == len(text) or text[span.end] in "\r\n"
        assert line_end or regex.search(r"[.!?…:][\"”’')\]]*\Z", sentence), sentence
        assert not sentence[0].islower(), sentence
    # CRLF line ends give the same sentences.
    crlf = text.replace("\n", "\r\n")
    assert sentence_texts(crlf, read_date_header(crlf)[1]) == [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gen. Lloyd Austin spoke. Then he left.", ["Gen. Lloyd Austin spoke.", "Then he left."]),
        ("It began on Feb. 2 at night.", ["It began on Feb. 2 at night."]),
        ("Mr. Smith went. He came back.", ["Mr. Smith went.", "He came back."]),
        ("President George W. Bush spoke.", ["President George W. Bush spoke."]),
        ("J. Smith and Lt. Col. Jones agreed.", ["J. Smith and Lt. Col. Jones agreed."]),
        (
            "They hit the U.S. The next day it ended.",
            ["They hit the U.S.", "The next day it ended."],
        ),
        ("U.S. Central Command said so.", ["U.S. Central Command said so."]),
        ("At 4 p.m. The strikes began.", ["At 4 p.m.", "The strikes began."]),
        ("At 4 p.m. (EST) the strikes began.", ["At 4 p.m. (EST) the strikes began."]),
        ("announced on X. “U.S. forces", ["announced on X.", "“U.S. forces"]),
        ("He said no. The end.", ["He said no.", "The end."]),
        ("No. 5 was hit.", ["No. 5 was hit."]),
        ("Rates hit 3.5 percent. At 4:00 it rose.", ["Rates hit 3.5 percent.", "At 4:00 it rose."]),
        ("Really? Yes! 5 died.", ["Really?", "Yes!", "5 died."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("(It ended.) Then more.", ["(It ended.)", "Then more."]),
        ("He paused... and left.", ["He paused... and left."]),
        ("He paused... Then left.", ["He paused...", "Then left."]),
        ("Wait… What? ok… fine", ["Wait…", "What? ok… fine"]),
        ("one. two.", ["one. two."]),
        ("Title line\nBody starts here.", ["Title line", "Body starts here."]),
        ("hard wrapped\n  continues here.", ["hard wrapped\n  continues here."]),
        ("ends here.\nlower next", ["ends here.", "lower next"]),
        ("ends “here.”\nlower next", ["ends “here.”", "lower next"]),
        ("a\n\nb", ["a", "b"]),
        ("a\n \t\nb", ["a", "b"]),
        (
            "Title\r\nBody one. Body two.\r\n\r\nNext para\r\ncontinued",
            [
                "Title",
                "Body one.",
                "Body two.",
                "Next para\r\ncontinued",
            ],
        ),
        ("  \n ", []),
        ("", []),
    ],
)
def test_sentence_examples(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


def test_sentences_from_offset() -> None:
    text = "date 2024-01-01 First one. Second one."
    _, body = read_date_header(text)
    assert sentence_texts(text, body) == ["First one.", "Second one."]


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        ("aaa bbb ccc ddd", 7, ["aaa bbb", "ccc ddd"]),
        ("aaa bbb ccc ddd", 5, ["aaa", "bbb", "ccc", "ddd"]),
        ("aaa   bbb", 4, ["aaa", "bbb"]),
        ("ab-cd-ef", 4, ["ab-", "cd-", "ef"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    ],
)
def test_long_sentences_are_cut(text: str, max_chars: int, expected: list[str]) -> None:
    assert sentence_texts(text, max_chars=max_chars) == expected


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_sentences("x", max_chars=0)


def test_sentence_index_of() -> None:
    text = "One. Two.  Three."
    spans = split_sentences(text)
    assert [sentence_index_of(spans, p) for p in (0, 3, 4, 5, 9, 10, 11, 16, 17)] == [
        0,
        0,
        None,
        1,
        None,
        None,
        2,
        2,
        None,
    ]
    assert sentence_index_of((), 0) is None
    assert sentence_index_of(spans, -1) is None
