"""The command line, driven through its real entry points.

Most tests call :func:`iedsl.cli.main` in-process (fast, output captured by pytest);
the ones about the process boundary (stdin, exit codes of ``python -m iedsl``, no
tracebacks, progress on stderr) run a subprocess.  Rules come from
``tests/fixtures/cli/attack.ie``, a small pack with inline examples; a few tests use
the bundled pack and the seeds, and skip while the pack is absent.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from clitools import call

from iedsl.output import CSV_HEADER

ROOT = Path(__file__).resolve().parent.parent
RULES = Path(__file__).resolve().parent / "fixtures" / "cli" / "attack.ie"
SEEDS = ROOT / "seeds"
BUNDLED = ROOT / "rules" / "conflict.ie"

DOCS = {
    "a.txt": "US airstrikes on Iran-backed militias in Iraq and Syria.\n",
    "b.txt": "Iraq arrested militia members. Syria struck Iraq.\n",
    "sub/c.txt": "The weather was calm.\n",
    "notes.md": "US strikes on Iraq.\n",
}


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    """``python -m iedsl ARGS`` in a subprocess: the real process boundary."""
    proc = subprocess.run([sys.executable, "-m", "iedsl", *args], input=stdin,
                          capture_output=True, cwd=cwd, timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for name, text in DOCS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def records(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


# ----------------------------------------------------------------------- general
def test_version_and_help() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip().startswith("iedsl ")
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("extract", "check", "test", "explain", "eval", "stats"):
        assert command in proc.stdout


def test_help_does_not_load_the_compiler() -> None:
    """Startup stays fast: parsing arguments imports none of the pipeline."""
    code = ("import sys, contextlib, io\n"
            "from iedsl.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['extract', '--help']) == 0\n"
            "heavy = [m for m in ('iedsl.engine', 'iedsl.compile', 'lark', 'tqdm', 'regex')\n"
            "         if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()


@pytest.mark.parametrize("command", ["extract", "check", "test", "explain", "eval", "stats"])
def test_every_command_has_help_with_examples(capsys: pytest.CaptureFixture[str],
                                              command: str) -> None:
    code, out, _ = call(capsys, command, "--help")
    assert code == 0
    assert "examples:" in out and f"iedsl {command}" in out


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    for args in (["extract", str(tmp_path / "missing.txt"), "--rules", str(RULES)],
                 ["extract", "--frobnicate"],
                 ["extract", "x.txt", "--doc-date", "2024-13-45"],
                 ["nonsense"],
                 ["extract", str(tmp_path), "--rules", str(tmp_path / "none.ie")]):
        proc = run(*args)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr and proc.stderr.strip()
        assert proc.stdout == ""


def test_missing_input_is_e910(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = call(capsys, "extract", str(tmp_path / "nope"), "--rules", str(RULES))
    assert code == 2 and out == "" and "E910" in err and "nope" in err


def test_extract_with_broken_rules_is_usage_error(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path, corpus: Path) -> None:
    bad = tmp_path / "bad.ie"
    bad.write_text('event E { a: X }\nrule r for E { trigger = @NOPE }\n', encoding="utf-8")
    code, out, err = call(capsys, "extract", str(corpus), "--rules", str(bad))
    assert code == 2 and out == ""
    assert f"{bad.name}:1:" in err or "bad.ie:1:" in err
    assert "E202" in err and "E204" in err


# ----------------------------------------------------------------------- extract
def test_extract_folder_recursive_in_order(capsys: pytest.CaptureFixture[str],
                                           corpus: Path) -> None:
    code, out, err = call(capsys, "extract", str(corpus), "--rules", str(RULES))
    assert code == 0, err
    recs = records(out)
    assert [r["doc"] for r in recs] == ["a", "b", "c"]          # notes.md is not *.txt
    a = recs[0]["events"][0]
    assert a["type"] == "ATTACK" and a["trigger"]["text"] == "airstrikes"
    assert a["rule"] == "attack_active" and a["attrs"]["mode"] == "air"
    assert {(x["role"], x["text"]) for x in a["args"]} == {
        ("attacker", "US"), ("target", "Iran-backed militias"), ("place", "Iraq"),
        ("place", "Syria")}
    assert [e["type"] for e in recs[1]["events"]] == ["ARREST", "ATTACK"]
    assert recs[2]["events"] == []


def test_extract_glob_option_and_patterns(capsys: pytest.CaptureFixture[str],
                                          corpus: Path) -> None:
    code, out, _ = call(capsys, "extract", str(corpus), "--glob", "*.md", "--rules", str(RULES))
    assert code == 0 and [r["doc"] for r in records(out)] == ["notes"]
    code, out, _ = call(capsys, "extract", str(corpus / "**" / "*.txt"), "--rules", str(RULES))
    assert code == 0 and [r["doc"] for r in records(out)] == ["a", "b", "c"]
    code, _, err = call(capsys, "extract", str(corpus / "*.pdf"), "--rules", str(RULES))
    assert code == 2 and "E910" in err


def test_extract_doc_date(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, _ = call(capsys, "extract", str(corpus / "a.txt"), "--rules", str(RULES),
                        "--doc-date", "2024-02-03")
    assert code == 0 and records(out)[0]["date"] == "2024-02-03"


def test_extract_csv_and_tsv_rows(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    _, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES))
    n_args = sum(max(1, len(e["args"])) for r in records(out) for e in r["events"])
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        code, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-f", fmt)
        assert code == 0
        rows = list(csv.reader(io.StringIO(out), delimiter=delim))
        assert tuple(rows[0]) == CSV_HEADER
        body = rows[1:]
        assert len(body) == n_args + 1                          # + the empty document c
        assert {r[0] for r in body} == {"a", "b", "c"}
        assert body[0][:3] == ["a", "0", "ATTACK"] and "Iran-backed militias" in {
            r[13] for r in body}


def test_extract_table(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-f", "table",
                        "--color", "never")
    assert code == 0 and "\x1b[" not in out
    assert 'ATTACK "airstrikes"' in out and 'target: "Iran-backed militias"' in out
    code, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-f", "table",
                        "--color", "always")
    assert "\x1b[" in out


class _Marks(HTMLParser):
    """Collects every highlighted span of the page: (doc, event, kind, role, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.doc = ""
        self.stack: list[dict[str, str] | None] = []
        self.marks: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section":
            self.doc = a.get("data-doc", "")
        if tag == "mark":
            mark = dict(a, doc=self.doc, text="")
            self.marks.append(mark)
            self.stack.append(mark)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for mark in self.stack:
            if mark is not None:
                mark["text"] += data


def test_extract_html_parses_and_has_every_frame(capsys: pytest.CaptureFixture[str],
                                                 corpus: Path, tmp_path: Path) -> None:
    _, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES))
    recs = records(out)
    page = tmp_path / "out.html"
    code, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-f", "html",
                        "-o", str(page))
    assert code == 0 and out == ""
    parser = _Marks()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    triggers = {(m["doc"], m["data-event"], m["text"]) for m in parser.marks
                if "trig" in m.get("class", "")}
    args = {(m["doc"], m["data-event"], m["data-role"], m["text"]) for m in parser.marks
            if "arg" in m.get("class", "").split()}
    n_frames = 0
    for r in recs:
        for i, e in enumerate(r["events"]):
            n_frames += 1
            assert (r["doc"], str(i), e["trigger"]["text"]) in triggers
            for a in e["args"]:
                assert (r["doc"], str(i), a["role"], a["text"]) in args
    assert n_frames == len(triggers) == 3


