"""One measurement in a fresh process: build a method, time it over the corpus.

Invoked by :func:`benchmarks.measure.run_child` as
``python -m benchmarks.worker '<json spec>'``; prints one JSON object on its last
line.  The spec names the method, the lexicon files, the corpus folder, the number
of repeats and the time budget.  Build time excludes importing the library (that is
start-up, measured separately for the CLI); peak RSS is read right after the build,
before the corpus is loaded, so it is the memory the matcher needed.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .corpus import generate_text, load_sources, read_documents
from .measure import median, peak_rss_mb, time_passes
from .peers import METHODS

SAMPLE_DOCS = 3


def _count(result: Any) -> int:
    if isinstance(result, int):
        return result
    try:
        return len(result)
    except TypeError:
        return 0


def chunks(docs: list[str], chars: int) -> list[str]:
    """The same text cut at paragraph breaks into pieces of at most ~``chars``.

    Used for the time-budgeted peers only: the budget is checked between pieces, and
    a 100 KB document costs a regex alternation over 100k terms minutes, not seconds.
    None of those peers carries state across paragraphs, so the work is the same.
    """
    out: list[str] = []
    for doc in docs:
        piece: list[str] = []
        size = 0
        for para in doc.split("\n\n"):
            if piece and size + len(para) > chars:
                out.append("\n\n".join(piece))
                piece, size = [], 0
            piece.append(para)
            size += len(para) + 2
        if piece:
            out.append("\n\n".join(piece))
    return out


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    method = METHODS[spec["method"]]()
    for name in method.imports:
        importlib.import_module(name)
    base_rss = peak_rss_mb()
    tsv = Path(spec["tsv"]) if spec.get("tsv") else Path()
    rules = Path(spec["rules"]) if spec.get("rules") else Path()
    t0, c0 = time.perf_counter(), time.process_time()
    method.build(tsv, rules)
    build_wall, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    out: dict[str, Any] = {"method": method.key, "status": "ok", "build_s": build_cpu,
                           "build_wall_s": build_wall, "base_rss_mb": base_rss,
                           "build_rss_mb": peak_rss_mb(), **getattr(method, "info", {})}
    if spec.get("build_only"):
        return out
    docs = read_documents(Path(spec["corpus"]))
    if spec.get("chunk_chars"):
        docs = chunks(docs, spec["chunk_chars"])
    sizes = [len(d.encode("utf-8")) / 1e6 for d in docs]
    total = sum(sizes)
    p = time_passes(method.run, docs, sizes, spec.get("repeats", 3), spec.get("budget", 1e9))
    out.update(mb=total, passes_cpu=p.cpu, passes_wall=p.wall, repeats=len(p.cpu))
    if p.complete:
        out.update(mbps=total / median(p.cpu), mbps_wall=total / median(p.wall))  # type: ignore[operator]
    else:
        done = p.partial_mb or 0.0
        out.update(status="partial", mbps=done / (p.partial_cpu or 1),
                   mbps_wall=done / (p.partial_wall or 1), partial_mb=done,
                   partial_s=p.partial_wall,
                   message=f"time budget spent after {done:.2f} of {total:.1f} MB")
    sample = docs[:SAMPLE_DOCS]
    if p.complete and sample:
        hits = sum(_count(method.run(d)) for d in sample)
        out["hits_per_mb"] = hits / sum(sizes[:SAMPLE_DOCS])
    out["peak_rss_mb"] = peak_rss_mb()
    out["loadavg"] = os.getloadavg()[0]
    return out


def measure_linearity(spec: dict[str, Any]) -> dict[str, Any]:
    """CPU seconds to process one document of each size (MB), median of the repeats.

    The documents are generated here, from the same sources and seed as the corpus,
    so a 30 MB string never has to cross a pipe or sit on disk.
    """
    method = METHODS[spec["method"]]()
    for name in method.imports:
        importlib.import_module(name)
    method.build(Path(), Path(spec["rules"]) if spec.get("rules") else Path())
    sources = load_sources()
    seconds: dict[str, float] = {}
    actual: dict[str, float] = {}
    wall: dict[str, float] = {}
    method.run(generate_text(sources, 20_000, spec["seed"]))   # warm-up
    for mb in spec["sizes_mb"]:
        doc = generate_text(sources, int(mb * 1e6), spec["seed"] + 3)
        actual[str(mb)] = len(doc.encode("utf-8")) / 1e6
        runs, walls = [], []
        for _ in range(spec.get("repeats", 3)):
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            method.run(doc)
            runs.append(time.process_time() - c0)
            walls.append(time.perf_counter() - t0)
        seconds[str(mb)] = median(runs)  # type: ignore[assignment]
        wall[str(mb)] = median(walls)  # type: ignore[assignment]
        del doc
    return {"method": method.key, "status": "ok", "seconds": seconds, "wall_seconds": wall,
            "mb": actual, "peak_rss_mb": peak_rss_mb(), "loadavg": os.getloadavg()[0]}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    try:
        result = measure_linearity(spec) if spec.get("mode") == "linearity" else measure(spec)
    except Exception as exc:
        traceback.print_exc()
        result = {"method": spec.get("method"), "status": "error",
                  "message": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
