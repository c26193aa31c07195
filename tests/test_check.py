"""Checker: every documented check error, all reported at once, with locations."""

from __future__ import annotations

from pathlib import Path

import pytest

import iedsl
from iedsl.errors import RuleCheckError, RuleFileError

BASE = '''
label ACTOR
label PLACE
lexicon WORDS { "strike" }
entity ACTOR = "US"
entity PLACE = "Iraq"
event ATTACK { attacker: ACTOR* place: PLACE? mode: air | ground = ground }
'''


def check_errors(text: str, base: str = BASE) -> list[tuple[str, int, int, str, str]]:
    with pytest.raises(RuleCheckError) as info:
        iedsl.Engine.from_string(base + text, name="r.ie")
    out = []
    for d in info.value.diagnostics:
        assert d.location is not None
        _, line, col = d.location
        out.append((d.code, line - base.count("\n"), col, d.message, d.hint or ""))
    return out


@pytest.mark.parametrize(("text", "code", "col", "message", "hint"), [
    ('lexicon WORDS { "x" }', "E201", 1, "`@WORDS` is defined twice", "namespace"),
    ('rule r for ATTACK { trigger = @WROD }', "E202", 31,
     "unknown lexicon or pattern `@WROD`", "did you mean `WORDS`?"),
    ('rule r for ATTACK { trigger = @WORDS attackr = ACTOR }', "E203", 38,
     "unknown role `attackr` in event ATTACK", "did you mean `attacker`?"),
    ('rule r for ATTACK { trigger = @WORDS attacker = ACTR }', "E204", 49,
     "unknown label `ACTR`", "did you mean `ACTOR`?"),
    ('rule r for ATACK { trigger = @WORDS }', "E205", 1,
     "unknown event type `ATACK` in rule `r`", "did you mean `ATTACK`?"),
    ('rule r for ATTACK { trigger = @WORDS set mode = air2 }', "E206", 38,
     "`air2` is not a value of `mode`", "values: air, ground"),
    ('label X is Y\nlabel Y is X', "E207", 1, "label taxonomy has a cycle: X is Y is X", ""),
    ('pattern p = "a" @p', "E208", 1, "pattern @p refers to itself", "cannot be recursive"),
    ('entity A = B\nentity B = A', "E209", 1,
     "entities depend on each other in a cycle: A -> B -> A", ""),
    ('entity A = "a" not after B\nentity B = A', "E209", 1,
     "entities depend on each other in a cycle: A -> B -> A", ""),
    ('entity A = "a" not before @nowhere', "E202", 27, "unknown lexicon or pattern `@nowhere`",
     ""),
    ('entity N normalize numbr = "x"', "E210", 1, "unknown normalizer `numbr`",
     "did you mean `number`?"),
    ('rule r for ATTACK { trigger = @WORDS require attackr }', "E210", 38,
     "unknown role or predicate `attackr`", "roles of ATTACK: attacker"),
    ('rule r for ATTACK { attacker = ACTOR }', "E211", 1, "rule `r` has no trigger", "trigger ="),
    ('rule r for ATTACK { trigger = @WORDS attacker = PLACE }', "E212", 49,
     "role `attacker` of ATTACK takes ACTOR, not PLACE", "label PLACE is ACTOR"),
    ('lexicon L2 fold(cases) { "x" }', "E213", 1, "unknown fold `cases`", "did you mean `case`?"),
    ('label Z policy longer', "E214", 1, "unknown overlap policy `longer`",
     "did you mean `longest`?"),
    ('entity E = "a" / ("/', "E401", 20, "invalid regex: missing )", ""),
    ('entity E = "a"{3,1}', "E402", 12, "quantifier {3,1}: the maximum is below the minimum",
     ""),
    ('entity E = /a*/', "E403", 12, "regex matches empty text", "at least one character"),
    ('entity E = (("a"){0,200}){0,200}', "E404", 12,
     "entity E is too large: it expands to 40000 atoms (the limit is 5000)", "smaller bounds"),
])
def test_check_errors(text: str, code: str, col: int, message: str, hint: str) -> None:
    errors = check_errors(text)
    assert (errors[0][0], errors[0][1], errors[0][2], errors[0][3]) == (code, 1, col, message)
    assert hint in errors[0][4]


def test_all_problems_reported_at_once_in_order() -> None:
    errors = check_errors('rule r for ATTACK { trigger = @NOPE attackr = ACTR }\n'
                          'rule s for NOEVENT { trigger = "x" }')
    assert [e[0] for e in errors] == ["E202", "E203", "E204", "E205"]
    assert [e[1] for e in errors] == [1, 1, 1, 2]


def test_warnings_do_not_fail() -> None:
    engine = iedsl.Engine.from_string(BASE + 'lexicon UNUSED { "x" }\nentity E = "a"?\n'
                                      'entity F = /(a+)+b/', name="r.ie")
    codes = sorted(w.code for w in engine.warnings)
    assert {"W101", "W403", "W404"} <= set(codes)


