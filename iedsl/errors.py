"""The error tree and the one diagnostic shape every stage reports in.

A :class:`Diagnostic` is data (code, severity, message, where, hint); an
:class:`IedslError` carries one or more of them.  Rendering lives here too so that
the CLI, the API and the test runner print mistakes identically::

    rules/attack.ie:14:17: error[E203]: unknown role `victm` in event ATTACK
      14 |     victm = Person after trigger within 8
         |     ^^^^^
      hint: did you mean `victim`?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .source import Source, Span

#: Source lines longer than this are shown as a window around the caret.
_MAX_SHOWN = 100


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in one source.

    ``code`` is stable across releases (``E1xx`` syntax, ``E2xx`` names and types,
    ``E3xx`` includes and files, ``E4xx`` regexes and patterns, ``E5xx`` examples,
    ``W...`` warnings, ``D...`` document errors); tools may match on it.
    """

    code: str
    message: str
    severity: Severity = Severity.ERROR
    source: Source | None = None
    span: Span | None = None
    hint: str | None = None

    @property
    def location(self) -> tuple[str, int, int] | None:
        if self.source is None or self.span is None:
            return None
        line, col = self.source.line_col(self.span.start)
        return self.source.name, line, col

    def render(self) -> str:
        """The human form: ``path:line:col: severity[CODE]: message`` plus context."""
        loc = self.location
        head = f"{self.severity.value}[{self.code}]: {self.message}"
        if loc is None:
            lines = [head]
        else:
            name, line, col = loc
            lines = [f"{name}:{line}:{col}: {head}"]
            assert self.source is not None and self.span is not None
            src_line = self.source.line_text(line)
            gutter = str(line)
            end_line, end_col = self.source.line_col(max(self.span.end, self.span.start))
            width = (end_col - col) if end_line == line else len(src_line) - col + 1
            caret = col - 1
            if len(src_line) > _MAX_SHOWN:   # show a window of a very long line
                lo = max(0, caret - _MAX_SHOWN // 2)
                src_line = ("…" if lo else "") + src_line[lo:lo + _MAX_SHOWN] + "…"
                caret = caret - lo + (1 if lo else 0)
                width = min(width, _MAX_SHOWN // 2)
            lines.append(f"  {gutter} | {src_line}")
            lines.append(f"  {' ' * len(gutter)} | {' ' * caret}{'^' * max(1, width)}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The machine form; the same fields as :meth:`render` shows."""
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }
        loc = self.location
        if loc is not None:
            assert self.span is not None
            out.update(file=loc[0], line=loc[1], column=loc[2],
                       start=self.span.start, end=self.span.end)
        if self.hint:
            out["hint"] = self.hint
        return out


def _sort_key(d: Diagnostic) -> tuple[str, int, str]:
    name = d.source.name if d.source else ""
    return (name, d.span.start if d.span else -1, d.code)


class IedslError(Exception):
    """Root of every error iedsl raises for a user's mistake or a bad input."""

    def __init__(self, diagnostics: Diagnostic | Sequence[Diagnostic]) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=_sort_key))
        super().__init__(self.render())

    @property
    def code(self) -> str:
        return self.diagnostics[0].code if self.diagnostics else ""

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__,
                "diagnostics": [d.to_dict() for d in self.diagnostics]}


class RuleSyntaxError(IedslError):
    """The rule text does not follow the grammar (parse stage; first error only)."""


class RuleCheckError(IedslError):
    """The rules parse but do not make sense together (check stage; all problems)."""


class RuleFileError(IedslError):
    """A rule file, include or lexicon file cannot be read."""


class ExtensionError(IedslError):
    """A Python normalizer or predicate is unknown, or raised while running."""


class DocumentError(IedslError):
    """A document cannot be read, decoded or processed; it becomes an error record."""


class RegexTimeoutError(DocumentError):
    """A rule's regex ran past its time limit on one document."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint, or None when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
