"""Parser: every documented syntax error has its code, line, column and message;
random rule text never raises anything but the library's own errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iedsl
from iedsl import nodes as n
from iedsl.errors import IedslError, RuleSyntaxError
from iedsl.parse import parse_rules
from iedsl.source import Source


def parse(text: str) -> n.RuleFile:
    return parse_rules(Source("t.ie", text))


def syntax_error(text: str) -> tuple[str, int, int, str, str]:
    with pytest.raises(RuleSyntaxError) as info:
        parse(text)
    d = info.value.diagnostics[0]
    assert d.location is not None
    _, line, col = d.location
    return d.code, line, col, d.message, d.hint or ""


@pytest.mark.parametrize(("text", "code", "line", "col", "message", "hint"), [
    ("rule x for A {\n  trigger = }", "E101", 2, 13, "unexpected `}`", '"string"'),
    ("rule 5 for A {}", "E101", 1, 6, "unexpected number `5`", "lowercase name"),
    ("event A {\n  a: B", "E102", 2, 7, "unexpected end of file", "`}`"),
    ('lexicon X {\n  "abc }', "E103", 2, 3, "unterminated string", 'close the string'),
    ("entity X = /ab", "E104", 1, 12, "unterminated or empty /regex/", "escape"),
    ('entity X = "a" ~', "E100", 1, 16, "unexpected character `~`", "expected"),
    ("label actor", "E101", 1, 7, "unexpected name `actor`", "UPPERCASE label"),
])
def test_syntax_errors(text: str, code: str, line: int, col: int, message: str,
                       hint: str) -> None:
    got = syntax_error(text)
    assert got[:4] == (code, line, col, message)
    assert hint in got[4]


def test_deep_nesting_is_refused_before_parsing() -> None:
    text = "entity X = " + "(" * 500 + '"a"' + ")" * 500
    code, line, col, message, hint = syntax_error(text)
    assert (code, line, col) == ("E105", 1, 12 + 64)
    assert message == "parentheses nested more than 64 deep" and "named patterns" in hint
    # brackets inside strings, regexes and comments do not count
    parse('entity X = "((((" /\\(\\(/ # ((((((\n')


def test_rendered_error_has_caret_and_hint() -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse('label A\nrule r for A {\n  trigger = }\n')
    text = info.value.render()
    assert text.splitlines()[0] == "t.ie:3:13: error[E101]: unexpected `}`"
    assert "  3 |   trigger = }" in text
    assert "    |             ^" in text
    assert "hint: expected" in text
    assert info.value.to_dict()["diagnostics"][0]["line"] == 3


def test_full_statement_set_parses_to_nodes() -> None:
    rf = parse('''
        include "x.ie"  python "mod.ule"
        label ACTOR  label MIL is ACTOR policy priority
        lexicon L fold(case, quotes) { "a", "b" -> x:y [mode=air, n=3] "c" }
        lexicon F exact from "f.tsv", "g.tsv" [kind=k]
        pattern p = "a" | "b" "c"?
        entity MIL priority 2 normalize number = (head: @L) _{0,3} !"x" /\\d+/i MIL*
          example "a b" => "a b"
        attribute pol: pos | neg = pos
        event E { who: (ACTOR | MIL)+ what: MIL? whom: ACTOR? listed mode: x | y = x }
        rule r for E priority -1 {
          trigger = @p
          who = ACTOR before trigger within 3 in clause via "by"
          set mode from trigger, who   set pol = neg   require pred
          example "t" => E["t"](who="a", mode=x), E()
          example "u" => nothing
        }
        cue pol=neg after trigger within 2 for E: "not"
    ''')
    kinds = [type(s).__name__ for s in rf.statements]
    assert kinds == ["Include", "PythonImport", "LabelDecl", "LabelDecl", "LexiconDecl",
                     "LexiconDecl", "PatternDecl", "EntityDecl", "AttributeDecl", "EventDecl",
                     "RuleDecl", "CueDecl"]
    lex = rf.statements[4]
    assert isinstance(lex, n.LexiconDecl)
    assert lex.folds == frozenset({"case", "quotes"})
    assert lex.groups[0].terms == ("a", "b") and lex.groups[0].term_id == "x:y"
    assert lex.groups[0].attrs == (("mode", "air"), ("n", 3))
    assert rf.statements[5].folds == frozenset() and rf.statements[5].files == ("f.tsv", "g.tsv")
    ent = rf.statements[7]
    assert isinstance(ent, n.EntityDecl) and ent.priority == 2 and ent.normalizer == "number"
    seq = ent.pattern
    assert isinstance(seq, n.Sequence)
    assert isinstance(seq.items[0], n.Capture) and seq.items[0].name == "head"
    assert isinstance(seq.items[1], n.Repeat) and (seq.items[1].min, seq.items[1].max) == (0, 3)
    assert isinstance(seq.items[2], n.Negation)
    assert isinstance(seq.items[3], n.Regex) and seq.items[3].flags == "i"
    rule = rf.statements[10]
    assert isinstance(rule, n.RuleDecl) and rule.priority == -1
    clause = rule.roles[0]
    assert (clause.position, clause.scope, clause.within) == (
        n.Position.BEFORE, n.Scope.CLAUSE, 3)
    assert rule.examples[0].frames[0].trigger == "t"
    assert rule.examples[1].nothing
    ev = rf.statements[9]
    assert ev.roles[0].cardinality is n.Cardinality.SOME
    assert ev.roles[1].cardinality is n.Cardinality.OPTIONAL
    assert not ev.roles[1].listed
    assert ev.roles[2].cardinality is n.Cardinality.OPTIONAL and ev.roles[2].listed


def test_string_and_regex_escapes() -> None:
    rf = parse(r'entity X = "a\"b" /a\/b/')
    seq = rf.statements[0].pattern
    assert seq.items[0].text == 'a"b'
    assert seq.items[1].pattern == "a/b"


def test_a_backward_regex_flag_reaches_the_engine() -> None:
    rf = parse_rules(Source("<t>", 'pattern P = /\\p{Ll}+ing/r\n'))
    decl = rf.statements[0]
    assert isinstance(decl, n.PatternDecl) and isinstance(decl.pattern, n.Regex)
    assert decl.pattern.flags == "r"
    engine = iedsl.Engine.from_string(
        'label ACT\nentity ACT = "of" /\\p{Ll}+ing/r\n')
    text = "accused of spying and of theft, of singing"
    assert [m.text for m in engine.mentions(text)] == ["of spying", "of singing"]


def test_node_spans_point_into_the_source() -> None:
    text = 'label A\nentity A = "x" "y"\n'
    rf = parse(text)
    ent = rf.statements[1]
    assert text[ent.where.span.start:ent.where.span.end] == 'entity A = "x" "y"'
    assert ent.where.describe() == "t.ie:2:1"


TOKENS = ["rule", "entity", "lexicon", "event", "label", "cue", "example", "trigger", "=",
          "{", "}", "(", ")", "|", "@x", "X", "x", '"s"', "/r/", "_", "!", "*", "?", "+",
          "{1,2}", "->", "=>", "[", "]", ",", ":", "before", "within", "3", "via", "#c\n",
          '"', "/", "~", "\n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_random_rule_text_raises_only_library_errors(text: str) -> None:
    try:
        iedsl.Engine.from_string(text)
    except IedslError as exc:
        assert exc.diagnostics
        assert exc.render()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_library_errors(text: str) -> None:
    try:
        iedsl.Engine.from_string(text)
    except IedslError as exc:
        assert exc.diagnostics
