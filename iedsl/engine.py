"""The engine: the one place where the stages are chained.

    load -> parse -> check -> compile            (once, into an immutable Program)
    text -> scan -> sentences -> entities -> assemble -> frames   (per document)

An :class:`Engine` holds only the compiled program, so it is safe to share between
threads and cheap to pickle to worker processes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .assemble import Trace, assemble_frames
from .errors import Diagnostic, DocumentError, IedslError
from .extensions import import_modules
from .lexicon import lexicon_mentions
from .merge import with_event_attributes
from .program import Program
from .results import DocumentResult, Frame, Mention
from .scan import DEFAULT_REGEX_TIMEOUT, Hit, scan_text
from .sentence import SentenceContext
from .source import Span
from .speedups import native
from .text import SENTENCE_MAX_CHARS, read_date_header, split_sentences

if TYPE_CHECKING:
    from .load import RuleSet

#: Documents larger than this (in characters) are refused with an error record.
DEFAULT_MAX_CHARS = 200_000_000


def bundled_rules() -> Path:
    """The directory of the bundled conflict-event rule pack.

    Installed, it is ``iedsl/rules`` inside the package (pyproject maps the top-level
    ``rules/`` there); in a source checkout it is ``rules/`` beside the package.
    """
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    if (installed / "conflict.ie").is_file():
        return installed
    return here.parent / "rules"


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything one document produced, for explain and the reference comparison."""

    text: str
    date: dt.date | None
    sentences: tuple[Span, ...]
    hits: tuple[Hit, ...]
    mentions: tuple[Mention, ...]
    frames: tuple[Frame, ...]
    examined: tuple[int, ...]   # sentences that held a trigger candidate


