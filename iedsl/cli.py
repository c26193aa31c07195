"""The ``iedsl`` command line: argument parsing, dispatch and exit codes, nothing else.

Exit codes: 0 success; 1 findings (check errors, failed examples) or documents that
failed (their error records are in the output); 2 usage errors (bad arguments, a
missing input, rules that cannot be loaded for a command that runs them).  Data goes
to stdout, diagnostics to stderr.  A user's mistake is reported as a diagnostic,
never as a traceback.

Startup stays fast because every command imports what it needs inside its handler:
``iedsl --help`` does not load the compiler, tqdm or the scorer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .errors import IedslError

EX = "\nexamples:\n"
FORMATS = ("jsonl", "csv", "tsv", "table", "html", "brat")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _jobs(value: str) -> int:
    import os

    n = int(value) if value.lstrip("-").isdigit() else -1
    if n == 0:
        return os.cpu_count() or 1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of processes (0 = all CPUs)")
    return n


def _seconds(value: str) -> float | None:
    try:
        secs = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    return None if secs <= 0 else secs


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def _command(sub: Any, name: str, help: str, description: str, examples: str) -> Any:
    import textwrap

    return sub.add_parser(name, help=help, description=textwrap.fill(description, 78),
                          epilog=EX + examples, formatter_class=_Formatter)


def _add_rules(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", metavar="DIR|FILE",
                   help="rule directory or .ie file (default: the bundled rule pack)")


def _add_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glob", default="*.txt", metavar="PATTERN",
                   help="files to take from folders (default: *.txt, recursive)")
    p.add_argument("--doc-date", type=_date, metavar="YYYY-MM-DD",
                   help="publication date for resolving relative dates (a JSONL record's "
                        "own date wins)")
    p.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                   help="worker processes (0 = one per CPU); output is identical to -j 1")
    p.add_argument("--regex-timeout", type=_seconds, default=5.0, metavar="SECONDS",
                   help="fail a document when one regex runs longer (0 = no limit; "
                        "default 5)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--no-event-modes", action="store_true",
                   help="keep each frame's own mode (by default a mention whose mode is "
                        "unspecified takes the mode its event has in the document)")


def build_parser() -> argparse.ArgumentParser:
    from .cli_commands import (
        cmd_check,
        cmd_eval,
        cmd_explain,
        cmd_extract,
        cmd_stats,
        cmd_test,
    )

    parser = argparse.ArgumentParser(
        prog="iedsl", formatter_class=_Formatter,
        description="Rule-based event extraction: readable rules compiled into one fast "
                    "matcher.",
        epilog=EX + "  iedsl extract seeds/ --format table\n"
                    "  iedsl check rules/\n  iedsl test rules/\n"
                    "  iedsl explain 'US strikes hit Iraq.' --rule attack_active\n"
                    "  iedsl eval --gold seeds/gold.jsonl --run seeds/\n"
                    "\nRun `iedsl COMMAND --help` for the options of each command.")
    parser.add_argument("--version", action="version", version=f"iedsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _command(sub, "extract", "extract event frames from documents",
                 "Extract event frames from files, folders, glob patterns, stdin (-) or "
                 "JSON Lines ({\"id\", \"text\", \"date\"} per line).",
                 "  iedsl extract seeds/                         # JSONL on stdout\n"
                 "  iedsl extract seeds/ --format table\n"
                 "  iedsl extract 'news/**/*.txt' -j 4 -o frames.jsonl\n"
                 "  iedsl extract seeds/ --format html -o frames.html\n"
                 "  iedsl extract seeds/ --format brat -o brat_out/\n"
                 "  echo 'US strikes hit Iraq.' | iedsl extract - --rules my.ie\n"
                 "  iedsl extract docs.jsonl --format csv --doc-date 2024-02-03\n")
    p.add_argument("inputs", nargs="*", metavar="PATH",
                   help="files, folders, glob patterns, .jsonl files, or - for stdin "
                        "(default: stdin when it is not a terminal)")
    _add_rules(p)
    p.add_argument("-f", "--format", choices=FORMATS, default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("-o", "--output", metavar="FILE|DIR",
                   help="write to FILE instead of stdout (a folder for --format brat)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour in --format table (default: auto)")
    p.add_argument("--input-format", choices=("auto", "text", "jsonl"), default="auto",
                   help="how to read inputs: auto = .jsonl files and JSON stdin are JSON Lines")
    p.add_argument("--profile", action="store_true",
                   help="report the time spent in each rule on stderr")
    p.add_argument("--merge", action="store_true",
                   help="merge repeated mentions of one event into one frame per document")
    _add_run(p)
    p.set_defaults(handler=cmd_extract)

    p = _command(sub, "check", "check rule files without running them",
                 "Load and check rules: every error and warning at once, in the "
                 "file:line:col form editors understand.  Exit 1 when there are errors.",
                 "  iedsl check rules/\n  iedsl check my_rules.ie --json\n"
                 "  iedsl check rules/ --strict       # warnings fail too\n")
    p.add_argument("rules", metavar="RULES", help="rule directory or .ie file")
    p.add_argument("--json", action="store_true", help="diagnostics as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(handler=cmd_check)

    p = _command(sub, "test", "run the rules' inline examples",
                 "Run every `example` of the rules, pytest style.  Exit 1 when one fails.",
                 "  iedsl test rules/\n  iedsl test my_rules.ie -v\n")
    p.add_argument("rules", metavar="RULES", nargs="?",
                   help="rule directory or .ie file (default: the bundled rule pack)")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per example")
    p.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    p.set_defaults(handler=cmd_test)

    p = _command(sub, "explain", "show why rules fire or do not fire on one text",
                 "Show tokens and sentences, every mention and the rule that found it, and "
                 "for every trigger match each role clause's candidates, taken or rejected "
                 "and why.  A rule that did not fire says why: no trigger match (and what "
                 "came close), a required role left empty, or a frame that lost to another.",
                 "  iedsl explain 'US airstrikes on militias in Iraq.' --rules my.ie\n"
                 "  iedsl explain seeds/000_b6dab5eb842bb83d.txt --rule attack_active\n"
                 "  iedsl explain story.txt --json | jq '.rules[].verdict'\n")
    p.add_argument("text", metavar="TEXT|FILE", help="a text, a file, or - for stdin")
    _add_rules(p)
    p.add_argument("--rule", metavar="NAME", help="only this rule, event type or label")
    p.add_argument("--json", action="store_true", help="the explanation as JSON")
    p.add_argument("--no-tokens", action="store_true", help="do not list the tokens")
    p.add_argument("--doc-date", type=_date, metavar="YYYY-MM-DD",
                   help="publication date for relative dates")
    p.set_defaults(handler=cmd_explain)

    p = _command(sub, "eval", "score predictions against gold annotations",
                 "Score predicted frames (JSONL) against gold (JSONL) as EVENTS.md says: "
                 "trigger and argument identification and classification, lenient and "
                 "exact, per type and role, attribute accuracy.  With --run, extract "
                 "first and score in one go.",
                 "  iedsl eval --gold seeds/gold.jsonl pred.jsonl\n"
                 "  iedsl eval --gold seeds/gold.jsonl --run seeds/\n"
                 "  iedsl eval --gold seeds/gold.jsonl --run seeds/ --show misses\n"
                 "  iedsl eval --gold seeds/gold.jsonl pred.jsonl --json\n")
    p.add_argument("pred", nargs="?", metavar="PRED.jsonl", help="predictions to score")
    p.add_argument("--gold", required=True, metavar="GOLD.jsonl", help="gold annotations")
    p.add_argument("--run", nargs="+", metavar="PATH",
                   help="extract from these documents and score the result")
    _add_rules(p)
    p.add_argument("--json", action="store_true", help="the scores as JSON")
    p.add_argument("--show", choices=("misses", "false-alarms", "all"),
                   help="list misses and/or false alarms in their sentences")
    p.add_argument("--limit", type=int, metavar="N", help="show at most N of each list")
    p.add_argument("--docs", nargs="+", metavar="PATH",
                   help="document texts for --show (default: the --run documents, or "
                        "DOC.txt files beside the gold file)")
    p.add_argument("--save", metavar="FILE", help="with --run, also write the predictions")
    _add_run(p)
    p.set_defaults(handler=cmd_eval)

    p = _command(sub, "stats", "per-rule counts over a corpus",
                 "Per-rule counts of mentions and frames, rules that never fire, what the "
                 "overlap policies discarded, and with --gold each rule's precision.",
                 "  iedsl stats rules/ seeds/\n"
                 "  iedsl stats rules/ seeds/ --gold seeds/gold.jsonl\n"
                 "  iedsl stats my.ie corpus/ -j 4 --json\n")
    p.add_argument("rules", metavar="RULES", help="rule directory or .ie file")
    p.add_argument("inputs", nargs="+", metavar="CORPUS", help="files, folders, globs or -")
    p.add_argument("--gold", metavar="GOLD.jsonl", help="score each rule's precision")
    p.add_argument("--json", action="store_true", help="the statistics as JSON")
    _add_run(p)
    p.set_defaults(handler=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (the console script exits with it)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:   # --help, --version, or a usage error argparse reported
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
        return code
    except IedslError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("iedsl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`iedsl extract ... | head`): stop quietly
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
