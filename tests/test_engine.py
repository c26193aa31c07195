"""The Python API: loading, extracting, error records, threads, pickling."""

from __future__ import annotations

import datetime as dt
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import iedsl
from iedsl import DocumentError

RULES = '''
label ACTOR
label COUNTRY is ACTOR
lexicon COUNTRIES { "United States", "U.S.", "US" -> country:usa  "Iraq" -> country:irq
                    "Syria" -> country:syr  "Iran" -> country:irn }
lexicon TRIGGERS { "airstrikes" [mode=air]  "strikes", "struck", "attacked" }
entity COUNTRY = @COUNTRIES
entity PLACE = @COUNTRIES
entity DATE normalize date = "Friday" | "Saturday" "afternoon"?
entity COUNT normalize number = /\\d+/ | "three" | "dozens"
attribute polarity: positive | negative = positive
attribute modality: asserted | hypothetical = asserted
event ATTACK { attacker: ACTOR* target: ACTOR* place: PLACE* time: DATE? killed: COUNT?
               mode: air | ground | unspecified = unspecified }
rule attack for ATTACK {
  trigger = @TRIGGERS
  attacker = ACTOR before trigger within 3
  attacker = ACTOR after trigger via "by"
  target = ACTOR after trigger within 4 via "on" | "against"
  place = PLACE after trigger via "in"
  time = DATE in sentence
  killed = COUNT after trigger via "killing"
}
cue modality=hypothetical before trigger within 3: "would" | "could"
cue polarity=negative before trigger within 3: "did" "not" | "never"
'''


@pytest.fixture(scope="module")
def engine() -> iedsl.Engine:
    return iedsl.Engine.from_string(RULES)


def args(frame: iedsl.Frame) -> list[tuple[str, str]]:
    return [(a.role, a.text) for a in frame.args]


def test_extract_frames_with_offsets_values_and_provenance(engine: iedsl.Engine) -> None:
    text = "date 2024-02-03\nOn Friday the U.S. launched airstrikes in Iraq and Syria, killing 3."
    result = engine.extract(text, doc_id="d1")
    assert result.date == dt.date(2024, 2, 3)
    (frame,) = result.frames
    assert frame.type == "ATTACK" and frame.trigger_text == "airstrikes"
    assert frame.attributes == {"mode": "air", "polarity": "positive", "modality": "asserted"}
    assert args(frame) == [("time", "Friday"), ("attacker", "U.S."), ("place", "Iraq"),
                           ("place", "Syria"), ("killed", "3")]
    by_role = {a.role: a for a in frame.args}
    assert by_role["time"].value["value"] == "2024-02-02"
    assert by_role["killed"].value == {"value": 3}
    assert by_role["attacker"].id == "country:usa"
    assert frame.rule == "attack" and frame.rule_where == "<rules>:15:1"
    for a in frame.args:
        assert text[a.start:a.end] == a.text
    d = result.to_dict()
    assert d["doc"] == "d1" and d["events"][0]["trigger"] == {
        "start": frame.trigger_start, "end": frame.trigger_end, "text": "airstrikes"}


def test_doc_date_argument_overrides_header(engine: iedsl.Engine) -> None:
    r = engine.extract("date 2024-02-03\nIraq was struck on Friday.", doc_date=dt.date(2020, 1, 1))
    time = r.frames[0].args_for("time")[0]
    assert time.value["value"] == "2019-12-27"


def test_fallback_clause_and_cues(engine: iedsl.Engine) -> None:
    (f,) = engine.extract("Iraq was attacked by Iran.").frames
    assert ("attacker", "Iran") in args(f)
    (f,) = engine.extract("The US would never have attacked Iran.").frames
    assert f.attributes["modality"] == "hypothetical"
    assert f.attributes["polarity"] == "negative"