class Engine:
    """Compiled rules, ready to extract.  Build with :meth:`load` or :meth:`from_string`."""

    def __init__(self, program: Program, warnings: Iterable[Diagnostic] = ()) -> None:
        self.program = program
        self.warnings: tuple[Diagnostic, ...] = tuple(warnings)

    # -------------------------------------------------------------- building
    @classmethod
    def load(cls, path: str | Path | None = None, *, cache: bool = False) -> Engine:
        """Compile a rule file or directory (the bundled pack when ``path`` is None).

        With ``cache=True`` a compiled copy is kept (see :mod:`iedsl.cache`) and reused
        while no rule or term file changes: the command line starts warm this way.
        """
        top = Path(bundled_rules() if path is None else path)
        if cache:
            from .cache import load_cached

            hit = load_cached(top)
            if hit is not None:
                program, warnings = hit
                import_modules(program.python_modules)
                return cls(program, warnings)
        from .load import load_rules  # the compiler is imported only when compiling

        ruleset = load_rules(top)
        engine = cls._build(ruleset)
        if cache:
            from .cache import store

            store(top, list(ruleset.sources), engine.program, engine.warnings)
        return engine

    @classmethod
    def from_string(cls, text: str, *, name: str = "<rules>",
                    base_dir: str | Path | None = None) -> Engine:
        """Compile rules given as text; ``include`` and term files need ``base_dir``."""
        from .load import load_rules_text

        return cls._build(load_rules_text(text, name=name, base_dir=base_dir))

    @classmethod
    def _build(cls, ruleset: RuleSet) -> Engine:
        from .check import check_rules
        from .compile import compile_rules

        checked = check_rules(ruleset)
        return cls(compile_rules(checked), checked.warnings)

    def __getstate__(self) -> dict[str, Any]:
        return {"program": self.program, "warnings": self.warnings}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.program = state["program"]
        self.warnings = state["warnings"]
        import_modules(self.program.python_modules)

    # -------------------------------------------------------------- running
    def extract(self, text: str, *, doc_id: str = "doc", doc_date: dt.date | None = None,
                regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT,
                time_limit: float | None = None,
                trace: Trace | None = None, event_modes: bool = True) -> DocumentResult:
        """Frames of one document.  Raises :class:`DocumentError` if it cannot be done.

        ``time_limit`` (seconds) bounds the work on one document; past it, between two
        sentences, the document fails with D007 (a regex has its own limit).

        With ``event_modes`` (the default), a frame whose own ``mode`` is unspecified
        takes the mode its event has elsewhere in the document ("US jets struck ...
        The strikes killed ..." : both air), as EVENTS.md annotates repeated mentions;
        the events are found by :func:`iedsl.merge.merge_frames`.  :meth:`analyze`
        gives the frames as the rules alone made them.
        """
        a = self.analyze(text, doc_date=doc_date, regex_timeout=regex_timeout,
                         time_limit=time_limit, trace=trace)
        frames = a.frames
        if event_modes and len(frames) > 1:
            frames = with_event_attributes(frames, text)
        return DocumentResult(doc_id, frames, a.date)

    def process(self, text: str | bytes, *, doc_id: str = "doc",
                doc_date: dt.date | None = None, max_chars: int = DEFAULT_MAX_CHARS,
                regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT,
                time_limit: float | None = None,
                trace: Trace | None = None, event_modes: bool = True) -> DocumentResult:
        """Like :meth:`extract`, but a bad document becomes an error record, never raises.

        ``trace`` receives the assemble stage's events (``iedsl extract --profile``).
        """
        try:
            if isinstance(text, bytes):
                try:
                    text = text.decode("utf-8")
                except UnicodeDecodeError as exc:
                    msg = f"cannot decode as UTF-8: {exc.reason} at byte {exc.start}"
                    raise DocumentError(Diagnostic("D001", msg)) from None
            if not text.strip():
                raise DocumentError(Diagnostic("D002", "empty document"))
            if len(text) > max_chars:
                raise DocumentError(Diagnostic(
                    "D003", f"document has {len(text)} characters, above the limit of "
                    f"{max_chars}"))
            return self.extract(text, doc_id=doc_id, doc_date=doc_date,
                                regex_timeout=regex_timeout, time_limit=time_limit,
                                trace=trace, event_modes=event_modes)
        except IedslError as exc:
            d = exc.diagnostics[0]
            return DocumentResult(doc_id, (), None,
                                  error={"code": d.code, "message": d.message})
        except Exception as exc:
            return DocumentResult(doc_id, (), None, error={
                "code": "D999", "message": f"internal error: {type(exc).__name__}: {exc}"})

    def extract_many(self, docs: Iterable[tuple[str, str]]) -> Iterator[DocumentResult]:
        for doc_id, text in docs:
            yield self.process(text, doc_id=doc_id)

    def mentions(self, text: str, *, doc_date: dt.date | None = None) -> tuple[Mention, ...]:
        """Every entity mention in every sentence (no trigger gating)."""
        if self.program.lexicon_only:
            return lexicon_mentions(self.program, text, doc_date=doc_date)
        return self.analyze(text, doc_date=doc_date, all_sentences=True).mentions

    def pattern_matches(self, name: str, text: str) -> Iterator[str]:
        """Texts of the matches of ``pattern NAME`` in every sentence of ``text``."""
        pid = self.program.named_patterns[name]
        _, _, _, contexts = iter_sentences(self.program, text, all_sentences=True)
        for ctx in contexts:
            for ts, te in ctx.matches(pid):
                s, e = ctx.char_span(ts, te)
                yield text[s:e]

    def analyze(self, text: str, *, doc_date: dt.date | None = None, all_sentences: bool = False,
                regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT,
                time_limit: float | None = None,
                trace: Trace | None = None) -> Analysis:
        return analyze_document(self.program, text, doc_date=doc_date,
                                all_sentences=all_sentences, regex_timeout=regex_timeout,
                                time_limit=time_limit,
                                trace=trace)


