"""The C loops (iedsl._speedups) do exactly what the Python loops they mirror do.

The Python loops define the behaviour (and are what runs without a compiler); each
test here runs both on the same input and demands identical results.  Without the
C module built, the comparisons are skipped and only the pure-Python checks run.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rulegen import lexicon_rule_sets, rule_sets, texts

import iedsl
import iedsl.engine as engine_module
import iedsl.lexicon as lexicon_module
import iedsl.patterns as patterns_module
from iedsl import fold, speedups
from iedsl.engine import iter_sentences
from iedsl.text import is_word_char

needs_native = pytest.mark.skipif(speedups.native is None, reason="C speed-ups not built")

# Characters the folds touch, plus ones that widen a string's storage (UCS-2, UCS-4).
FOLD_ALPHABET = [*sorted(fold._FULL_MAP)[:40], *"aZ İß’“”—–\n\t\u00a0\u3000é𝔘😀"]


def test_word_table_agrees_with_is_word_char_on_the_whole_bmp() -> None:
    table = speedups.word_table()
    assert len(table) == speedups.WORD_TABLE_SIZE
    wrong = [i for i in range(speedups.WORD_TABLE_SIZE)
             if bool(table[i]) != is_word_char(chr(i))]
    assert wrong == []


def test_fold_table_holds_every_character_fold() -> None:
    table = speedups.fold_table()
    for c, f in fold._FULL_MAP.items():
        i = 4 * ord(c)
        assert int.from_bytes(table[i:i + 4], "little") == ord(f)


@needs_native
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(FOLD_ALPHABET), max_size=80))
def test_native_fold_equals_python_fold(text: str) -> None:
    assert speedups.native is not None
    expect = fold._FULL_RE.sub(lambda m: fold._FULL_MAP[m.group()], text)
    got = speedups.native.fold_chars(text, speedups.fold_table())
    assert got == expect
    assert len(got) == len(text)


def _both(rules: str, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    engine = iedsl.Engine.from_string(rules)
    native = engine.mentions(text)
    with monkeypatch.context() as m:
        m.setattr(lexicon_module, "native", None)
        python = engine.mentions(text)
    return native, python


@needs_native
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rules=lexicon_rule_sets(), text=texts(max_words=60))
def test_native_lexicon_loop_equals_python_loop(rules: str, text: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    native, python = _both(rules, text, monkeypatch)
    assert native == python


@needs_native
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rules=lexicon_rule_sets(), text=texts(max_words=40))
def test_native_lexicon_loop_on_cut_sentences(rules: str, text: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hit with a space becomes a sentence question when sentences are tiny."""
    monkeypatch.setattr(lexicon_module, "SENTENCE_MAX_CHARS", 12)
    native, python = _both(rules, text, monkeypatch)
    assert native == python


@needs_native
def test_native_lexicon_loop_on_a_long_folded_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long enough for the C fold, with İ (offset map), CRLF, astral and curly text."""
    rules = ('lexicon L fold(case, quotes, space) { "al-qa’ida", "new york", "i̇stanbul" }\n'
             'lexicon M exact { "New York" }\n'
             'label PLACE\nentity PLACE = @L\nentity PLACE priority 1 = @M')
    unit = ("İstanbul and NEW\r\nYORK, Al-Qa'ida’s 😀 New York; new  york.\n"
            "Al-Qa’ida in İstanbul 𝔘 newyork New Yorker.\n\n")
    text = unit * 40
    native, python = _both(rules, text, monkeypatch)
    assert native == python
    assert len(native) > 100   # type: ignore[arg-type]
    for m in native:   # type: ignore[attr-defined]
        assert text[m.start:m.end] == m.text


def test_pure_python_switch() -> None:
    code = "import iedsl.speedups as s; print(s.native is None)"
    env = dict(os.environ, IEDSL_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "True"


@needs_native
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(rules=rule_sets(), text=texts())
def test_native_nfa_equals_python_nfa(rules: str, text: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Sequences, quantifiers, gaps, negation, labels: the C walk ends where Python's does."""
    engine = iedsl.Engine.from_string(rules)
    native = engine.analyze(text, all_sentences=True)
    with monkeypatch.context() as m:
        m.setattr(patterns_module, "native", None)
        python = engine.analyze(text, all_sentences=True)
    assert native.mentions == python.mentions
    assert native.frames == python.frames


