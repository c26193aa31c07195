"""The sections of a benchmark run, each returning a JSON-ready dict.

Sections run one after another, never concurrently: the machine has two cores and
a measurement that shares them with another measures nothing.  Each section says
what it skipped and why, so a partial run still produces an honest report.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import corpus
from .lexicons import Lexicon
from .measure import REPO, Timed, bench_env, median, run_child, time_command, wait_idle
from .pack import pack_dir, pack_ready
from .peers import METHODS

#: Methods of the lexicon sweep, in table order.
SWEEP = ("iedsl", "ac_raw", "ac_long", "ac_filter", "flashtext", "spacy_phrase",
         "re_alt", "regex_alt")
#: Peers that degrade catastrophically with lexicon size: run under a time budget.
BUDGETED = ("re_alt", "regex_alt")
#: A budgeted peer that got through less than this share of the corpus within its
#: budget is not run at larger sizes (it would only get slower).
GIVE_UP_FRACTION = 0.25
FLASHTEXT_LIMIT_S, FLASHTEXT_LIMIT_MB = 60.0, 4000.0
SPACY_DEFAULT_MAX = 100_000
#: A wall-clock run counts as quiet if other work kept less than this many cores busy.
QUIET_CORES = 0.25


@dataclass(slots=True)
class Config:
    """Everything a run depends on; stored in the results so a run can be repeated."""

    sizes: list[int]
    corpus_mb: float
    repeats: int
    budget: float             # seconds per budgeted peer per size
    main_budget: float        # seconds of passes per method per size before cutting repeats
    linear_mb: list[float]
    parallel_docs: int
    parallel_doc_chars: int
    spacy_1m: bool
    workdir: Path
    system_repeats: int = 3   # repeats of the end-to-end CLI runs and the big documents
    gating_mb: float = 2.0    # text for the trigger-gating comparison
    wait_idle: float = 0.0    # seconds to wait for a quiet machine before wall-clock sections
    seed: int = 20240601
    quick: bool = False
    methods: list[str] = field(default_factory=lambda: list(SWEEP))

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v)
                for k, v in ((k, getattr(self, k)) for k in self.__slots__)}


Log = Callable[[str], None]


def _log_child(log: Log, what: str, res: dict[str, Any]) -> None:
    if res.get("mbps") is not None:
        extra = f"{res['mbps']:8.2f} MB/s"
    else:
        extra = f"{res.get('status')}: {res.get('message', '')}"
    build = f"build {res['build_s']:.2f} s" if res.get("build_s") is not None else ""
    log(f"  {what:<44} {extra}  {build}")


def _child(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    res = run_child(spec, timeout)
    data = dict(res.data)
    data.setdefault("method", spec.get("method"))
    data["status"] = res.status if res.status != "ok" else data.get("status", "ok")
    if res.message and "message" not in data:
        data["message"] = res.message
    data["wall_s"] = res.wall
    return data


# ------------------------------------------------------------------ lexicon sweep
def lexicon_sweep(cfg: Config, lexicons: dict[int, Lexicon], corpus_dir: Path,
                  log: Log) -> dict[str, Any]:
    """Every method at every lexicon size, same corpus; plus the spaCy tokenizer alone."""
    results: dict[str, dict[str, Any]] = {m: {} for m in cfg.methods}
    given_up: dict[str, str] = {}
    for size in sorted(lexicons):
        lex = lexicons[size]
        log(f"lexicon {size:,} terms ({lex.real} real)")
        for key in cfg.methods:
            res = _sweep_one(cfg, key, lex, corpus_dir, results[key], given_up)
            results[key][str(size)] = res
            _log_child(log, METHODS[key].label, res)
    log("spaCy tokenizer alone")
    tok = _child(_spec(cfg, "spacy_tok", None, corpus_dir), 1800)
    _log_child(log, METHODS["spacy_tok"].label, tok)
    return {"results": results, "spacy_tokenizer": tok,
            "real_terms": {str(s): lex.real for s, lex in lexicons.items()},
            "labels": {k: METHODS[k].label for k in (*cfg.methods, "spacy_tok")}}


#: Budgeted peers check their budget between pieces of at most this many characters.
BUDGET_CHUNK_CHARS = 10_000


def _spec(cfg: Config, key: str, lex: Lexicon | None, corpus_dir: Path,
          budget: float | None = None) -> dict[str, Any]:
    return {"method": key, "tsv": str(lex.tsv) if lex else None,
            "rules": str(lex.rules) if lex else None, "corpus": str(corpus_dir),
            "repeats": cfg.repeats, "budget": budget or cfg.main_budget,
            "chunk_chars": BUDGET_CHUNK_CHARS if budget else None}


def _sweep_one(cfg: Config, key: str, lex: Lexicon, corpus_dir: Path,
               done: dict[str, Any], given_up: dict[str, str]) -> dict[str, Any]:
    size = lex.size
    if key in given_up:
        return {"status": "skipped", "message": given_up[key]}
    if key == "spacy_phrase" and size > SPACY_DEFAULT_MAX and not cfg.spacy_1m:
        return {"status": "skipped", "message": "PhraseMatcher above 100k terms takes ~65 s "
                "and ~6 GB to build at 1M; run with --spacy-1m"}
    if key == "flashtext" and size > SPACY_DEFAULT_MAX:
        est = _extrapolate(done, size)
        if est and (est[0] > FLASHTEXT_LIMIT_S or est[1] > FLASHTEXT_LIMIT_MB):
            return {"status": "skipped", "estimate_build_s": est[0],
                    "estimate_rss_mb": est[1], "message": f"build extrapolated from a "
                    f"smaller lexicon: {est[0]:.0f} s, {est[1]:.0f} MB (limits "
                    f"{FLASHTEXT_LIMIT_S:.0f} s, {FLASHTEXT_LIMIT_MB:.0f} MB)"}
    if key in BUDGETED:
        res = _child(_spec(cfg, key, lex, corpus_dir, cfg.budget), 90 + 3 * cfg.budget)
        share = (res.get("partial_mb") or 0.0) / (res.get("mb") or 1.0)
        if res["status"] in ("timeout", "error") or (res["status"] == "partial"
                                                     and share < GIVE_UP_FRACTION):
            given_up[key] = f"{res['status']} at {size:,} terms"
        return res
    return _child(_spec(cfg, key, lex, corpus_dir), 3600)


def _extrapolate(done: dict[str, Any], size: int) -> tuple[float, float] | None:
    """Linear extrapolation of build seconds and build memory from the largest size run."""
    ok = [(int(s), r) for s, r in done.items() if r.get("build_s") is not None]
    if not ok:
        return None
    base, r = max(ok)
    k = size / base
    mem = r["base_rss_mb"] + (r["build_rss_mb"] - r["base_rss_mb"]) * k
    return r["build_s"] * k, mem


# ------------------------------------------------------------------ rule pack
def pack_suite(cfg: Config, corpus_dir: Path, spacy_tok: dict[str, Any] | None,
               log: Log) -> dict[str, Any]:
    """Full extraction with the bundled pack vs spaCy doing the matching part of it.

    ``spacy_tok`` is the sweep's measurement of the tokenizer alone on the same corpus;
    when the sweep did not run, it is measured here, so the ratio is always in-run.
    """
    if not pack_ready():
        return {"status": "skipped",
                "message": f"the bundled pack ({pack_dir() / 'conflict.ie'}) does not exist yet"}
    log("bundled rule pack")
    if spacy_tok is None:
        spacy_tok = _child(_spec(cfg, "spacy_tok", None, corpus_dir), 1800)
        _log_child(log, METHODS["spacy_tok"].label, spacy_tok)
    out: dict[str, Any] = {"status": "ok", "spacy_tokenizer": spacy_tok}
    for key in ("iedsl_pack", "spacy_pack"):
        res = _child(_spec(cfg, key, None, corpus_dir), 3600)
        out[key] = res
        _log_child(log, METHODS[key].label, res)
    return out


# ------------------------------------------------------------------ compile
def compile_suite(sweep: dict[str, Any]) -> dict[str, Any]:
    """iedsl's compile of the biggest lexicon vs pyahocorasick's build of the same terms.

    Taken from the sweep's children (each built its matcher in a fresh process with
    an empty rule cache), so the compile is measured exactly once per method.
    """
    iedsl, raw = sweep["results"].get("iedsl", {}), sweep["results"].get("ac_raw", {})
    sizes = [int(s) for s in iedsl if iedsl[s].get("build_s") is not None
             and raw.get(s, {}).get("build_s") is not None]
    if not sizes:
        return {"status": "skipped", "message": "no lexicon size built by both"}
    rows = {}
    for size in sorted(sizes):
        a, b = iedsl[str(size)], raw[str(size)]
        rows[str(size)] = {
            "iedsl_s": a["build_s"], "iedsl_rss_mb": a["build_rss_mb"],
            "ac_s": b["build_s"], "ac_rss_mb": b["build_rss_mb"],
            "ratio": a["build_s"] / b["build_s"] if b["build_s"] else None}
    return {"status": "ok", "size": max(sizes), "rows": rows}


# ------------------------------------------------------------------ CLI start-up
def _iedsl_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("iedsl")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "iedsl"]


def cli_suite(cfg: Config, small_doc: Path, fallback_rules: Path, log: Log) -> dict[str, Any]:
    """Wall time of ``iedsl extract small.txt``: cold (empty cache), then warm runs."""
    log("CLI start-up")
    rules = [] if pack_ready() else ["--rules", str(fallback_rules)]
    cache = Path(tempfile.mkdtemp(prefix="iedsl-bench-cli-"))
    env = bench_env(cache)
    cmd = [*_iedsl_cmd(), "extract", str(small_doc), *rules]
    wait_idle(cfg.wait_idle, log)
    cold = time_command(cmd, env=env)
    if cold.code not in (0, 1):
        return {"status": "error", "message": f"exit {cold.code}: {cold.err}", "command": cmd}
    warm = [time_command(cmd, env=env) for _ in range(max(3, cfg.repeats))]
    py_start = [time_command([sys.executable, "-c", "pass"]).wall for _ in range(3)]
    imp = [time_command([sys.executable, "-c", "import iedsl.cli"], env=env).wall
           for _ in range(3)]
    shutil.rmtree(cache, ignore_errors=True)
    warm_s = median([w.wall for w in warm]) or 0.0
    out = {"status": "ok", "rules": "bundled pack" if not rules else str(fallback_rules),
           "cold_s": cold.wall, "cold_rss_mb": cold.rss_mb, "warm_s": warm_s,
           "warm_rss_mb": median([w.rss_mb for w in warm]), "python_s": median(py_start),
           "import_s": median(imp), "cache_effect": cold.wall / warm_s if warm_s else None,
           "others_cores": max([cold.others, *(w.others for w in warm)])}
    log(f"  cold {cold.wall:.2f} s, warm {warm_s:.2f} s (python alone {out['python_s']:.2f} s,"
        f" import iedsl.cli {out['import_s']:.2f} s)")
    return out


# ------------------------------------------------------------------ parallel
def parallel_suite(cfg: Config, folder: Path, fallback_rules: Path, log: Log) -> dict[str, Any]:
    """``iedsl extract FOLDER -j 1`` vs ``-j 2`` end to end, with a warm rule cache."""
    log(f"parallel: {cfg.parallel_docs} documents")
    rules = [] if pack_ready() else ["--rules", str(fallback_rules)]
    cache = Path(tempfile.mkdtemp(prefix="iedsl-bench-par-"))
    env = bench_env(cache)
    docs = corpus.read_documents(folder)
    mb = corpus.megabytes(docs)
    base = [*_iedsl_cmd(), "extract", str(folder), *rules, "-o", str(cache / "out.jsonl")]
    first = time_command([*base, "-j", "1"], env=env)   # warms the cache
    if first.code not in (0, 1):
        return {"status": "error", "message": f"exit {first.code}: {first.err}"}
    out: dict[str, Any] = {"status": "ok", "docs": len(docs), "mb": mb,
                           "rules": "bundled pack" if not rules else str(fallback_rules)}
    runs: dict[int, list[Timed]] = {1: [], 2: []}
    for _ in range(cfg.system_repeats):   # interleaved, so a busy spell hits both alike
        for jobs in (1, 2):
            wait_idle(min(cfg.wait_idle, 20.0), log)
            runs[jobs].append(time_command([*base, "-j", str(jobs)], env=env))
    for jobs in (1, 2):
        # Runs during which other work kept a core busy measure the other work.
        quiet = [r.wall for r in runs[jobs] if r.others < QUIET_CORES]
        out[f"j{jobs}_s"] = median(quiet or [r.wall for r in runs[jobs]])
        out[f"j{jobs}_mbps"] = mb / out[f"j{jobs}_s"]
        out[f"j{jobs}_runs"] = [r.wall for r in runs[jobs]]
        out[f"j{jobs}_others"] = [r.others for r in runs[jobs]]
        out[f"j{jobs}_cpu"] = [r.cpu for r in runs[jobs]]
        out[f"j{jobs}_quiet_runs"] = len(quiet)
        log(f"  -j {jobs}: {out[f'j{jobs}_s']:.2f} s, {out[f'j{jobs}_mbps']:.2f} MB/s "
            f"({len(quiet)} of {len(runs[jobs])} runs on a quiet machine)")
    out["speedup"] = out["j1_s"] / out["j2_s"]
    shutil.rmtree(cache, ignore_errors=True)
    return out


# ------------------------------------------------------------------ linearity
def linearity_suite(cfg: Config, fallback_rules: Path, log: Log) -> dict[str, Any]:
    """Seconds for one document of each size in ``cfg.linear_mb``, in one child."""
    log(f"linearity: one document of {', '.join(f'{m:g}' for m in cfg.linear_mb)} MB")
    method = "iedsl_pack" if pack_ready() else "iedsl"
    spec = {"mode": "linearity", "method": method, "rules": str(fallback_rules),
            "tsv": None, "sizes_mb": cfg.linear_mb, "repeats": cfg.system_repeats,
            "seed": cfg.seed}
    res = _child(spec, 3600)
    if res.get("status") != "ok":
        return res
    secs, mb = res["seconds"], res["mb"]
    keys = [str(m) for m in cfg.linear_mb]
    per_mb = {k: secs[k] / mb[k] for k in keys}
    res["ratio"] = per_mb[keys[-1]] / per_mb[keys[0]]
    res["per_mb_s"] = per_mb
    for k in keys:
        log(f"  {mb[k]:.1f} MB: {secs[k]:.2f} s ({mb[k] / secs[k]:.2f} MB/s)")
    return res


# ------------------------------------------------------------------ trigger gating
#: Never-firing event rules added to the pack for the gating comparison.
GATING_RULES = 200


def gating_suite(cfg: Config, corpus_dir: Path, log: Log) -> dict[str, Any]:
    """The pack alone vs the pack plus event rules whose triggers never occur.

    Trigger-first evaluation means a rule whose trigger is absent from a sentence
    costs nothing there; if cost grew with such rules, big rule sets would be slow
    however rarely they fire.  The pack is copied into the work folder so that the
    extra file can ``include`` it (includes must stay under the rules directory).
    """
    if not pack_ready():
        return {"status": "skipped", "message": "the bundled pack does not exist yet"}
    log(f"trigger gating: the pack vs the pack + {GATING_RULES} rules that cannot fire")
    root = cfg.workdir / "gating"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(pack_dir(), root)
    extra = ['include "conflict.ie"', ""]
    for i in range(GATING_RULES):
        extra += [f"rule never_{i} for ATTACK {{", f'  trigger = "zqxv{i}" | "zqxw{i} strikes"',
                  "  place = PLACE after trigger within 5", "}", ""]
    (root / "gated.ie").write_text("\n".join(extra), encoding="utf-8")
    out: dict[str, Any] = {"status": "ok", "extra_rules": GATING_RULES}
    for name, entry in (("pack", root / "conflict.ie"), ("gated", root / "gated.ie")):
        spec = {"method": "iedsl_rules", "tsv": None, "rules": str(entry),
                "corpus": str(corpus_dir), "repeats": cfg.repeats, "budget": cfg.main_budget}
        res = _child(spec, 3600)
        out[name] = res
        _log_child(log, f"{name} ({entry.name})", res)
    a, b = out["pack"].get("mbps"), out["gated"].get("mbps")
    out["ratio"] = a / b if a and b else None
    return out


def gating_corpus(cfg: Config, docs: list[str]) -> Path:
    """The first ~``cfg.gating_mb`` MB of the corpus: enough for a ratio, and quick."""
    n = max(1, round(cfg.gating_mb * 1e6 / corpus.DOC_CHARS))
    return corpus.write_documents(docs[:n], cfg.workdir / "corpus_gating")


def pace(results: dict[str, Any]) -> float | None:
    """iedsl's full-extraction rate (MB/s) measured so far, to size the slow sections.

    The end-to-end sections (parallel, linearity) run the pack over many megabytes;
    while the pack is slow, fixed sizes would blow the time limit of a run.  They are
    sized from the pack's measured rate instead, and the report gives the sizes used.
    """
    for r in (results.get("pack", {}).get("iedsl_pack", {}),
              results.get("gating", {}).get("pack", {})):
        if r.get("mbps"):
            return float(r["mbps"])
    return None


def fit_sizes(cfg: Config, rate: float | None) -> None:
    """Shrink the linearity documents and the parallel folder to fit ``rate``."""
    if rate is None:
        return
    seconds = 5.0 if cfg.quick else 15.0
    big = min(max(cfg.linear_mb), max(0.5, round(rate * seconds, 1)))
    if big < max(cfg.linear_mb):
        cfg.linear_mb = [round(big / 10, 2), big]
    folder_mb = min(cfg.parallel_docs * cfg.parallel_doc_chars / 1e6,
                    max(0.5, rate * (4.0 if cfg.quick else 20.0)))
    cfg.parallel_doc_chars = max(1000, int(folder_mb * 1e6 / cfg.parallel_docs))


def parallel_folder(cfg: Config, sources: corpus.Sources) -> Path:
    """The ~200-document folder for the ``-j`` comparison (smaller docs than the corpus)."""
    docs = corpus.generate_documents(sources, cfg.parallel_docs * cfg.parallel_doc_chars,
                                     cfg.seed + 2, doc_chars=cfg.parallel_doc_chars)
    return corpus.write_documents(docs, cfg.workdir / "parallel")


def repo_relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)
