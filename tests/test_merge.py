"""Document-level merging of event mentions (iedsl.merge)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

import iedsl
from iedsl.merge import (
    MergedEvent,
    is_anaphoric,
    merge_document,
    merge_frames,
    trigger_family,
    with_event_attributes,
)
from iedsl.results import Argument, Frame

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def frame(text: str, trigger: str, type_: str = "ATTACK", *, occurrence: int = 0,
          args: tuple[tuple[str, str], ...] = (), ids: dict[str, str] | None = None,
          **attrs: str) -> Frame:
    """A hand-made frame whose trigger and arguments are found in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(trigger, start + 1)
    out = []
    for role, arg in args:
        s = text.index(arg)
        out.append(Argument(role, s, s + len(arg), arg, id=(ids or {}).get(arg)))
    base = {"polarity": "positive", "modality": "asserted"}
    if type_ == "ATTACK":
        base["mode"] = "unspecified"
    base.update(attrs)
    return Frame(type_, start, start + len(trigger), trigger, tuple(base.items()),
                 tuple(out), "test", "test", 0)


TEXT = ("US jets struck militia sites in Iraq on Friday. The strikes hit three depots. "
        "Militants later fired rockets at a US base. The attacks were condemned.")


def test_anaphoric_nominal_joins_the_antecedent_and_takes_its_mode() -> None:
    f1 = frame(TEXT, "struck", args=(("attacker", "US"), ("target", "militia sites")),
               mode="air")
    f2 = frame(TEXT, "strikes", args=(("target", "depots"),))
    events = merge_frames([f2, f1], TEXT)
    assert len(events) == 1
    ev = events[0]
    assert [m.trigger_text for m in ev.mentions] == ["struck", "strikes"]
    assert ev.attributes["mode"] == "air"
    assert {(a.role, a.text, a.mention) for a in ev.args} == {
        ("attacker", "US", 0), ("target", "militia sites", 0), ("target", "depots", 1)}
    # the mode stated once is shown on every mention
    assert [m["attrs"]["mode"] for m in ev.to_dict()["mentions"]] == ["air", "air"]


def test_conflicting_mode_or_attacker_keeps_events_apart() -> None:
    f1 = frame(TEXT, "struck", args=(("attacker", "US"),), mode="air")
    f2 = frame(TEXT, "fired", args=(("attacker", "Militants"),), mode="missile")
    f3 = frame(TEXT, "attacks")          # "The attacks": most recent compatible = rockets
    events = merge_frames([f1, f2, f3], TEXT)
    assert [[m.trigger_text for m in e.mentions] for e in events] == [
        ["struck"], ["fired", "attacks"]]


def test_non_anaphoric_mentions_merge_only_on_a_shared_anchor() -> None:
    text = "Israel struck Gaza. Israel struck Gaza again. Russia struck Kyiv."
    f1 = frame(text, "struck", args=(("attacker", "Israel"),), ids={"Israel": "country:isr"})
    f2 = frame(text, "struck", occurrence=1, args=(("attacker", "Israel"),),
               ids={"Israel": "country:isr"})
    f3 = frame(text, "struck", occurrence=2, args=(("attacker", "Russia"),))
    events = merge_frames([f1, f2, f3], text)
    assert [len(e.mentions) for e in events] == [2, 1]


def test_roles_reversed_conflict() -> None:
    text = "Strikes on the militias. The attacks by the militias continued."
    f1 = frame(text, "Strikes", args=(("target", "militias"),))
    f2 = frame(text, "attacks", args=(("attacker", "militias"),))
    f2 = Frame(f2.type, f2.trigger_start, f2.trigger_end, f2.trigger_text, f2.attrs,
               (Argument("attacker", text.rindex("militias"), text.rindex("militias") + 8,
                         "militias"),), "test", "test", 0)
    assert len(merge_frames([f1, f2], text)) == 2


def test_time_refinement_is_compatible_but_two_dates_are_not() -> None:
    text = "Strikes in February. The strikes on Feb. 2. The strikes on March 3."
    def dated(trigger: str, occ: int, date: str, value: str) -> Frame:
        f = frame(text, trigger, occurrence=occ)
        s = text.index(date)
        return Frame(f.type, f.trigger_start, f.trigger_end, f.trigger_text, f.attrs,
                     (Argument("time", s, s + len(date), date, value={"value": value}),),
                     "test", "test", 0)
    f1 = dated("Strikes", 0, "February", "2024-02")
    f2 = dated("strikes", 0, "Feb. 2", "2024-02-02")
    f3 = dated("strikes", 1, "March 3", "2024-03-03")
    assert [len(e.mentions) for e in merge_frames([f1, f2, f3], text)] == [2, 1]


