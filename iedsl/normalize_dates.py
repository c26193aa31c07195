"""Turn a date or time expression from English news into a calendar value.

News dates are mostly partial ("Feb. 02", "Friday", "in June", "last month"): they are
only meaningful against the publication date, which a document may give in a leading
``date YYYY-MM-DD`` line.  :func:`normalize_date` resolves them against that date
when it is known, and otherwise keeps the parts it read so that a later stage can
resolve them.

The expression is read in passes, most specific first: a clock time, a time zone, an
explicit calendar date, a month, a year, a weekday, a relative phrase.  Each pass
blanks out what it consumed so that, for instance, the "4" of "4:00 p.m." is never
read as a day of the month.
"""

from __future__ import annotations

import datetime
import re
from calendar import monthrange
from dataclasses import dataclass
from typing import Any, Literal

from .normalize_numbers import normalize_number

__all__ = ["normalize_date"]

Granularity = Literal["day", "week", "month", "year"]

#: How far after the publication date a yearless "December 25" may fall before it is
#: taken to be last year's: news reports mostly look back.
FUTURE_WINDOW = datetime.timedelta(days=183)

_FLAGS = re.IGNORECASE | re.ASCII
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
#: Month names that are also common English words; alone they must be capitalized.
_AMBIGUOUS_MONTHS = frozenset({"may", "march"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?\b"
_YEAR = r"(?P<year>[0-9]{4})\b"

_CLOCK_RE = re.compile(
    r"\b(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
    r"|\b(?P<hour24>[01]?[0-9]|2[0-3]):(?P<minute24>[0-5][0-9])\b"
    r"|\b(?P<hourmil>[01][0-9]|2[0-3])(?P<minutemil>[0-5][0-9])\s*(?=hrs\b|hours\b|gmt\b|utc\b)"
    r"|\b(?P<named>noon|midday|midnight)\b",
    _FLAGS,
)
#: Zones are upper case in news; matching them case-sensitively keeps "est" and "et"
#: (words in other languages and names) out.
_TZ_RE = re.compile(
    r"\b(?P<tz>(?:UTC|GMT)(?:\s?[+-]\s?[0-9]{1,2}(?::?[0-9]{2})?)?"
    r"|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|CT|PT|BST|CET|CEST|EET|EEST|IST|AST|MSK|IRST)\b"
    r"|\b(?P<local>[Ll]ocal time)\b",
    re.ASCII,
)
_PART_RE = re.compile(
    r"\b(?P<part>morning|afternoon|evening|night|overnight|dawn|daybreak|dusk)\b", _FLAGS
)
_PARTS = {"overnight": "night", "dawn": "morning", "daybreak": "morning", "dusk": "evening"}

_ISO_RE = re.compile(r"\b(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})[-/.](?P<day>[0-9]{1,2})\b")
_US_RE = re.compile(r"\b(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})/(?P<year>[0-9]{4}|[0-9]{2})\b")
_MONTH_DAY_RE = re.compile(rf"\b{_MONTH}\s*{_DAY}(?:,?\s*{_YEAR})?", _FLAGS)
_DAY_MONTH_RE = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s*{_YEAR})?", _FLAGS)
_MONTH_YEAR_RE = re.compile(rf"\b{_MONTH}\s*,?\s*{_YEAR}", _FLAGS)
_MONTH_RE = re.compile(rf"\b{_MONTH}", _FLAGS)
_YEAR_RE = re.compile(r"(?<![0-9])(?P<year>[12][0-9]{3})(?![0-9]|s\b)", _FLAGS)
_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<mod>last|next|this|previous|coming)\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b",
    _FLAGS,
)
_RELATIVE_DAYS: dict[str, tuple[int, str | None]] = {
    "the day before yesterday": (-2, None), "day before yesterday": (-2, None),
    "the day after tomorrow": (2, None), "day after tomorrow": (2, None),
    "today": (0, None), "tonight": (0, "night"), "this morning": (0, "morning"),
    "this afternoon": (0, "afternoon"), "this evening": (0, "evening"),
    "yesterday": (-1, None), "last night": (-1, "night"), "tomorrow": (1, None),
}  # fmt: skip
_RELATIVE_DAY_RE = re.compile(
    r"\b(?P<phrase>" + "|".join(p.replace(" ", r"\s+") for p in _RELATIVE_DAYS) + r")\b", _FLAGS
)
_AGO_RE = re.compile(
    r"\b(?P<count>[0-9]{1,4}|an?|[a-z]+)\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier)\b",
    _FLAGS,
)
_RELATIVE_PERIOD_RE = re.compile(
    r"\b(?P<which>this|last|next|previous)\s+(?P<unit>week|month|year)\b", _FLAGS
)
_PERIOD_OFFSETS = {"this": 0, "last": -1, "previous": -1, "next": 1}
_UNITS: dict[str, Granularity] = {"day": "day", "week": "week", "month": "month", "year": "year"}


