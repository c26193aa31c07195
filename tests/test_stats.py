"""``iedsl stats``: per-rule counts, overlap losses, rules that never fire, precision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from clitools import call

RULES = Path(__file__).resolve().parent / "fixtures" / "cli" / "attack.ie"


DOCS = {
    "a": "US airstrikes on Kata'ib Hezbollah in Iraq and Syria.",
    "b": "Iraq arrested militia members. Hezbollah fighters were seen.",
    "c": "The weather was calm.",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in DOCS.items():
        (root / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    return root


def by_rule(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["rule"]: i for i in items}


def test_counts_losses_and_rules_that_never_fire(capsys: pytest.CaptureFixture[str],
                                                 corpus: Path) -> None:
    code, out, _ = call(capsys, "stats", str(RULES), str(corpus), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["documents"] == 3 and data["failed"] == []
    rules = by_rule(data["rules"])
    assert (rules["attack_active"]["triggers"], rules["attack_active"]["frames"]) == (1, 1)
    assert (rules["arrest_active"]["triggers"], rules["arrest_active"]["frames"]) == (1, 1)
    assert rules["ceasefire"]["frames"] == 0
    assert data["never_fire"] == ["ceasefire"]
    ents = [e for e in data["entities"] if e["label"] == "GROUP"]
    long_name, short_name = ents[1], ents[2]          # "Kata'ib Hezbollah", "Hezbollah"
    assert long_name["mentions"] == 1
    assert short_name["mentions"] == 1 and short_name["discarded"] == 1
    assert short_name["lost_to"] == {long_name["rule"]: 1}
    assert short_name["policy"] == "longest"


def test_frames_lost_to_a_higher_priority_rule(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "two.ie"
    rules.write_text(RULES.read_text(encoding="utf-8") + (
        '\nrule attack_bare for ATTACK { trigger = @ATTACK_WORD }\n'), encoding="utf-8")
    code, out, _ = call(capsys, "stats", str(rules), str(corpus), "--json")
    assert code == 0
    bare = by_rule(json.loads(out)["rules"])["attack_bare"]
    assert (bare["fired"], bare["frames"], bare["discarded"]) == (1, 0, 1)
    assert bare["lost_to"] == {"attack_active": 1}
    code, out, _ = call(capsys, "stats", str(rules), str(corpus))
    assert "lost to: attack_active 1" in out
    assert "Event rules that never fired: ceasefire, attack_bare" in out


def test_precision_against_gold(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                corpus: Path) -> None:
    a = DOCS["a"]
    gold = tmp_path / "gold.jsonl"
    span = {"start": a.index("airstrikes"), "end": a.index("airstrikes") + 10,
            "text": "airstrikes"}
    gold.write_text(json.dumps({"doc": "a", "events": [{"type": "ATTACK", "trigger": span,
                                                        "args": []}]}) + "\n"
                    + json.dumps({"doc": "b", "events": []}) + "\n", encoding="utf-8")
    code, out, _ = call(capsys, "stats", str(RULES), str(corpus), "--gold", str(gold), "--json")
    assert code == 0
    rules = by_rule(json.loads(out)["rules"])
    assert rules["attack_active"]["precision"]["tc"] == 1.0
    assert rules["arrest_active"]["precision"]["tc"] == 0.0   # no ARREST in the gold
    code, out, _ = call(capsys, "stats", str(RULES), str(corpus), "--gold", str(gold))
    assert "P(TC)" in out and "1.000" in out


def test_parallel_stats_equal_serial(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    _, one, _ = call(capsys, "stats", str(RULES), str(corpus), "--json")
    _, two, _ = call(capsys, "stats", str(RULES), str(corpus), "--json", "-j", "2")
    assert one == two


def test_failed_documents_are_listed(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    (corpus / "bad.txt").write_bytes(b"\xff\xfe")
    code, out, _ = call(capsys, "stats", str(RULES), str(corpus))
    assert code == 1 and "failed: bad: D001" in out
