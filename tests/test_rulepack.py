"""The bundled conflict-event rule pack: inline examples, pinned seed scores, offsets.

The pinned numbers are the scores the pack reached when they were last raised (minus
a hair): a change to the rules may raise them, never lower them silently. Raise the
pins when the pack improves.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pytest

import iedsl
from iedsl.evaluate import evaluate, load_jsonl
from iedsl.examples import run_examples

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEVDATA = Path(os.environ.get("IEDSL_DEVDATA",
                              ROOT.parent / "shared" / "devdata" / "rams.jsonl"))

# Lenient (overlap) micro-averaged scores on seeds/, pinned below what the pack reaches.
PINNED = {
    "TC_F1": 0.99,   # trigger classification (reached 1.000)
    "TC_P": 0.99,
    "AC_F1": 0.92,   # argument classification (reached 0.931)
    "AC_P": 0.94,    # (reached 0.948)
    "AI_F1": 0.93,   # argument identification (reached 0.940)
}


@lru_cache(maxsize=1)
def engine() -> iedsl.Engine:
    return iedsl.Engine.load()


@lru_cache(maxsize=1)
def seed_docs() -> tuple[tuple[str, str], ...]:
    gold = load_jsonl(SEEDS / "gold.jsonl")
    return tuple((g["doc"], (SEEDS / f"{g['doc']}.txt").read_text(encoding="utf-8"))
                 for g in gold)


@lru_cache(maxsize=1)
def seed_report():  # type: ignore[no-untyped-def]
    gold = load_jsonl(SEEDS / "gold.jsonl")
    preds = [engine().process(text, doc_id=doc).to_dict() for doc, text in seed_docs()]
    return evaluate(gold, preds)


def test_bundled_pack_is_the_conflict_pack() -> None:
    assert (iedsl.bundled_rules() / "conflict.ie").is_file()
    types = set(engine().program.events)
    assert {"ATTACK", "ARREST", "RELEASE", "CONDEMN", "THREATEN", "AGREE",
            "DESIGNATE"} <= types


def test_every_inline_example_passes() -> None:
    results = list(run_examples(engine()))
    failed = [f"{r.example.where}: {r.message}" for r in results if not r.passed]
    assert len(results) > 100
    assert not failed, "\n".join(failed)


def test_every_rule_and_entity_has_an_example() -> None:
    program = engine().program
    owners = {ex.owner for ex in program.examples}
    missing = [f"rule {r.name}" for r in program.rules if f"rule {r.name}" not in owners]
    labels_with_rules = {e.label for e in program.entities}
    missing += [f"entity {lab}" for lab in labels_with_rules if f"entity {lab}" not in owners]
    assert not missing, missing


@pytest.mark.parametrize("metric,pin", sorted(PINNED.items()))
def test_seed_scores_do_not_fall(metric: str, pin: float) -> None:
    scores = seed_report().lenient
    kind, stat = metric.split("_")
    prf = {"TI": scores.ti, "TC": scores.tc, "AI": scores.ai, "AC": scores.ac}[kind]
    value = {"P": prf.precision, "R": prf.recall, "F1": prf.f1}[stat]
    assert value >= pin, f"{metric} fell to {value:.3f} (pinned at {pin})"


# Held-out sets 4 to 125 (tests/fixtures/heldout4..125: 5 to 8 documents each, written
# from EVENTS.md and the seeds only, each scored before it was used to fix rules; first
# contact and current scores in docs/rulepack.md), pinned a little below what the pack
# reaches now (TC, AC F1, AC precision), so that a rule change cannot quietly lose them.
FIXTURES = Path(__file__).parent / "fixtures"
HELDOUT_PINS = {"heldout4": (0.99, 0.93, 0.97), "heldout5": (0.98, 0.86, 0.92),
                "heldout6": (0.95, 0.85, 0.88), "heldout7": (0.95, 0.69, 0.85),
                "heldout8": (0.97, 0.87, 0.89), "heldout9": (0.98, 0.88, 0.88),
                "heldout10": (0.98, 0.83, 0.84), "heldout11": (0.97, 0.81, 0.83),
                "heldout12": (0.98, 0.83, 0.83), "heldout13": (0.96, 0.83, 0.85),
                "heldout14": (0.97, 0.89, 0.92), "heldout15": (0.98, 0.81, 0.85),
                "heldout16": (0.97, 0.83, 0.89), "heldout17": (0.94, 0.69, 0.78),
                "heldout18": (0.95, 0.80, 0.85), "heldout19": (0.96, 0.82, 0.88),
                "heldout20": (0.98, 0.85, 0.88), "heldout21": (0.94, 0.84, 0.89),
                "heldout22": (0.97, 0.81, 0.87), "heldout23": (0.98, 0.80, 0.86),
                "heldout24": (0.96, 0.82, 0.88), "heldout25": (0.96, 0.83, 0.91),
                "heldout26": (0.97, 0.82, 0.87), "heldout27": (0.95, 0.74, 0.85),
                "heldout28": (0.97, 0.83, 0.92), "heldout29": (0.95, 0.78, 0.83),
                "heldout30": (0.92, 0.77, 0.87), "heldout31": (0.97, 0.84, 0.87),
                "heldout32": (0.98, 0.82, 0.86), "heldout33": (0.96, 0.80, 0.83),
                "heldout34": (0.96, 0.81, 0.85), "heldout35": (0.95, 0.79, 0.81),
                "heldout36": (0.96, 0.83, 0.87), "heldout37": (0.97, 0.78, 0.86),
                "heldout38": (0.94, 0.74, 0.90), "heldout39": (0.96, 0.78, 0.83),
                "heldout40": (0.94, 0.77, 0.89), "heldout41": (0.90, 0.76, 0.81),
                "heldout42": (0.97, 0.81, 0.85), "heldout43": (0.94, 0.72, 0.83),
                "heldout44": (0.95, 0.80, 0.84), "heldout45": (0.96, 0.75, 0.82),
                "heldout46": (0.95, 0.79, 0.85), "heldout47": (0.95, 0.76, 0.84),
                "heldout48": (0.96, 0.82, 0.84), "heldout49": (0.96, 0.74, 0.86),
                "heldout50": (0.93, 0.76, 0.83), "heldout51": (0.95, 0.78, 0.87),
                "heldout52": (0.96, 0.81, 0.85), "heldout53": (0.91, 0.70, 0.81),
                "heldout54": (0.93, 0.78, 0.84), "heldout55": (0.95, 0.76, 0.82),
                "heldout56": (0.95, 0.81, 0.86), "heldout57": (0.95, 0.77, 0.85),
                "heldout58": (0.97, 0.78, 0.87), "heldout59": (0.94, 0.72, 0.84),
                "heldout60": (0.95, 0.79, 0.84), "heldout61": (0.95, 0.74, 0.83),
                "heldout62": (0.95, 0.80, 0.86), "heldout63": (0.95, 0.73, 0.83),
                "heldout64": (0.96, 0.79, 0.80), "heldout65": (0.91, 0.72, 0.81),
                "heldout66": (0.97, 0.81, 0.85), "heldout67": (0.96, 0.83, 0.87),
                "heldout68": (0.96, 0.75, 0.84), "heldout69": (0.96, 0.79, 0.88),
                "heldout71": (0.97, 0.80, 0.89), "heldout72": (0.97, 0.75, 0.83),
                "heldout74": (0.96, 0.78, 0.86), "heldout75": (0.97, 0.84, 0.88),
                "heldout79": (0.95, 0.81, 0.89), "heldout81": (0.95, 0.79, 0.91),
                "heldout70": (0.97, 0.85, 0.90), "heldout73": (0.96, 0.79, 0.84),
                "heldout76": (0.95, 0.81, 0.87), "heldout77": (0.91, 0.76, 0.82),
                "heldout78": (0.95, 0.85, 0.89), "heldout80": (0.95, 0.82, 0.84),
                "heldout82": (0.96, 0.80, 0.83), "heldout83": (0.95, 0.80, 0.85),
                "heldout84": (0.95, 0.73, 0.86), "heldout85": (0.95, 0.80, 0.85),
                "heldout86": (0.94, 0.79, 0.86), "heldout87": (0.94, 0.76, 0.86),
                "heldout88": (0.96, 0.79, 0.88), "heldout89": (0.89, 0.70, 0.77),
                "heldout90": (0.96, 0.82, 0.90), "heldout91": (0.97, 0.80, 0.86),
                "heldout92": (0.92, 0.70, 0.82), "heldout93": (0.94, 0.75, 0.89),
                "heldout94": (0.97, 0.80, 0.83), "heldout95": (0.93, 0.81, 0.89),
                "heldout96": (0.94, 0.80, 0.86), "heldout97": (0.98, 0.82, 0.90),
                "heldout98": (0.94, 0.80, 0.89), "heldout99": (0.95, 0.81, 0.88),
                "heldout100": (0.95, 0.78, 0.86), "heldout101": (0.90, 0.72, 0.88),
                "heldout102": (0.97, 0.76, 0.86), "heldout103": (0.96, 0.81, 0.91),
                "heldout104": (0.95, 0.77, 0.88), "heldout105": (0.95, 0.80, 0.84),
                "heldout106": (0.93, 0.81, 0.90), "heldout107": (0.96, 0.80, 0.87),
                "heldout108": (0.95, 0.76, 0.90), "heldout109": (0.96, 0.76, 0.86),
                "heldout110": (0.94, 0.77, 0.87), "heldout111": (0.95, 0.81, 0.89),
                "heldout112": (0.94, 0.75, 0.91), "heldout113": (0.94, 0.80, 0.84),
                "heldout114": (0.95, 0.76, 0.87), "heldout115": (0.96, 0.79, 0.87),
                "heldout116": (0.94, 0.75, 0.86), "heldout117": (0.93, 0.72, 0.85),
                "heldout118": (0.95, 0.78, 0.89), "heldout119": (0.93, 0.65, 0.80),
                "heldout120": (0.90, 0.74, 0.87), "heldout121": (0.95, 0.79, 0.86),
                "heldout122": (0.97, 0.85, 0.88), "heldout123": (0.96, 0.81, 0.86),
                "heldout124": (0.95, 0.76, 0.83), "heldout125": (0.93, 0.74, 0.88)}


@pytest.mark.parametrize("name", sorted(HELDOUT_PINS))
def test_heldout_set_scores_do_not_fall(name: str) -> None:
    folder = FIXTURES / name
    gold = load_jsonl(folder / "gold.jsonl")
    preds = []
    for g in gold:
        text = (folder / f"{g['doc']}.txt").read_text(encoding="utf-8")
        result = engine().process(text, doc_id=g["doc"])
        _check_offsets(text, result)
        preds.append(result.to_dict())
    scores = evaluate(gold, preds).lenient
    tc_f1, ac_f1, ac_p = HELDOUT_PINS[name]
    assert scores.tc.f1 >= tc_f1, scores.tc.f1
    assert scores.ac.f1 >= ac_f1, scores.ac.f1
    assert scores.ac.precision >= ac_p, scores.ac.precision


def test_every_seed_produces_frames() -> None:
    for doc, text in seed_docs():
        result = engine().process(text, doc_id=doc)
        assert result.ok, result.error
        assert result.frames, doc


def _check_offsets(text: str, result: iedsl.DocumentResult) -> None:
    assert result.ok, result.error
    for f in result.frames:
        assert text[f.trigger_start:f.trigger_end] == f.trigger_text
        for a in f.args:
            assert text[a.start:a.end] == a.text
            assert a.text == a.text.strip() and a.text


def test_offsets_on_seeds() -> None:
    for doc, text in seed_docs():
        _check_offsets(text, engine().process(text, doc_id=doc))


@pytest.mark.skipif(not DEVDATA.is_file(), reason="shared devdata not available")
def test_offsets_on_devdata() -> None:
    with DEVDATA.open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    assert docs
    found = 0
    for d in docs:
        result = engine().process(d["text"], doc_id=d["doc"])
        _check_offsets(d["text"], result)
        found += len(result.frames)
    assert found >= len(docs) // 2


def test_arguments_have_no_leading_determiner() -> None:
    determiners = ("the ", "a ", "an ", "its ", "their ")
    for doc, text in seed_docs():
        for f in engine().process(text, doc_id=doc).frames:
            for a in f.args:
                assert not a.text.lower().startswith(determiners), (doc, a.text)


# RAMS recall on the events EVENTS.md calls attacks or arrests (same-sentence arguments,
# lenient), pinned below what the pack reaches; the frame count on the 201 texts is a
# precision proxy with a ceiling (RAMS annotates one event per window).
_RAMS_OUT_OF_SCHEMA = ("war", "wars", "coup", "coups", "battle", "battles", "battling",
                       "clash", "clashes", "skirmish", "skirmishes", "invade", "invaded",
                       "invasion", "encroached", "combat", "conflict", "conflicts")
DEVDATA_PINS = {"TC_R": 0.77, "AC_R": 0.27, "max_frames": 430}


@pytest.mark.skipif(not DEVDATA.is_file(), reason="shared devdata not available")
def test_devdata_recall_does_not_fall() -> None:
    with DEVDATA.open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    gold, preds, frames = [], [], 0
    for d in docs:
        events = []
        for e in d["events"]:
            trigger = e["trigger"]["text"].lower()
            if trigger in _RAMS_OUT_OF_SCHEMA or trigger.startswith(("rob", "hijack", "steal")) \
                    or e["rams_type"].endswith("stealrobhijack") or trigger == "commandeered":
                continue
            events.append({**e, "args": [a for a in e["args"] if a.get("same_sentence")]})
        gold.append({"doc": d["doc"], "events": events})
        result = engine().process(d["text"], doc_id=d["doc"]).to_dict()
        frames += len(result["events"])
        preds.append(result)
    scores = evaluate(gold, preds).lenient
    assert sum(len(g["events"]) for g in gold) == 132
    assert scores.tc.recall >= DEVDATA_PINS["TC_R"], scores.tc.recall
    assert scores.ac.recall >= DEVDATA_PINS["AC_R"], scores.ac.recall
    assert frames <= DEVDATA_PINS["max_frames"], frames
