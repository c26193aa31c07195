"""``iedsl explain``: the engine's own decisions, and direct answers to "why not?"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iedsl import Engine, IedslError
from iedsl.cli import main
from iedsl.explain import explain_text

RULES = Path(__file__).resolve().parent / "fixtures" / "cli" / "attack.ie"
TEXT = "US airstrikes on Iran-backed militias in Iraq and Syria."


@pytest.fixture(autouse=True)
def _private_rule_cache(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI caches compiled rules; a cache left by other code would test stale programs."""
    monkeypatch.setenv("IEDSL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "rule-cache"))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(RULES)


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rule_of(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in report["rules"] if r["rule"] == name)


def candidates(trigger: dict[str, Any], role: str) -> dict[str, dict[str, Any]]:
    clause = next(c for c in trigger["clauses"] if c["role"] == role)
    return {c["text"]: c for c in clause["candidates"]}


def test_each_attribute_says_what_decided_it(engine: Engine) -> None:
    report = explain_text(engine, "Militias could strike US bases. US airstrikes did not "
                                  "strike Iraq.")
    triggers = rule_of(report, "attack_active")["triggers"]
    could, air, did_not = ({a["attr"]: a for a in t["attributes"]}
                           for t in sorted(triggers, key=lambda t: t["start"]))
    assert could["modality"]["value"] == "hypothetical"
    assert could["modality"]["source"].startswith("cue at ")
    assert could["modality"]["source"].endswith("matched 'could'")
    assert could["polarity"] == {"attr": "polarity", "value": "positive",
                                 "source": "the event's default"}
    assert air["mode"] == {"attr": "mode", "value": "air", "source": "the trigger's attribute"}
    assert did_not["polarity"]["value"] == "negative"
    assert did_not["polarity"]["source"].endswith("matched 'did not'")


def test_explain_prints_the_attributes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "explain", "Militias could strike US bases.",
                        "--rules", str(RULES), "--no-tokens")
    assert code == 0
    assert "    modality=hypothetical: cue at " in out and "matched 'could'" in out


def test_candidates_taken_and_rejected_with_reasons(engine: Engine) -> None:
    report = explain_text(engine, TEXT)
    rule = rule_of(report, "attack_active")
    assert rule["verdict"] == "fired 1 time"
    (trig,) = rule["triggers"]
    assert trig["text"] == "airstrikes" and trig["outcome"] == "frame"
    target = candidates(trig, "target")
    assert target["Iran-backed militias"]["status"] == "taken"
    assert target["Iraq"] == dict(target["Iraq"], status="rejected",
                                  reason="no via word next to it")
    assert target["Syria"]["reason"] == "8 tokens from the trigger (within 6)"
    assert candidates(trig, "attacker")["US"]["status"] == "taken"
    place = candidates(trig, "place")
    assert place["Syria"]["status"] == "taken" and "coordinated" in place["Syria"]["note"]


def test_sentences_tokens_and_mentions(engine: Engine) -> None:
    report = explain_text(engine, "Kata'ib Hezbollah struck Iraq. The weather was calm.")
    assert [s["tokens"][:4] for s in report["sentences"]] == [
        ["Kata", "'", "ib", "Hezbollah"], ["The", "weather", "was", "calm"]]
    groups = [m for m in report["mentions"] if m["label"] == "GROUP"]
    assert [m["text"] for m in groups] == ["Kata'ib Hezbollah"]
    assert groups[0]["rule"].startswith("GROUP@") and ":22:" in groups[0]["rule"]
    (lost,) = [d for d in report["discarded_mentions"] if d["label"] == "GROUP"]
    assert lost["text"] == "Hezbollah" and lost["policy"] == "longest"
    assert lost["winner"]["text"] == "Kata'ib Hezbollah"


def test_missing_required_role_is_the_answer(engine: Engine) -> None:
    report = explain_text(engine, "Police arrested nobody.", rule="arrest_active")
    (rule,) = report["rules"]
    assert rule["verdict"] == "did not fire: required role `detainee` has no argument"
    assert rule["triggers"][0]["outcome"] == "missing"


def test_trigger_that_never_matched_shows_what_came_close(engine: Engine) -> None:
    text = "Syria has been detaining militias. The US struck Iraq."
    report = explain_text(engine, text, rule="arrest_active")
    (rule,) = report["rules"]
    assert rule["verdict"] == "did not fire: its trigger matched nowhere in the text"
    assert [s["text"] for s in rule["near"]["similar"]] == ["detaining"]
    assert rule["near"]["similar"][0]["like"] == "detained"
    assert [(o["text"], o["rule"]) for o in rule["near"]["other_triggers"]] == [
        ("struck", "attack_active")]


def test_rule_filter_by_event_type_and_label(engine: Engine) -> None:
    assert [r["rule"] for r in explain_text(engine, TEXT, rule="ATTACK")["rules"]] == [
        "attack_active"]
    only = explain_text(engine, TEXT, rule="GROUP")
    assert only["rules"] == [] and {m["label"] for m in only["mentions"]} == {"GROUP"}
    with pytest.raises(IedslError, match="E930"):
        explain_text(engine, TEXT, rule="atack_active")


def test_cli_text_view(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "explain", TEXT, "--rules", str(RULES))
    assert code == 0
    assert "US | airstrikes | on | Iran" in out
    assert '- "Iraq" 41-45 COUNTRY rejected: no via word next to it' in out
    assert "Rule attack_active (ATTACK" in out and "fired 1 time" in out
    assert "Rule ceasefire (AGREE" in out and "matched nowhere" in out
    assert 'Frames (1)' in out and 'ATTACK["airstrikes"]' in out


def test_cli_json_file_input_and_rule_filter(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    doc = tmp_path / "story.txt"
    doc.write_text("Iraq arrested militia members.\n", encoding="utf-8")
    code, out, _ = call(capsys, "explain", str(doc), "--rules", str(RULES), "--json",
                        "--rule", "arrest_active")
    assert code == 0
    data = json.loads(out)
    assert [r["rule"] for r in data["rules"]] == ["arrest_active"]
    assert data["frames"][0]["type"] == "ARREST"


def test_cli_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = call(capsys, "explain", TEXT, "--rules", str(RULES), "--rule", "nope")
    assert code == 2 and "E930" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe")
    code, _, err = call(capsys, "explain", str(bad), "--rules", str(RULES))
    assert code == 1 and "D001" in err                # a failed document, not a usage error


def test_matches_dropped_by_an_entity_guard_are_shown(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    rules = tmp_path / "g.ie"
    rules.write_text('label ARMED\nentity ARMED = "group" not after "no" | "No"\n',
                     encoding="utf-8")
    code, out, _ = call(capsys, "explain", "--rules", str(rules), "--no-tokens",
                        "No group claimed it; the group did.")
    assert code == 0
    assert "1 kept, 0 discarded by overlap policies, 1 by guards" in out
    assert 'dropped ARMED "group" 3-8' in out and "`not after` guard matched" in out
