"""Repeating roles take the candidates listed with a taken one, read as lists are written."""

from __future__ import annotations

import pytest

import iedsl
from iedsl.assemble import link_kind, list_links

RULES = '''
label ACTOR
lexicon NAMES { "Iraq", "Syria", "Iran", "Russia", "China", "Biden", "deputies",
                "Trump administration", "US", "officials" }
entity ACTOR = @NAMES
event E { who: ACTOR* }
rule after for E { trigger = "struck" who = ACTOR after trigger within 1 via "in" }
rule before for E { trigger = "condemned" who = ACTOR before trigger within 0 }
'''


def args(text: str) -> list[str]:
    engine = iedsl.Engine.from_string(RULES)
    return [a.text for f in engine.extract(text).frames for a in f.args]


@pytest.mark.parametrize("text,expected", [
    ("It struck in Iraq and Syria.", ["Iraq", "Syria"]),
    ("It struck in Iraq, Syria, and Iran.", ["Iraq", "Syria", "Iran"]),
    ("It struck in Iraq, Syria and Iran.", ["Iraq", "Syria", "Iran"]),
    ("It struck in Iraq, US officials said.", ["Iraq"]),
    ("It struck in Iraq and Syria, and Iran said so.", ["Iraq", "Syria"]),
    ("It struck in Iraq, and Iran said so.", ["Iraq"]),
    ("Iran, Russia and China condemned it.", ["Iran", "Russia", "China"]),
    ("Biden and his deputies condemned it.", ["Biden", "deputies"]),
    ("Under the Trump administration, the US condemned it.", ["US"]),
    ("Iraq and Syria, and Iran condemned it.", ["Iran"]),
    # a count may open an item, as an article may ("three radar sites and two vessels")
    ("It struck in Iraq and two deputies.", ["Iraq", "deputies"]),
    ("It struck in Iraq, two officials said.", ["Iraq"]),
])
def test_lists(text: str, expected: list[str]) -> None:
    assert args(text) == expected


LISTED_RULES = '''
label ACTOR
lexicon NAMES { "Russia", "Ukraine", "Qatar", "police", "soldiers" }
entity ACTOR = @NAMES
event E { who: ACTOR? listed  whom: ACTOR? }
rule freed for E {
  trigger = "freed"
  who = ACTOR before trigger within 1
  who = ACTOR after trigger within 2 via "by"
  whom = ACTOR before trigger within 3 via "by"
}
'''


@pytest.mark.parametrize("text,who", [
    # a `listed` single-valued role takes the nearest candidate and those listed with it
    ("Russia and Ukraine each freed prisoners.", ["Russia", "Ukraine"]),
    ("Russia, Ukraine and Qatar freed prisoners.", ["Russia", "Ukraine", "Qatar"]),
    # ... and a later clause for it is still a fallback, not another argument
    ("Russia freed prisoners mediated by Qatar.", ["Russia"]),
    ("Prisoners were freed by police and soldiers.", ["police", "soldiers"]),
])
def test_a_listed_role_takes_one_argument_and_its_list(text: str, who: list[str]) -> None:
    engine = iedsl.Engine.from_string(LISTED_RULES)
    frames = engine.extract(text).frames
    assert [a.text for a in frames[0].args_for("who")] == who


def test_without_listed_a_single_valued_role_takes_one() -> None:
    engine = iedsl.Engine.from_string(LISTED_RULES.replace("ACTOR? listed", "ACTOR?"))
    frames = engine.extract("Russia and Ukraine each freed prisoners.").frames
    assert [a.text for a in frames[0].args_for("who")] == ["Ukraine"]


def test_link_kinds() -> None:
    assert link_kind(["and", "his"]) == "conj"
    assert link_kind([","]) == "comma"
    assert link_kind([",", "and"]) == "comma_conj"
    assert link_kind(["said"]) is None
    assert link_kind(["the"]) is None
    assert link_kind(["and", "two"]) == "conj"
    assert link_kind([",", "several"]) == "comma"


def test_list_links_both_directions() -> None:
    assert list_links(["comma", "comma", "comma_conj", "comma_conj"], True) == 3
    assert list_links(["comma"], True) == 0
    assert list_links(["comma_conj"], True) == 0
    assert list_links(["conj", "comma"], False) == 2
    assert list_links(["comma"], False) == 0
    assert list_links(["comma_conj", "conj"], False) == 0
