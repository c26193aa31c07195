"""``python -m benchmarks``: run the sections, write the results, the report and the plot.

The one place where the stages of a benchmark run are chained: corpus and lexicons
are generated, each section measures in child processes, and the results become
``benchmarks/results/<name>.json``, ``docs/performance.md`` and
``docs/performance.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import corpus, machine, suites
from .lexicons import build_lexicons
from .measure import IDLE_LOAD, busy_cores, wait_idle
from .peers import METHODS
from .plot import plot_throughput
from .report import markdown, print_summary
from .targets import evaluate

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
DOC, PNG = REPO / "docs" / "performance.md", REPO / "docs" / "performance.png"
SECTIONS = ("lexicon", "pack", "gating", "cli", "parallel", "linearity")
FULL_SIZES = [1_000, 10_000, 100_000, 1_000_000]
QUICK_SIZES = [1_000, 100_000]


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(float(s.lower().replace("k", "e3").replace("m", "e6")))
                        for s in text.split(",") if s.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad size list {text!r} (e.g. 1000,10k,1M)") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="about two minutes: 1 MB corpus, 1k and 100k terms, smaller budgets; "
                   "writes results/quick.json and leaves docs/ alone unless --docs")
    p.add_argument("--sizes", type=_sizes, help="lexicon sizes, e.g. 1k,10k,100k,1M")
    p.add_argument("--corpus-mb", type=float, help="corpus size (default 10, quick 2)")
    p.add_argument("--repeats", type=int, help="passes per measurement, median reported "
                   "(default 3)")
    p.add_argument("--budget", type=float,
                   help="seconds per size for the regex alternations (default 20, quick 3)")
    p.add_argument("--spacy-1m", action="store_true",
                   help="also run spaCy's PhraseMatcher above 100k terms (~65 s, ~6 GB at 1M)")
    p.add_argument("--methods", help=f"comma-separated subset of {','.join(suites.SWEEP)}")
    p.add_argument("--sections", default=",".join(SECTIONS),
                   help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--merge", action="store_true",
                   help="keep the other sections of the existing results file (to re-run one)")
    p.add_argument("--name", help="results file name (default latest, quick with --quick)")
    p.add_argument("--docs", action=argparse.BooleanOptionalAction, default=None,
                   help="regenerate docs/performance.md and .png (default: yes unless --quick)")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                   help="first wait up to SECONDS until other work keeps fewer than "
                   f"{IDLE_LOAD} cores busy, and again before the wall-clock sections")
    p.add_argument("--report-only", action="store_true",
                   help="only regenerate the report and plot from the results file")
    p.add_argument("--workdir", type=Path,
                   default=Path(tempfile.gettempdir()) / "iedsl-bench",
                   help="where the corpus and lexicons are generated")
    args = p.parse_args(argv)
    bad = set(args.sections.split(",")) - set(SECTIONS)
    if bad:
        p.error(f"unknown section(s) {', '.join(sorted(bad))}")
    if args.methods and set(args.methods.split(",")) - set(METHODS):
        p.error(f"unknown method(s) in {args.methods}")
    return args


def make_config(args: argparse.Namespace) -> suites.Config:
    q = args.quick
    return suites.Config(
        sizes=args.sizes or (QUICK_SIZES if q else FULL_SIZES),
        corpus_mb=args.corpus_mb or (1.0 if q else 10.0),
        repeats=args.repeats or 3,
        budget=args.budget or (3.0 if q else 20.0),
        main_budget=10.0 if q else 90.0,
        linear_mb=[0.1, 1.0] if q else [1.0, 10.0, 30.0],
        parallel_docs=200,
        parallel_doc_chars=5_000 if q else 50_000,
        spacy_1m=args.spacy_1m,
        system_repeats=1 if q else (args.repeats or 3),
        gating_mb=0.5 if q else 2.0,
        workdir=args.workdir,
        wait_idle=args.wait_idle,
        quick=q,
        methods=args.methods.split(",") if args.methods else list(suites.SWEEP),
    )


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cfg: suites.Config, sections: list[str], previous: dict[str, Any]) -> dict[str, Any]:
    """Generate the inputs, run the chosen sections, return the results document."""
    t0 = time.perf_counter()
    results: dict[str, Any] = dict(previous)
    results.update(machine=machine.describe(), config=cfg.to_dict())
    sources = corpus.load_sources()
    docs = corpus.generate_documents(sources, int(cfg.corpus_mb * 1e6), cfg.seed)
    corpus_dir = corpus.write_documents(docs, cfg.workdir / "corpus")
    results["corpus"] = {"docs": len(docs), "mb": corpus.megabytes(docs),
                         "sentences": len(sources.sentences), "origins": list(sources.origins)}
    log(f"corpus: {len(docs)} documents, {results['corpus']['mb']:.1f} MB "
        f"({'; '.join(sources.origins)})")
    sizes = cfg.sizes if "lexicon" in sections else [min(cfg.sizes)]
    lexicons = build_lexicons(sizes, sources.sentences, cfg.seed, cfg.workdir / "lexicons")
    fallback = lexicons[min(lexicons)].rules
    log(f"lexicons: {', '.join(f'{s:,}' for s in sizes)} terms ({time.perf_counter() - t0:.0f} s)")
    busy: dict[str, list[float]] = results.setdefault("busy_cores", {})

    stamps: dict[str, str] = results.setdefault("measured_at", {})
    stamp = f"{results['machine']['commit']} {results['machine']['date']}"

    def section(name: str, measure: Callable[[], dict[str, Any]]) -> None:
        before = busy_cores()
        results[name] = measure()
        busy[name] = [before, busy_cores()]
        stamps[name] = stamp

    if "lexicon" in sections:
        section("lexicon", lambda: suites.lexicon_sweep(cfg, lexicons, corpus_dir, log))
        results["compile"] = suites.compile_suite(results["lexicon"])
    if "pack" in sections:
        tok = results["lexicon"].get("spacy_tokenizer") if "lexicon" in sections else None
        section("pack", lambda: suites.pack_suite(cfg, corpus_dir, tok, log))
    if "gating" in sections:
        gate_dir = suites.gating_corpus(cfg, docs)
        section("gating", lambda: suites.gating_suite(cfg, gate_dir, log))
    suites.fit_sizes(cfg, suites.pace(results))
    results["config"] = cfg.to_dict()
    if "cli" in sections:
        small = cfg.workdir / "small.txt"
        small.write_text(corpus.generate_text(sources, 3000, cfg.seed + 5), encoding="utf-8")
        section("cli", lambda: suites.cli_suite(cfg, small, fallback, log))
    if "parallel" in sections:
        folder = suites.parallel_folder(cfg, sources)
        section("parallel", lambda: suites.parallel_suite(cfg, folder, fallback, log))
    if "linearity" in sections:
        section("linearity", lambda: suites.linearity_suite(cfg, fallback, log))
    results["elapsed_s"] = time.perf_counter() - t0
    return results


def write_outputs(results: dict[str, Any], path: Path, docs: bool) -> None:
    verdicts = evaluate(results)
    results["targets"] = [v.to_dict() for v in verdicts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(print_summary(results, verdicts))
    log(f"\nresults: {path.relative_to(REPO)}")
    if docs:
        if "lexicon" in results:
            plot_throughput(results, PNG)
        DOC.write_text(markdown(results, verdicts, PNG.name), encoding="utf-8")
        log(f"report: {DOC.relative_to(REPO)}, {PNG.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    name = args.name or ("quick" if args.quick else "latest")
    path = RESULTS / f"{name}.json"
    docs = (not args.quick) if args.docs is None else args.docs
    if args.report_only:
        write_outputs(json.loads(path.read_text(encoding="utf-8")), path, docs=True)
        return 0
    previous: dict[str, Any] = {}
    if args.merge and path.is_file():
        previous = json.loads(path.read_text(encoding="utf-8"))
    cfg = make_config(args)
    wait_idle(args.wait_idle, log)
    results = run(cfg, args.sections.split(","), previous)
    write_outputs(results, path, docs)
    log(f"done in {results['elapsed_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