@dataclass(frozen=True, slots=True)
class _Anchor:
    """What the expression says about the calendar, before resolution.

    Exactly one shape is used: a full ``date``; ``month``/``day`` with or without
    ``year``; a ``weekday`` with a modifier; or an ``offset`` in ``granularity`` units
    from the publication date.
    """

    granularity: Granularity
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    modifier: str | None = None
    offset: int | None = None


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _shift(day: datetime.date, days: int) -> datetime.date | None:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return None


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _read_clock(text: str) -> tuple[str | None, str]:
    """The first clock time as "HH:MM", and the text with it blanked out."""
    for match in _CLOCK_RE.finditer(text):
        named = (match.group("named") or "").lower()
        if named:
            hour, minute = (0 if named == "midnight" else 12), 0
        elif match.group("ampm"):
            hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
            if not 1 <= hour <= 12 or minute > 59:
                continue
            hour = hour % 12 + (12 if match.group("ampm").lower() == "p" else 0)
        elif match.group("hour24"):
            hour, minute = int(match.group("hour24")), int(match.group("minute24"))
        else:
            hour, minute = int(match.group("hourmil")), int(match.group("minutemil"))
        return f"{hour:02d}:{minute:02d}", _blank(text, match)
    return None, text


def _read_tz(text: str) -> tuple[str | None, str]:
    match = _TZ_RE.search(text)
    if match is None:
        return None, text
    tz = "local" if match.group("local") else re.sub(r"\s", "", match.group("tz"))
    return tz, _blank(text, match)


def _month_of(match: re.Match[str]) -> int:
    return _MONTHS[match.group("month").lower()]


def _year_of(match: re.Match[str]) -> int | None:
    year = match.group("year")
    if year is None:
        return None
    value = int(year)
    if len(year) == 2:  # "1/3/20": 00-69 are 2000s, 70-99 are 1900s.
        value += 2000 if value < 70 else 1900
    return value


def _calendar_anchor(text: str) -> _Anchor | Literal[False] | None:
    """A date, month or year named in ``text``; ``False`` if it names an impossible one."""
    for pattern in (_ISO_RE, _US_RE, _MONTH_DAY_RE, _DAY_MONTH_RE):
        match = pattern.search(text)
        if match is None:
            continue
        month = int(m) if (m := match.group("month")).isdigit() else _month_of(match)
        day, year = int(match.group("day")), _year_of(match)
        # A yearless day is checked against a leap year, so "February 29" stays possible.
        if _make_date(2000 if year is None else year, month, day) is None:
            return False
        return _Anchor("day", year=year, month=month, day=day)
    if match := _MONTH_YEAR_RE.search(text):
        return _Anchor("month", year=_year_of(match), month=_month_of(match))
    for match in _MONTH_RE.finditer(text):
        name = match.group("month")
        if name.lower() not in _AMBIGUOUS_MONTHS or name[0].isupper():
            return _Anchor("month", month=_month_of(match))
    if match := _YEAR_RE.search(text):
        return _Anchor("year", year=int(match.group("year")))
    return None


def _exact_count(text: str) -> int | None:
    """The count in "three days ago"; hedged counts ("a few days ago") are not dates."""
    if text.lower() in ("a", "an"):
        return 1
    parsed = normalize_number(text)
    value = None if parsed is None else parsed.get("value")
    return value if isinstance(value, int) and parsed == {"value": value} else None


def _relative_anchor(text: str) -> tuple[_Anchor | None, str | None]:
    """A weekday or a phrase relative to the publication date, and any part of day."""
    if match := _WEEKDAY_RE.search(text):
        modifier = (match.group("mod") or "").lower() or None
        weekday = _WEEKDAYS.index(match.group("weekday").lower())
        return _Anchor("day", weekday=weekday, modifier=modifier), None
    if match := _RELATIVE_DAY_RE.search(text):
        offset, part = _RELATIVE_DAYS[" ".join(match.group("phrase").lower().split())]
        return _Anchor("day", offset=offset), part
    if match := _AGO_RE.search(text):
        count = _exact_count(match.group("count"))
        if count is not None:
            return _Anchor(_UNITS[match.group("unit").lower()], offset=-count), None
    if match := _RELATIVE_PERIOD_RE.search(text):
        offset = _PERIOD_OFFSETS[match.group("which").lower()]
        return _Anchor(_UNITS[match.group("unit").lower()], offset=offset), None
    return None, None


