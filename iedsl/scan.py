"""Scan stage: one Aho-Corasick pass and one pass per distinct regex over a text.

The automaton runs over the folded text (:func:`iedsl.fold.fold_document`); each hit
is mapped back to original offsets in exactly one place (:func:`scan_text`), where
pyahocorasick's inclusive end index becomes a half-open end, and kept only if it
starts and ends on token boundaries of the original text.  This loop runs once per
automaton hit, so it is written for speed: hits are plain tuples, and the boundary
test is inlined (a key that starts with a word character needs a non-word character
before it, and likewise at its end; see :func:`iedsl.text.is_boundary`).
"""

from __future__ import annotations

from typing import Any

from .errors import Diagnostic, RegexTimeoutError
from .fold import fold_document, fold_with
from .program import Program
from .regexes import scan_split
from .speedups import native, word_table
from .text import _WORD_CACHE, is_word_char

#: Seconds one regex may run over one document before the document fails.
DEFAULT_REGEX_TIMEOUT = 5.0

#: A literal or regex occurrence: ``(start, end, atom, term_id, attrs, risk)``,
#: original offsets, end exclusive; ``risk`` says whether it may straddle a sentence
#: boundary (:func:`iedsl.compile.sentence_risk`; 2 for regex hits).
Hit = tuple[int, int, int, "str | None", "tuple[tuple[str, Any], ...]", int]


def scan_text(program: Program, text: str, *, regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT
              ) -> list[Hit]:
    """Every whole-token occurrence of every literal and regex atom, unsorted."""
    hits = scan_literals(program, text)
    hits += scan_regexes(program, text, regex_timeout=regex_timeout)
    return hits


def scan_literals(program: Program, text: str) -> list[Hit]:
    """Whole-token hits of the automaton, one per entry; in C when it is built."""
    hits: list[Hit] = []
    if not len(program.automaton):
        return hits
    folded, offsets = fold_document(text)
    if native is not None:
        return native.scan_hits(
            program.automaton.iter(folded), text, offsets, word_table(), is_word_char,
            lambda s, e, check, folds: fold_with(text[s:e], folds) == check)
    append = hits.append
    word = _WORD_CACHE.get
    n = len(text)
    for end_incl, value in program.automaton.iter(folded):
        klen, starts_word, ends_word, risk = value[0], value[1], value[2], value[3]
        if offsets is None:
            e = end_incl + 1
            s = e - klen
        else:
            s, e = offsets[end_incl + 1 - klen], offsets[end_incl] + 1
        if starts_word and s:
            c = text[s - 1]
            w = word(c)
            if w is None:
                w = is_word_char(c)
            if w:
                continue
        if ends_word and e < n:
            c = text[e]
            w = word(c)
            if w is None:
                w = is_word_char(c)
            if w:
                continue
        check = value[7]   # the first entry, inline (see iedsl.program.TermEntry)
        if check is None or fold_with(text[s:e], value[8]) == check:
            append((s, e, value[4], value[5], value[6], risk))
        for atom, term_id, attrs, check, folds in value[9]:
            if check is None or fold_with(text[s:e], folds) == check:
                append((s, e, atom, term_id, attrs, risk))
    return hits


def scan_regexes(program: Program, text: str, *,
                 regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT) -> list[Hit]:
    hits: list[Hit] = []
    for ri, rdef in enumerate(program.regexes):
        atom = program.regex_atoms.get(ri)
        if atom is None:
            continue
        try:
            attrs = rdef.attrs
            if rdef.branches is not None:
                hits += [(s, e, atom, None, attrs, 2) for s, e in
                         scan_split(rdef.compiled, rdef.branches, text, regex_timeout)]
                continue
            for m in rdef.compiled.finditer(text, timeout=regex_timeout):
                s, e = m.span()
                if e > s:
                    hits.append((s, e, atom, None, attrs, 2))
        except TimeoutError:
            raise RegexTimeoutError(Diagnostic(
                "D004", f"regex /{rdef.pattern}/ of {rdef.owner} ({rdef.where}) ran longer "
                f"than {regex_timeout} s", hint="make the regex cheaper, or raise the limit "
                "with --regex-timeout")) from None
    return hits
