"""Tests for the output stage: every format, error records, overlapping spans, offsets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iedsl.errors import IedslError
from iedsl.output import CSV_HEADER, FORMATS, write_output
from iedsl.output_html import Mark, mark_text

# ---------------------------------------------------------------------------- fixtures

TEXT = ('On Saturday, "Joe Biden" ordered strikes, on Iran-backed militia groups\r\n'
        "near <script>alert(1)</script> & the Iraq–Syria border; they said “no”.\nEnd.")


def span(needle: str, nth: int = 0) -> dict[str, Any]:
    """A span dict for the ``nth`` occurrence of ``needle`` in :data:`TEXT`."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def arg(role: str, needle: str, **extra: Any) -> dict[str, Any]:
    return {"role": role, **span(needle), **extra}


RECORD: dict[str, Any] = {
    "doc": "doc_one",
    "date": "2024-02-03",
    "events": [
        {"type": "ATTACK", "trigger": span("strikes"),
         "attrs": {"mode": "air", "polarity": "positive", "modality": "asserted"},
         "rule": "attack_active", "sentence": 0,
         "args": [
             arg("authorizer", "Joe Biden", label="PERSON", id="person:joe_biden"),
             arg("target", "strikes, on Iran-backed militia groups\r\nnear"),
             arg("target", "militia groups"),
             arg("place", "Iraq–Syria border", value={"countries": ["IQ", "SY"]}),
             arg("time", "Saturday", value="2024-02-03"),
         ]},
        {"type": "CONDEMN", "trigger": span("said"),
         "attrs": {"polarity": "positive", "modality": "asserted"}, "rule": "condemn",
         "args": [arg("agent", "Joe Biden"), arg("target", "<script>alert(1)</script>")]},
        {"type": "THREATEN", "trigger": span("alert"),
         "attrs": {"polarity": "negative", "modality": "hypothetical"}, "rule": "threat",
         "args": [arg("agent", 'Biden" ordered')]},
        {"type": "AGREE", "trigger": span("“no”"), "attrs": {}, "rule": "agree", "args": []},
    ],
}
ERROR: dict[str, Any] = {"doc": "bad_file",
                         "error": {"code": "D001", "message": "cannot decode as UTF-8, <b>"}}
EMPTY: dict[str, Any] = {"doc": "empty", "events": []}
PAIRS: list[tuple[dict[str, Any], str | None]] = [(RECORD, TEXT), (ERROR, None), (EMPTY, "x")]


def render(fmt: str, pairs: Any = PAIRS, **kwargs: Any) -> str:
    out = io.StringIO(newline="")
    write_output(pairs, fmt, out, **kwargs)
    return out.getvalue()


def test_fixture_spans_point_into_text() -> None:
    for event in RECORD["events"]:
        for obj in [event["trigger"], *event["args"]]:
            assert TEXT[obj["start"]:obj["end"]] == obj["text"]


# ------------------------------------------------------------------------------ usage

def _untouchable() -> Iterator[tuple[dict[str, Any], str]]:
    raise AssertionError("pairs consumed before the usage check")
    yield  # pragma: no cover


def test_unknown_format_is_e901_before_reading_pairs() -> None:
    with pytest.raises(IedslError) as info:
        write_output(_untouchable(), "htlm", io.StringIO())
    assert info.value.code == "E901"
    assert "did you mean `html`" in str(info.value)


def test_brat_needs_out_dir() -> None:
    with pytest.raises(IedslError) as info:
        write_output(_untouchable(), "brat", io.StringIO())
    assert info.value.code == "E901"


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "brat"])
def test_error_records_are_rendered_in_every_format(fmt: str) -> None:
    out = render(fmt, [(ERROR, None)])
    assert "bad_file" in out and "D001" in out and "cannot decode as UTF-8" in out


# ------------------------------------------------------------------------------ jsonl

