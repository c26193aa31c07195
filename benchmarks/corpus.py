"""A news-like benchmark corpus, generated locally and deterministically.

There is no public news corpus we may download at run time, so the text is rebuilt
from what the repository already has: the seed articles (``seeds/*.txt``) and, when
the shared development data sits beside the clone, the 201 RAMS news windows.  Their
sentences are reshuffled with a fixed seed into paragraphs and ~100 KB documents.
Sentence-level shuffling keeps the statistics that matter for matching speed (word
lengths, capitalised names, punctuation, hit density of real lexicons) while making
text of any size; the fixed seed makes every run scan the same bytes.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Documents are cut at about this many characters, like a long news page.
DOC_CHARS = 100_000

# A sentence ends at . ! ? (optionally followed by a closing quote) before whitespace,
# or at a line break; good enough to reshuffle news text without mangling names.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+|\n+")


@dataclass(frozen=True, slots=True)
class Sources:
    """The sentences the corpus is built from, and where they came from."""

    sentences: tuple[str, ...]
    origins: tuple[str, ...]   # human-readable, for the report
    chars: int


def rams_path() -> Path | None:
    """The RAMS windows: ``$IEDSL_BENCH_RAMS``, else ``../shared/devdata`` beside the clone.

    CI checks the repository out next to ``shared/``; a bare clone elsewhere simply
    builds its corpus from the seeds alone (the report says so).
    """
    env = os.environ.get("IEDSL_BENCH_RAMS")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "devdata" / "rams.jsonl",
                   Path("/work/shared/devdata/rams.jsonl")]
    return next((p for p in candidates if p.is_file()), None)


def split_sentences(text: str) -> list[str]:
    """Rough sentence split; keeps only pieces that look like prose (≥ 3 words)."""
    pieces = (p.strip() for p in _SENTENCE_END.split(text))
    return [p for p in pieces if p and len(p.split()) >= 3]


def load_sources(seeds_dir: Path = REPO / "seeds") -> Sources:
    """Every usable sentence of the seeds and (when present) the RAMS windows."""
    sentences: list[str] = []
    origins: list[str] = []
    seed_files = sorted(seeds_dir.glob("*.txt"))
    for path in seed_files:
        sentences += split_sentences(path.read_text(encoding="utf-8"))
    origins.append(f"{len(seed_files)} seed articles ({seeds_dir.name}/*.txt)")
    rams = rams_path()
    if rams is not None:
        n = 0
        with rams.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    sentences += split_sentences(json.loads(line)["text"])
                    n += 1
        origins.append(f"{n} RAMS news windows ({rams.name}, CC BY-SA 4.0)")
    else:
        origins.append("RAMS windows not found (seeds only)")
    if not sentences:
        raise SystemExit(f"no sentences found under {seeds_dir}")
    return Sources(tuple(sentences), tuple(origins), sum(map(len, sentences)))


def generate_text(sources: Sources, chars: int, seed: int) -> str:
    """About ``chars`` characters of shuffled sentences in paragraphs of 2–6 sentences."""
    rng = random.Random(seed)
    pool = list(sources.sentences)
    parts: list[str] = []
    size = 0
    while size < chars:
        rng.shuffle(pool)
        i = 0
        while i < len(pool) and size < chars:
            k = rng.randint(2, 6)
            para = " ".join(pool[i:i + k])
            parts.append(para)
            size += len(para) + 2
            i += k
    return "\n\n".join(parts)


def generate_documents(sources: Sources, total_chars: int, seed: int,
                       doc_chars: int = DOC_CHARS) -> list[str]:
    """Documents of about ``doc_chars`` characters each, ``total_chars`` in all."""
    n = max(1, round(total_chars / doc_chars))
    return [generate_text(sources, doc_chars, seed * 1_000_003 + i) for i in range(n)]


def write_documents(docs: Sequence[str], directory: Path) -> Path:
    """One ``docNNNN.txt`` per document (UTF-8), so the CLI can read the folder too."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("doc*.txt"):
        old.unlink()
    for i, doc in enumerate(docs):
        (directory / f"doc{i:05d}.txt").write_text(doc, encoding="utf-8")
    return directory


def read_documents(directory: Path) -> list[str]:
    """The documents written by :func:`write_documents`, in order."""
    return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("doc*.txt"))]


def megabytes(docs: Sequence[str]) -> float:
    """Size in MB (10**6 bytes of UTF-8): the unit of every MB/s in the report."""
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6
