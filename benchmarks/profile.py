"""``python -m benchmarks.profile``: where iedsl spends its time, on the benchmark's text.

Profiles one method (default: iedsl lexicon-only at 100k terms, and the bundled pack)
with cProfile over the benchmark corpus, and prints the top entries by cumulative
and by own time.  Profiling is how the engine work decides what to optimize next;
running it on exactly the text and lexicons the benchmark measures keeps the two
honest with each other.  Nothing here is timed for the report (cProfile slows
Python code two- to three-fold, unevenly).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

from . import corpus
from .lexicons import build_lexicons
from .peers import METHODS

SEED = 20240601


def profile_method(key: str, docs: list[str], tsv: Path, rules: Path, top: int) -> str:
    """cProfile of building once and running over every document; the stats as text."""
    method = METHODS[key]()
    t0 = time.perf_counter()
    method.build(tsv, rules)
    build = time.perf_counter() - t0
    method.run(docs[0][:2000])
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for doc in docs:
        method.run(doc)
    prof.disable()
    wall = time.perf_counter() - t0
    mb = corpus.megabytes(docs)
    out = io.StringIO()
    out.write(f"== {METHODS[key].label}: build {build:.2f} s; {mb:.1f} MB in {wall:.2f} s "
              f"under the profiler ({mb / wall:.2f} MB/s)\n")
    for order in ("cumulative", "tottime"):
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    p.add_argument("--methods", default="iedsl,iedsl_pack",
                   help="comma-separated methods to profile (default iedsl,iedsl_pack)")
    p.add_argument("--size", type=int, default=100_000, help="lexicon size (default 100000)")
    p.add_argument("--corpus-mb", type=float, default=2.0, help="text to profile on")
    p.add_argument("--top", type=int, default=30, help="entries per listing")
    p.add_argument("--workdir", type=Path,
                   default=Path(tempfile.gettempdir()) / "iedsl-bench-profile")
    args = p.parse_args(argv)
    sources = corpus.load_sources()
    docs = corpus.generate_documents(sources, int(args.corpus_mb * 1e6), SEED)
    lex = build_lexicons([args.size], sources.sentences, SEED, args.workdir)[args.size]
    for key in args.methods.split(","):
        print(profile_method(key, docs, lex.tsv, lex.rules, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