def test_process_turns_bad_documents_into_error_records(engine: iedsl.Engine) -> None:
    bad = engine.process(b"\xff\xfeIraq", doc_id="bad")
    assert bad.error == {"code": "D001", "message": bad.error["message"]}
    assert "UTF-8" in bad.error["message"]
    assert bad.to_dict() == {"doc": "bad", "error": bad.error}
    assert engine.process("  \n", doc_id="empty").error["code"] == "D002"
    assert engine.process("x" * 50, doc_id="big", max_chars=10).error["code"] == "D003"
    good = engine.process(b"US strikes on Iraq.", doc_id="ok")
    assert good.ok and len(good.frames) == 1


def test_runaway_regex_is_stopped_and_named() -> None:
    eng = iedsl.Engine.from_string('entity X = /(a|aa)+b/ event E { x: X? } '
                                   'rule slow for E { trigger = X }')
    with pytest.raises(DocumentError) as info:
        eng.extract("a" * 40, regex_timeout=0.2)
    assert info.value.code == "D004"
    assert "entity X" in info.value.diagnostics[0].message
    rec = eng.process("a" * 40, doc_id="hostile", regex_timeout=0.2)
    assert rec.error["code"] == "D004"


def test_engine_is_thread_safe(engine: iedsl.Engine) -> None:
    docs = [f"Doc {i}: the US struck Iraq. Iran attacked Syria on Friday." * (i % 3 + 1)
            for i in range(40)]
    expected = [engine.extract(d).to_dict() for d in docs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda d: engine.extract(d).to_dict(), docs * 3))
    assert got == expected * 3


def test_engine_pickles(engine: iedsl.Engine) -> None:
    clone = pickle.loads(pickle.dumps(engine))
    text = "The US struck Iraq on Friday."
    assert clone.extract(text).to_dict() == engine.extract(text).to_dict()


def test_mentions_cover_every_sentence(engine: iedsl.Engine) -> None:
    ms = engine.mentions("Nothing here but Iraq.\nAnd Syria.")
    assert [(m.label, m.text) for m in ms] == [("COUNTRY", "Iraq"), ("PLACE", "Iraq"),
                                               ("COUNTRY", "Syria"), ("PLACE", "Syria")]