@pytest.mark.parametrize(("regex_text", "warned"), [
    ("(a+)+b", True), ("y(?:[ -]x{2,})*", True), ("(a+)++b", False), ("(?>a+)+b", False),
    ("y(?:[ -]x{2,})*+", False), ("(ab)+c", False)])
def test_nested_quantifier_warning_heeds_its_own_hint(regex_text: str, warned: bool) -> None:
    engine = iedsl.Engine.from_string(BASE + f"entity F = /{regex_text}/", name="r.ie")
    assert ("W404" in {w.code for w in engine.warnings}) == warned


@pytest.mark.parametrize(("regex_text", "warned"), [
    (r"\p{Ll}+ing/r", False), (r"[a-z]+ed/r", False), (r"\w+ing/", False),
    (r"\w+\s+ing/r", True), (r"a.b/r", True), (r"a b/r", True), (r"[^x]+y/r", True),
    (r"a\.b/r", False)])
def test_backward_regex_across_words_warns(regex_text: str, warned: bool) -> None:
    engine = iedsl.Engine.from_string(BASE + f"entity F = /{regex_text}", name="r.ie")
    assert ("W405" in {w.code for w in engine.warnings}) == warned


def test_includes_are_confined_to_the_rules_directory(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (tmp_path / "outside.ie").write_text('label X', encoding="utf-8")
    (rules / "main.ie").write_text('include "../outside.ie"\ninclude "missing.ie"\n'
                                   'lexicon L from "nope.tsv"', encoding="utf-8")
    with pytest.raises(RuleCheckError) as info:
        iedsl.Engine.load(rules / "main.ie")
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["E303", "E301", "E304"]
    assert info.value.diagnostics[0].location[1:] == (1, 1)


def test_includes_and_term_files_resolve_relative_to_the_including_file(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "terms.tsv").write_text(
        "# comment\nIraq\tcountry:irq\tkind=country\nSyria\tcountry:syr\n", encoding="utf-8")
    (tmp_path / "lex" / "lex.ie").write_text(
        'lexicon C from "terms.tsv" [src=file]\nentity PLACE = @C', encoding="utf-8")
    (tmp_path / "main.ie").write_text('include "lex/lex.ie"\ninclude "lex/lex.ie"',
                                      encoding="utf-8")
    engine = iedsl.Engine.load(tmp_path / "main.ie")
    ms = engine.mentions("Strikes in Iraq and Syria.")
    assert [(m.text, m.id, dict(m.attrs)) for m in ms] == [
        ("Iraq", "country:irq", {"src": "file", "kind": "country"}),
        ("Syria", "country:syr", {"src": "file"})]


def test_bad_term_file_lines_are_located(tmp_path: Path) -> None:
    (tmp_path / "t.tsv").write_text("ok\tid:1\nbad\tid\tx\ty\nalso\tid:2\tnoequals\n",
                                    encoding="utf-8")
    (tmp_path / "m.ie").write_text('lexicon L from "t.tsv"\nentity E = @L', encoding="utf-8")
    with pytest.raises(RuleCheckError) as info:
        iedsl.Engine.load(tmp_path / "m.ie")
    locs = [(d.code, d.location[1]) for d in info.value.diagnostics]
    assert locs == [("E305", 2), ("E305", 3)]


def test_missing_rule_path() -> None:
    with pytest.raises(RuleFileError) as info:
        iedsl.Engine.load("/nonexistent/rules.ie")
    assert info.value.code == "E300"


@pytest.mark.parametrize(("body", "warned"), [
    ('"a", "b"\n  "c" [kind=x]', True),       # the comma after "b" is missing
    ('"a", "b" -> x:1\n  "c" [kind=x]', False),  # the first group ends with its id
    ('"a", "b"\n\n  "c" [kind=x]', False),     # a blank line: a new group on purpose
    ('"a", "b"\n  # bombings keep no mode\n  "c" [kind=x]', False),
    ('"a", "b"\n  "c"', False),                # two bare groups mean the same as one
    ('"a", "b",\n  "c" [kind=x]', False)])
def test_a_term_group_ended_by_a_missing_comma_is_flagged(body: str, warned: bool) -> None:
    engine = iedsl.Engine.from_string(BASE + f"lexicon L {{\n  {body}\n}}\nentity G = @L",
                                      name="r.ie")
    found = [w for w in engine.warnings if w.code == "W104"]
    assert bool(found) == warned
    if warned:
        assert "'b'" in found[0].message and found[0].location[1:] == (9, 8)


@pytest.mark.parametrize(("role", "warned"), [
    ("who: ACTOR* listed", True),     # a repeating role reads lists anyway
    ("who: ACTOR+ listed", True),
    ("who: ACTOR? listed", False),
    ("who: ACTOR listed", False),
    ("who: ACTOR?", False)])
def test_listed_on_a_repeating_role_is_flagged(role: str, warned: bool) -> None:
    engine = iedsl.Engine.from_string(
        'label ACTOR\nentity ACTOR = "Iraq"\n'
        f'event E {{ {role} }}\nrule r for E {{ trigger = "struck" who = ACTOR }}',
        name="r.ie")
    assert bool([w for w in engine.warnings if w.code == "W105"]) == warned
