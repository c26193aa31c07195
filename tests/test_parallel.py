"""Worker processes: ``-j N`` writes exactly what ``-j 1`` writes, in input order."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from iedsl import Engine
from iedsl.corpus import Document, open_corpus
from iedsl.parallel import ExtractTask, chunked, run_documents

RULES = Path(__file__).resolve().parent / "fixtures" / "cli" / "attack.ie"

SUBJECTS = ["US", "Iraq", "Syria", "Iran", "Kata'ib Hezbollah", "Iran-backed militias"]
VERBS = ["struck", "airstrikes on", "arrested", "detained", "strikes against", "met"]


@pytest.fixture(autouse=True)
def _private_rule_cache(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI caches compiled rules; a cache left by other code would test stale programs."""
    monkeypatch.setenv("IEDSL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "rule-cache"))


def generated_corpus(root: Path, n: int = 40, seed: int = 7) -> Path:
    """``n`` documents of varied length and content (some with no event, one empty)."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    for i in range(n):
        sentences = []
        for _ in range(rng.randint(0, 30)):
            a, b = rng.sample(SUBJECTS, 2)
            sentences.append(f"{a} {rng.choice(VERBS)} {b} in {rng.choice(SUBJECTS[:4])}.")
        (root / f"doc{i:03d}.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
    (root / "doc999.txt").write_bytes(b"\xff broken \xfe")
    return root


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "iedsl", *args], capture_output=True,
                          timeout=300)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_jobs_2_output_is_byte_identical(tmp_path: Path, fmt: str) -> None:
    corpus = generated_corpus(tmp_path / "corpus")
    one = run("extract", str(corpus), "--rules", str(RULES), "-f", fmt, "-j", "1")
    two = run("extract", str(corpus), "--rules", str(RULES), "-f", fmt, "-j", "2")
    assert one.returncode == two.returncode == 1          # doc999 cannot be decoded
    assert one.stdout == two.stdout
    assert one.stdout.count(b"doc999") >= 1
    if fmt == "jsonl":
        docs = [line.split(b'"', 4)[3] for line in one.stdout.splitlines()]
        assert docs == sorted(docs) and len(docs) == 41


def test_run_documents_keeps_input_order_across_chunks(tmp_path: Path) -> None:
    corpus = generated_corpus(tmp_path / "corpus", n=60, seed=3)
    engine = Engine.load(RULES)
    docs = list(open_corpus([str(corpus)]).documents())
    task = ExtractTask()
    serial = [o.record for o in run_documents(engine, docs, task, jobs=1)]
    parallel = [o.record for o in run_documents(engine, docs, task, jobs=3)]
    assert parallel == serial
    assert [r["doc"] for r in serial] == [d.id for d in docs]


def test_stopping_early_does_not_hang(tmp_path: Path) -> None:
    corpus = generated_corpus(tmp_path / "corpus", n=200, seed=5)
    engine = Engine.load(RULES)
    outcomes = run_documents(engine, open_corpus([str(corpus)]).documents(), ExtractTask(),
                             jobs=2)
    first = next(outcomes)
    assert first.doc == "doc000"
    outcomes.close()                                      # shuts the pool down


def test_chunks_are_bounded_by_count_and_size() -> None:
    docs = [Document(f"d{i}", data="x", size=100) for i in range(40)]
    assert [len(c) for c in chunked(docs, max_docs=16)] == [16, 16, 8]
    assert [len(c) for c in chunked(docs, max_docs=100, max_bytes=1000)] == [10, 10, 10, 10]
    assert [d.id for c in chunked(docs) for d in c] == [d.id for d in docs]