@needs_native
def test_native_nfa_on_a_long_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the C walk's stack buffer: a sentence of thousands of tokens."""
    engine = iedsl.Engine.from_string('entity X = "a" _{0,3} ("b" | "c")+ !"d"')
    text = " ".join(["a x b c c", "a d b", "a b"] * 800)
    got = engine.mentions(text)
    # longest at each start: "a b" runs on through the next "a x b c c" and its "a"
    assert [m.text for m in got[:2]] == ["a x b c c a", "a b a x b c c a"]
    assert len(got) == 800
    with monkeypatch.context() as m:
        m.setattr(patterns_module, "native", None)
        assert engine.mentions(text) == got


@needs_native
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rules=rule_sets(), text=texts(), limit=st.sampled_from([3, 8, 20, 20000]))
def test_native_find_all_and_parse_equal_python(rules: str, text: str, limit: int) -> None:
    """Every pattern of a rule set in every sentence: the C find_all finds the
    Python one's matches, and the C parse of each is the Python parse, also when a
    small step limit makes the C search give up and hand over."""
    engine = iedsl.Engine.from_string(rules)
    program = engine.program
    _, _, _, contexts = iter_sentences(program, text, all_sentences=True)
    for ctx in contexts:
        view = ctx.view
        for p in program.patterns:
            found = patterns_module.find_all(p, view, program.atoms)
            # unfiltered Python search: the prefilters and the one-atom path are sound
            assert found == patterns_module.find_all_python(p, view, program.atoms)
            for ts, te in found:
                got = patterns_module.parse_match(p.tree, view, program.atoms, ts, te,
                                                  step_limit=limit)
                want = patterns_module.parse_match_python(p.tree, view, program.atoms, ts,
                                                          te, step_limit=limit)
                assert got == want


@needs_native
def test_native_parse_hands_deep_searches_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deeper than the C search goes (two hundred repetitions of a nested
    alternation): the Python search parses it, to the same result."""
    engine = iedsl.Engine.from_string(
        'lexicon L { "b" -> B1 "c" -> C1 }\n'
        'entity X = "a" (head: ((((((@L | "c") ((@L)?))) | "z") | "y"))+) "d"')
    text = "a " + "b c " * 199 + "d"
    handed: list[int] = []
    python_parse = patterns_module.parse_match_python

    def counted(*args: object, **kwargs: object) -> object:
        handed.append(1)
        return python_parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(patterns_module, "parse_match_python", counted)
    got = engine.mentions(text)
    assert handed   # the C search gave up on this one
    with monkeypatch.context() as m:
        m.setattr(patterns_module, "native", None)
        assert engine.mentions(text) == got
    assert len(got) == 1 and got[0].text == text


def test_matches_longer_than_the_parse_limit_are_not_parsed() -> None:
    """A match of thousands of tokens is found whole; it carries no id (the parse,
    which would recurse per token, is not attempted), and nothing crashes."""
    engine = iedsl.Engine.from_string('lexicon L { "b" -> B1 }\n'
                                      'entity X = (head: @L) | "a" (head: ("b" | "c")+) "d"')
    text = "a " + "b c " * 1500 + "d b"
    got = engine.mentions(text)
    assert [(m.text[:3], m.id) for m in got] == [("a b", None), ("b", "B1")]
    assert got[0].end - got[0].start == len("a " + "b c " * 1500 + "d")


@needs_native
@settings(max_examples=300, deadline=None)
@given(cuts=st.lists(st.integers(0, 60), max_size=8),
       hits=st.lists(st.tuples(st.integers(0, 70), st.integers(0, 12), st.integers(0, 5)),
                     max_size=40),
       gate=st.frozensets(st.integers(0, 5)))
def test_native_bucketing_equals_python(cuts: list[int], hits: list[tuple[int, int, int]],
                                        gate: frozenset[int]) -> None:
    """Hits go to the sentence they start and end in, the same in C and Python, with
    sentences that touch, gaps between them, hits before the first and across two."""
    assert speedups.native is not None
    bounds = sorted(set(cuts))
    starts = bounds[:-1]
    ends = [b - (i % 2) for i, b in enumerate(bounds[1:])]   # some gaps between sentences
    full = [(s, s + length, atom, None, (), 0) for s, length, atom in hits]
    want = engine_module.bucket_hits_python(full, starts, ends, gate)
    assert speedups.native.bucket_hits(full, starts, ends, gate) == want


TERM_ALPHABET = [*"aZΣσİIıßẞé\u0301’'-–— \t.\x00"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(TERM_ALPHABET), max_size=8), max_size=30))
def test_batch_term_folding_equals_one_term_at_a_time(terms: list[str]) -> None:
    """A term file's keys are folded as one NUL-joined string (final sigma, İ, NUL
    inside a term included); the result is each term's own fold."""
    assert fold.fold_full_many(terms) == [fold.fold_full(t) for t in terms]
    assert fold.needing_variants(terms) == {i for i, t in enumerate(terms)
                                            if fold.needs_variants(t)}


