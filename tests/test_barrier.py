"""`not across P`: a role candidate is out when a match of P lies between it and the
trigger (a time that belongs to another clause: "On Monday officials said the attack
...")."""

from __future__ import annotations

import pytest

import iedsl
from iedsl import nodes as n
from iedsl.errors import IedslError
from iedsl.explain import explain_text
from iedsl.parse import parse_rules
from iedsl.source import Source

RULES = '''
label DATE
label ACTOR
entity DATE = "Monday" | "Tuesday" | "May"
entity ACTOR = "police" | "army"
pattern SPEECH = "said" | "told" "reporters"
event E { time: DATE?  who: ACTOR* }
rule r for E {
  trigger = "attack"
  time = DATE before trigger within 12 not across @SPEECH | "after"
  time = DATE after trigger within 8 not across "had" | ACTOR
  who = ACTOR not across "that"
}
'''


def found(text: str) -> list[tuple[str, str]]:
    engine = iedsl.Engine.from_string(RULES)
    return [(a.role, a.text) for f in engine.extract(text).frames for a in f.args]


@pytest.mark.parametrize("text,expected", [
    ("On Monday the attack hit.", [("time", "Monday")]),
    # a barrier between the date and the trigger: the next clause is the fallback
    ("On Monday officials said the attack on Tuesday hit.", [("time", "Tuesday")]),
    ("On Monday officials said the attack hit.", []),
    # a barrier of two words must lie wholly between them
    ("On Monday officials told reporters the attack hit.", []),
    ("On Monday officials told the attack hit reporters.", [("time", "Monday")]),
    # after the trigger; a label as barrier
    ("The attack had been planned since May.", []),
    ("The attack was carried out on Tuesday.", [("time", "Tuesday")]),
    ("The attack by army troops on Tuesday.", [("who", "army")]),
    # the barrier outside the gap does not count
    ("After the attack on Monday, police said so.", [("time", "Monday"), ("who", "police")]),
    ("Police said that the attack was over.", []),
])
def test_barrier(text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted(found(text)) == sorted(expected)


def test_barrier_parses_to_the_clause() -> None:
    rf = parse_rules(Source("t.ie", 'event E { t: D? } rule r for E { trigger = "x" '
               't = D before trigger not across "said" | "after" within 3 }'))
    clause = rf.statements[1].roles[0]
    assert isinstance(clause.barrier, n.Alternation) and clause.within == 3
    assert clause.position is n.Position.BEFORE


def test_unknown_name_in_barrier_is_reported() -> None:
    with pytest.raises(IedslError) as info:
        iedsl.Engine.from_string(RULES.replace("@SPEECH", "@SPECH"))
    assert "E202" in str(info.value) and "SPEECH" in str(info.value)


def test_explain_names_the_barrier() -> None:
    engine = iedsl.Engine.from_string(RULES)
    out = explain_text(engine, "On Monday officials said the attack hit.")
    reasons = [c["reason"] for r in out["rules"] for t in r["triggers"]
               for cl in t["clauses"] for c in cl["candidates"]]
    assert "a match of its `not across` pattern lies between it and the trigger" in reasons


@pytest.mark.parametrize(("clause", "warned"), [
    ('t = D right before trigger not across "said"', True),   # nothing lies between
    ('t = D right after trigger not across "said"', True),
    ('t = D right before trigger via "on" not across "said"', False),
    ('t = D before trigger within 5 not across "said"', False)])
def test_a_barrier_where_nothing_lies_between_is_flagged(clause: str, warned: bool) -> None:
    engine = iedsl.Engine.from_string(
        'label D\nentity D = "Monday"\nevent E { t: D? }\n'
        f'rule r for E {{ trigger = "attack" {clause} }}', name="r.ie")
    assert bool([w for w in engine.warnings if w.code == "W106"]) == warned


def test_items_listed_with_a_taken_argument_pass_the_barrier() -> None:
    # "Syria" alone has "and" between it and the trigger; listed with "Iraq", it is taken
    engine = iedsl.Engine.from_string('''
label ACTOR
entity ACTOR = "Iraq" | "Syria"
event E { where: ACTOR* }
rule r for E { trigger = "struck" where = ACTOR after trigger not across "and" }
''')
    args = [a.text for f in engine.extract("Jets struck Iraq and Syria.").frames for a in f.args]
    assert args == ["Iraq", "Syria"]
    alone = [a.text for f in engine.extract("Jets struck, and Syria.").frames for a in f.args]
    assert alone == []


def test_a_barrier_inside_the_via_match_counts() -> None:
    # the barrier is tested over every token between argument and trigger, via included
    engine = iedsl.Engine.from_string('''
label D
entity D = "Monday"
event E { t: D? }
rule r for E { trigger = "attack" t = D after trigger via "since" not across "since" }
''')
    assert [f.args for f in engine.extract("The attack since Monday.").frames] == [()]
