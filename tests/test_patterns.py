"""Pattern and role-filling semantics, stated as examples (see docs/dsl.md)."""

from __future__ import annotations

import iedsl


def mentions(rules: str, text: str, label: str | None = None) -> list[str]:
    eng = iedsl.Engine.from_string(rules)
    return [m.text for m in eng.mentions(text) if label is None or m.label == label]


def test_leftmost_longest_and_whole_tokens() -> None:
    rules = 'lexicon L { "Iran", "Iran backed", "backed militia" } entity X = @L'
    assert mentions(rules, "Iranian Iran backed militia") == ["Iran backed"]


def test_folds_and_offsets() -> None:
    rules = 'lexicon L { "Kata\'ib Hezbollah", "al-Qaeda", "cafe" } entity X = @L'
    text = "KATA’IB HEZBOLLAH, Kataib Hezbollah, al Qaeda, al–Qaeda, Café"
    assert mentions(rules, text) == ["KATA’IB HEZBOLLAH", "Kataib Hezbollah", "al Qaeda",
                                     "al–Qaeda", "Café"]
    exact = 'lexicon L exact { "US" } entity X = @L'
    assert mentions(exact, "us US Us") == ["US"]
    per_term = 'lexicon L { "IS" [case=exact] "Iraq" } entity X = @L'
    assert mentions(per_term, "it is IS in iraq") == ["IS", "iraq"]


def test_quantifiers_gaps_negation_regex() -> None:
    assert mentions('entity X = "a" _{0,2} "b"', "a x y b a x y z b") == ["a x y b"]
    assert mentions('entity X = "a" !"b" "c"', "a b c a d c") == ["a d c"]
    assert mentions('entity X = /F-\\d+/ ("and" /F-\\d+/)? "jets"',
                    "F-15 and F-16 jets, F-35 jets") == ["F-15 and F-16 jets", "F-35 jets"]
    assert mentions('entity X = "x"+', "x x x y x") == ["x x x", "x"]


def test_labels_taxonomy_and_head_capture() -> None:
    rules = '''label ACTOR label COUNTRY is ACTOR
      lexicon C { "Iran" -> country:irn }  lexicon G { "militias" -> noun:militia }
      entity COUNTRY = @C
      entity GROUP = COUNTRY "-" "backed" (head: @G)
      entity WHO = ACTOR'''
    eng = iedsl.Engine.from_string(rules)
    ms = {(m.label, m.text): m for m in eng.mentions("Iran-backed militias and Iran")}
    assert ms[("GROUP", "Iran-backed militias")].id == "noun:militia"
    assert ms[("WHO", "Iran")].id == "country:irn"


def test_overlap_policies() -> None:
    base = 'entity X priority 1 = "a" "b" entity X priority 5 = "b" "c" entity X = "a" "b" "c" "d"'
    assert mentions("label X policy longest " + base, "a b c") == ["a b"]
    assert mentions("label X policy priority " + base, "a b c") == ["b c"]
    assert mentions("label X policy all " + base, "a b c") == ["a b", "b c"]


RULES = '''
label ACTOR
lexicon C { "Iran", "Iraq", "Syria", "Jordan", "Israel" }
lexicon T { "struck" [mode=b] "hit" }
entity ACTOR = @C
entity PLACE = @C
event E { who: ACTOR? whom: ACTOR* where: PLACE* mode: a | b = a }
rule r for E {
  trigger = @T
  who = ACTOR before trigger within 2
  whom = ACTOR after trigger within 3 via "on"
  where = PLACE after trigger via "in"
}
'''


def frames(text: str, rules: str = RULES) -> list[list[tuple[str, str]]]:
    eng = iedsl.Engine.from_string(rules)
    return [[(a.role, a.text) for a in f.args] for f in eng.extract(text).frames]


def test_role_constraints_via_within_and_coordination() -> None:
    got = frames("Iran struck on Iraq, Syria and Jordan in Israel.")
    assert got == [[("who", "Iran"), ("whom", "Iraq"), ("whom", "Syria"), ("whom", "Jordan"),
                    ("where", "Israel")]]
    # within: "Iran" is 3 tokens before the trigger
    assert frames("Iran , , , struck on Iraq.") == [[("whom", "Iraq")]]


def test_clause_scope_and_single_roles() -> None:
    rules = RULES.replace("who = ACTOR before trigger within 2",
                          "who = ACTOR before trigger in clause")
    assert frames("Iran said; Iraq hit on Syria.", rules) == [[("who", "Iraq"),
                                                               ("whom", "Syria")]]
    assert frames("Iran said; hit on Syria.", rules) == [[("whom", "Syria")]]


def test_required_role_missing_means_no_frame() -> None:
    rules = RULES.replace("who: ACTOR?", "who: ACTOR")
    assert frames("struck on Iraq.", rules) == []
    assert frames("Iran struck on Iraq.", rules) == [[("who", "Iran"), ("whom", "Iraq")]]


