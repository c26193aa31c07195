"""Turning a run's results into a table on stdout and ``docs/performance.md``.

The Markdown file is generated, never edited by hand: it is rewritten from
``benchmarks/results/latest.json`` by every full run (or ``python -m benchmarks
--report-only``), so the prose around the numbers lives here, next to the code that
knows what the numbers mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .targets import Verdict


def _size(n: int | str) -> str:
    n = int(n)
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def cell(res: dict[str, Any] | None) -> str:
    """One throughput cell: the MB/s, or why there is none."""
    if not res:
        return "–"
    st = res.get("status")
    if st == "ok" and res.get("mbps") is not None:
        return f"{res['mbps']:.2f}"
    if st == "partial":
        return f"{res['mbps']:.3f}*"
    return {"timeout": "timeout", "skipped": "skipped", "error": "error"}.get(str(st), str(st))


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub Markdown table (also readable as plain text)."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Aligned columns for a terminal."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return [fmt.format(*header), fmt.format(*("-" * w for w in widths)),
            *(fmt.format(*r) for r in rows)]


def _throughput_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    lex = results["lexicon"]
    sizes = sorted({int(s) for r in lex["results"].values() for s in r})
    header = ["method", *(f"{_size(s)} terms" for s in sizes)]
    rows = [[lex["labels"].get(k, k), *(cell(by.get(str(s))) for s in sizes)]
            for k, by in lex["results"].items()]
    tok = lex.get("spacy_tokenizer")
    if tok:
        rows.append([lex["labels"].get("spacy_tok", "spaCy tokenizer"), cell(tok),
                     *("″" for _ in sizes[1:])])
    return header, rows


def _build_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    lex = results["lexicon"]
    sizes = sorted({int(s) for r in lex["results"].values() for s in r})
    header = ["method", *(f"{_size(s)}: s / MB" for s in sizes)]
    rows = []
    for key, by in lex["results"].items():
        cells = []
        for s in sizes:
            r = by.get(str(s), {})
            if r.get("build_s") is not None:
                cells.append(f"{r['build_s']:.2f} / {r['build_rss_mb']:.0f}")
            elif r.get("estimate_build_s") is not None:
                cells.append(f"~{r['estimate_build_s']:.0f} / ~{r['estimate_rss_mb']:.0f} (est.)")
            else:
                cells.append(cell(r))
        rows.append([lex["labels"].get(key, key), *cells])
    return header, rows


def verdict_rows(verdicts: Sequence[Verdict]) -> list[list[str]]:
    return [[v.name, v.target, v.measured, f"**{v.status}**" if v.ok is False else v.status]
            for v in verdicts]


def print_summary(results: dict[str, Any], verdicts: Sequence[Verdict]) -> str:
    """The readable stdout summary of a run."""
    lines = ["", "Throughput, MB/s (* = time budget ran out; rate over the part done)"]
    if "lexicon" in results:
        header, rows = _throughput_rows(results)
        lines += plain_table(header, rows)
    pack = results.get("pack", {})
    if pack.get("status") == "ok":
        lines += ["", "Bundled rule pack, MB/s"]
        lines += plain_table(["method", "MB/s"], [
            [pack["iedsl_pack"].get("method", "iedsl_pack"), cell(pack["iedsl_pack"])],
            ["spacy_pack", cell(pack.get("spacy_pack"))],
            ["spacy_tok", cell(pack.get("spacy_tokenizer"))]])
    elif pack:
        lines += ["", f"Bundled rule pack: {pack.get('message')}"]
    lines += ["", "Targets of issue 5"]
    lines += plain_table(["target", "goal", "measured", "status"],
                         [[v.name, v.target, v.measured, v.status] for v in verdicts])
    return "\n".join(lines)


def _native_line(m: dict[str, Any]) -> list[str]:
    if "iedsl_native" not in m:
        return []
    if m["iedsl_native"]:
        return ["- iedsl's optional C loops (`iedsl/_speedups.c`) built and in use"]
    return ["- iedsl's optional C loops **not** in use (pure Python: no compiler at "
            "install, or `IEDSL_PURE_PYTHON=1`)"]


def markdown(results: dict[str, Any], verdicts: Sequence[Verdict], png: str) -> str:
    """The whole of ``docs/performance.md``."""
    m, cfg, cor = results["machine"], results["config"], results["corpus"]
    pk = m["packages"]
    out = [
        "# Performance",
        "",
        "<!-- Generated by `python -m benchmarks` from benchmarks/results/latest.json;"
        " edit benchmarks/report.py, not this file. -->",
        "",
        f"Measured on {m['date']} at commit `{m['commit']}`{_rerun_note(results)}"
        + (" (engine files modified in the working tree)" if m.get("engine_tree_dirty") else "")
        + ("; **quick run** (small corpus, fewer sizes): rerun `python -m benchmarks` for "
           "the real figures" if cfg.get("quick") else "")
        + ". Every figure is the median of "
        f"{cfg['repeats']} passes over the same text in the same run; MB means 10⁶ bytes of "
        "UTF-8. Rates are computed from the CPU time (user + system) of the measuring "
        "process, which equals wall time on an idle machine and stays honest when other "
        "work shares the two cores (wall-clock rates are in the JSON too); the CLI, "
        "parallel and start-up figures are wall time, as a user sees them. Targets come "
        "from issue 5 and are ratios where the issue gives ratios, so they hold on any "
        "machine.",
        "",
        "## Targets",
        "",
        *table(["target", "goal", "measured", "status"], verdict_rows(verdicts)),
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable)",
        f"- RAM: {m['ram_gib']:.0f} GiB; {m['os']}" if m.get("ram_gib") else f"- {m['os']}",
        f"- {m['python']}; " + ", ".join(f"{k} {v}" for k, v in pk.items() if v),
        *_native_line(m),
        *_load_line(results),
        "",
        "Where the time goes, what was done about it and what is left: "
        "[performance-notes.md](performance-notes.md).",
        "",
        "## How to reproduce",
        "",
        "```sh",
        "pip install -e '.[bench]'",
        "python -m benchmarks                 # full run, 10-20 minutes",
        "python -m benchmarks --quick         # two-minute smoke run (results/quick.json)",
        "python -m benchmarks --sizes 1k,100k --spacy-1m       # choose sizes; spaCy above 100k",
        "python -m benchmarks --sections pack,gating --merge   # re-run sections into latest.json",
        "python -m benchmarks --wait-idle 300 # wait for a quiet machine first",
        "python -m benchmarks.profile         # cProfile of iedsl on the same text",
        "```",
        "",
        "Each measurement runs in a fresh child process (`benchmarks/worker.py`), so one",
        "method's automaton never shares caches or heap with another's, and its peak RSS is",
        "its own. Raw results, including every pass, are in",
        "[`benchmarks/results/latest.json`](../benchmarks/results/latest.json).",
        "",
        "## Corpus and lexicons",
        "",
        f"The corpus is generated locally, without downloads: {cor['sentences']:,} sentences "
        f"from {'; '.join(cor['origins'])}, reshuffled with a fixed seed into paragraphs and "
        f"{cor['docs']} documents of about 100 KB, {cor['mb']:.1f} MB in all. Every method "
        "scans exactly these documents.",
        "",
        "Lexicons are generated too (`benchmarks/lexicons.py`): invented multiword names "
        "(\"Karo Velinstad\"), a fifth of them containing one real capitalised word of the "
        "corpus so that the automaton follows partial matches through real text, plus about "
        "1.5 % real names of the corpus (as many as it has: words that also occur in lower "
        "case are not names), which gives a realistic hit rate. The lists are nested: the "
        "10k list starts with the 1k list. iedsl reads each one as",
        "",
        "```text",
        'lexicon L from "terms_N.tsv"',
        "entity TERM = @L",
        "```",
        "",
        *_lexicon_section(results),
        *_pack_section(results),
        *_gating_section(results),
        *_compile_section(results),
        *_cli_section(results),
        *_parallel_section(results),
        *_linearity_section(results),
        "## What each method does",
        "",
        "- **iedsl**: `Engine.load(rule_file)`, then `engine.mentions(doc)` per document: "
        "tokens, sentences, whole-token case-insensitive leftmost-longest matches with "
        "canonical ids, as `Mention` objects. A lexicon-only program takes the fused loop "
        "of `iedsl/lexicon.py` (one pass over pyahocorasick's output; its per-hit work in "
        "C when `iedsl._speedups` is built), and the same `Engine.mentions` call gives "
        "the general path's results.",
        "- **pyahocorasick raw scan**: `text.lower()` and `for _ in A.iter(text): pass` "
        "(and `iter_long`); no word boundaries, no overlap resolution. The C-speed floor "
        "the issue measures iedsl against.",
        "- **pyahocorasick + filter**: the same scan, then a whole-word test on both ends "
        "and a leftmost-longest sweep in Python, returning (start, end, id): what a careful "
        "user writes by hand.",
        "- **flashtext**: `KeywordProcessor(case_sensitive=False)`, `extract_keywords(doc, "
        "span_info=True)`.",
        "- **spaCy**: `spacy.blank('en')`; the tokenizer alone, and tokenizer + "
        "`PhraseMatcher(attr='LOWER')` with `filter_spans` and an id lookup. Patterns are "
        "tokenized by a second blank pipeline on the same vocabulary: tokenizing 10k terms "
        "with the main tokenizer leaves it 2-4× slower on all later text (spaCy 3.8), and "
        "each peer is measured at its best. For the pack, "
        "the PhraseMatcher holds every lexicon of the pack (TSV files and inline lists, one "
        "key each) and a `Matcher` holds every literal a trigger can start with (one "
        "`LOWER IN [...]` pattern for the one-token ones, token sequences for the others), "
        "read from the rule files by `benchmarks/pack.py`; the pack's regexes, role filling "
        "and frames have no spaCy counterpart here.",
        "- **regex alternation**: one `(?<!\\w)(?:t1|t2|...)(?!\\w)` pattern, longest terms "
        f"first, `IGNORECASE`, with `re` and with `regex`, over the same documents cut at "
        f"paragraph breaks into pieces of at most 10 KB (so that the {cfg['budget']:.0f} s "
        "budget per size can stop it between pieces); a size that gets through less than a "
        "quarter of the corpus is the last one run.",
        "- **flashtext above 100k terms** runs only if its build, extrapolated linearly from "
        "the 100k build, stays under 60 s and 4 GB; spaCy's PhraseMatcher above 100k terms "
        "only with `--spacy-1m` (about 65 s and 6 GB to build at 1M).",
        "",
        f"![Throughput against lexicon size]({png})",
        "",
    ]
    return "\n".join(out)


def _rerun_note(results: dict[str, Any]) -> str:
    """Which sections come from an earlier run (``--merge`` re-runs only some)."""
    stamps: dict[str, str] = results.get("measured_at", {})
    now = f"{results['machine']['commit']} {results['machine']['date']}"
    older = sorted({v for v in stamps.values() if v != now})
    if not older:
        return ""
    parts = []
    for stamp in older:
        commit, _, date = stamp.partition(" ")
        names = ", ".join(k for k, v in stamps.items() if v == stamp)
        parts.append(f"{names} at `{commit}` on {date}")
    return f" (sections re-used from earlier runs: {'; '.join(parts)})"


def _load_line(results: dict[str, Any]) -> list[str]:
    samples = [x for pair in results.get("busy_cores", {}).values() for x in pair]
    samples += results.get("parallel", {}).get("busy_cores", [])
    if not samples:
        return []
    line = (f"- Other work on the machine, sampled between sections: {min(samples):.1f}–"
            f"{max(samples):.1f} busy cores")
    if max(samples) >= 0.3:
        line += " (the machine was shared: wall-clock figures, CLI and `-j`, suffer most)"
    return [line]


def _lexicon_section(results: dict[str, Any]) -> list[str]:
    if "lexicon" not in results:
        return []
    header, rows = _throughput_rows(results)
    bh, brows = _build_rows(results)
    lex = results["lexicon"]
    hits = lex["results"].get("iedsl", {})
    hit_line = ", ".join(f"{_size(s)}: {r['hits_per_mb']:,.0f}" for s, r in
                         sorted(hits.items(), key=lambda kv: int(kv[0])) if r.get("hits_per_mb"))
    return [
        "## Lexicon-only matching",
        "",
        "Throughput in MB/s (higher is better). `*`: the time budget ran out, the rate is "
        "over the part of the corpus done; `skipped`: see the build table.",
        "",
        *table(header, rows),
        "",
        f"Matches per MB found by iedsl (the hit rate of the generated lexicons): {hit_line}. "
        "Real corpus names in each lexicon: " + ", ".join(
            f"{_size(s)}: {n:,}" for s, n in sorted(lex.get("real_terms", {}).items(),
                                                   key=lambda kv: int(kv[0]))) + ".",
        "",
        "Build time (s) and peak RSS of the whole process after the build (MB; a bare "
        "interpreter with the library imported is 15–110 MB of it):",
        "",
        *table(bh, brows),
        "",
    ]


def _pack_section(results: dict[str, Any]) -> list[str]:
    pack = results.get("pack", {})
    head = ["## The bundled rule pack", ""]
    if pack.get("status") != "ok":
        return [*head, f"Not measured: {pack.get('message', 'section not run')}.", ""]
    ie, sp, tok = pack["iedsl_pack"], pack.get("spacy_pack", {}), pack.get("spacy_tokenizer", {})
    rows = [["iedsl: `Engine.load()`, `extract(doc)`, `json.dumps(result.to_dict())`",
             cell(ie), _secs(ie)],
            ["spaCy blank tokenizer alone", cell(tok), _secs(tok)],
            ["spaCy tokenizer + PhraseMatcher (pack lexicons) + Matcher (pack literals)",
             cell(sp), _secs(sp)]]
    sizes = ""
    if sp.get("lexicons"):
        sizes = (f" (spaCy here holds the pack's {sp['lexicons']} lexicons and "
                 f"{sp['trigger_literals']} trigger literals)")
    return [*head, "Full extraction (tokens, sentences, every entity and event rule, frames, "
            f"JSON) against spaCy doing only the matching part of the same work{sizes}:", "",
            *table(["method", "MB/s", "build s"], rows), ""]


def _gating_section(results: dict[str, Any]) -> list[str]:
    gate = results.get("gating", {})
    if gate.get("status") != "ok":
        return []
    p, g = gate["pack"], gate["gated"]
    return ["## Rules that cannot fire", "",
            f"The pack alone, and the pack plus {gate['extra_rules']} ATTACK rules whose "
            "triggers never occur in the text (full extraction, first "
            f"{p.get('mb', 0):.1f} MB of the corpus). With trigger-first evaluation the "
            "second should cost the same:", "",
            *table(["rules", "MB/s", "compile s"], [
                ["bundled pack", cell(p), _secs(p)],
                [f"pack + {gate['extra_rules']} dead rules", cell(g), _secs(g)]]), ""]


def _secs(r: dict[str, Any]) -> str:
    return f"{r['build_s']:.2f}" if r.get("build_s") is not None else "–"


def _compile_section(results: dict[str, Any]) -> list[str]:
    comp = results.get("compile", {})
    if comp.get("status") != "ok":
        return []
    rows = [[f"{_size(s)} terms", f"{r['iedsl_s']:.2f}", f"{r['iedsl_rss_mb']:.0f}",
             f"{r['ac_s']:.2f}", f"{r['ac_rss_mb']:.0f}",
             f"{r['ratio']:.2f}×" if r["ratio"] else "–"]
            for s, r in sorted(comp["rows"].items(), key=lambda kv: int(kv[0]))]
    return ["## Compiling a lexicon", "",
            "iedsl compiling the rule file (reading the TSV included; empty rule cache) "
            "against pyahocorasick building an automaton of the same lowercased terms from "
            "the same TSV; each in a fresh process, peak RSS of that process:", "",
            *table(["lexicon", "iedsl s", "iedsl MB", "pyahocorasick s", "pyahocorasick MB",
                    "time ratio"], rows), ""]


def _cli_section(results: dict[str, Any]) -> list[str]:
    cli = results.get("cli", {})
    if cli.get("status") != "ok":
        return ["## CLI start-up", "", f"Not measured: {cli.get('message', 'not run')}.", ""]
    return ["## CLI start-up", "",
            f"`iedsl extract small.txt` with the {cli['rules']}, wall time of the whole "
            "process:", "",
            *table(["run", "seconds", "peak RSS MB"], [
                ["cold (empty rule cache)", f"{cli['cold_s']:.2f}", f"{cli['cold_rss_mb']:.0f}"],
                ["warm (median)", f"{cli['warm_s']:.2f}", f"{cli['warm_rss_mb']:.0f}"],
                ["`python -c pass`", f"{cli['python_s']:.2f}", ""],
                ["`python -c 'import iedsl.cli'`", f"{cli['import_s']:.2f}", ""]]), ""]


def _parallel_section(results: dict[str, Any]) -> list[str]:
    par = results.get("parallel", {})
    if par.get("status") != "ok":
        return ["## Parallel", "", f"Not measured: {par.get('message', 'not run')}.", ""]
    return ["## Parallel", "",
            f"`iedsl extract FOLDER -j N` on {par['docs']} documents ({par['mb']:.1f} MB, sized "
            f"to about 20 s at `-j 1`) with the {par['rules']}, warm rule cache, wall time of "
            "the whole command, median of runs alternating between `-j 1` and `-j 2`:", "",
            *table(["jobs", "seconds", "MB/s"], [
                ["1", f"{par['j1_s']:.2f}", f"{par['j1_mbps']:.2f}"],
                ["2", f"{par['j2_s']:.2f}", f"{par['j2_mbps']:.2f}"]]), "",
            f"Speed-up: {par['speedup']:.2f}×." + _quiet_note(par), ""]


def _quiet_note(par: dict[str, Any]) -> str:
    """Which runs the medians use: those during which other work left the cores free."""
    if "j1_quiet_runs" not in par:
        return ""
    n = len(par["j1_runs"])
    return (f" Medians over the runs during which other work kept under a quarter of a core "
            f"busy (from `/proc/stat`, minus the command's own CPU time): "
            f"{par['j1_quiet_runs']} of {n} at `-j 1`, {par['j2_quiet_runs']} of {n} at `-j 2`"
            " (all runs when none was quiet).")


def _linearity_section(results: dict[str, Any]) -> list[str]:
    lin = results.get("linearity", {})
    if lin.get("status") != "ok":
        return ["## Linearity", "", f"Not measured: {lin.get('message', 'not run')}.", ""]
    rows = [[f"{lin['mb'][k]:.1f}", f"{lin['seconds'][k]:.2f}",
             f"{lin['mb'][k] / lin['seconds'][k]:.2f}", f"{lin['per_mb_s'][k]:.3f}"]
            for k in lin["seconds"]]
    what = "full extraction with the bundled pack" if lin["method"] == "iedsl_pack" \
        else "lexicon-only extraction"
    return ["## Linearity", "",
            f"One document of each size, {what}, in one process. The sizes follow the "
            "pack's measured rate (the largest takes about 15 s; 1, 10 and 30 MB once the "
            "pack runs at 2 MB/s or more), so that a slow pack cannot blow the run's time:",
            "",
            *table(["MB", "seconds", "MB/s", "s per MB"], rows), "",
            f"Cost per MB of the largest document relative to the smallest: "
            f"{lin['ratio']:.2f}.", ""]