def test_jsonl_round_trips_and_is_deterministic() -> None:
    first, second = render("jsonl"), render("jsonl")
    assert first == second
    lines = first.split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == [RECORD, ERROR, EMPTY]
    assert lines[0] == json.dumps(RECORD, ensure_ascii=False, separators=(",", ":"))
    assert "“no”" in lines[0]  # UTF-8 kept, not \u-escaped


def test_jsonl_streams_one_line_per_document() -> None:
    out = io.StringIO()

    def pairs() -> Iterator[tuple[dict[str, Any], str | None]]:
        yield RECORD, TEXT
        assert out.getvalue().count("\n") == 1  # first line written before the second doc
        yield ERROR, None

    write_output(pairs(), "jsonl", out)
    assert out.getvalue().count("\n") == 2


def test_jsonl_non_json_value_is_e902() -> None:
    bad = {"doc": "d", "events": [{"type": "X", "args": [{"value": {1, 2}}]}]}
    with pytest.raises(IedslError) as info:
        render("jsonl", [(bad, "")])
    assert info.value.code == "E902"


# -------------------------------------------------------------------------- csv / tsv

@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_parses_back_to_rows(fmt: str, delimiter: str) -> None:
    rows = list(csv.reader(io.StringIO(render(fmt), newline=""), delimiter=delimiter))
    assert tuple(rows[0]) == CSV_HEADER
    table = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    # 5 + 2 + 1 args, 1 event without args, 1 error, 1 document without events
    assert len(table) == 11
    by = {(r["doc"], r["event"], r["role"], r["arg_text"]): r for r in table}
    joe = by[("doc_one", "0", "authorizer", "Joe Biden")]
    assert (joe["type"], joe["trigger"], joe["trigger_start"], joe["mode"], joe["rule"]) == (
        "ATTACK", "strikes", str(span("strikes")["start"]), "air", "attack_active")
    assert (joe["label"], joe["id"], joe["value"]) == ("PERSON", "person:joe_biden", "")
    tricky = by[("doc_one", "0", "target", "strikes, on Iran-backed militia groups\r\nnear")]
    assert tricky["arg_start"] == str(span("strikes")["start"])
    place = by[("doc_one", "0", "place", "Iraq–Syria border")]
    assert json.loads(place["value"]) == {"countries": ["IQ", "SY"]}
    assert by[("doc_one", "0", "time", "Saturday")]["value"] == "2024-02-03"
    assert by[("doc_one", "2", "agent", 'Biden" ordered')]["modality"] == "hypothetical"
    agree = by[("doc_one", "3", "", "")]
    assert (agree["type"], agree["trigger"], agree["arg_start"]) == ("AGREE", "“no”", "")
    error = by[("bad_file", "", "", "cannot decode as UTF-8, <b>")]
    assert (error["type"], error["label"]) == ("ERROR", "D001")
    empty = by[("empty", "", "", "")]
    assert all(v == "" for k, v in empty.items() if k != "doc")


# ------------------------------------------------------------------------------ table

def test_table_shows_every_trigger_and_argument() -> None:
    out = render("table")
    assert 'ATTACK "strikes" [air, positive, asserted] (attack_active)' in out
    assert '    authorizer: "Joe Biden" (person:joe_biden)' in out
    assert '    place: "Iraq–Syria border" (= {"countries": ["IQ", "SY"]})' in out
    assert '    target: "strikes, on Iran-backed militia groups\\r\\nnear"' in out
    assert '    agent: "Biden\\" ordered"' in out
    assert 'THREATEN "alert" [negative, hypothetical] (threat)' in out
    assert "bad_file: error[D001]: cannot decode as UTF-8, <b>" in out
    assert "empty  (0 events)\n  (no events)" in out
    assert "\x1b" not in out


def test_table_colour_and_terminal_safety() -> None:
    assert "\x1b[" in render("table", color=True)
    hostile = {"doc": "d\x1b[2J", "events": [
        {"type": "X", "trigger": {"start": 0, "end": 1, "text": "\x1b]0;pwned\x07"}}]}
    out = render("table", [(hostile, "x")])
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;pwned\\x07" in out