def test_extract_brat_writes_standoff_files(capsys: pytest.CaptureFixture[str],
                                            corpus: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "brat"
    code, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-f", "brat",
                        "-o", str(out_dir))
    assert code == 0 and out == ""
    assert (out_dir / "a.txt").read_text(encoding="utf-8") == DOCS["a.txt"]
    ann = (out_dir / "a.ann").read_text(encoding="utf-8").splitlines()
    spans = [line.split("\t") for line in ann if line.startswith("T")]
    assert any(t[2] == "airstrikes" and t[1].startswith("ATTACK ") for t in spans)
    assert any(line.startswith("E") for line in ann)
    for t in spans:
        if ";" not in t[1]:                     # a continuous span: the text is exact
            _, start, end = t[1].split(" ")
            assert DOCS["a.txt"][int(start):int(end)] == t[2]
    code, _, err = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-f", "brat")
    assert code == 2 and "-o" in err


def test_extract_output_file(capsys: pytest.CaptureFixture[str], corpus: Path,
                             tmp_path: Path) -> None:
    target = tmp_path / "frames.jsonl"
    code, out, _ = call(capsys, "extract", str(corpus), "--rules", str(RULES), "-o", str(target))
    assert code == 0 and out == ""
    assert [r["doc"] for r in records(target.read_text(encoding="utf-8"))] == ["a", "b", "c"]