def test_higher_priority_rule_wins_the_trigger() -> None:
    rules = RULES + 'rule r2 for E priority 3 { trigger = "struck" where = PLACE before trigger }'
    eng = iedsl.Engine.from_string(rules)
    (f,) = eng.extract("Iran struck on Iraq.").frames
    assert f.rule == "r2" and [(a.role, a.text) for a in f.args] == [("where", "Iran")]


def test_mentions_never_cross_sentences() -> None:
    assert mentions('entity X = "Gen" "." "Smith" | "end" "." "Next"',
                    "Gen. Smith came at the end. Next day.") == ["Gen. Smith"]


def test_literals_and_regexes_lend_attributes_to_triggers() -> None:
    eng = iedsl.Engine.from_string(
        'event E { mode: air | ground | none = none }\n'
        'rule r for E { trigger = "opened" "fire" [mode=ground] | /strafed/ [mode=air] | "hit" }')
    got = [(f.trigger_text, f.attributes["mode"])
           for t in ("Gunmen opened fire.", "Jets strafed the road.", "It hit.")
           for f in eng.extract(t).frames]
    assert got == [("opened fire", "ground"), ("strafed", "air"), ("hit", "none")]


def test_each_entity_matches_leftmost_longest_before_the_label_policy() -> None:
    """An entity's own matches are non-overlapping first; the label's policy then
    chooses among entities.  "C D" is not a match of Y here, since Y's "B C" took C."""
    rules = 'entity X = "A" "B"\nentity X = "B" "C" | "C" "D"'
    eng = iedsl.Engine.from_string(rules)
    assert [m.text for m in eng.mentions("A B C D")] == ["A B"]
    assert [m.text for m in eng.analyze("A B C D", all_sentences=True).mentions] == ["A B"]
    lex = 'lexicon L1 { "A B" } lexicon L2 { "B C", "C D" } entity X = @L1 entity X = @L2'
    assert [m.text for m in iedsl.Engine.from_string(lex).mentions("A B C D")] == ["A B"]


def test_right_before_and_right_after_the_trigger() -> None:
    rules = ('lexicon C { "Iran", "Iraq" } entity ACTOR = @C event E { who: ACTOR* whom: ACTOR* }'
             ' rule r for E { trigger = "struck" who = ACTOR right before trigger'
             ' whom = ACTOR right after trigger via "on" }')
    assert frames("Iran struck on Iraq.", rules) == [[("who", "Iran"), ("whom", "Iraq")]]
    assert frames("Iran then struck at night on Iraq.", rules) == [[]]
    assert frames("Iran struck Iraq.", rules) == [[("who", "Iran")]]


def test_required_atom_sets_generalise_to_alternations() -> None:
    """A sentence must hold one atom of each set; `_` and optional parts need nothing."""
    eng = iedsl.Engine.from_string('entity X = ("a" | "b" "d") _ "c" "e"? ')
    program = eng.program
    pattern = program.patterns[program.entities[0].pattern]
    shown = sorted(sorted(program.atoms[a].text for a in need) for need in pattern.required)
    assert shown == [['"a"', '"b"'], ['"c"']]
    assert mentions('entity X = ("a" | "b" "d") _ "c" "e"?', "b d x c e a y c") == \
        ["b d x c e", "a y c"]


def test_patterns_opening_with_wildcards_start_before_their_anchor() -> None:
    """`!x "in"` and `_ _ "b"` are tried only `lead` tokens before an anchor atom; a
    pattern whose rest may be empty or open with a wildcard is tried everywhere."""
    engine = iedsl.Engine.from_string(
        'label A\nlabel B\nlabel C\nlabel D\n'
        'entity A = !"based" "in" "Iraq"\n'
        'entity B = _ _ "b"\n'
        'entity C = _ "b"?\n'
        'entity D = (head: !"x") ("b" | "c")')
    pats = {e.label: engine.program.patterns[e.pattern] for e in engine.program.entities}
    atoms = engine.program.atoms
    kinds = {label: (p.lead, sorted(atoms[a].text for a in p.anchor)) for label, p in pats.items()}
    assert kinds["A"][0] == 1 and kinds["B"][0] == 2 and kinds["D"][0] == 1
    assert kinds["C"] == (0, [])
    got = engine.mentions("troops based in Iraq and fighters in Iraq; a b b; x b y c")
    # B starts two tokens before each "b" (the second "b" of "a b b" lies inside the
    # first match); D one token before each "b"/"c" whose token before is not "x".
    assert [(m.label, m.text) for m in got if m.label != "C"] == [
        ("A", "fighters in Iraq"), ("B", "; a b"), ("D", "a b"), ("B", "; x b"), ("D", "y c")]
    assert len([m for m in got if m.label == "C"]) == 15   # `_ "b"?`: 17 tokens, two pairs
