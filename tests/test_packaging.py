"""The installed package works from any directory: grammar and rule pack ship inside."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_b6dab5eb842bb83d.txt"


def test_console_script_runs_the_bundled_pack_from_elsewhere(tmp_path: Path) -> None:
    exe = shutil.which("iedsl") or str(Path(sys.executable).parent / "iedsl")
    if not Path(exe).exists():
        pytest.skip("the iedsl console script is not installed in this environment")
    env = {"IEDSL_CACHE_DIR": str(tmp_path / "cache"), "PATH": str(Path(exe).parent)}
    out = subprocess.run([exe, "extract", str(SEED)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    record = json.loads(out.stdout)
    assert record["doc"] == SEED.stem and record["events"]


def test_grammar_and_rules_are_found() -> None:
    import iedsl
    from iedsl.parse import grammar_text

    assert "lexicon_decl" in grammar_text()
    assert (iedsl.bundled_rules() / "conflict.ie").is_file()
