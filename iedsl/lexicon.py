"""Lexicon-only extraction: mentions straight from the automaton, in one loop.

When every entity of a program is one lexicon or literal (``Program.lexicon_only``),
a mention is just a whole-token automaton hit, so this module does what
:mod:`iedsl.scan`, :mod:`iedsl.sentence` and the overlap policies would do, fused
into a single pass over the automaton's output.  This is the case users compare
with a bare Aho-Corasick scan, so nothing is done that is not needed: no tokens,
and no sentences unless a hit might straddle one (it holds sentence punctuation, a
space where the text has a line break, or the document is long enough to hold a
cut sentence).  The result is exactly what the general path returns; the property
tests check that against the reference interpreter.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .extensions import get_normalizer
from .fold import fold_document, fold_with
from .program import EntityDef, Program
from .results import Mention
from .scan import scan_literals
from .sentence import resolve_overlaps
from .speedups import native, word_table
from .text import SENTENCE_MAX_CHARS, is_word_char, read_date_header, split_sentences

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029]")
_ODD_LINE_BREAK = re.compile("[\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029]")


def may_hold_long_sentence(text: str, body: int) -> bool:
    """Whether some sentence could be long enough to be cut (SENTENCE_MAX_CHARS).

    A blank line always ends a sentence, so if no stretch between blank lines is
    that long, no cut exists and a hit without sentence punctuation or a line break
    inside it cannot straddle a sentence boundary.
    """
    if len(text) - body <= SENTENCE_MAX_CHARS:
        return False
    prev = body
    for m in _BLANK_LINE.finditer(text, body):
        if m.start() - prev > SENTENCE_MAX_CHARS:
            return True
        prev = m.end()
    return len(text) - prev > SENTENCE_MAX_CHARS


def lexicon_mentions(program: Program, text: str, *, doc_date: dt.date | None = None
                     ) -> tuple[Mention, ...]:
    """Every mention of a lexicon-only program, in (start, end, label) order."""
    header_date, body = read_date_header(text)
    date = doc_date or header_date
    entities = program.entities
    # atom -> entity indices, as a list: an index is cheaper than a dict lookup
    n_atoms = len(program.atoms)
    entity_of: list[tuple[int, ...] | None] = [None] * n_atoms
    for atom, ents in program.simple_entities.items():
        entity_of[atom] = ents
    # Each entity's hits as plain tuples that sort natively in leftmost-longest
    # order (start, -end, scan order); Mentions are made only for the survivors.
    per_entity: list[list[tuple[Any, ...]]] = [[] for _ in entities]
    if len(program.automaton) and len(text) > body:
        _scan_into(program, text, body, entity_of, per_entity)
    # Each entity's own matches: leftmost-longest and non-overlapping, as the
    # pattern matcher would return them (hits never cross sentences).
    by_label: dict[str, list[tuple[list[Mention], int]]] = {}
    for ei, cands in enumerate(per_entity):
        if cands:
            cands.sort()
            ed = entities[ei]
            by_label.setdefault(ed.label, []).append((_chain(ed, cands, text, date), ei))
    out: list[Mention] = []
    for label, chains in by_label.items():
        if len(chains) == 1:
            out += chains[0][0]   # one entity's chain: disjoint, in order
        else:
            out += resolve_overlaps([(m, ei) for chain, ei in chains for m in chain],
                                    program.labels[label].policy)
    if len(by_label) > 1:   # one label: resolve_overlaps already returns text order
        out.sort(key=lambda m: (m.start, m.end, m.label))
    return tuple(out)


def _chain(ed: EntityDef, cands: list[tuple[Any, ...]], text: str, date: dt.date | None
           ) -> list[Mention]:
    """The leftmost-longest chain of one entity's sorted hits, as Mentions."""
    fn = get_normalizer(ed.normalizer) if ed.normalizer and ed.normalizer != "id" else None
    label, name, priority = ed.label, ed.name, ed.priority
    if fn is None and native is not None:
        return native.chain_mentions(cands, text, Mention, label, name, priority)
    new_mention = tuple.__new__   # Mention(...) without the Python-level __new__ frame
    out = []
    last = -1
    for c in cands:
        s = c[0]
        if s >= last:
            last = e = -c[1]
            htext = text[s:e]
            out.append(new_mention(Mention, (
                label, s, e, htext, name, priority, c[3],
                fn(htext, date) if fn is not None else None, c[4])))
    return out


def _sentence_test(text: str, body: int) -> Callable[[int, int], bool]:
    """Whether ``[s, e)`` lies inside one sentence; sentences are split on first use."""
    found: list[Any] = []

    def inside(s: int, e: int) -> bool:
        if not found:
            sentences = split_sentences(text, body, max_chars=SENTENCE_MAX_CHARS)
            found.extend((sentences, [x.start for x in sentences]))
        sentences, starts = found
        i = bisect.bisect_right(starts, s) - 1
        return i >= 0 and e <= sentences[i].end

    return inside


def _scan_into(program: Program, text: str, body: int,
               entity_of: list[tuple[int, ...] | None],
               per_entity: list[list[tuple[Any, ...]]]) -> None:
    """The automaton pass: whole-token hits of entity atoms into ``per_entity``.

    The sentence test runs only for hits that may straddle a sentence.  The C
    module fuses this loop with the scan's when it is built; this one defines it.
    """
    long_doc = may_hold_long_sentence(text, body)
    inside = _sentence_test(text, body)
    if native is not None:   # the same loop in C (iedsl/_speedups.c)
        folded, offsets = fold_document(text)
        native.lexicon_hits(
            program.automaton.iter(folded, body), text, offsets, body, long_doc, word_table(),
            is_word_char, entity_of, per_entity, inside,
            lambda s, e, check, folds: fold_with(text[s:e], folds) == check)
        return
    # The same loop in Python: the scan stage's hits (whole tokens, entry checks
    # done), then the sentence test and the entity lookup.
    # Line breaks other than "\n" are rare; without them str.find is the whole test.
    odd_breaks = _ODD_LINE_BREAK.search(text) is not None
    find = text.find
    seq = 0
    for s, e, atom, term_id, attrs, risk in scan_literals(program, text):
        ents = entity_of[atom]
        if ents is None or s < body:
            continue
        if risk and (risk == 2 or long_doc or find("\n", s, e) >= 0
                     or (odd_breaks and _LINE_BREAK.search(text, s, e))) and not inside(s, e):
            continue
        seq += 1
        for ei in ents:
            per_entity[ei].append((s, -e, seq, term_id, attrs))
