"""``docs/performance.png``: throughput against lexicon size, one line per method.

Both axes are logarithmic: lexicon sizes span three decades and throughputs span
four (a regex alternation at 10k terms is a thousand times slower than the raw scan),
so a linear axis would show only two lines.  Throughputs measured on part of the
corpus (a time budget ran out) are drawn hollow; the spaCy tokenizer, which does
not depend on the lexicon, is a dashed horizontal line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

STYLE = {
    "iedsl": ("tab:red", "o", 2.6),
    "ac_raw": ("black", "s", 1.4),
    "ac_long": ("dimgray", "s", 1.0),
    "ac_filter": ("tab:blue", "^", 1.4),
    "flashtext": ("tab:green", "D", 1.4),
    "spacy_phrase": ("tab:purple", "v", 1.4),
    "re_alt": ("tab:orange", "x", 1.0),
    "regex_alt": ("tab:brown", "+", 1.0),
}


def plot_throughput(results: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lex = results["lexicon"]
    fig, ax = plt.subplots(figsize=(12, 5.6), dpi=110)
    for key, by_size in lex["results"].items():
        color, marker, width = STYLE.get(key, ("gray", ".", 1.0))
        pts = sorted((int(s), r["mbps"], r.get("status") == "ok")
                     for s, r in by_size.items() if r.get("mbps"))
        if not pts:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        ax.plot(xs, ys, color=color, linewidth=width, label=lex["labels"].get(key, key))
        for x, y, full in pts:
            ax.plot([x], [y], marker=marker, color=color, markersize=6,
                    markerfacecolor=color if full else "white")
    raw = sorted((int(s), r["mbps"] / 2) for s, r in lex["results"].get("ac_raw", {}).items()
                 if r.get("mbps"))
    if raw:
        ax.plot([p[0] for p in raw], [p[1] for p in raw], color="black", linestyle="--",
                linewidth=0.8, label="iedsl target: 50 % of the raw scan")
    tok = lex.get("spacy_tokenizer", {}).get("mbps")
    if tok:
        ax.axhline(tok, color="tab:purple", linestyle="--", linewidth=1,
                   label="spaCy blank('en') tokenizer alone")
    pack = results.get("pack", {}).get("iedsl_pack", {}).get("mbps")
    if pack:
        ax.axhline(pack, color="tab:red", linestyle=":", linewidth=1.5,
                   label="iedsl full extraction, bundled pack")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("lexicon size (terms)")
    ax.set_ylabel("throughput (MB/s, log scale)")
    corpus_mb = results.get("corpus", {}).get("mb")
    title = "Lexicon matching throughput, same text for every method"
    if corpus_mb:
        title += f" ({corpus_mb:.0f} MB)"
    ax.set_title(title, fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.text(0.99, 0.01, "hollow marker: time budget ran out, rate over the part done",
             ha="right", fontsize=7, color="gray")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