def test_python_extensions_are_called_by_name(tmp_path, monkeypatch) -> None:
    (tmp_path / "myext.py").write_text(
        "import iedsl\n"
        "@iedsl.register_normalizer('shout')\n"
        "def shout(text, date):\n    return text.upper()\n"
        "@iedsl.register_predicate('long_trigger')\n"
        "def long_trigger(frame, text):\n    return len(frame.trigger_text) > 6\n",
        encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    eng = iedsl.Engine.from_string('python "myext"\nentity X normalize shout = "iraq"\n'
                                   'event E { x: X? }\nrule r for E { trigger = "struck" | '
                                   '"strikes" x = X require long_trigger }')
    assert eng.mentions("Iraq")[0].value == "IRAQ"
    assert [f.trigger_text for f in eng.extract("Iraq struck. Iraq strikes.").frames] == [
        "strikes"]
    assert pickle.loads(pickle.dumps(eng)).mentions("Iraq")[0].value == "IRAQ"


def test_a_rule_can_require_a_role_the_event_leaves_optional() -> None:
    eng = iedsl.Engine.from_string(
        'label P\nentity P = "Bob" | "Ann"\nevent FREE { agent: P? detainee: P* }\n'
        'rule r for FREE { trigger = "freed" agent = P before trigger within 0 '
        'detainee = P after trigger within 0 require detainee }\n'
        'rule s for FREE { trigger = "swap" detainee = P after trigger within 0 }')
    frames = eng.extract("Bob freed Ann. Bob freed him. A swap. A swap Ann.").frames
    assert [(f.trigger_text, [(a.role, a.text) for a in f.args]) for f in frames] == [
        ("freed", [("agent", "Bob"), ("detainee", "Ann")]), ("swap", []),
        ("swap", [("detainee", "Ann")])]


def test_bundled_rules_path_exists() -> None:
    assert iedsl.bundled_rules().is_dir()


def test_hostile_document_with_thousands_of_triggers_in_one_sentence() -> None:
    """Role filling bisects instead of scanning every candidate for every trigger, so
    a list-like sentence of 1,000 triggers and 2,000 mentions finishes (it once took
    minutes); every trigger still gets its frame and its neighbours as arguments."""
    engine = iedsl.Engine.load()
    result = engine.process("US strikes Iraq " * 1000, doc_id="hostile")
    assert result.ok and len(result.frames) == 1000
    first = result.frames[0]
    assert [(a.role, a.text) for a in first.args] == [("attacker", "US"), ("place", "Iraq")]


def test_document_time_limit_gives_an_error_record() -> None:
    engine = iedsl.Engine.load()
    text = "US strikes Iraq. " * 400
    rec = engine.process(text, doc_id="slow", time_limit=0.0)
    assert rec.error is not None and rec.error["code"] == "D007"
    assert "time limit" in rec.error["message"]
    assert engine.process(text, doc_id="fine", time_limit=60.0).ok


def test_extraction_leaves_no_reference_cycles() -> None:
    """Sentence contexts, negation tests and parses are freed by reference counting.

    Cycles left for the cyclic collector cost a fifth of a pack's run time in its
    passes, and hold a document's per-sentence tables until one runs.
    """
    import gc
    from pathlib import Path

    engine = iedsl.Engine.load()
    text = next(iter(sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))))
    doc = text.read_text("utf-8")
    engine.extract(doc)   # warm: first-use caches may build structures of their own
    gc.collect()
    gc.disable()
    try:
        result = engine.extract(doc)
        assert result.frames
        engine.analyze(doc, all_sentences=True)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_entity_guards_drop_matches_that_touch_their_context() -> None:
    eng = iedsl.Engine.from_string('''
label ARMED
label NEG
lexicon NOUNS { "group", "militants" }
entity NEG = "no" | "No" | "not" "a"
entity ARMED = "armed"? @NOUNS not after NEG not before "said" | "says"
''')
    def found(text: str) -> list[tuple[str, int]]:
        return [(m.text, m.start) for m in eng.mentions(text)]

    # after a NEG mention (a label guard), before "said": dropped; elsewhere kept
    assert found("No group claimed it; the group did.") == [("No", 0), ("group", 25)]
    assert found("not a armed group") == [("not a", 0)]
    assert found("militants said so, armed militants came") == [("armed militants", 19)]
    # a dropped match is not replaced by a shorter one inside it
    assert found("no armed group") == [("no", 0)]


def test_positive_entity_guards_keep_only_matches_in_their_context() -> None:
    eng = iedsl.Engine.from_string('''
label SCENE
lexicon PLACES { "Gaza", "Kharkiv" }
entity SCENE = @PLACES after "in" before ","
''')
    found = [m.text for m in eng.mentions("In Gaza, strikes hit Kharkiv; in Kharkiv sirens, "
                                            "Gaza, in Kharkiv, done.")]
    assert found == ["Gaza", "Kharkiv"]
    # like a regex lookbehind, any match of the guard may end there, not only the
    # leftmost-longest one ("in Gaza" is the longest match of `"in" _?` here)
    eng = iedsl.Engine.from_string('''
label SCENE
lexicon PLACES { "Gaza", "Kharkiv" }
entity SCENE = @PLACES after "in" _?
''')
    assert [m.text for m in eng.mentions("in Gaza, and in central Kharkiv")] == ["Gaza", "Kharkiv"]


def test_from_string_reads_term_files_and_includes_under_base_dir(tmp_path: Path) -> None:
    (tmp_path / "towns.tsv").write_text("Harir\tplace:harir\n", encoding="utf-8")
    (tmp_path / "more.ie").write_text('lexicon T2 { "Kalak" }', encoding="utf-8")
    rules = 'include "more.ie"\nlexicon T from "towns.tsv"\nentity PLACE = @T | @T2'
    engine = iedsl.Engine.from_string(rules, base_dir=tmp_path)
    assert [m.text for m in engine.mentions("From Harir to Kalak.")] == ["Harir", "Kalak"]
    with pytest.raises(iedsl.RuleCheckError, match="E303"):
        iedsl.Engine.from_string(rules)          # without base_dir: a clear error