# ------------------------------------------------------------------------------- html

VOID = {"meta", "link", "br", "hr", "img", "input"}


class PageChecker(HTMLParser):
    """Checks balance and collects, per document, the visible text and the annotations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.doc: str | None = None
        self.text_level: int | None = None
        self.texts: dict[str, list[str]] = {}
        self.anns: dict[tuple[str, str], dict[str, Any]] = {}  # (doc, data-ann) -> info
        self.open_anns: list[tuple[str, str] | None] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "section":
            self.doc = a["data-doc"]
        if tag == "div" and a.get("class") == "text":
            assert self.doc is not None
            self.text_level = len(self.stack)
            self.texts[self.doc] = []
        if tag == "mark":
            if self.text_level is None:
                self.problems.append("mark outside the text")
            assert self.doc is not None and a["data-ann"] is not None
            key = (self.doc, a["data-ann"])
            info = self.anns.setdefault(key, {"attrs": a, "text": [], "fragments": 0})
            if info["attrs"]["data-event"] != a["data-event"]:
                self.problems.append(f"fragments of {key} disagree")
            info["fragments"] += 1
            self.open_anns.append(key)
        elif tag != "mark":
            self.open_anns.append(None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}> with open {self.stack[-3:]}")
            return
        if tag == "div" and self.text_level == len(self.stack):
            self.text_level = None
        self.stack.pop()
        self.open_anns.pop()

    def handle_data(self, data: str) -> None:
        if self.text_level is not None and self.doc is not None:
            self.texts[self.doc].append(data)
            for key in self.open_anns:
                if key is not None:
                    self.anns[key]["text"].append(data)


def check_page(page: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>")
    assert all(tag not in ("script", "link", "img", "iframe") for tag, _ in checker.tags)
    return checker


def test_page_checker_catches_unbalanced_markup() -> None:
    checker = PageChecker()
    checker.feed("<div><b></div></b>")
    assert checker.problems


def expected_anns(record: dict[str, Any], text: str) -> dict[str, tuple[str, str | None, str]]:
    """data-ann -> (data-event, data-role, covered text) for every placeable span."""
    def ok(obj: dict[str, Any]) -> bool:
        return 0 <= obj["start"] < obj["end"] <= len(text)

    out: dict[str, tuple[str, str | None, str]] = {}
    for e, event in enumerate(record["events"]):
        if ok(event["trigger"]):
            t = event["trigger"]
            out[f"e{e}"] = (str(e), None, text[t["start"]:t["end"]])
        for a, argument in enumerate(event["args"]):
            if ok(argument):
                covered = text[argument["start"]:argument["end"]]
                out[f"e{e}a{a}"] = (str(e), argument["role"], covered)
    return out


def html_visible(text: str) -> str:
    """What an HTML parser can give back for ``text`` (NUL cannot survive HTML)."""
    return text.replace("\0", "\ufffd")


def assert_document_ok(checker: PageChecker, record: dict[str, Any], text: str) -> None:
    doc = record["doc"]
    assert "".join(checker.texts[doc]) == html_visible(text)
    found = {ann: info for (d, ann), info in checker.anns.items() if d == doc}
    expected = expected_anns(record, text)
    assert set(found) == set(expected)
    for ann, (event, role, covered) in expected.items():
        attrs = found[ann]["attrs"]
        assert attrs["data-event"] == event
        assert attrs.get("data-role") == role
        assert "".join(found[ann]["text"]) == html_visible(covered)


def test_html_page_is_well_formed_complete_and_escaped() -> None:
    page = render("html")
    checker = check_page(page)
    assert_document_ok(checker, RECORD, TEXT)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#13;\n" in page  # CR survives parsers that fold CRLF
    assert '<p class="errbox"><b>error[D001]</b>: cannot decode as UTF-8, &lt;b&gt;</p>' in page
    assert "(no events)" in page
    legend = page[page.index('<div class="legend">'):]
    for role in ("authorizer", "target", "place", "time", "agent"):
        assert f"</span>{role}</span>" in legend
    # the frame table lists every event, also when its spans are not drawn
    assert all(f'id="d0-e{e}"' in page for e in range(len(RECORD["events"])))


def test_html_nesting_identical_and_crossing_spans() -> None:
    checker = check_page(render("html"))
    anns = {ann: info for (_, ann), info in checker.anns.items()}
    # "militia groups" nests inside the long target; "Joe Biden" is an argument of two events
    assert anns["e0a2"]["fragments"] == 1 and anns["e0a0"]["fragments"] == 1
    assert anns["e1a0"]["fragments"] == 1
    # 'Biden" ordered' crosses "Joe Biden": one of the two is split, text still exact
    assert anns["e0a0"]["fragments"] + anns["e1a0"]["fragments"] + anns["e2a0"]["fragments"] == 4
    assert "".join(anns["e2a0"]["text"]) == 'Biden" ordered'


def test_mark_text_fragments_crossing_spans() -> None:
    marks = [Mark(0, 3, "a", (("data-ann", "x"),)), Mark(2, 5, "a", (("data-ann", "y"),))]
    assert mark_text("abcdef", marks) == (
        '<mark class="a" data-ann="x">ab<mark class="a more" data-ann="y">c</mark></mark>'
        '<mark class="a cont" data-ann="y">de</mark>f')


def test_html_skips_unplaceable_spans_but_lists_them() -> None:
    record = {"doc": "d", "events": [
        {"type": "X", "trigger": {"start": 2, "end": 99, "text": "?"},
         "args": [{"role": "r", "start": 1, "end": 1, "text": ""},
                  {"role": "r", "start": 0, "end": 2, "text": "ab"}]}]}
    page = render("html", [(record, "abc")])
    checker = check_page(page)
    assert_document_ok(checker, record, "abc")
    assert page.count("not in text") == 2


# ------------------------------------------------------------------------------- brat

def read_brat(out_dir: Path, doc: str) -> tuple[str, dict[str, Any], list[list[str]], list[str]]:
    """Parse and validate one document's .txt/.ann; return text, T, E and A lines."""
    with open(out_dir / f"{doc}.txt", encoding="utf-8", newline="") as f:
        text = f.read()
    with open(out_dir / f"{doc}.ann", encoding="utf-8", newline="") as f:
        ann = f.read()
    lines = ann.split("\n")
    assert lines[-1] == ""
    assert len(ann.splitlines()) == len(lines) - 1  # no stray line breaks inside a line
    entities: dict[str, Any] = {}
    events: list[list[str]] = []
    attributes: list[str] = []
    for line in lines[:-1]:
        if line.startswith("T"):
            tid, head, shown = line.split("\t", 2)
            etype, offsets = head.split(" ", 1)
            frags = [tuple(map(int, part.split(" "))) for part in offsets.split(";")]
            for start, end in frags:
                assert 0 <= start < end <= len(text)
                assert len(f"x{text[start:end]}x".splitlines()) == 1
            assert " ".join(text[s:e] for s, e in frags) == shown
            entities[tid] = (etype, frags)
        elif line.startswith("E"):
            eid, body = line.split("\t")
            parts = body.split(" ")
            etype, trigger = parts[0].split(":")
            assert entities[trigger][0] == etype
            roles = [p.split(":")[0] for p in parts[1:]]
            assert len(roles) == len(set(roles))
            assert all(p.split(":")[1] in entities for p in parts[1:])
            events.append([eid, *parts])
        else:
            assert line.startswith("A")
            _, body = line.split("\t")
            assert body.split(" ")[1] in {e[0] for e in events}
            attributes.append(body)
    return text, entities, events, attributes


