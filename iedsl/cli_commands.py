"""What each ``iedsl`` command does, once :mod:`iedsl.cli` has parsed its arguments.

Every handler takes the parsed arguments and returns an exit code; anything heavy is
imported inside the handler that needs it, so that parsing stays fast.  Handlers
raise :class:`~iedsl.errors.IedslError` for usage errors (the CLI prints it and exits
2) and return 1 for findings or failed documents.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import Diagnostic, DocumentError, IedslError

if TYPE_CHECKING:
    from .engine import Engine
    from .parallel import Outcome
    from .progress import Progress


def load_engine(rules: str | None) -> Engine:
    """Compile the rules a command runs (the bundled pack when ``rules`` is None).

    The compiled program is cached (iedsl.cache) so that a second run starts warm;
    ``IEDSL_NO_CACHE=1`` turns that off.
    """
    from .engine import Engine

    engine = Engine.load(rules, cache=not os.environ.get("IEDSL_NO_CACHE"))
    # The program lives as long as the command and holds no cycle: moved out of the
    # collector's reach, it is not scanned again by every collection a run triggers (a
    # tenth of a warm start with the bundled pack), and forked workers share its pages.
    gc.freeze()
    return engine


def _stdout() -> TextIO:
    """stdout as UTF-8 whatever the locale: output formats are UTF-8 by definition."""
    out = sys.stdout
    if (getattr(out, "encoding", "utf-8") or "").lower().replace("-", "") != "utf8" and \
            hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    return out


@contextmanager
def _open_output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield _stdout()
        return
    try:
        fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise IedslError(Diagnostic("E904", f"cannot write {path}: {exc.strerror or exc}")) \
            from exc
    with fh:
        yield fh


def _inputs(paths: list[str]) -> list[str]:
    """No path means stdin, when something is piped in."""
    if paths:
        return paths
    if not sys.stdin.isatty():
        return ["-"]
    raise IedslError(Diagnostic("E911", "no input documents",
                                hint="give files, folders, glob patterns, or - for stdin"))


def _run(args: argparse.Namespace, engine: Engine, paths: list[str], *, keep_text: bool,
         profile: bool = False, merge: bool = False, label: str = "extract"
         ) -> tuple[Iterator[Outcome], Progress]:
    """Documents -> outcomes, in input order, with a progress bar when wanted."""
    from .corpus import open_corpus
    from .parallel import ExtractTask, run_documents
    from .progress import Progress, want_progress

    progress: Progress
    corpus = open_corpus(paths, glob=args.glob, stdin=sys.stdin.buffer,
                         input_format=getattr(args, "input_format", "auto"),
                         warn=lambda m: progress.note(f"iedsl: warning: {m}"))
    jsonl = any(i.kind != "text" for i in corpus.inputs)
    progress = Progress(enabled=want_progress(args.progress), total_bytes=corpus.total_bytes,
                        total_docs=None if jsonl else corpus.n_files, label=label)
    task = ExtractTask(doc_date=args.doc_date, regex_timeout=args.regex_timeout,
                       keep_text=keep_text, profile=profile, merge=merge,
                       event_modes=not getattr(args, "no_event_modes", False))
    outcomes = run_documents(engine, corpus.documents(), task, jobs=args.jobs)
    return progress.wrap(outcomes, lambda o: o.size), progress


def _report_error(progress: Progress, o: Outcome) -> None:
    err = o.error or {}
    progress.note(f"iedsl: {o.doc}: error[{err.get('code', '?')}]: {err.get('message', '')}")


# ------------------------------------------------------------------ extract
def cmd_extract(args: argparse.Namespace) -> int:
    from .output import write_output
    from .stats import render_profile

    fmt = args.format
    if fmt == "brat" and not args.output:
        raise IedslError(Diagnostic("E901", "--format brat writes files: give a folder",
                                    hint="add -o OUT_DIR"))
    engine = load_engine(args.rules)
    outcomes, progress = _run(args, engine, _inputs(args.inputs),
                              keep_text=fmt in ("html", "brat"), profile=args.profile,
                              merge=args.merge)
    counts = {"docs": 0, "failed": 0}
    rule_secs: dict[str, float] = {}
    rule_frames: dict[str, int] = {}
    total = [0.0]

    def pairs() -> Iterator[tuple[dict[str, Any], str | None]]:
        for o in outcomes:
            counts["docs"] += 1
            if o.error is not None:
                counts["failed"] += 1
                _report_error(progress, o)
            total[0] += o.seconds
            for rule, secs, n in o.rule_seconds:
                rule_secs[rule] = rule_secs.get(rule, 0.0) + secs
                rule_frames[rule] = rule_frames.get(rule, 0) + n
            yield o.record, o.text

    color = args.color == "always" or (args.color == "auto" and args.output is None
                                       and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    if fmt == "brat":
        write_output(pairs(), fmt, None, out_dir=Path(args.output))
    else:
        with _open_output(args.output) as out:
            write_output(pairs(), fmt, out, color=color)
    if args.profile:
        print(render_profile(rule_secs, rule_frames, total[0], counts["docs"]),
              file=sys.stderr)
    if counts["failed"]:
        print(f"iedsl: {counts['failed']} of {counts['docs']} documents failed",
              file=sys.stderr)
        return 1
    return 0


# ------------------------------------------------------------------ check
def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_rules, diagnose_rules
    from .compile import compile_rules
    from .errors import Severity
    from .load import load_rules

    if not Path(args.rules).exists():
        raise IedslError(Diagnostic("E300", f"no such rule file or directory: {args.rules}"))
    try:
        ruleset = load_rules(args.rules)
        diags = diagnose_rules(ruleset)
        if not any(d.severity is Severity.ERROR for d in diags):
            compile_rules(check_rules(ruleset))
    except IedslError as exc:   # a syntax error stops the parse: it is the one finding
        diags = list(exc.diagnostics)
    n_err = sum(1 for d in diags if d.severity is Severity.ERROR)
    n_warn = len(diags) - n_err
    out = _stdout()
    if args.json:
        json.dump({"errors": n_err, "warnings": n_warn,
                   "diagnostics": [d.to_dict() for d in diags]}, out, ensure_ascii=False,
                  indent=2)
        out.write("\n")
    else:
        for d in diags:
            out.write(d.render() + "\n\n")
        if diags:
            out.write(f"Found {_plural(n_err, 'error')} and {_plural(n_warn, 'warning')}.\n")
        else:
            out.write(f"All checks passed: {args.rules}\n")
    return 1 if n_err or (args.strict and n_warn) else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------ test
def cmd_test(args: argparse.Namespace) -> int:
    from .testreport import run_test_report

    engine = load_engine(args.rules)
    return run_test_report(engine, _stdout(), verbose=args.verbose, exitfirst=args.exitfirst)


# ------------------------------------------------------------------ explain
def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain_text
    from .explain_render import render_explanation

    engine = load_engine(args.rules)
    try:
        text = _explain_input(args.text)
        report = explain_text(engine, text, rule=args.rule, doc_date=args.doc_date)
    except DocumentError as exc:   # the document failed, not the command line
        print(exc.render(), file=sys.stderr)
        return 1
    out = _stdout()
    if args.json:
        json.dump(report, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    else:
        out.write(render_explanation(report, tokens=not args.no_tokens))
    return 0


def _explain_input(arg: str) -> str:
    if arg == "-":
        data = sys.stdin.buffer.read()
    elif os.path.isfile(arg):
        try:
            data = Path(arg).read_bytes()
        except OSError as exc:
            raise DocumentError(Diagnostic("D005", f"cannot read {arg}: {exc.strerror}")) \
                from exc
    else:
        return arg
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(Diagnostic("D001", f"cannot decode {arg} as UTF-8: {exc.reason} at "
                                    f"byte {exc.start}")) from None


# ------------------------------------------------------------------ eval
def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, load_jsonl

    if (args.pred is None) == (args.run is None):
        raise IedslError(Diagnostic("E912", "give either PRED.jsonl or --run PATH ...",
                                    hint="iedsl eval --gold GOLD.jsonl PRED.jsonl"))
    gold = load_jsonl(args.gold)
    texts: dict[str, str] = {}
    failed = 0
    if args.run is not None:
        engine = load_engine(args.rules)
        outcomes, progress = _run(args, engine, args.run, keep_text=True, label="eval")
        pred = []
        for o in outcomes:
            if o.error is not None:
                failed += 1
                _report_error(progress, o)
            pred.append(o.record)
            if o.text is not None:
                texts[o.doc] = o.text
        if args.save:
            with _open_output(args.save) as fh:
                for rec in pred:
                    fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        pred = load_jsonl(args.pred)
    report = evaluate(gold, pred)
    out = _stdout()
    if args.json:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(report.render_table())
    if args.show and not args.json:
        if args.docs:
            texts.update(_texts(args, args.docs))
        elif not texts:
            texts = _texts_beside(args.gold, [str(g.get("doc")) for g in gold])
        out.write("\n" + _findings(report, texts, args.show, args.limit))
    return 1 if failed else 0


def _texts(args: argparse.Namespace, paths: list[str]) -> dict[str, str]:
    from .corpus import open_corpus

    out = {}
    for doc in open_corpus(paths, glob=args.glob).documents():
        try:
            data = doc.load()
            out[doc.id] = data.decode("utf-8") if isinstance(data, bytes) else data
        except (IedslError, UnicodeDecodeError):
            continue
    return out


def _texts_beside(gold: str, docs: list[str]) -> dict[str, str]:
    """``DOC.txt`` files in the gold file's folder (how seeds/ is laid out)."""
    folder = Path(gold).parent
    out = {}
    for doc in docs:
        path = folder / f"{doc}.txt"
        try:
            out[doc] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return out


