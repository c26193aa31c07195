import sys
from pathlib import Path

import pytest

# tests/rulegen.py is a helper module shared by several test files.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _private_rule_cache(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets the session's own compiled-rule cache (the CLI caches by
    default): nothing is written to the user's cache, nothing stale is read from it."""
    monkeypatch.setenv("IEDSL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "rule-cache"))