def _yearless(month: int, day: int, doc: datetime.date) -> datetime.date | None:
    """The latest year in which month/day is not more than ~6 months after ``doc``."""
    limit = _shift(doc, FUTURE_WINDOW.days) or datetime.date.max
    for year in range(doc.year + 1, doc.year - 9, -1):
        candidate = _make_date(year, month, day) if year > 0 else None
        if candidate is not None and candidate <= limit:
            return candidate
    return None


def _add_months(doc: datetime.date, months: int) -> str | None:
    index = doc.year * 12 + doc.month - 1 + months
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}" if 1 <= year <= 9999 else None


def _resolve(anchor: _Anchor, doc: datetime.date) -> str | None:
    """The ISO value of an anchor that needs the publication date, or None."""
    if anchor.weekday is not None:
        back = (doc.weekday() - anchor.weekday) % 7
        if anchor.modifier in ("last", "previous"):
            back = back or 7
        elif anchor.modifier in ("next", "coming"):
            back = -((anchor.weekday - doc.weekday()) % 7 or 7)
        day = _shift(doc, -back)
        return None if day is None else day.isoformat()
    if anchor.offset is not None:
        if anchor.granularity == "month":
            return _add_months(doc, anchor.offset)
        if anchor.granularity == "year":
            year = doc.year + anchor.offset
            return f"{year:04d}" if 1 <= year <= 9999 else None
        day = _shift(doc, anchor.offset * (7 if anchor.granularity == "week" else 1))
        if day is None or anchor.granularity == "day":
            return None if day is None else day.isoformat()
        iso = day.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    month = anchor.month or 1
    if anchor.day is not None:
        day = _yearless(month, anchor.day, doc)
        return None if day is None else day.isoformat()
    year = doc.year if month <= doc.month else doc.year - 1
    return f"{year:04d}-{month:02d}" if year >= 1 else None


def _absolute(anchor: _Anchor) -> str | None:
    """The ISO value of an anchor that names its own year, or None."""
    if anchor.year is None or anchor.weekday is not None or anchor.offset is not None:
        return None
    if anchor.day is not None:
        return f"{anchor.year:04d}-{anchor.month:02d}-{anchor.day:02d}"
    if anchor.month is not None:
        return f"{anchor.year:04d}-{anchor.month:02d}"
    return f"{anchor.year:04d}"


def _unresolved(anchor: _Anchor) -> dict[str, Any]:
    """The parts of an anchor kept for later resolution when no date is known."""
    parts: dict[str, Any] = {"value": None}
    if anchor.weekday is not None:
        parts["weekday"] = _WEEKDAYS[anchor.weekday]
        if anchor.modifier is not None:
            parts["modifier"] = anchor.modifier
    elif anchor.offset is not None:
        parts["offset"] = anchor.offset
    else:
        parts["month"] = anchor.month
        if anchor.day is not None:
            parts["day"] = anchor.day
    return parts


#: "Friday and Saturday", "January or June 2024", "November 2 and 9": two dates named
#: as one time, split at the conjunction.
_COORD_RE = re.compile(r"\s+(?:and|or)\s+", _FLAGS)
_BARE_DAY_RE = re.compile(r"^[0-9]{1,2}(?:st|nd|rd|th)?(?:,?\s*[0-9]{4})?$", _FLAGS)


def _coordinated(parts: list[str]) -> list[str]:
    """The parts of a coordinated date, each made whole with what the text says once
    for all: the month and year of the last ("January and June 2024": January 2024;
    "2 and 3 March": 2 March) and the month of the first ("November 2 and 9":
    November 9)."""
    year = _YEAR_RE.search(parts[-1])
    last_month = _MONTH_RE.search(parts[-1])
    first_month = _MONTH_RE.search(parts[0])
    out = []
    for i, part in enumerate(parts):
        if i < len(parts) - 1:
            if last_month and _BARE_DAY_RE.match(part):
                part = f"{part} {last_month.group(0)}"
            if year and _MONTH_RE.search(part) and not _YEAR_RE.search(part):
                part = f"{part}, {year.group('year')}"
        if i > 0 and first_month and _BARE_DAY_RE.match(part):
            part = f"{first_month.group(0)} {part}"
        out.append(part)
    return out