def _findings(report: Any, texts: dict[str, str], show: str, limit: int | None) -> str:
    from dataclasses import replace

    if show == "misses":
        text = replace(report, false_alarms=()).render_findings(texts, limit)
        return text[:text.rfind("False alarms (0):")].rstrip() + "\n"
    if show == "false-alarms":
        text = replace(report, misses=()).render_findings(texts, limit)
        return text[text.find("False alarms ("):]
    return str(report.render_findings(texts, limit))


# ------------------------------------------------------------------ stats
def cmd_stats(args: argparse.Namespace) -> int:
    from .corpus import open_corpus
    from .evaluate import load_jsonl
    from .parallel import run_documents
    from .progress import Progress, want_progress
    from .stats import StatsTask, render_stats, summarize

    engine = load_engine(args.rules)
    gold = load_jsonl(args.gold) if args.gold else None
    corpus = open_corpus(args.inputs, glob=args.glob, stdin=sys.stdin.buffer)
    progress = Progress(enabled=want_progress(args.progress), total_bytes=corpus.total_bytes,
                        label="stats")
    results = run_documents(engine, corpus.documents(),
                            StatsTask(doc_date=args.doc_date,
                                      regex_timeout=args.regex_timeout), jobs=args.jobs)
    report = summarize(engine, progress.wrap(results, lambda r: r.size), gold)
    out = _stdout()
    if args.json:
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_stats(report))
    return 1 if report["failed"] else 0
