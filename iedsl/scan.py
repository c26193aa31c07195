"""Scan stage: one Aho-Corasick pass and one pass per distinct regex over a text.

The automaton runs over the folded text (:func:`iedsl.fold.fold_document`); each hit
is mapped back to original offsets in exactly one place (:func:`scan_text`), where
pyahocorasick's inclusive end index becomes a half-open end, and kept only if it
starts and ends on token boundaries of the *original* text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Diagnostic, RegexTimeoutError
from .fold import fold_document, fold_with
from .program import Program
from .text import is_boundary

#: Seconds one regex may run over one document before the document fails.
DEFAULT_REGEX_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Hit:
    """A literal or regex occurrence: original offsets and what it carries."""

    start: int
    end: int
    atom: int
    term_id: str | None
    attrs: tuple[tuple[str, Any], ...]


def scan_text(program: Program, text: str, *, regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT
              ) -> list[Hit]:
    """Every whole-token occurrence of every source and regex atom, unsorted."""
    hits: list[Hit] = []
    source_atoms = program.source_atoms
    if len(program.automaton):
        folded, offsets = fold_document(text)
        append = hits.append
        for end_incl, (klen, entries) in program.automaton.iter(folded):
            fs = end_incl + 1 - klen
            if offsets is None:
                s, e = fs, end_incl + 1
            else:
                s, e = offsets[fs], offsets[end_incl] + 1
            if not (is_boundary(text, s) and is_boundary(text, e)):
                continue
            for entry in entries:
                atom = source_atoms.get(entry.source)
                if atom is None:
                    continue
                if entry.check is not None and fold_with(text[s:e], entry.folds) != entry.check:
                    continue
                append(Hit(s, e, atom, entry.term_id, entry.attrs))
    for ri, rdef in enumerate(program.regexes):
        atom = program.regex_atoms.get(ri)
        if atom is None:
            continue
        try:
            for m in rdef.compiled.finditer(text, timeout=regex_timeout):
                s, e = m.span()
                if e > s:
                    hits.append(Hit(s, e, atom, None, ()))
        except TimeoutError:
            raise RegexTimeoutError(Diagnostic(
                "D004", f"regex /{rdef.pattern}/ of {rdef.owner} ({rdef.where}) ran longer "
                f"than {regex_timeout} s", hint="make the regex cheaper, or raise the limit "
                "with --regex-timeout")) from None
    return hits
