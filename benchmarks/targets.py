"""The targets of issue 5, evaluated on one run's results.

Each target is a ratio or an absolute figure measured in the same run, so a slower
or faster machine moves iedsl and its peers together and the verdicts stay
meaningful.  A target whose measurement was skipped is reported as such, never as a
pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Verdict:
    """One target: what it asks, what was measured, and whether it holds."""

    name: str
    target: str
    measured: str
    ok: bool | None          # None: not measured in this run
    value: float | None = None

    @property
    def status(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.ok]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status}


def _missing(name: str, target: str, why: str) -> Verdict:
    return Verdict(name, target, why, None)


def evaluate(results: dict[str, Any]) -> list[Verdict]:
    """Every target of the issue, in the order the issue lists them."""
    out: list[Verdict] = []
    out += _pack(results.get("pack", {}))
    out += _lexicon(results.get("lexicon", {}))
    out += _compile(results.get("compile", {}))
    out += _cli(results.get("cli", {}))
    out += _parallel(results.get("parallel", {}))
    out += _linearity(results.get("linearity", {}))
    out += _gating(results.get("gating", {}))
    return out


def _pack(pack: dict[str, Any]) -> list[Verdict]:
    t1, t2 = "≥ 10 MB/s", "≥ 6× spaCy tokenizer alone"
    name1, name2 = "pack: full extraction throughput", "pack: vs spaCy blank tokenizer"
    ie = pack.get("iedsl_pack", {})
    if pack.get("status") != "ok" or not ie.get("mbps"):
        why = pack.get("message") or ie.get("message") or "not measured"
        return [_missing(name1, t1, why), _missing(name2, t2, why)]
    mbps = ie["mbps"]
    note = " (part of one pass: time budget)" if ie.get("status") == "partial" else ""
    tok = pack.get("spacy_tokenizer", {}).get("mbps")
    out = [Verdict(name1, t1, f"{mbps:.2f} MB/s{note}", mbps >= 10, mbps)]
    if tok:
        ratio = mbps / tok
        out.append(Verdict(name2, t2, f"{ratio:.2f}× ({mbps:.2f} vs {tok:.2f} MB/s){note}",
                           ratio >= 6, ratio))
    else:
        out.append(_missing(name2, t2, "spaCy tokenizer not measured"))
    return out


def _lexicon(lex: dict[str, Any]) -> list[Verdict]:
    res = lex.get("results", {})
    ie, raw = res.get("iedsl", {}), res.get("ac_raw", {})
    out = []
    for size in sorted(ie, key=int):
        name, target = f"lexicon {int(size):,} terms: iedsl vs raw scan", "≥ 50 % of raw AC"
        a, b = ie[size].get("mbps"), raw.get(size, {}).get("mbps")
        if not a or not b:
            out.append(_missing(name, target, ie[size].get("message", "not measured")))
            continue
        ratio = a / b
        out.append(Verdict(name, target, f"{ratio:.0%} ({a:.2f} vs {b:.2f} MB/s)",
                           ratio >= 0.5, ratio))
    return out


def _compile(comp: dict[str, Any]) -> list[Verdict]:
    t1, t2 = "≤ 2× pyahocorasick build", "≤ 2 GB peak RSS"
    if comp.get("status") != "ok":
        why = comp.get("message", "not measured")
        return [_missing("compile: time", t1, why), _missing("compile: memory", t2, why)]
    size = comp["size"]
    row = comp["rows"][str(size)]
    n1, n2 = f"compile {size:,} terms: time", f"compile {size:,} terms: memory"
    ratio, rss = row["ratio"], row["iedsl_rss_mb"]
    return [Verdict(n1, t1, f"{ratio:.2f}× ({row['iedsl_s']:.1f} vs {row['ac_s']:.1f} s)",
                    ratio <= 2, ratio),
            Verdict(n2, t2, f"{rss / 1000:.2f} GB", rss <= 2000, rss)]


def _cli(cli: dict[str, Any]) -> list[Verdict]:
    name, target = "CLI warm start (rule cache)", "≤ 0.3 s"
    if cli.get("status") != "ok":
        return [_missing(name, target, cli.get("message", "not measured"))]
    warm = cli["warm_s"]
    return [Verdict(name, target, f"{warm:.2f} s (cold {cli['cold_s']:.2f} s)", warm <= 0.3,
                    warm)]


def _parallel(par: dict[str, Any]) -> list[Verdict]:
    name, target = "parallel: -j 2 vs -j 1", "≥ 1.8×"
    if par.get("status") != "ok":
        return [_missing(name, target, par.get("message", "not measured"))]
    sp = par["speedup"]
    return [Verdict(name, target, f"{sp:.2f}× ({par['j1_mbps']:.2f} → {par['j2_mbps']:.2f} MB/s)",
                    sp >= 1.8, sp)]


#: "Within noise": the cost per MB of the big document may exceed the small one's by 15 %.
LINEAR_TOLERANCE = 1.15


def _linearity(lin: dict[str, Any]) -> list[Verdict]:
    name = "linear cost in document size"
    target = f"cost per MB of the largest ≤ {LINEAR_TOLERANCE:.2f}× the smallest's"
    if lin.get("status") != "ok":
        return [_missing(name, target, lin.get("message", "not measured"))]
    sizes = list(lin["mb"].values())
    r = lin["ratio"]
    return [Verdict(name, target, f"{r:.2f} ({sizes[-1]:.3g} MB vs {sizes[0]:.3g} MB)",
                    r <= LINEAR_TOLERANCE, r)]


#: Rules that cannot fire may cost at most this much throughput ("does not grow").
GATING_TOLERANCE = 1.10


def _gating(gate: dict[str, Any]) -> list[Verdict]:
    name = "cost of event rules that cannot fire"
    target = f"pack + {gate.get('extra_rules', 'N')} dead rules within {GATING_TOLERANCE - 1:.0%}"
    if gate.get("status") != "ok" or not gate.get("ratio"):
        return [_missing(name, target, gate.get("message", "not measured"))]
    r = gate["ratio"]
    a, b = gate["pack"]["mbps"], gate["gated"]["mbps"]
    return [Verdict(name, target, f"{r:.2f}× slower ({a:.2f} → {b:.2f} MB/s)",
                    r <= GATING_TOLERANCE, r)]
