"""Documentation cannot drift: every `ie` block parses and checks, every module that
ARCHITECTURE.md names exists, and the README's Python example runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import iedsl
from iedsl.examples import run_examples

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [(p.name, i, block) for p in DOCS if p.exists()
          for i, block in enumerate(re.findall(r"```ie\n(.*?)```", p.read_text("utf-8"), re.S))]


@pytest.mark.parametrize(("doc", "index", "block"), BLOCKS,
                         ids=[f"{d}-{i}" for d, i, _ in BLOCKS])
def test_every_ie_block_compiles_and_its_examples_pass(doc: str, index: int, block: str) -> None:
    engine = iedsl.Engine.from_string(block, name=f"{doc}#{index}")
    failures = [r for r in run_examples(engine) if not r.passed]
    assert not failures, [(r.example.where, r.message, r.got) for r in failures]


def test_there_are_ie_blocks() -> None:
    assert len(BLOCKS) >= 3


def test_architecture_names_existing_modules() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    modules = set(re.findall(r"`(iedsl/[a-z_]+\.py)`", text))
    assert len(modules) >= 15
    missing = [m for m in sorted(modules) if not (ROOT / m).exists()]
    assert not missing


def test_readme_python_example_runs() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block
    if not (iedsl.bundled_rules() / "conflict.ie").exists():
        pytest.skip("the bundled rule pack is not there yet")
    exec(compile(block.group(1), "README.md", "exec"), {})