def test_polarity_and_modality_must_agree() -> None:
    text = "Iran vowed attacks. The attacks came on Monday."
    f1 = frame(text, "attacks", modality="hypothetical")
    f2 = frame(text, "attacks", occurrence=1)
    assert len(merge_frames([f1, f2], text)) == 2


@pytest.mark.parametrize("snippet,trigger,expected", [
    ("The strikes hit depots.", "strikes", True),
    ("These retaliatory attacks were needed.", "attacks", True),
    ("the US strikes hit", "strikes", True),
    ("A new strike hit the base.", "strike", False),
    ("Another attack followed.", "attack", False),
    ("the US assassinated him", "assassinated", False),
    ("Strikes on Iraq.", "Strikes", False),
])
def test_is_anaphoric(snippet: str, trigger: str, expected: bool) -> None:
    assert is_anaphoric(frame(snippet, trigger), snippet) is expected


@pytest.mark.parametrize("trigger,family", [
    ("airstrikes", "strike"), ("air strikes", "strike"), ("struck", "strike"),
    ("strikes", "strike"), ("attacks", "attack"), ("attacked", "attack"),
    ("cease-fire", "ceasefire"),
])
def test_trigger_family(trigger: str, family: str) -> None:
    assert trigger_family(frame(trigger, trigger)) == family


def test_types_never_merge() -> None:
    text = "The US condemned the strike. The strike killed two."
    f1 = frame(text, "condemned", "CONDEMN")
    f2 = frame(text, "strike")
    f3 = frame(text, "strike", occurrence=1)
    events = merge_frames([f1, f2, f3], text)
    assert [e.type for e in events] == ["CONDEMN", "ATTACK"]
    assert len(events[1].mentions) == 2


def test_results_are_frozen_and_serializable() -> None:
    f1 = frame(TEXT, "struck", args=(("attacker", "US"),), mode="air")
    ev = merge_frames([f1], TEXT)[0]
    assert isinstance(ev, MergedEvent)
    with pytest.raises(AttributeError):
        ev.type = "ARREST"  # type: ignore[misc]
    d = ev.to_dict()
    json.dumps(d)
    assert d["trigger"] == {"start": f1.trigger_start, "end": f1.trigger_end, "text": "struck"}
    assert d["args"][0]["mention"] == 0 and d["mentions"][0]["rule"] == "test"


@lru_cache(maxsize=1)
def engine() -> iedsl.Engine:
    return iedsl.Engine.load()


def test_merging_the_seeds_keeps_every_mention_once() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = engine().process(text, doc_id=path.stem)
        events = merge_frames(result.frames, text)
        mentions = [m for e in events for m in e.mentions]
        assert sorted(mentions, key=lambda f: (f.trigger_start, f.type)) == sorted(
            result.frames, key=lambda f: (f.trigger_start, f.type))
        assert len(events) < len(result.frames)
        for e in events:
            for a in e.args:
                assert text[a.start:a.end] == a.text
        record = merge_document(result, text)
        assert record["doc"] == path.stem and len(record["events"]) == len(events)


def test_seed_repeated_strikes_become_one_event_with_its_mode() -> None:
    path = SEEDS / "003_b673b6618455b886.txt"
    text = path.read_text(encoding="utf-8")
    events = merge_frames(engine().process(text).frames, text)
    airstrikes = max(events, key=lambda e: len(e.mentions))
    assert airstrikes.type == "ATTACK" and airstrikes.attributes["mode"] == "air"
    assert len(airstrikes.mentions) >= 8
    assert all(m.trigger_text.lower().endswith(("strikes", "strike")) for m in
               airstrikes.mentions)


def test_with_event_attributes_carries_the_mode_to_mention_frames() -> None:
    f1 = frame(TEXT, "struck", args=(("attacker", "US"),), mode="air")
    f2 = frame(TEXT, "strikes")
    f3 = frame(TEXT, "fired", args=(("attacker", "Militants"),), mode="missile")
    out = with_event_attributes([f1, f2, f3], TEXT)
    assert [dict(f.attrs)["mode"] for f in out] == ["air", "air", "missile"]
    assert [f.trigger_text for f in out] == ["struck", "strikes", "fired"]
    assert out[1].args == f2.args


REFERRED = ("Missiles fired by Kataib Hezbollah struck a compound near Erbil on Monday. "
            "Iraq condemned the attack by the militia. It warned of an attack on Baghdad. "
            "Officials denied a new attack.")


def test_a_definite_description_takes_the_mode_of_the_mention_it_repeats() -> None:
    # the merge keeps "the attack by the militia" apart (its attacker is not named
    # alike), but a definite description right before the trigger repeats the nearest
    # event of a stated mode
    f1 = frame(REFERRED, "struck", args=(("attacker", "Kataib Hezbollah"),), mode="missile")
    f2 = frame(REFERRED, "attack", args=(("attacker", "militia"),))
    assert len(merge_frames([f1, f2], REFERRED)) == 2
    out = with_event_attributes([f1, f2], REFERRED)
    assert dict(out[1].attrs)["mode"] == "missile"