def iter_sentences(program: Program, text: str, *, doc_date: dt.date | None = None,
                   all_sentences: bool = False, demand: bool = False,
                   regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT
                   ) -> tuple[dt.date | None, tuple[Span, ...], list[Hit],
                              Iterator[SentenceContext]]:
    """Scan a document once; yield a ready context for each sentence worth examining.

    Only sentences holding an occurrence of a trigger's first atom are examined
    (trigger-first evaluation), unless ``all_sentences`` or a trigger can start with
    any token.  With ``demand``, a sentence computes only the entity labels that the
    rules able to fire there (and the cues) need; frames are the same, mentions of
    other labels are not computed.
    """
    header_date, body = read_date_header(text)
    date = doc_date or header_date
    sentences = split_sentences(text, body, max_chars=SENTENCE_MAX_CHARS)
    hits = scan_text(program, text, regex_timeout=regex_timeout)
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    if native is not None:
        buckets, gated = native.bucket_hits(hits, starts, ends, program.gate_atoms)
    else:
        buckets, gated = bucket_hits_python(hits, starts, ends, program.gate_atoms)
    todo = range(len(sentences)) if all_sentences or program.gate_all else gated

    def contexts() -> Iterator[SentenceContext]:
        for i in todo:
            ctx = SentenceContext(program, text, i, sentences[i], buckets[i], date)
            ctx.run_entities(needed_labels(program, ctx) if demand else None)
            yield ctx

    return date, sentences, hits, contexts()


def bucket_hits_python(hits: list[Hit], starts: list[int], ends: list[int],
                       gate: frozenset[int]) -> tuple[list[list[Hit]], list[int]]:
    """Each hit in the sentence it starts in, if it ends there too (a hit across a
    sentence boundary belongs to neither), and the sentences, in order, that hold a
    hit of a ``gate`` atom (the ones a trigger can match in).  In C when it is built;
    this loop defines it."""
    buckets: list[list[Hit]] = [[] for _ in starts]
    gated: set[int] = set()
    for h in hits:
        i = bisect.bisect_right(starts, h[0]) - 1
        if i < 0 or h[1] > ends[i]:
            continue
        buckets[i].append(h)
        if h[2] in gate:
            gated.add(i)
    return buckets, sorted(gated)


def needed_labels(program: Program, ctx: SentenceContext) -> frozenset[str]:
    """Labels the rules that may fire in this sentence need (before entities run).

    A rule whose trigger starts with a label is counted in whatever the sentence
    holds, since its label's mentions are not known yet.
    """
    rules = set(program.rules_label_first) | set(program.rules_anywhere)
    by_atom = program.rules_by_first_atom
    for atom in ctx.view.table:
        found = by_atom.get(atom)
        if found:
            rules.update(found)
    needed = set(program.cue_labels)
    for r in rules:
        needed |= program.rule_labels[r]
    return frozenset(needed)


def analyze_document(program: Program, text: str, *, doc_date: dt.date | None = None,
                     all_sentences: bool = False,
                     regex_timeout: float | None = DEFAULT_REGEX_TIMEOUT,
                     time_limit: float | None = None,
                     trace: Trace | None = None) -> Analysis:
    deadline = None if time_limit is None else time.monotonic() + time_limit
    date, sentences, hits, contexts = iter_sentences(
        program, text, doc_date=doc_date, all_sentences=all_sentences,
        demand=not all_sentences,
        regex_timeout=regex_timeout)
    mentions: list[Mention] = []
    frames: list[Frame] = []
    examined = []
    for ctx in contexts:
        examined.append(ctx.index)
        for label in program.label_order:
            mentions.extend(ctx.mentions.get(label, ()))
        frames.extend(assemble_frames(ctx, trace=trace))
        if deadline is not None and time.monotonic() > deadline:
            raise DocumentError(Diagnostic(
                "D007", f"document took longer than its time limit of {time_limit} s "
                f"(stopped after sentence {ctx.index + 1} of {len(sentences)})",
                hint="raise the limit, or look for a rule that is slow on this text "
                "(iedsl extract --profile)"))
    mentions.sort(key=lambda m: (m.start, m.end, m.label))
    return Analysis(text, date, sentences, tuple(hits), tuple(mentions), tuple(frames),
                    tuple(examined))