def test_extract_stdin_text_and_jsonl() -> None:
    proc = run("extract", "-", "--rules", str(RULES), stdin=b"US strikes on Iraq.\n")
    assert proc.returncode == 0, proc.stderr
    (rec,) = records(proc.stdout)
    assert rec["doc"] == "stdin" and rec["events"][0]["trigger"]["text"] == "strikes"
    lines = [{"id": "x1", "text": "Syria struck Iraq.", "date": "2020-01-03"},
             {"id": "x2", "text": "The weather was calm."}]
    data = "".join(json.dumps(x) + "\n" for x in lines).encode()
    proc = run("extract", "--rules", str(RULES), stdin=data)     # no path: stdin
    assert proc.returncode == 0, proc.stderr
    recs = records(proc.stdout)
    assert [r["doc"] for r in recs] == ["x1", "x2"]
    assert recs[0]["date"] == "2020-01-03" and len(recs[0]["events"]) == 1


def test_extract_jsonl_file_with_a_bad_line(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    src = tmp_path / "docs.jsonl"
    src.write_text('{"id": "ok", "text": "US strikes on Iraq."}\n{not json\n'
                   '{"id": "nodate", "text": "x", "date": "soon"}\n', encoding="utf-8")
    code, out, err = call(capsys, "extract", str(src), "--rules", str(RULES))
    assert code == 1
    recs = records(out)
    assert recs[0]["doc"] == "ok" and recs[0]["events"]
    assert recs[1] == {"doc": "docs:2", "error": recs[1]["error"]}
    assert recs[1]["error"]["code"] == "D006" and recs[2]["error"]["code"] == "D006"
    assert "docs:2" in err and "2 of 3 documents failed" in err


def test_jsonl_doc_key_names_the_document_and_eval_run_lines_up(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A JSON Lines corpus in EVENTS.md's shape (``doc``, ``text``, ``events``) keeps its
    ids, so the same file serves as the documents and the gold of ``eval --run``."""
    text = "US strikes on Iraq."
    rec = {"doc": "g1", "text": text, "events": [{
        "type": "ATTACK", "trigger": {"start": 3, "end": 10, "text": "strikes"},
        "attrs": {}, "args": [{"role": "target", "start": 14, "end": 18, "text": "Iraq"}]}]}
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps(rec) + "\n" + json.dumps({"id": "i1", "doc": "ignored",
                                                           "text": text}) + "\n",
                     encoding="utf-8")
    code, out, _ = call(capsys, "extract", str(mixed), "--rules", str(RULES))
    assert code == 0
    assert [r["doc"] for r in records(out)] == ["g1", "i1"]    # `id` wins over `doc`
    data = tmp_path / "gold.jsonl"
    data.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    code, out, _ = call(capsys, "eval", "--gold", str(data), "--run", str(data),
                        "--rules", str(RULES), "--json")
    assert code == 0
    scores = json.loads(out)
    assert scores["lenient"]["tc"]["recall"] == 1.0, scores


def test_undecodable_file_is_an_error_record(capsys: pytest.CaptureFixture[str],
                                             corpus: Path) -> None:
    (corpus / "bad.txt").write_bytes(b"US strikes \xff\xfe on Iraq.")
    code, out, err = call(capsys, "extract", str(corpus), "--rules", str(RULES))
    assert code == 1
    recs = {r["doc"]: r for r in records(out)}
    assert recs["bad"] == {"doc": "bad", "error": recs["bad"]["error"]}
    assert recs["bad"]["error"]["code"] == "D001"
    assert recs["a"]["events"] and recs["b"]["events"]           # the others still ran
    assert "bad: error[D001]" in err


def test_extract_profile_reports_rules(capsys: pytest.CaptureFixture[str],
                                       corpus: Path) -> None:
    code, out, err = call(capsys, "extract", str(corpus), "--rules", str(RULES), "--profile")
    assert code == 0 and len(records(out)) == 3
    assert "profile: 3 documents" in err
    from iedsl.speedups import native
    assert ("C loops on" if native is not None else "C loops off: pure Python") in err
    for rule in ("attack_active", "arrest_active"):
        assert rule in err
    # trigger-first: a rule whose trigger cannot start in any sentence is never run
    assert "ceasefire" not in err


def test_progress_bar_goes_to_stderr(corpus: Path) -> None:
    proc = run("extract", str(corpus), "--rules", str(RULES), "--progress")
    assert proc.returncode == 0
    assert "3/3 docs" in proc.stderr and "B/s" in proc.stderr
    assert len(records(proc.stdout)) == 3


@pytest.mark.skipif(not (ROOT / "iedsl" / "merge.py").is_file(), reason="no iedsl.merge yet")
def test_extract_merge_groups_mentions(capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(SEEDS / "000_b6dab5eb842bb83d.txt")
    _, plain, _ = call(capsys, "extract", seed, "--rules", str(RULES))
    code, merged, _ = call(capsys, "extract", seed, "--rules", str(RULES), "--merge")
    assert code == 0
    (mentions,), (events,) = records(plain), records(merged)
    assert 0 < len(events["events"]) < len(mentions["events"])
    n = sum(len(e["mentions"]) for e in events["events"])
    assert n == len(mentions["events"])           # every mention lands in one event
    _, merged_j2, _ = call(capsys, "extract", seed, "--rules", str(RULES), "--merge", "-j", "2")
    assert merged_j2 == merged


# ----------------------------------------------------------------------- check
def test_check_clean_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "check", str(RULES))
    assert code == 0 and "All checks passed" in out


def test_check_reports_every_error_with_location(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.ie"
    bad.write_text(
        'label ACTOR\n'
        'lexicon WORDS { "strike", "strikes" }\n'
        'lexicon UNUSED { "foo" }\n'
        'event ATTACK { attacker: ACTOR* target: ACTOR }\n'
        'rule r1 for ATTACK { trigger = @WORDZ victm = ACTOR before trigger }\n'
        'rule r2 for ATTAK { trigger = @WORDS }\n', encoding="utf-8")
    code, out, _ = call(capsys, "check", str(bad))
    assert code == 1
    name = str(bad) if str(bad) in out else "bad.ie"
    assert f"{name}:5:32: error[E202]" in out
    assert f"{name}:5:39: error[E203]" in out and "did you mean `WORDS`" in out
    assert f"{name}:6:1: error[E205]" in out
    assert "warning[W101]" in out and "warning[W103]" in out
    assert "Found 3 errors and" in out
    code, out, _ = call(capsys, "check", str(bad), "--json")
    data = json.loads(out)
    assert code == 1 and data["errors"] == 3
    assert {d["code"] for d in data["diagnostics"]} >= {"E202", "E203", "E205", "W101", "W103"}
    assert all({"line", "column", "file"} <= set(d) for d in data["diagnostics"])


def test_check_warnings_and_strict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = tmp_path / "warn.ie"
    rules.write_text('label ACTOR\nlexicon UNUSED { "x" }\nevent E { who: ACTOR }\n'
                     'rule never for E { trigger = "hit"  who = ACTOR before trigger }\n',
                     encoding="utf-8")
    code, out, _ = call(capsys, "check", str(rules))
    assert code == 0 and "W101" in out and "W103" in out and "can never fire" in out
    code, _, _ = call(capsys, "check", str(rules), "--strict")
    assert code == 1


def test_check_syntax_error_and_missing_file(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    syn = tmp_path / "syn.ie"
    syn.write_text('label A\nentity A = "x" "\n', encoding="utf-8")
    code, out, _ = call(capsys, "check", str(syn))
    assert code == 1 and ":2:16: error[E103]" in out
    code, out, err = call(capsys, "check", str(tmp_path / "missing.ie"))
    assert code == 2 and "E300" in err


# ----------------------------------------------------------------------- test
def test_test_command_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "test", str(RULES))
    assert code == 0
    assert "attack.ie ...." in out and "4 passed" in out and "failed" not in out


def test_test_command_reports_failures(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    failing = tmp_path / "failing.ie"
    failing.write_text(RULES.read_text(encoding="utf-8").replace(
        'detainee="militia")', 'detainee="Syria")'), encoding="utf-8")
    code, out, _ = call(capsys, "test", str(failing))
    assert code == 1
    assert "failing.ie" in out and "F" in out.splitlines()[0]
    assert "FAILURES" in out and "rule arrest_active" in out
    line = next(i for i, text in enumerate(failing.read_text().splitlines(), 1)
                if 'example "Iraq arrested' in text)
    assert f"failing.ie:{line}:3: example failed" in out
    assert 'expected: ARREST(agent="Iraq", detainee="Syria")' in out
    assert 'got:      ARREST["arrested"](agent="Iraq", detainee="militia"' in out
    assert out.rstrip().splitlines()[-1].count("3 passed, 1 failed")
    code, out, _ = call(capsys, "test", str(failing), "-v")
    assert code == 1 and "rule arrest_active FAILED" in out and "PASSED" in out


def test_test_command_with_broken_rules(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    bad = tmp_path / "bad.ie"
    bad.write_text("rule r for NOPE { trigger = \"x\" }\n", encoding="utf-8")
    code, _, err = call(capsys, "test", str(bad))
    assert code == 2 and "E205" in err


# ----------------------------------------------------------------------- eval
def test_eval_gold_against_itself_is_perfect(capsys: pytest.CaptureFixture[str]) -> None:
    gold = str(SEEDS / "gold.jsonl")
    code, out, _ = call(capsys, "eval", "--gold", gold, gold, "--json")
    assert code == 0
    data = json.loads(out)
    for metric in ("ti", "tc", "ai", "ac"):
        assert data["lenient"][metric]["f1"] == 1.0
        assert data["exact"][metric]["f1"] == 1.0
    code, out, _ = call(capsys, "eval", "--gold", gold, gold)
    assert code == 0 and "TC trigger classification" in out and "1.000" in out


def test_eval_run_show_and_save(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gold = str(SEEDS / "gold.jsonl")
    saved = tmp_path / "pred.jsonl"
    code, out, _ = call(capsys, "eval", "--gold", gold, "--run", str(SEEDS), "--rules",
                        str(RULES), "--show", "misses", "--limit", "2", "--save", str(saved))
    assert code == 0
    assert "Overall (5 gold documents" in out and "Misses (" in out
    assert "False alarms" not in out and "[[" in out          # the sentence, span marked
    assert len(saved.read_text(encoding="utf-8").splitlines()) == 5
    code, out, _ = call(capsys, "eval", "--gold", gold, str(saved), "--show", "false-alarms")
    assert code == 0 and "False alarms (" in out and "Misses (" not in out
    assert "[[" in out                            # texts found beside the gold file


def test_eval_needs_exactly_one_prediction_source(capsys: pytest.CaptureFixture[str]) -> None:
    gold = str(SEEDS / "gold.jsonl")
    code, _, err = call(capsys, "eval", "--gold", gold)
    assert code == 2 and "E912" in err
    code, _, err = call(capsys, "eval", "--gold", gold, "missing.jsonl")
    assert code == 2 and "E310" in err


# ----------------------------------------------------------------------- bundled pack
bundled = pytest.mark.skipif(not BUNDLED.is_file(), reason="the bundled rule pack is absent")


@bundled
def test_bundled_pack_extracts_every_seed() -> None:
    proc = run("extract", "seeds/", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    recs = records(proc.stdout)
    assert len(recs) == 5 and all(r["events"] for r in recs)


@bundled
def test_bundled_pack_eval_in_one_go() -> None:
    proc = run("eval", "--gold", "seeds/gold.jsonl", "--run", "seeds/", "--json", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["n_docs"] == 5 and data["lenient"]["tc"]["f1"] > 0.5


def test_repeated_mentions_carry_their_events_mode(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    """EVENTS.md: a later mention ("The strikes") carries the mode the document states
    for its event; --no-event-modes keeps each frame's own."""
    doc = tmp_path / "m.txt"
    doc.write_text("US jets struck a militia base in Iraq on Friday. "
                   "The strikes killed four fighters.\n", encoding="utf-8")
    code, out, _ = call(capsys, "extract", str(doc))
    assert code == 0
    assert [e["attrs"]["mode"] for e in records(out)[0]["events"]] == ["air", "air"]
    code, out, _ = call(capsys, "extract", str(doc), "--no-event-modes")
    assert [e["attrs"]["mode"] for e in records(out)[0]["events"]] == ["air", "unspecified"]