def _day_of(reading: dict[str, Any] | None) -> datetime.date | None:
    """The day a reading names, or the last day of the month it names: what the date
    before it in a coordination is resolved against."""
    value = reading.get("value") if reading else None
    if not reading or not isinstance(value, str):
        return None
    try:
        if reading.get("granularity") in ("day", "time"):
            return datetime.date.fromisoformat(value)
        if reading.get("granularity") == "month":
            year, month = (int(x) for x in value.split("-"))
            return datetime.date(year, month, monthrange(year, month)[1])
    except ValueError:
        return None
    return None


def normalize_date(text: str, doc_date: datetime.date | None) -> dict[str, Any] | None:
    """Read the date or time in ``text``, resolving it against ``doc_date``.

    Two dates named together ("Friday and Saturday", "January and June 2024") give the
    first's reading, with the values of the others in ``also``
    (``{"value": "2024-01", ..., "also": ["2024-06"]}``).

    Returns ``None`` when ``text`` names no date or clock time (a part of day alone,
    such as "the afternoon", anchors nothing), or names an impossible one
    ("February 30, 2020").  Otherwise a dict with:

    - ``value``: ISO text at the precision given: ``"2024-02-02"``, ``"2024-02"``,
      ``"2020"``, an ISO week ``"2024-W05"`` for "this week" / "last week"; ``None``
      when the expression needs a publication date that is not known.
    - ``granularity``: ``"day"``, ``"week"``, ``"month"``, ``"year"``, or ``"time"``
      when a clock time is given with a day (or alone).
    - ``time`` (``"16:00"``), ``part`` (``"morning"``, ``"afternoon"``,
      ``"evening"``, ``"night"``), ``tz`` (``"EST"``, ``"UTC+3"``, ``"local"``) when
      given.
    - ``resolved``: ``True`` when ``doc_date`` filled in something the text left out.
    - when ``value`` is ``None``, what is needed to resolve it later: ``month`` and
      ``day``; ``weekday`` (``"friday"``) and ``modifier`` (``"last"``); or ``offset``
      in ``granularity`` units from the publication date (``-1`` for "yesterday").

    Resolution rules, chosen because news reports look back:

    - a yearless month and day takes the latest year that puts it no more than about
      six months after ``doc_date`` ("December 25" in a January article is last year's);
    - a month alone is the latest such month on or before ``doc_date``;
    - a weekday is the latest such day on or before ``doc_date`` ("Saturday" in a
      Saturday article is that day); "last Friday" is strictly before, "next Friday"
      strictly after; "this Friday" is read like "Friday";
    - numeric dates are US order (``01/03/2020`` is January 3); two-digit years 00-69
      are 2000s.
    """
    if isinstance(doc_date, datetime.datetime):
        doc_date = doc_date.date()
    parts = _COORD_RE.split(text.strip())
    if len(parts) > 1:
        # The last named is resolved against the publication date and each earlier one
        # against the one after it: "Friday and Saturday" are the two days before a
        # Sunday article, not a Friday long past and the Saturday just gone.
        readings: list[dict[str, Any] | None] = []
        anchor_day = doc_date
        for part in reversed(_coordinated(parts)):
            reading = _normalize_one(part, anchor_day)
            readings.append(reading)
            anchor_day = _day_of(reading) or doc_date
        readings.reverse()
        first = readings[0]
        if first is not None and all(r is not None for r in readings):
            first["also"] = [r["value"] for r in readings[1:] if r is not None]
            return first
    return _normalize_one(text, doc_date)


def _normalize_one(text: str, doc_date: datetime.date | None) -> dict[str, Any] | None:
    time, rest = _read_clock(text)
    tz, rest = _read_tz(rest)
    calendar = _calendar_anchor(rest)
    if calendar is False:
        return None
    anchor, part = (calendar, None) if calendar is not None else _relative_anchor(rest)
    if part is None and (part_match := _PART_RE.search(rest)):
        word = part_match.group("part").lower()
        part = _PARTS.get(word, word)
    if anchor is None and time is None:
        return None
    result: dict[str, Any] = {"value": None, "granularity": "time"}
    if anchor is not None:
        result["value"] = _absolute(anchor)
        if result["value"] is None and doc_date is not None:
            result["value"] = _resolve(anchor, doc_date)
            result["resolved"] = result["value"] is not None
        if result["value"] is None:
            result.update(_unresolved(anchor))
        if time is None or anchor.granularity != "day":
            result["granularity"] = anchor.granularity
    extras = {"time": time, "part": part, "tz": tz}
    result.update({key: value for key, value in extras.items() if value is not None})
    if result.get("resolved") is False:
        del result["resolved"]
    return result
