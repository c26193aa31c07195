"""The compiled-rule cache: hits while nothing changes, misses on any change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import iedsl
from iedsl import cache


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IEDSL_CACHE_DIR", str(tmp_path / "cache"))
    d = tmp_path / "rules"
    d.mkdir()
    (d / "terms.tsv").write_text("Iraq\tcountry:irq\n", encoding="utf-8")
    (d / "lex.ie").write_text('lexicon C from "terms.tsv"', encoding="utf-8")
    (d / "main.ie").write_text('include "lex.ie"\nentity PLACE = @C', encoding="utf-8")
    return d


def test_second_load_comes_from_the_cache(rules: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    first = iedsl.Engine.load(rules / "main.ie", cache=True)
    assert list((rules.parent / "cache").glob("*.pickle"))

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr("iedsl.load.load_rules", no_compile)
    second = iedsl.Engine.load(rules / "main.ie", cache=True)
    assert second.mentions("Iraq.") == first.mentions("Iraq.")


@pytest.mark.parametrize("changed", ["main.ie", "lex.ie", "terms.tsv"])
def test_any_changed_file_is_a_miss(rules: Path, changed: str) -> None:
    iedsl.Engine.load(rules / "main.ie", cache=True)
    path = rules / changed
    if changed == "terms.tsv":
        path.write_text("Syria\tcountry:syr\n", encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))   # even with a clock that did not move, contents decide
    engine = iedsl.Engine.load(rules / "main.ie", cache=True)
    expect = ["Syria"] if changed == "terms.tsv" else ["Iraq"]
    assert [m.text for m in engine.mentions("Iraq and Syria.")] == expect


def test_damaged_entry_is_a_miss(rules: Path) -> None:
    iedsl.Engine.load(rules / "main.ie", cache=True)
    for entry in (rules.parent / "cache").glob("*.pickle"):
        entry.write_bytes(b"garbage")
    assert cache.load_cached(rules / "main.ie") is None
    assert [m.text for m in iedsl.Engine.load(rules / "main.ie", cache=True).mentions(
        "Iraq")] == ["Iraq"]


def test_a_failed_write_is_a_miss_and_leaves_no_file(rules: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A program that will not pickle (or a full disk) costs a recompile, not the load."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise TypeError("cannot pickle 'generator' object")

    monkeypatch.setattr(cache.pickle, "dump", refuse)
    engine = iedsl.Engine.load(rules / "main.ie", cache=True)
    assert [m.text for m in engine.mentions("Iraq.")] == ["Iraq"]
    assert list((rules.parent / "cache").iterdir()) == []


def test_loading_leaves_the_garbage_collector_as_it_was(rules: Path) -> None:
    import gc

    iedsl.Engine.load(rules / "main.ie", cache=True)
    assert gc.isenabled()
    assert iedsl.Engine.load(rules / "main.ie", cache=True).mentions("Iraq.")
    assert gc.isenabled()
    gc.disable()
    try:
        iedsl.Engine.load(rules / "main.ie", cache=True)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_equal_term_attributes_and_folds_are_one_object(tmp_path: Path) -> None:
    """Shared objects pickle once: a big case-sensitive term file stays cheap to load."""
    from iedsl.program import value_entries

    rows = "".join(f"Town{i}\tplace:t{i}\tkind=city;country=irq;case=exact\n"
                   for i in range(50))
    (tmp_path / "towns.tsv").write_text(rows, encoding="utf-8")
    (tmp_path / "towns.ie").write_text('lexicon T from "towns.tsv"\nentity PLACE = @T',
                                      encoding="utf-8")
    engine = iedsl.Engine.load(tmp_path / "towns.ie")
    entries = [e for _, v in engine.program.automaton.items() for e in value_entries(v)]
    assert len(entries) == 50
    assert len({id(e[2]) for e in entries}) == 1      # attrs
    assert len({id(e[4]) for e in entries}) == 1      # folds (all but case)
    assert engine.mentions("in Town7.")[0].attrs == (("kind", "city"), ("country", "irq"))
    assert not engine.mentions("in town7.")           # case=exact holds


def test_the_command_line_freezes_its_program_out_of_the_collectors_reach(
        rules: Path) -> None:
    """A command's program lives as long as the command: `gc.freeze` after loading keeps
    every later collection from scanning it again."""
    import gc

    from iedsl.cli_commands import load_engine

    try:
        engine = load_engine(str(rules / "main.ie"))
        assert gc.get_freeze_count() > 0
        assert [m.text for m in engine.mentions("Iraq.")] == ["Iraq"]
    finally:
        gc.unfreeze()
