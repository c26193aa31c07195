"""Inline examples: run every ``example`` of a rule set and say which fail, and why.

An example runs through the whole engine (so interactions between rules show), then
its expectation is checked against what came out:

* rule and cue examples: each expected frame must be matched by some produced frame
  of that type (and trigger text, if given) having, for every listed role, an
  argument with exactly that text, and every listed attribute with that value;
  ``nothing`` means no frame of the rule's type.
* entity examples: mentions of the label with exactly the listed texts must exist;
  ``nothing`` means no mention of the label.
* pattern examples: matches of the pattern, likewise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .engine import Engine
from .program import ExampleDef
from .results import Frame


@dataclass(frozen=True, slots=True)
class ExampleResult:
    example: ExampleDef
    passed: bool
    message: str          # empty when passed
    got: tuple[str, ...]  # a readable list of what the engine produced


def run_examples(engine: Engine) -> Iterator[ExampleResult]:
    for ex in engine.program.examples:
        yield check_example(engine, ex)


def describe_frame(f: Frame) -> str:
    parts = [f'{a.role}="{a.text}"' for a in f.args]
    parts += [f"{k}={v}" for k, v in f.attrs]
    return f'{f.type}["{f.trigger_text}"]({", ".join(parts)})'


def check_example(engine: Engine, ex: ExampleDef) -> ExampleResult:
    if ex.owner_kind in ("entity", "pattern"):
        return _check_spans(engine, ex)
    frames = engine.analyze(ex.text, all_sentences=True).frames
    got = tuple(describe_frame(f) for f in frames)
    if ex.nothing:
        bad = [f for f in frames if ex.label is None or f.type == ex.label]
        if bad:
            return ExampleResult(ex, False, f"expected no {ex.label or 'frame'}, got "
                                 f"{describe_frame(bad[0])}", got)
        return ExampleResult(ex, True, "", got)
    used: set[int] = set()
    for event, trigger, wants in ex.frames:
        match = None
        for i, f in enumerate(frames):
            if i in used or f.type != event:
                continue
            if trigger is not None and f.trigger_text != trigger:
                continue
            if all(_frame_has(f, name, value) for name, value in wants):
                match = i
                break
        if match is None:
            want = ", ".join(f'{k}="{v}"' for k, v in wants)
            trig = f'["{trigger}"]' if trigger else ""
            return ExampleResult(ex, False, f"no frame {event}{trig}({want})", got)
        used.add(match)
    return ExampleResult(ex, True, "", got)


def _frame_has(f: Frame, name: str, value: str) -> bool:
    attrs = dict(f.attrs)
    if name in attrs and not f.args_for(name):
        return attrs[name] == value
    return any(a.text == value for a in f.args_for(name))


def _check_spans(engine: Engine, ex: ExampleDef) -> ExampleResult:
    if ex.owner_kind == "entity":
        labels = engine.program.labels[ex.label].descendants if ex.label else frozenset()
        found = [m.text for m in engine.mentions(ex.text) if m.label in labels]
    else:
        found = list(engine.pattern_matches(ex.label or "", ex.text))
    got = tuple(found)
    if ex.nothing:
        if found:
            return ExampleResult(ex, False, f"expected nothing, got {found[0]!r}", got)
        return ExampleResult(ex, True, "", got)
    missing = [s for s in ex.spans if s not in found]
    if missing:
        return ExampleResult(ex, False, f"expected {missing[0]!r} among the matches", got)
    return ExampleResult(ex, True, "", got)
