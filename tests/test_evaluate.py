"""Tests for iedsl.evaluate: hand-worked scores, properties, input errors, rendering."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iedsl.errors import IedslError, RuleFileError
from iedsl.evaluate import PRF, EvalReport, Finding, Scores, evaluate, load_jsonl
from iedsl.evaluate_render import mark_span

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def ev(etype: str, start: int, end: int, args: tuple[tuple[str, int, int], ...] = (),
       **attrs: str) -> dict[str, Any]:
    return {"type": etype, "trigger": {"start": start, "end": end, "text": "t"},
            "attrs": attrs, "args": [{"role": r, "start": s, "end": e, "text": "a"}
                                     for r, s, e in args]}


def doc(name: str, *events: dict[str, Any]) -> dict[str, Any]:
    return {"doc": name, "events": list(events)}


def prf_tuple(p: PRF) -> tuple[float, float, float]:
    return (round(p.precision, 4), round(p.recall, 4), round(p.f1, 4))


def all_prfs(scores: Scores) -> list[PRF]:
    out = [scores.ti, scores.tc, scores.ai, scores.ac]
    for group in (scores.by_type, scores.by_role):
        for metrics in group.values():
            out.extend(metrics.values())
    return out


# ---------------------------------------------------------------- hand-worked scores


def test_lenient_and_exact_differ_on_partial_spans() -> None:
    gold = [doc("d1", ev("ATTACK", 10, 17), ev("CONDEMN", 40, 49))]
    pred = [doc("d1", ev("ATTACK", 10, 17), ev("CONDEMN", 42, 49), ev("ATTACK", 70, 75))]
    r = evaluate(gold, pred)
    assert (r.lenient.ti.tp, r.lenient.ti.n_pred, r.lenient.ti.n_gold) == (2, 3, 2)
    assert prf_tuple(r.lenient.ti) == (0.6667, 1.0, 0.8)
    assert prf_tuple(r.lenient.tc) == (0.6667, 1.0, 0.8)
    assert prf_tuple(r.exact.ti) == (0.3333, 0.5, 0.4)
    assert r.exact.by_type["CONDEMN"]["tc"].tp == 0
    assert r.lenient.by_type["CONDEMN"]["tc"].tp == 1
    assert [(f.kind, f.start, f.reason) for f in r.false_alarms] == [
        ("trigger", 70, "no gold event here")]
    assert r.misses == ()


def test_duplicate_prediction_matches_only_once() -> None:
    gold = [doc("d1", ev("ATTACK", 0, 5, (("target", 10, 15),)))]
    dup = ev("ATTACK", 0, 5, (("target", 10, 15),))
    r = evaluate(gold, [doc("d1", dup, copy.deepcopy(dup))])
    assert (r.lenient.ti.tp, r.lenient.ti.n_pred) == (1, 2)
    assert prf_tuple(r.lenient.tc) == (0.5, 1.0, 0.6667)
    # the duplicate's argument counts against precision: 1 of 2 predicted args matched
    assert prf_tuple(r.lenient.ac) == (0.5, 1.0, 0.6667)
    reasons = sorted(f.reason for f in r.false_alarms)
    assert reasons == ["duplicate: the gold event is already matched",
                       "its event is a false alarm"]


def test_wrong_type_counts_for_ti_but_not_tc() -> None:
    gold = [doc("d1", ev("ATTACK", 0, 6, (("target", 10, 15),)))]
    pred = [doc("d1", ev("CONDEMN", 0, 6, (("target", 10, 15),)))]
    r = evaluate(gold, pred)
    assert prf_tuple(r.lenient.ti) == (1.0, 1.0, 1.0)
    assert prf_tuple(r.lenient.tc) == (0.0, 0.0, 0.0)
    # arguments are only matched inside TC-matched events
    assert (r.lenient.ai.tp, r.lenient.ai.n_pred, r.lenient.ai.n_gold) == (0, 1, 1)
    # per type: the gold type gets the recall credit, the predicted type the precision
    attack, condemn = r.lenient.by_type["ATTACK"]["ti"], r.lenient.by_type["CONDEMN"]["ti"]
    assert (attack.tp, attack.tp_pred, attack.n_pred, attack.n_gold) == (1, 0, 0, 1)
    assert (condemn.tp, condemn.tp_pred, condemn.n_pred, condemn.n_gold) == (0, 1, 1, 0)
    assert attack.recall == 1.0 and condemn.precision == 1.0
    miss = next(f for f in r.misses if f.kind == "trigger")
    alarm = next(f for f in r.false_alarms if f.kind == "trigger")
    assert miss.reason == "wrong type: predicted CONDEMN" and miss.event_type == "ATTACK"
    assert alarm.reason == "wrong type: gold is ATTACK" and alarm.event_type == "CONDEMN"


def test_tc_prefers_same_type_partner_over_larger_overlap() -> None:
    # P overlaps the CONDEMN gold by 8 chars and the ATTACK gold by 4: TC pairs it with
    # the ATTACK (documented choice), so TC is not lost to the geometry.
    gold = [doc("d1", ev("CONDEMN", 0, 10), ev("ATTACK", 8, 20))]
    pred = [doc("d1", ev("ATTACK", 2, 12))]
    r = evaluate(gold, pred)
    assert (r.lenient.ti.tp, r.lenient.tc.tp) == (1, 1)
    assert r.lenient.by_type["ATTACK"]["tc"].tp == 1
    [miss] = r.misses
    assert (miss.event_type, miss.reason) == (
        "CONDEMN", "overlapping prediction matched another gold event")


def test_best_overlap_wins_among_same_type() -> None:
    gold = [doc("d1", ev("ATTACK", 0, 10), ev("ATTACK", 8, 20))]
    pred = [doc("d1", ev("ATTACK", 7, 19))]
    r = evaluate(gold, pred)
    [miss] = r.misses
    assert (miss.start, miss.end) == (0, 10)


def test_ties_in_overlap_go_to_the_closest_span() -> None:
    # the prediction overlaps both golds by 5 characters but is identical to the second
    gold = [doc("d1", ev("ATTACK", 0, 10), ev("ATTACK", 5, 10))]
    r = evaluate(gold, [doc("d1", ev("ATTACK", 5, 10))])
    [miss] = r.misses
    assert (miss.start, miss.end) == (0, 10)


def test_wrong_role_counts_for_ai_but_not_ac() -> None:
    gold = [doc("d1", ev("ATTACK", 20, 26, (("attacker", 0, 2), ("target", 30, 37))))]
    pred = [doc("d1", ev("ATTACK", 20, 26, (("target", 0, 2), ("target", 30, 35),
                                            ("place", 50, 55))))]
    r = evaluate(gold, pred)
    assert prf_tuple(r.lenient.ai) == (0.6667, 1.0, 0.8)
    assert prf_tuple(r.lenient.ac) == (0.3333, 0.5, 0.4)
    assert prf_tuple(r.exact.ai) == (0.3333, 0.5, 0.4)
    assert r.exact.ac.tp == 0
    attacker, target = r.lenient.by_role["attacker"]["ai"], r.lenient.by_role["target"]["ai"]
    assert (attacker.tp, attacker.tp_pred, attacker.n_pred, attacker.n_gold) == (1, 0, 0, 1)
    assert (target.tp, target.tp_pred, target.n_pred, target.n_gold) == (1, 2, 2, 1)
    assert r.lenient.by_role["target"]["ac"].tp == 1
    assert [(f.role, f.reason) for f in r.misses] == [("attacker", "wrong role: predicted target")]
    assert [(f.role, f.start, f.reason) for f in r.false_alarms] == [
        ("target", 0, "wrong role: gold is attacker"), ("place", 50, "no gold argument here")]


def test_ac_prefers_same_role_partner() -> None:
    gold = [doc("d1", ev("ATTACK", 30, 36, (("target", 0, 10), ("place", 8, 20))))]
    pred = [doc("d1", ev("ATTACK", 30, 36, (("place", 2, 12),)))]
    r = evaluate(gold, pred)
    assert (r.lenient.ai.tp, r.lenient.ac.tp) == (1, 1)
    assert [(f.role, f.reason) for f in r.misses] == [("target", "not found")]


def test_argument_precision_counts_arguments_of_unmatched_events() -> None:
    gold = [doc("d1", ev("ATTACK", 0, 5, (("target", 10, 15),)))]
    pred = [doc("d1", ev("ATTACK", 0, 5, (("target", 10, 15),)),
                ev("ATTACK", 30, 35, (("target", 40, 45), ("place", 50, 55))))]
    r = evaluate(gold, pred)
    assert (r.lenient.ai.tp, r.lenient.ai.n_pred, r.lenient.ai.n_gold) == (1, 3, 1)
    assert prf_tuple(r.lenient.ai) == (0.3333, 1.0, 0.5)
    assert r.lenient.by_type["ATTACK"]["ai"].n_pred == 3


def test_attribute_accuracy_over_tc_matched_events_only() -> None:
    gold = [doc("d1",
                ev("ATTACK", 0, 5, mode="air", polarity="positive"),
                ev("ATTACK", 10, 15, mode="drone", polarity="positive", modality="asserted"),
                ev("ATTACK", 20, 25, mode="air", polarity="positive", modality="asserted"),
                ev("CONDEMN", 30, 35, polarity="negative"))]
    pred = [doc("d1",
                ev("ATTACK", 0, 5, mode="drone", polarity="positive", modality="hypothetical"),
                ev("ATTACK", 10, 15, mode="drone", polarity="negative", modality="asserted"),
                ev("THREATEN", 30, 35, polarity="negative"))]
    r = evaluate(gold, pred)
    assert r.lenient.attrs == {"mode": (1, 2), "polarity": (1, 2), "modality": (1, 1)}
    assert r.to_dict()["lenient"]["attrs"]["mode"] == {"correct": 1, "total": 2,
                                                       "accuracy": 0.5}


def test_error_records_missing_and_extra_documents() -> None:
    gold = [doc("d1", ev("ATTACK", 0, 5)), doc("d2", ev("ATTACK", 0, 5))]
    pred = [{"doc": "d1", "error": {"code": "D001", "message": "cannot decode"}},
            doc("d3", ev("ATTACK", 0, 5))]
    r = evaluate(gold, pred)
    assert (r.lenient.ti.tp, r.lenient.ti.n_pred, r.lenient.ti.n_gold) == (0, 1, 2)
    assert r.n_docs == 2 and r.unscored_docs == ("d3",)
    assert any("d1" in w and "D001" in w for w in r.warnings)
    assert any("d3" in w and "false alarm" in w for w in r.warnings)
    assert [f.doc for f in r.false_alarms] == ["d3"]
    assert sorted(f.doc for f in r.misses) == ["d1", "d2"]


def test_extra_keys_are_ignored() -> None:
    gold = [doc("d1", ev("ATTACK", 0, 5, (("target", 10, 15),)))]
    pred = copy.deepcopy(gold)
    pred[0]["rule"] = "x"
    pred[0]["events"][0].update(rule="attack.strike", confidence=0.3)
    pred[0]["events"][0]["args"][0].update(value="norm", sentence=2)
    assert evaluate(gold, pred).lenient.ac.f1 == 1.0


def test_empty_spans_never_match() -> None:
    gold = [doc("d1", ev("ATTACK", 3, 3))]
    r = evaluate(gold, gold)
    assert r.lenient.ti.tp == 0 and r.exact.ti.tp == 0


def test_prf_zero_denominators() -> None:
    assert prf_tuple(PRF(0, 0, 0)) == (1.0, 1.0, 1.0)
    assert prf_tuple(PRF(0, 0, 3)) == (0.0, 0.0, 0.0)
    assert prf_tuple(PRF(0, 2, 0)) == (0.0, 0.0, 0.0)
    assert PRF(2, 4, 5).tp_pred == 2
    assert PRF(2, 4, 5).to_dict()["precision"] == 0.5


# ---------------------------------------------------------------- input errors


def test_load_jsonl_reads_records_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    recs = [doc("d1", ev("ATTACK", 0, 5)), {"doc": "d2", "error": {"code": "D001"}}]
    path.write_text(json.dumps(recs[0]) + "\n\n" + json.dumps(recs[1]) + "\n", "utf-8")
    assert load_jsonl(path) == recs


@pytest.mark.parametrize(("line", "code", "fragment"), [
    ('{"doc": "d2", "events": [', "E310", "invalid JSON"),
    ('["not", "an", "object"]', "E311", "JSON object"),
    ('{"events": []}', "E311", "'doc'"),
    ('{"doc": "d2"}', "E311", "'events'"),
    ('{"doc": "d2", "events": [{"type": "ATTACK", "trigger": {"start": 1}}]}', "E311", "'end'"),
    ('{"doc": "d2", "events": [{"trigger": {"start": 1, "end": 2}}]}', "E311", "'type'"),
    ('{"doc": "d2", "events": [{"type": "A", "trigger": {"start": 5, "end": 2}}]}',
     "E311", "before"),
    ('{"doc": "d2", "events": [{"type": "A", "trigger": {"start": 1, "end": 2}, '
     '"args": [{"start": 1, "end": 2}]}]}', "E311", "'role'"),
])
def test_load_jsonl_reports_path_and_line(tmp_path: Path, line: str, code: str,
                                          fragment: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(doc("d1")) + "\n" + line + "\n", "utf-8")
    with pytest.raises(RuleFileError) as info:
        load_jsonl(path)
    assert isinstance(info.value, IedslError)
    assert info.value.code == code
    message = info.value.diagnostics[0].message
    assert f"{path}:2:" in message and fragment in message


def test_load_jsonl_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as info:
        load_jsonl(tmp_path / "nope.jsonl")
    assert info.value.code == "E310"


def test_evaluate_rejects_malformed_records() -> None:
    with pytest.raises(RuleFileError) as info:
        evaluate([doc("d1", {"type": "ATTACK", "trigger": {"start": "3", "end": 5}})], [])
    assert info.value.code == "E311"
    assert "gold record 1" in str(info.value) and "event 1" in str(info.value)


# ---------------------------------------------------------------- properties

TYPES = ("ATTACK", "CONDEMN", "ARREST")
ROLES = ("agent", "target", "place")


def spans(min_len: int, max_start: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, max_start), st.integers(min_len, 6)).map(
        lambda t: (t[0], t[0] + t[1]))


def events(min_len: int, max_start: int) -> st.SearchStrategy[dict[str, Any]]:
    arg = st.builds(lambda role, sp: (role, *sp), st.sampled_from(ROLES),
                    spans(min_len, max_start))
    attrs = st.dictionaries(st.sampled_from(("mode", "polarity", "modality")),
                            st.sampled_from(("a", "b")), max_size=3)
    return st.builds(lambda t, sp, args, at: ev(t, sp[0], sp[1], tuple(args), **at),
                     st.sampled_from(TYPES), spans(min_len, max_start),
                     st.lists(arg, max_size=3), attrs)


def corpora(min_len: int = 0, max_start: int = 40) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Documents with random events; a small ``max_start`` makes spans collide often."""
    def docs(names: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
        per_doc = [st.lists(events(min_len, max_start), max_size=5) for _ in names]
        return st.tuples(*per_doc).map(
            lambda evs: [doc(n, *es) for n, es in zip(names, evs, strict=True)])

    return st.lists(st.sampled_from("abcde"), unique=True, max_size=4).flatmap(docs)


def assert_perfect(r: EvalReport) -> None:
    for scores in (r.lenient, r.exact):
        for p in all_prfs(scores):
            assert (p.precision, p.recall, p.f1) == (1.0, 1.0, 1.0), p
        assert all(c == n for c, n in scores.attrs.values())
    assert r.misses == () and r.false_alarms == ()


@settings(max_examples=150, deadline=None)
@given(corpora(min_len=1))
def test_gold_against_itself_is_perfect(gold: list[dict[str, Any]]) -> None:
    assert_perfect(evaluate(gold, copy.deepcopy(gold)))


def test_seed_gold_against_itself_is_perfect() -> None:
    gold = load_jsonl(SEEDS / "gold.jsonl")
    r = evaluate(gold, load_jsonl(SEEDS / "gold.jsonl"))
    assert_perfect(r)
    n_events = sum(len(d["events"]) for d in gold)
    assert r.lenient.tc.tp == r.exact.tc.tp == n_events > 0
    assert r.lenient.attrs["polarity"] == (n_events, n_events)


@settings(max_examples=300, deadline=None)
@given(st.integers(3, 40).flatmap(lambda m: st.tuples(corpora(0, m), corpora(0, m))))
def test_scores_are_bounded_and_consistent(
        corpus_pair: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    gold, pred = corpus_pair
    r = evaluate(gold, pred)
    n_gold_ev = sum(len(d["events"]) for d in gold)
    n_pred_ev = sum(len(d["events"]) for d in pred)
    n_gold_args = sum(len(e["args"]) for d in gold for e in d["events"])
    n_pred_args = sum(len(e["args"]) for d in pred for e in d["events"])
    for s in (r.lenient, r.exact):
        for p in all_prfs(s):
            assert 0 <= p.tp <= p.n_gold and 0 <= p.tp_pred <= p.n_pred
            assert all(0.0 <= x <= 1.0 for x in (p.precision, p.recall, p.f1))
        for m in (s.ti, s.tc, s.ai, s.ac):
            assert m.tp == m.tp_pred <= min(m.n_pred, m.n_gold)
        assert (s.ti.n_gold, s.ti.n_pred) == (n_gold_ev, n_pred_ev)
        assert (s.ai.n_gold, s.ai.n_pred) == (n_gold_args, n_pred_args)
        assert s.tc.tp <= s.ti.tp and s.ac.tp <= s.ai.tp
        assert all(0 <= c <= n <= s.tc.tp for c, n in s.attrs.values())
        assert sum(m["ti"].n_gold for m in s.by_type.values()) == n_gold_ev
        assert sum(m["ai"].tp_pred for m in s.by_role.values()) == s.ai.tp
    # every lenient TC/AC failure is reported exactly once
    def count(items: tuple[Finding, ...], kind: str) -> int:
        return sum(f.kind == kind for f in items)

    assert count(r.misses, "trigger") == n_gold_ev - r.lenient.tc.tp
    assert count(r.false_alarms, "trigger") == n_pred_ev - r.lenient.tc.tp
    assert count(r.misses, "argument") == n_gold_args - r.lenient.ac.tp
    assert count(r.false_alarms, "argument") == n_pred_args - r.lenient.ac.tp


def shuffled(records: list[dict[str, Any]], rnd: random.Random) -> list[dict[str, Any]]:
    out = copy.deepcopy(records)
    rnd.shuffle(out)
    for d in out:
        rnd.shuffle(d["events"])
        for e in d["events"]:
            rnd.shuffle(e["args"])
    return out


@settings(max_examples=200, deadline=None)
@given(corpora(max_start=6), corpora(max_start=6), st.randoms(use_true_random=False))
def test_order_of_documents_events_and_arguments_does_not_matter(
        gold: list[dict[str, Any]], pred: list[dict[str, Any]], rnd: random.Random) -> None:
    expected = evaluate(gold, pred).to_dict()
    assert evaluate(shuffled(gold, rnd), shuffled(pred, rnd)).to_dict() == expected


def test_tied_arguments_are_resolved_independently_of_their_order() -> None:
    # both predicted arguments overlap the gold one by 2 chars, 2 boundary chars off
    gold = [doc("d1", ev("ATTACK", 10, 12, (("target", 2, 4),)))]
    tied = (("target", 0, 4), ("target", 2, 6))
    r1 = evaluate(gold, [doc("d1", ev("ATTACK", 10, 12, tied))])
    r2 = evaluate(gold, [doc("d1", ev("ATTACK", 10, 12, tied[::-1]))])
    assert r1.to_dict() == r2.to_dict()
    assert len(r1.false_alarms) == 1


def test_warnings_do_not_depend_on_record_order() -> None:
    pred = [{"doc": "d1", "error": {"code": "D001", "message": "x"}},
            doc("d2", ev("ATTACK", 0, 5)), doc("d2", ev("ATTACK", 9, 12)), doc("d3")]
    gold = [doc("d1"), doc("d2", ev("ATTACK", 9, 12))]
    r1, r2 = evaluate(gold, pred), evaluate(gold[::-1], pred[::-1])
    assert r1.to_dict() == r2.to_dict()
    assert len(r1.warnings) == 3 and r1.lenient.ti.n_pred == 2


def test_seed_order_independence_with_perturbed_predictions() -> None:
    gold = load_jsonl(SEEDS / "gold.jsonl")
    rnd = random.Random(7)
    pred = copy.deepcopy(gold)
    for d in pred:
        for e in d["events"]:
            e["trigger"]["start"] += rnd.choice((0, 0, 1))
            if rnd.random() < 0.2:
                e["type"] = "CONDEMN"
            for a in e["args"]:
                a["role"] = rnd.choice((a["role"], a["role"], "target"))
    expected = evaluate(gold, pred)
    assert 0 < expected.exact.ti.f1 < expected.lenient.ti.f1 == 1.0
    assert evaluate(shuffled(gold, rnd), shuffled(pred, rnd)).to_dict() == expected.to_dict()


# ---------------------------------------------------------------- rendering


def test_render_table_shows_numbers() -> None:
    gold = [doc("d1", ev("ATTACK", 10, 17, mode="air"), ev("CONDEMN", 40, 49))]
    pred = [doc("d1", ev("ATTACK", 10, 17, mode="drone"), ev("CONDEMN", 42, 49),
                ev("ATTACK", 70, 75))]
    table = evaluate(gold, pred).render_table()
    rows = {line.split("  ")[0].strip(): line for line in table.splitlines()}
    ti = rows["TI trigger identification"]
    assert "2     3" in ti and "0.667  1.000  0.800" in ti and "0.333  0.500  0.400" in ti
    assert "0.500  1.000  0.667" in rows["ATTACK TI"]
    assert "0.000  0.000  0.000" in rows["CONDEMN TC"].split("|")[2]
    assert "0/1" in rows["mode"] and "0.000" in rows["mode"]
    assert "lenient" in table and "exact" in table and "By role" in table


def test_render_table_lists_roles_and_warnings() -> None:
    gold = [doc("d1", ev("ATTACK", 20, 26, (("attacker", 0, 2),)))]
    pred = [doc("d1", ev("ATTACK", 20, 26, (("target", 0, 2),))), doc("zz")]
    table = evaluate(gold, pred).render_table()
    assert any(line.startswith("attacker AI") and "0.000  1.000  0.000" in line
               for line in table.splitlines())
    assert "zz" in table and "warning:" in table


TEXT = "Some intro. US jets struck the base. Then more.\nNext line struck again"


def test_render_findings_marks_span_in_its_sentence() -> None:
    gold = [doc("d1", ev("ATTACK", 20, 26, (("attacker", 12, 14),)))]
    pred = [doc("d1", ev("CONDEMN", 20, 26), ev("ATTACK", 58, 64))]
    r = evaluate(gold, pred)
    out = r.render_findings({"d1": TEXT})
    assert "Misses (2):" in out and "False alarms (2):" in out
    assert "wrong type: predicted CONDEMN" in out
    assert "      US jets [[struck]] the base.\n" in out
    assert "      [[US]] jets struck the base.\n" in out
    assert "      Next line [[struck]] again\n" in out
    assert "Some intro" not in out and "Then more" not in out
    assert "'struck'" in out  # the text comes from the document when it is given
    limited = r.render_findings(None, limit=1)
    assert limited.count("... and 1 more") == 2 and "[[" not in limited


def test_mark_span_edges() -> None:
    assert mark_span(TEXT, 0, 4) == "[[Some]] intro."
    assert mark_span(TEXT, 65, 70) == "Next line struck [[again]]"
    assert mark_span("a" * 500, 250, 251).startswith("…")