def test_brat_files(tmp_path: Path) -> None:
    pairs = [*PAIRS, ({"doc": "../evil", "events": []}, "x"), (EMPTY, "again")]
    write_output(pairs, "brat", None, out_dir=tmp_path / "out")
    out = tmp_path / "out"
    text, entities, events, attributes = read_brat(out, "doc_one")
    assert text == TEXT
    assert len(events) == 4
    assert events[0][1:] == ["ATTACK:T1", "authorizer:T2", "target:T3", "target2:T4",
                             "place:T5", "time:T6"]
    assert entities["T2"][0] == "PERSON"  # the label wins over the role
    long_target = span("strikes, on Iran-backed militia groups\r\nnear")
    assert entities["T3"] == ("target", [(long_target["start"], long_target["end"] - 6),
                                         (long_target["end"] - 4, long_target["end"])])
    # the same span in two events is one T, referenced twice, per type
    assert events[1][1:] == ["CONDEMN:T7", "agent:T8", "target:T9"]
    assert entities["T8"][1] == [(span("Joe Biden")["start"], span("Joe Biden")["end"])]
    assert "mode E1 air" in attributes and "polarity E3 negative" in attributes
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert errors[0] == ERROR
    assert [(e["doc"], e["error"]["code"]) for e in errors[1:]] == [("../evil", "E903"),
                                                                  ("empty", "E903")]
    assert not (out / "bad_file.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert (out / "empty.txt").read_text() == "x" and (out / "empty.ann").read_text() == ""


def test_brat_unwritable_directory_is_e904(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(IedslError) as info:
        write_output(PAIRS, "brat", None, out_dir=tmp_path / "file" / "sub")
    assert info.value.code == "E904"


# ------------------------------------------------------------------------- properties

ALPHABET = list("ab \n\r\t<>&\"'“”‘’—é中😀İß\u0301\0\x0c\u2028\x85")
ROLES = ["target", "place", "agent", "arg1"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    text = draw(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40))
    n = len(text)

    def a_span() -> dict[str, Any]:
        start = draw(st.integers(-1, n + 1))
        end = draw(st.integers(start, n + 2))
        return {"start": start, "end": end, "text": text[max(start, 0):max(end, 0)]}

    events = []
    for _ in range(draw(st.integers(0, 4))):
        args = [{"role": draw(st.sampled_from(ROLES)), **a_span(),
                 **draw(st.sampled_from([{}, {"label": "PERSON"}, {"value": [1, "<&>"]}]))}
                for _ in range(draw(st.integers(0, 4)))]
        events.append({"type": draw(st.sampled_from(["ATTACK", "AGREE"])),
                       "trigger": a_span(), "attrs": {"polarity": "positive"},
                       "rule": "r<&>", "args": args})
    return {"doc": "doc", "events": events}, text


@settings(max_examples=300, deadline=None)
@given(documents())
def test_html_is_well_formed_and_preserves_text(pair: tuple[dict[str, Any], str]) -> None:
    record, text = pair
    assert_document_ok(check_page(render("html", [pair])), record, text)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents())
def test_brat_offsets_match_text(tmp_path: Path, pair: tuple[dict[str, Any], str]) -> None:
    record, text = pair
    write_output([pair], "brat", None, out_dir=tmp_path)
    written, entities, events, _ = read_brat(tmp_path, "doc")
    assert written == text

    def placeable(obj: dict[str, Any]) -> bool:
        return 0 <= obj["start"] < obj["end"] <= len(text) and bool(
            "".join(text[obj["start"]:obj["end"]].splitlines()))

    assert len(events) == sum(placeable(e["trigger"]) for e in record["events"])
    for (_, *parts), event in zip(events, [e for e in record["events"]
                                           if placeable(e["trigger"])], strict=True):
        assert len(parts) == 1 + sum(placeable(a) for a in event["args"])
        for part, argument in zip(parts[1:], [a for a in event["args"] if placeable(a)],
                                  strict=True):
            role, tid = part.split(":")
            assert role.rstrip("0123456789") == argument["role"].replace("arg1", "arg1_")
            frags = entities[tid][1]
            assert frags[0][0] >= argument["start"] and frags[-1][1] <= argument["end"]
