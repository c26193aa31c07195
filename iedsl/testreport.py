"""``iedsl test``: run the rules' inline examples and report them the way pytest does.

A rule author reads this report the way a Python developer reads pytest's: a line of
dots per file, then each failure with its ``file:line:col`` (clickable in editors),
the example text, what was expected and what the engine produced, then one summary
line.  The checking itself is :func:`iedsl.examples.run_examples`.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from .engine import Engine
from .examples import ExampleResult, run_examples
from .program import ExampleDef, Program


def describe_expected(ex: ExampleDef, program: Program) -> str:
    """The expectation as the rule file wrote it: frames, spans or ``nothing``."""
    if ex.nothing:
        return "nothing"
    if ex.spans:
        return ", ".join(f'"{s}"' for s in ex.spans)
    frames = []
    for event, trigger, wants in ex.frames:
        trig = f'["{trigger}"]' if trigger is not None else ""
        ev = program.events.get(event)
        attrs = {a.name for a in ev.attrs} if ev is not None else set()
        args = ", ".join(f"{k}={v}" if k in attrs else f'{k}="{v}"' for k, v in wants)
        frames.append(f"{event}{trig}({args})")
    return ", ".join(frames)


def _file_of(where: str) -> str:
    parts = where.rsplit(":", 2)
    return parts[0] if len(parts) == 3 else where


def _rule(title: str, width: int, char: str = "=") -> str:
    title = f" {title} " if title else ""
    side = max(3, (width - len(title)) // 2)
    return f"{char * side}{title}{char * side}"[:max(width, len(title) + 6)]


def run_test_report(engine: Engine, out: TextIO, *, verbose: bool = False,
                    exitfirst: bool = False) -> int:
    """Print the report; return 0 when every example passed, 1 otherwise."""
    width = min(100, shutil.get_terminal_size((80, 24)).columns)
    started = time.perf_counter()
    results: list[ExampleResult] = []
    current: str | None = None
    for res in run_examples(engine):
        results.append(res)
        ex = res.example
        if verbose:
            status = "PASSED" if res.passed else "FAILED"
            out.write(f"{ex.where}: {ex.owner} {status}\n")
        else:
            name = _file_of(ex.where)
            if name != current:
                out.write(("\n" if current is not None else "") + f"{name} ")
                current = name
            out.write("." if res.passed else "F")
        out.flush()
        if exitfirst and not res.passed:
            break
    if results and not verbose:
        out.write("\n")
    failures = [r for r in results if not r.passed]
    if failures:
        out.write("\n" + _rule("FAILURES", width) + "\n")
        for r in failures:
            ex = r.example
            out.write(_rule(f"{ex.owner} ({ex.where})", width, "_") + "\n")
            out.write(f"{ex.where}: example failed: {r.message}\n")
            out.write(f"  text:     {ex.text!r}\n")
            out.write(f"  expected: {describe_expected(ex, engine.program)}\n")
            got = list(r.got) or ["nothing"]
            if ex.owner_kind in ("entity", "pattern") and r.got:
                got = [", ".join(f'"{g}"' for g in r.got)]
            out.write(f"  got:      {got[0]}\n")
            for g in got[1:]:
                out.write(f"            {g}\n")
            out.write("\n")
    passed = len(results) - len(failures)
    elapsed = time.perf_counter() - started
    parts = [f"{passed} passed"] + ([f"{len(failures)} failed"] if failures else [])
    if not results:
        parts = ["no examples found"]
    out.write(_rule(f"{', '.join(parts)} in {elapsed:.2f}s", width) + "\n")
    return 1 if failures else 0
