"""Tests for the built-in normalizers: exact values for every documented example,
resolution edge cases, the expressions of the seed documents, and hypothesis
properties (never raises, JSON-serialisable, round-trips)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from iedsl.normalize import BUILTIN_NORMALIZERS, normalize_date, normalize_number

D = datetime.date
SEED_DOC = D(2024, 2, 3)  # seeds/001: "date 2024-02-03", a Saturday
JAN_DOC = D(2024, 1, 4)  # seeds/004: "date 2024-01-04"

LOWER: dict[str, Any] = {"bound": "lower"}
UPPER: dict[str, Any] = {"bound": "upper"}
APPROX: dict[str, Any] = {"approx": True}
RESOLVED: dict[str, Any] = {"resolved": True}

NUMBERS: list[tuple[str, dict[str, Any] | None]] = [
    ("three", {"value": 3}),
    ("3", {"value": 3}),
    ("1,200", {"value": 1200}),
    ("twenty-five", {"value": 25}),
    ("twenty five", {"value": 25}),
    ("one hundred and twelve", {"value": 112}),
    ("2.5 million", {"value": 2_500_000}),
    ("a dozen", {"value": 12}),
    ("more than 85", {"value": 85, **LOWER}),
    ("over 85", {"value": 85, **LOWER}),
    ("at least 85", {"value": 85, **LOWER}),
    ("85 or more", {"value": 85, **LOWER}),
    ("upwards of 85", {"value": 85, **LOWER}),
    ("fewer than 10", {"value": 10, **UPPER}),
    ("less than 10", {"value": 10, **UPPER}),
    ("up to 10", {"value": 10, **UPPER}),
    ("at most 10", {"value": 10, **UPPER}),
    ("nearly 10", {"value": 10, **UPPER}),
    ("almost 10", {"value": 10, **UPPER}),
    ("about 50", {"value": 50, **APPROX}),
    ("around 50", {"value": 50, **APPROX}),
    ("some 50", {"value": 50, **APPROX}),
    ("approximately 50", {"value": 50, **APPROX}),
    ("roughly 50", {"value": 50, **APPROX}),
    ("an estimated 50", {"value": 50, **APPROX}),
    ("between 10 and 20", {"value": 10, "max": 20, "bound": "range"}),
    ("10 to 20", {"value": 10, "max": 20, "bound": "range"}),
    ("10-20", {"value": 10, "max": 20, "bound": "range"}),
    ("dozens", {"value": 24, "approx": True, "vague": "dozens"}),
    ("scores", {"value": 40, "approx": True, "vague": "scores"}),
    ("hundreds", {"value": 200, "approx": True, "vague": "hundreds"}),
    ("thousands", {"value": 2000, "approx": True, "vague": "thousands"}),
    ("several", {"value": 3, "approx": True, "vague": "several"}),
    ("a few", {"value": 3, "approx": True, "vague": "few"}),
    ("few", {"value": 3, "approx": True, "vague": "few"}),
    ("a number of", {"value": 3, "approx": True, "vague": "a number of"}),
    ("many", {"vague": "many"}),
    ("numerous", {"vague": "numerous"}),
    # The number inside a longer phrase.
    ("three members of an Iranian-backed militia", {"value": 3}),
    ("more than 125 precision munitions", {"value": 125, **LOWER}),
    ("one additional member", {"value": 1}),
    ("a U.S. contractor", {"value": 1}),
    ("thousands more", {"value": 2000, "approx": True, "vague": "thousands"}),
    ("people", None),
    ("", None),
    # Ordinals and numbers inside names or modifiers are not counts.
    ("third", None),
    ("his fifth trip", None),
    ("the 21st strike", None),
    ("twenty-first", None),
    ("a third", None),
    ("F-15 and F-16 planes", None),
    ("F-15E fighter jets", None),
    ("a 24-hour period", None),
    ("4:00 p.m.", None),
    ("the third attack that killed 4 soldiers", {"value": 4}),
    # More shapes of the same ideas.
    ("a hundred and twelve", {"value": 112}),
    ("two thousand three hundred and five", {"value": 2305}),
    ("one million two hundred thousand", {"value": 1_200_000}),
    ("1.1 million", {"value": 1_100_000}),
    ("2.5", {"value": 2.5}),
    ("three dozen", {"value": 36}),
    ("half a dozen", {"value": 6}),
    ("no one", {"value": 0}),
    ("two or three", {"value": 2, "max": 3, "bound": "range"}),
    ("2 to 3 million", {"value": 2_000_000, "max": 3_000_000, "bound": "range"}),
    ("500 to 2 million", {"value": 500, "max": 2_000_000, "bound": "range"}),
    ("between one hundred and two hundred", {"value": 100, "max": 200, "bound": "range"}),
    ("about 10 to 20", {"value": 10, "max": 20, "bound": "range", "approx": True}),
    ("20-10", {"value": 20}),
    ("85-plus", {"value": 85, **LOWER}),
    ("85+", {"value": 85, **LOWER}),
    ("no more than 5", {"value": 5, **UPPER}),
    ("as many as 10", {"value": 10, **UPPER}),
    ("more than a dozen", {"value": 12, **LOWER}),
    ("approx. 50", {"value": 50, **APPROX}),
    ("20 or so", {"value": 20, **APPROX}),
    ("several hundred", {"value": 300, "approx": True, "vague": "several hundred"}),
    ("tens of thousands", {"value": 20_000, "approx": True, "vague": "tens of thousands"}),
    ("several others", {"value": 3, "approx": True, "vague": "several"}),
    ("a group of militants", None),
    ("a total of 85 targets", {"value": 85}),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_normalize_number(text: str, expected: dict[str, Any] | None) -> None:
    assert normalize_number(text) == expected


DATES: list[tuple[str, datetime.date | None, dict[str, Any] | None]] = [
    # Explicit dates need no publication date.
    ("January 3, 2020", None, {"value": "2020-01-03", "granularity": "day"}),
    ("3 January 2020", None, {"value": "2020-01-03", "granularity": "day"}),
    ("Jan. 3, 2020", None, {"value": "2020-01-03", "granularity": "day"}),
    ("January 3rd, 2020", SEED_DOC, {"value": "2020-01-03", "granularity": "day"}),
    ("2020-01-03", None, {"value": "2020-01-03", "granularity": "day"}),
    ("01/03/2020", None, {"value": "2020-01-03", "granularity": "day"}),
    ("November 2020", None, {"value": "2020-11", "granularity": "month"}),
    ("2019", None, {"value": "2019", "granularity": "year"}),
    ("Tuesday, Feb. 6, 2024", None, {"value": "2024-02-06", "granularity": "day"}),
    # Partial dates take the year from the publication date ...
    ("Jan 3", SEED_DOC, {"value": "2024-01-03", "granularity": "day", "resolved": True}),
    ("Feb. 02", SEED_DOC, {"value": "2024-02-02", "granularity": "day", "resolved": True}),
    ("December 25", JAN_DOC, {"value": "2023-12-25", "granularity": "day", "resolved": True}),
    ("December 25", D(2024, 7, 1), {"value": "2024-12-25", "granularity": "day", "resolved": True}),
    ("January 3", D(2023, 12, 28), {"value": "2024-01-03", "granularity": "day", "resolved": True}),
    ("February 29", D(2023, 5, 1), {"value": "2020-02-29", "granularity": "day", "resolved": True}),
    # ... or keep their parts when there is none.
    ("Jan 3", None, {"value": None, "month": 1, "day": 3, "granularity": "day"}),
    ("May", None, {"value": None, "month": 5, "granularity": "month"}),
    # A month alone is the latest such month on or before the publication date.
    ("May", SEED_DOC, {"value": "2023-05", "granularity": "month", "resolved": True}),
    ("in June", SEED_DOC, {"value": "2023-06", "granularity": "month", "resolved": True}),
    ("in June", D(2024, 6, 3), {"value": "2024-06", "granularity": "month", "resolved": True}),
    ("February", SEED_DOC, {"value": "2024-02", "granularity": "month", "resolved": True}),
    ("mid-January", SEED_DOC, {"value": "2024-01", "granularity": "month", "resolved": True}),
    # Weekdays: the latest such day on or before the publication date.
    ("Friday", SEED_DOC, {"value": "2024-02-02", "granularity": "day", "resolved": True}),
    ("on Friday", SEED_DOC, {"value": "2024-02-02", "granularity": "day", "resolved": True}),
    ("Saturday", SEED_DOC, {"value": "2024-02-03", "granularity": "day", "resolved": True}),
    ("Sunday", SEED_DOC, {"value": "2024-01-28", "granularity": "day", "resolved": True}),
    ("last Saturday", SEED_DOC, {"value": "2024-01-27", "granularity": "day", "resolved": True}),
    ("last Tuesday", SEED_DOC, {"value": "2024-01-30", "granularity": "day", "resolved": True}),
    ("next Tuesday", SEED_DOC, {"value": "2024-02-06", "granularity": "day", "resolved": True}),
    ("Friday", None, {"value": None, "weekday": "friday", "granularity": "day"}),
    (
        "last Friday",
        None,
        {"value": None, "weekday": "friday", "modifier": "last", "granularity": "day"},
    ),
    (
        "Saturday afternoon",
        SEED_DOC,
        {"value": "2024-02-03", "granularity": "day", "part": "afternoon", "resolved": True},
    ),
    (
        "Saturday afternoon",
        None,
        {"value": None, "weekday": "saturday", "granularity": "day", "part": "afternoon"},
    ),
    (
        "Thursday night",
        SEED_DOC,
        {"value": "2024-02-01", "granularity": "day", "part": "night", "resolved": True},
    ),
    # Relative days, weeks, months and years.
    ("today", SEED_DOC, {"value": "2024-02-03", "granularity": "day", "resolved": True}),
    ("yesterday", SEED_DOC, {"value": "2024-02-02", "granularity": "day", "resolved": True}),
    ("tomorrow", SEED_DOC, {"value": "2024-02-04", "granularity": "day", "resolved": True}),
    ("yesterday", None, {"value": None, "offset": -1, "granularity": "day"}),
    (
        "last night",
        SEED_DOC,
        {"value": "2024-02-02", "granularity": "day", "part": "night", "resolved": True},
    ),
    ("three days ago", SEED_DOC, {"value": "2024-01-31", "granularity": "day", "resolved": True}),
    ("a few days ago", SEED_DOC, None),
    ("this week", SEED_DOC, {"value": "2024-W05", "granularity": "week", "resolved": True}),
    ("last week", SEED_DOC, {"value": "2024-W04", "granularity": "week", "resolved": True}),
    ("earlier this month", SEED_DOC, {"value": "2024-02", "granularity": "month", **RESOLVED}),
    ("last month", JAN_DOC, {"value": "2023-12", "granularity": "month", "resolved": True}),
    ("last year", JAN_DOC, {"value": "2023", "granularity": "year", "resolved": True}),
    ("last month", None, {"value": None, "offset": -1, "granularity": "month"}),
    # Clock times, zones and parts of the day.
    (
        "4:00 p.m. (EST) Feb. 02",
        SEED_DOC,
        {
            "value": "2024-02-02",
            "granularity": "time",
            "time": "16:00",
            "tz": "EST",
            "resolved": True,
        },
    ),
    (
        "4:00 p.m. (EST) Feb. 02",
        None,
        {"value": None, "month": 2, "day": 2, "granularity": "time", "time": "16:00", "tz": "EST"},
    ),
    (
        "at 1600 GMT on Monday",
        SEED_DOC,
        {
            "value": "2024-01-29",
            "granularity": "time",
            "time": "16:00",
            "tz": "GMT",
            "resolved": True,
        },
    ),
    ("4 p.m.", SEED_DOC, {"value": None, "granularity": "time", "time": "16:00"}),
    (
        "12 a.m. local time",
        None,
        {"value": None, "granularity": "time", "time": "00:00", "tz": "local"},
    ),
    ("noon", None, {"value": None, "granularity": "time", "time": "12:00"}),
    # Two dates named as one time: the first, and the others' values.
    ("Friday and Saturday", SEED_DOC,
     {"value": "2024-02-02", "granularity": "day", "resolved": True, "also": ["2024-02-03"]}),
    ("January and June 2024", None,
     {"value": "2024-01", "granularity": "month", "also": ["2024-06"]}),
    ("November 2 and 9, 2023", None,
     {"value": "2023-11-02", "granularity": "day", "also": ["2023-11-09"]}),
    ("2 and 3 March 2024", None,
     {"value": "2024-03-02", "granularity": "day", "also": ["2024-03-03"]}),
    ("Thursday and Friday", datetime.date(2024, 2, 3),   # a Saturday: the two days before
     {"value": "2024-02-01", "granularity": "day", "resolved": True, "also": ["2024-02-02"]}),
    ("killed and wounded", SEED_DOC, None),
    # Not dates.
    ("the afternoon", SEED_DOC, None),
    ("may", SEED_DOC, None),
    ("the strikes", SEED_DOC, None),
    ("the 2020s", None, None),
    ("February 30, 2020", None, None),
    ("", SEED_DOC, None),
]


@pytest.mark.parametrize(("text", "doc_date", "expected"), DATES)
def test_normalize_date(
    text: str, doc_date: datetime.date | None, expected: dict[str, Any] | None
) -> None:
    assert normalize_date(text, doc_date) == expected


def test_doc_date_may_be_a_datetime() -> None:
    moment = datetime.datetime(2024, 2, 3, 23, 59)
    assert normalize_date("Friday", moment) == normalize_date("Friday", SEED_DOC)


# Expressions as they occur in the seed documents, with each document's date header.
SEED_EXPRESSIONS = [
    ("000", "Saturday afternoon", None, None),
    ("000", "May", None, None),
    ("001", "Friday", SEED_DOC, "2024-02-02"),
    ("001", "4:00 p.m. (EST) Feb. 02", SEED_DOC, "2024-02-02"),
    ("002", "November 2020", None, "2020-11"),
    ("003", "January 3, 2020", None, "2020-01-03"),
    ("003", "January 8, 2020", None, "2020-01-08"),
    ("004", "December 25", JAN_DOC, "2023-12-25"),
]


@pytest.mark.parametrize(("doc", "text", "doc_date", "value"), SEED_EXPRESSIONS)
def test_seed_dates(doc: str, text: str, doc_date: datetime.date | None, value: str) -> None:
    result = normalize_date(text, doc_date)
    assert result is not None, doc
    assert result["value"] == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("scores of American and allied military personnel", 40),
        ("thousands more", 2000),
        ("three members of an Iranian-backed militia", 3),
        ("several others", 3),
        ("one additional member", 1),
        ("over 85 targets", 85),
        ("more than 125 precision munitions", 125),
        ("three facilities", 3),
    ],
)
def test_seed_counts(text: str, value: int) -> None:
    result = normalize_number(text)
    assert result is not None
    assert result["value"] == value


def test_registry() -> None:
    assert set(BUILTIN_NORMALIZERS) == {"number", "date"}
    assert BUILTIN_NORMALIZERS["number"]("more than 85", SEED_DOC) == {"value": 85, **LOWER}
    assert BUILTIN_NORMALIZERS["date"]("Friday", SEED_DOC) == normalize_date("Friday", SEED_DOC)
    with pytest.raises(TypeError):
        BUILTIN_NORMALIZERS["x"] = normalize_date  # type: ignore[index]


def _assert_json_result(result: object) -> None:
    assert result is None or isinstance(result, dict)
    if result is not None:
        assert json.loads(json.dumps(result)) == result


# Text built from the vocabulary the readers know finds far more paths than random
# characters do.  (A split string reads better than a 78-item list literal.)
VOCABULARY = (  # noqa: SIM905
    "a an one two twelve twenty hundred thousand million dozen dozens scores several "
    "few many more than over at least up to between and or to - + plus , . : / ( ) "
    "about some nearly third 21st F-15 1,200 2.5 85 10 2020 2024 01/03/2020 2020-01-03 "
    "January Jan. Feb May March Friday last next this week month year today yesterday "
    "ago night afternoon 4:00 p.m. a.m. EST GMT UTC+3 noon of the 99999999999999999999999"
).split()
WORDS = st.lists(st.sampled_from(VOCABULARY), max_size=12).map(" ".join)
TEXT = st.one_of(st.text(max_size=80), WORDS)
DOC_DATES = st.one_of(st.none(), st.dates())


@given(TEXT)
@example("9" * 5000)
@example("1," * 2000)
def test_number_never_raises(text: str) -> None:
    _assert_json_result(normalize_number(text))


@given(TEXT, DOC_DATES)
@example("next Friday", D.max)
@example("last month", D.min)
@example("December 25", D.max)
@example("February 29", D(1, 3, 1))
@example("9999 days ago", D.min)
def test_date_never_raises(text: str, doc_date: datetime.date | None) -> None:
    _assert_json_result(normalize_date(text, doc_date))


@given(TEXT, DOC_DATES)
def test_normalizers_are_deterministic(text: str, doc_date: datetime.date | None) -> None:
    assert normalize_number(text) == normalize_number(text)
    assert normalize_date(text, doc_date) == normalize_date(text, doc_date)


@given(st.integers(min_value=0, max_value=10**7))
def test_number_round_trip(n: int) -> None:
    assert normalize_number(str(n)) == {"value": n}
    assert normalize_number(f"{n:,}") == {"value": n}


@given(st.dates(min_value=D(1000, 1, 1)), DOC_DATES)
def test_date_round_trip(day: datetime.date, doc_date: datetime.date | None) -> None:
    """Explicit dates ignore the publication date (four-digit years only)."""
    expected = {"value": day.isoformat(), "granularity": "day"}
    assert normalize_date(day.strftime("%B %-d, %Y"), None) == expected
    assert normalize_date(day.strftime("%B %-d, %Y"), doc_date) == expected
    assert normalize_date(day.isoformat(), None) == expected


@given(st.dates(min_value=D(1001, 1, 1), max_value=D(9998, 12, 31)), st.integers(0, 6))
def test_weekday_resolves_on_or_before(doc: datetime.date, back: int) -> None:
    day = doc - datetime.timedelta(days=back)
    result = normalize_date(day.strftime("%A"), doc)
    assert result == {"value": day.isoformat(), "granularity": "day", "resolved": True}


@given(st.dates(min_value=D(1010, 1, 1), max_value=D(9990, 12, 31)), st.integers(-181, 1000))
def test_yearless_date_is_latest_within_six_months(doc: datetime.date, delta: int) -> None:
    day = doc + datetime.timedelta(days=delta)
    if day.month == 2 and day.day == 29:
        return  # resolves to the latest leap year instead; covered by the table
    result = normalize_date(day.strftime("%B %-d"), doc)
    assert result is not None
    resolved = D.fromisoformat(result["value"])
    assert (resolved.month, resolved.day) == (day.month, day.day)
    assert resolved <= doc + datetime.timedelta(days=183)
    assert resolved.replace(year=resolved.year + 1) > doc + datetime.timedelta(days=183)