def test_only_a_determiner_right_before_the_trigger_refers_back() -> None:
    f1 = frame(REFERRED, "struck", args=(("attacker", "Kataib Hezbollah"),), mode="missile")
    # "an attack on Baghdad" (indefinite), hypothetical: neither takes the mode
    f3 = frame(REFERRED, "attack", occurrence=1, args=(("place", "Baghdad"),),
               modality="hypothetical")
    f4 = frame(REFERRED, "attack", occurrence=2)
    out = with_event_attributes([f1, f3, f4], REFERRED)
    assert [dict(f.attrs)["mode"] for f in out] == ["missile", "unspecified", "unspecified"]


def test_a_definite_description_does_not_repeat_an_event_of_other_modality() -> None:
    text = "Iran vowed to fire missiles at Israel. The attack was condemned."
    f1 = frame(text, "fire", mode="missile", modality="hypothetical")
    f2 = frame(text, "attack", args=(("target", "Israel"),))
    f2 = Frame(f2.type, f2.trigger_start, f2.trigger_end, f2.trigger_text, f2.attrs, (),
               "test", "test", 1)
    assert dict(with_event_attributes([f1, f2], text)[1].attrs)["mode"] == "unspecified"


def test_a_definite_description_looks_back_only_a_few_paragraphs() -> None:
    from iedsl.merge import MODE_REFERENCE_WINDOW

    def mode_for(gap: int) -> str:
        text = ("Hezbollah rockets hit Kirkuk." + " filler" * (gap // 7)
                + " Baghdad condemned the attack by the militia.")
        f1 = frame(text, "hit", args=(("attacker", "Hezbollah"),), mode="missile")
        f2 = frame(text, "attack", args=(("attacker", "militia"),))
        return dict(with_event_attributes([f1, f2], text)[1].attrs)["mode"]

    assert mode_for(100) == "missile"
    assert mode_for(MODE_REFERENCE_WINDOW + 100) == "unspecified"


def test_with_event_attributes_raises_seed_mode_accuracy() -> None:
    from iedsl.evaluate import evaluate, load_jsonl
    from iedsl.results import DocumentResult

    gold = load_jsonl(SEEDS / "gold.jsonl")
    plain, carried = [], []
    for g in gold:
        text = (SEEDS / f"{g['doc']}.txt").read_text(encoding="utf-8")
        r = engine().process(text, doc_id=g["doc"], event_modes=False)
        plain.append(r.to_dict())
        carried.append(DocumentResult(r.doc, with_event_attributes(r.frames, text),
                                      r.date).to_dict())
        # ... which is what extraction does by default
        assert engine().process(text, doc_id=g["doc"]).to_dict() == carried[-1]
    before = evaluate(gold, plain).lenient.attrs["mode"]
    after = evaluate(gold, carried).lenient.attrs["mode"]
    assert after[0] > before[0] and after[1] == before[1]


def test_a_mention_refers_back_only_within_the_reference_window() -> None:
    from iedsl.merge import REFERENCE_WINDOW

    def events_for(gap: int) -> int:
        text = "US jets struck militia sites." + " filler" * (gap // 7) + " The strikes hit."
        f1 = frame(text, "struck", args=(("attacker", "US"),), mode="air")
        f2 = frame(text, "strikes")
        return len(merge_frames([f1, f2], text))

    assert events_for(100) == 1
    assert events_for(REFERENCE_WINDOW + 100) == 2


def test_merging_many_far_apart_stories_stays_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document made of many stories: each mention is tried only against the events
    of the last window, so ten times the stories cost ten times the comparisons (not a
    hundred times, as trying every earlier event would)."""
    from iedsl import merge

    story = "US jets struck militia sites in Iraq on Friday. The strikes hit three depots. "
    story += " " * (2_000 - len(story))     # ten stories to a reference window
    tries = {"n": 0}
    for name in ("compatible", "shares_anchor"):
        original = getattr(merge._Cluster, name)

        def counted(self: object, f: Frame, _original: object = original) -> bool:
            tries["n"] += 1
            return _original(self, f)   # type: ignore[operator]

        monkeypatch.setattr(merge._Cluster, name, counted)

    def comparisons(n: int) -> int:
        frames = []
        for i in range(n):
            for word, mode in (("struck", "air"), ("strikes", "unspecified")):
                s = i * len(story) + story.index(word)
                frames.append(Frame("ATTACK", s, s + len(word), word,
                                    (("mode", mode), ("polarity", "positive"),
                                     ("modality", "asserted")), (), "test", "test", 0))
        tries["n"] = 0
        events = merge_frames(frames, story * n)
        assert len(events) == n     # each "The strikes" joins its own story's event
        return tries["n"]

    assert comparisons(3000) <= 12 * comparisons(300)
