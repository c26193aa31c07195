"""View occurrence lists stay sorted longest-first however they are filled.

Label mentions join the view one label at a time, with ``finish()`` in between, so
one start position can collect occurrences in several batches: the list must be
re-sorted after each batch, or the matcher misses the longest mention (a
``MILITARY`` "U.S. Central Command (CENTCOM) forces" hidden behind the shorter
``ORGANIZATION`` and ``COUNTRY`` mentions at the same start).
"""

from __future__ import annotations

import iedsl
from iedsl.patterns import View


def test_view_resorts_a_list_that_grows_after_finish() -> None:
    view = View(10)
    view.add(0, 0, 2, "a")
    view.add(0, 0, 4, "b")
    view.finish()
    view.add(0, 0, 9, "c")          # a third batch-member after finish()
    view.finish()
    assert [end for end, _ in view.table[0][0]] == [9, 4, 2]


def test_longest_mention_of_a_parent_label_wins_across_labels() -> None:
    engine = iedsl.Engine.from_string('''
        label ACTOR
        label COUNTRY is ACTOR
        label ORGANIZATION is ACTOR
        label MILITARY is ACTOR
        lexicon C { "U.S." }
        lexicon ORG { "U.S. Central Command", "CENTCOM" }
        entity COUNTRY = @C
        entity ORGANIZATION = @ORG
        entity MILITARY = @ORG "(" @ORG ")" "forces"
        event E { agent: ACTOR* }
        rule r for E { trigger = "conducted"  agent = ACTOR before trigger within 0 }
    ''')
    frames = engine.extract("U.S. Central Command (CENTCOM) forces conducted strikes.").frames
    assert [a.text for f in frames for a in f.args] == ["U.S. Central Command (CENTCOM) forces"]