@needs_native
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(rules=rule_sets(), text=texts())
def test_native_scan_equals_python_scan(rules: str, text: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from iedsl import scan as scan_module

    program = iedsl.Engine.from_string(rules).program
    native = scan_module.scan_literals(program, text)
    with monkeypatch.context() as m:
        m.setattr(scan_module, "native", None)
        assert scan_module.scan_literals(program, text) == native


@needs_native
def test_native_loops_reject_malformed_input_without_crashing() -> None:
    """Wrong shapes give Python exceptions (a C loop must never read out of bounds)."""
    c = speedups.native
    assert c is not None
    table = speedups.word_table()
    calls = [
        lambda: c.scan_hits([(3, (1, True))], "abcd", None, table, is_word_char, None),
        lambda: c.scan_hits([(9, (2, True, True, 0, 0, None, (), None, None, ()))], "ab",
                            None, table, is_word_char, None),
        lambda: c.scan_hits([(1, (2, True, True, 0, 0, None, (), None, None, ((1,),)))],
                            "ab", None, table, is_word_char, None),
        lambda: c.lexicon_hits([(1, (2, True, True, 0, 7, None, (), None, None, ()))], "ab",
                               None, 0, False, table, is_word_char, [None], [[]],
                               None, None),
        lambda: c.chain_mentions([(0,)], "ab", iedsl.Mention, "L", "r", 0),
        lambda: c.compile_nfa(((), ((0, 5),)), (frozenset(), frozenset()), {0}, 1),
        lambda: c.longest_at(c.compile_nfa((((0, 1),), ()), (frozenset({0}), frozenset({1})),
                                           {0}, 1),
                             {0: {0: [(5, None)]}}, frozenset(), None, None, (), 0, 2),
        lambda: c.find_all(c.compile_nfa((((0, 1),), ()), (frozenset({0}), frozenset({1})),
                                         {0}, 1),
                           (0,), False, 0, {0: {0: [(5, None)]}}, frozenset(), None, None, (),
                           2),
        lambda: c.find_all(c.compile_nfa((((0, 1),), ()), (frozenset({0}), frozenset({1})),
                                         {0}, 1),
                           (0,), False, 0, {0: {"x": [(1, None)]}}, frozenset(), None, None,
                           (), 2),
        lambda: c.find_all(c.compile_nfa((((0, 1),), ()), (frozenset({0}), frozenset({1})),
                                         {0}, 1),
                           (0,), False, -1, {}, frozenset(), None, None, (), 2),
        lambda: c.bucket_hits([(0, 1, 0)], [0, 5], [4], frozenset()),
        lambda: c.bucket_hits([(0, 1, 0)], [5, 0], [9, 4], frozenset()),
        lambda: c.bucket_hits([(0,)], [0], [4], frozenset()),
        lambda: c.bucket_hits([("a", 1, 0)], [0], [4], frozenset()),
        lambda: c.compile_tree(()),
        lambda: c.compile_tree(((1, None, 0, 0, (0,)),)),          # a child that is itself
        lambda: c.compile_tree(((3, None, 0, 0, (1, 2)), (0, 0, 0, 0, ()),
                                (0, 0, 0, 0, ()))),                # a repetition of two
        lambda: c.compile_tree(((9, None, 0, 0, ()),)),
        lambda: c.parse_match(c.compile_tree(((0, 0, 0, 0, ()),)), {0: {0: [(7, None)]}},
                              frozenset(), None, None, (), 0, 1, 2, 100),
        lambda: c.parse_match(c.compile_tree(((0, 0, 0, 0, ()),)), {0: {0: [(1,)]}},
                              frozenset(), None, None, (), 0, 1, 2, 100),
        lambda: c.parse_match(c.compile_tree(((0, 0, 0, 0, ()),)), {}, frozenset(), None,
                              None, (), 0, 5, 2, 100),
    ]
    for call in calls:
        with pytest.raises((TypeError, ValueError, IndexError)):
            call()
