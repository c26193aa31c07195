"""The matchers under test, behind one two-method interface.

Each method is built once from a lexicon (:meth:`Method.build`, timed as "build")
and then run over every document (:meth:`Method.run`, timed as throughput).  Every
``run`` returns what a user of that tool would actually get (a list of matches with
offsets and ids), so no method is credited for skipping work the others do; the one
exception is the raw pyahocorasick scan, which is the C-speed floor by design.

Peers are imported lazily: a missing optional dependency (``iedsl[bench]``) marks
that method "unavailable" instead of failing the run.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from .lexicons import read_tsv
from .pack import pack_dir, read_pack

REPO = Path(__file__).resolve().parent.parent


class Method(ABC):
    """One way of finding lexicon terms (or running the rule pack) in text."""

    #: Short stable key used in results JSON and on the command line.
    key: str = ""
    #: Display name for tables and the plot legend.
    label: str = ""
    #: Whether the method uses the lexicon (the spaCy tokenizer alone does not).
    uses_lexicon: bool = True
    #: Modules imported before the build clock starts, so import time is not "build".
    imports: tuple[str, ...] = ()

    @abstractmethod
    def build(self, tsv: Path, rules: Path) -> None:
        """Build the matcher from a lexicon TSV (``rules``: the iedsl rule file for it)."""

    @abstractmethod
    def run(self, doc: str) -> Any:
        """Find every match in one document and return them."""


# ---------------------------------------------------------------------- iedsl
class IedslLexicon(Method):
    key, label = "iedsl", "iedsl mentions (lexicon only)"
    imports = ("iedsl",)

    def build(self, tsv: Path, rules: Path) -> None:
        import iedsl

        self.engine = iedsl.Engine.load(rules)

    def run(self, doc: str) -> Any:
        return self.engine.mentions(doc)


class IedslPack(Method):
    """Full extraction with the bundled pack, serialised like ``iedsl extract`` does."""

    key, label, uses_lexicon = "iedsl_pack", "iedsl extract (bundled pack) + JSON", False
    imports = ("iedsl",)

    def build(self, tsv: Path, rules: Path) -> None:
        import iedsl

        self.engine = iedsl.Engine.load()

    def run(self, doc: str) -> Any:
        return json.dumps(self.engine.extract(doc).to_dict(), ensure_ascii=False)


class IedslRules(IedslPack):
    """Like :class:`IedslPack`, for another rule file (the trigger-gating comparison)."""

    key, label = "iedsl_rules", "iedsl extract (given rules) + JSON"

    def build(self, tsv: Path, rules: Path) -> None:
        import iedsl

        self.engine = iedsl.Engine.load(rules)


# ------------------------------------------------------------- pyahocorasick
def _automaton(tsv: Path) -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for term, tid in read_tsv(tsv):
        key = term.lower()
        auto.add_word(key, (len(key), tid))
    auto.make_automaton()
    return auto


class AhoRaw(Method):
    """The floor: C iteration over the lowercased text, no filtering at all."""

    key, label = "ac_raw", "pyahocorasick raw scan (iter)"
    imports = ("ahocorasick",)

    def build(self, tsv: Path, rules: Path) -> None:
        self.auto = _automaton(tsv)

    def run(self, doc: str) -> Any:
        n = 0
        for _ in self.auto.iter(doc.lower()):
            n += 1
        return n


class AhoLong(AhoRaw):
    """pyahocorasick's own longest non-overlapping iteration, still without boundaries."""

    key, label = "ac_long", "pyahocorasick raw scan (iter_long)"

    def run(self, doc: str) -> Any:
        n = 0
        for _ in self.auto.iter_long(doc.lower()):
            n += 1
        return n


class AhoFiltered(AhoRaw):
    """What a careful user writes by hand: whole words, leftmost-longest, ids."""

    key, label = "ac_filter", "pyahocorasick + word filter + leftmost-longest (Python)"

    def run(self, doc: str) -> Any:
        low = doc.lower()
        n = len(low)
        cands = []
        for end, (length, tid) in self.auto.iter(low):
            start = end - length + 1
            if start > 0 and (low[start - 1].isalnum() or low[start - 1] == "_"):
                continue
            if end + 1 < n and (low[end + 1].isalnum() or low[end + 1] == "_"):
                continue
            cands.append((start, -length, tid))
        cands.sort()
        out = []
        last = 0
        for start, neg, tid in cands:
            if start >= last:
                last = start - neg
                out.append((start, last, tid))
        return out


# ------------------------------------------------------------------ flashtext
class FlashText(Method):
    key, label = "flashtext", "flashtext KeywordProcessor"
    imports = ("flashtext",)

    def build(self, tsv: Path, rules: Path) -> None:
        from flashtext import KeywordProcessor

        self.kp = KeywordProcessor(case_sensitive=False)
        for term, tid in read_tsv(tsv):
            self.kp.add_keyword(term, tid)

    def run(self, doc: str) -> Any:
        return self.kp.extract_keywords(doc, span_info=True)


# ---------------------------------------------------------------------- spaCy
def _blank() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = 10**9
    return nlp


class SpacyTokenizer(Method):
    """spaCy's rule-based tokenizer alone: the floor of any spaCy pipeline."""

    key, label, uses_lexicon = "spacy_tok", "spaCy blank('en') tokenizer alone", False
    imports = ("spacy", "spacy.matcher")

    def build(self, tsv: Path, rules: Path) -> None:
        self.nlp = _blank()

    def run(self, doc: str) -> Any:
        return len(self.nlp.tokenizer(doc))


def _add_phrases(nlp: Any, matcher: Any, key: str, terms: list[str]) -> None:
    """Add ``terms`` under ``key``, tokenized by a helper pipeline sharing the vocabulary.

    Tokenizing 10k+ terms with ``nlp``'s own tokenizer leaves it two to four times
    slower on all later text (spaCy 3.8; a cache flush does not help).  A second
    blank pipeline on the same vocabulary makes identical pattern docs without that,
    so the peer is measured at its best.
    """
    import spacy

    helper: Any = spacy.blank("en", vocab=nlp.vocab)
    batch = 20_000
    for i in range(0, len(terms), batch):
        matcher.add(key, list(helper.tokenizer.pipe(terms[i:i + batch])))


class SpacyPhrase(Method):
    """Tokenizer + PhraseMatcher on LOWER, longest spans kept, ids looked up."""

    key, label = "spacy_phrase", "spaCy tokenizer + PhraseMatcher(LOWER)"
    imports = ("spacy", "spacy.matcher")

    def build(self, tsv: Path, rules: Path) -> None:
        from spacy.matcher import PhraseMatcher

        self.nlp = _blank()
        pairs = read_tsv(tsv)
        self.ids = {t.lower(): i for t, i in pairs}
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        _add_phrases(self.nlp, self.matcher, "TERM", [t for t, _ in pairs])

    def run(self, doc: str) -> Any:
        from spacy.util import filter_spans

        spans = filter_spans(self.matcher(self.nlp.tokenizer(doc), as_spans=True))
        ids = self.ids
        return [(s.start_char, s.end_char, ids.get(s.text.lower())) for s in spans]


class SpacyPack(Method):
    """spaCy doing the pack's lexicon and trigger work: PhraseMatcher + Matcher.

    The PhraseMatcher gets every lexicon of the pack, TSV and inline, one key each
    (the lexicon work); the trigger words, every literal a trigger can start with, go
    to a Matcher as one ``LOWER IN [...]`` token pattern, and the multiword ones to
    the PhraseMatcher (a Matcher with one pattern per phrase is many times slower,
    since it tries every pattern at every token; nobody would write that).  That is
    the matching part of the pack only: iedsl also runs regexes, fills roles and
    writes JSON frames.
    """

    key, label, uses_lexicon = "spacy_pack", "spaCy tokenizer + PhraseMatcher + Matcher", False
    imports = ("spacy", "spacy.matcher")

    def build(self, tsv: Path, rules: Path) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = _blank()
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.matcher = Matcher(self.nlp.vocab)
        vocab = read_pack(pack_dir())
        for name, paths in sorted(vocab.tsv_files.items()):
            terms = [t for path in paths if path.is_file() for t, _ in read_tsv(path)]
            _add_phrases(self.nlp, self.phrases, name, terms)
        for name, literals in sorted(vocab.inline.items()):
            _add_phrases(self.nlp, self.phrases, name, list(literals))
        helper = _blank()
        singles: list[str] = []
        phrases: list[str] = []
        for lit in vocab.triggers:
            toks = [t.lower_ for t in helper.tokenizer(lit)]
            if len(toks) == 1:
                singles.append(toks[0])
            elif toks:
                phrases.append(lit)
        self.matcher.add("TRIGGER", [[{"LOWER": {"IN": singles}}]])
        _add_phrases(self.nlp, self.phrases, "TRIGGER_PHRASE", phrases)
        self.info = {"lexicons": len(vocab.tsv_files) + len(vocab.inline),
                      "trigger_literals": len(vocab.triggers)}

    def run(self, doc: str) -> Any:
        tokens = self.nlp.tokenizer(doc)
        return self.phrases(tokens) + self.matcher(tokens)


# ---------------------------------------------------------------- regex peers
def _alternation(tsv: Path) -> tuple[str, dict[str, str]]:
    pairs = read_tsv(tsv)
    terms = sorted({t for t, _ in pairs}, key=len, reverse=True)
    body = "|".join(re.escape(t) for t in terms)
    return rf"(?<!\w)(?:{body})(?!\w)", {t.lower(): i for t, i in pairs}


class ReAlternation(Method):
    """One big ``(?:t1|t2|...)`` with the standard library ``re``."""

    key, label = "re_alt", "one big regex alternation (re)"

    def compile(self, pattern: str) -> Any:
        return re.compile(pattern, re.IGNORECASE)

    def build(self, tsv: Path, rules: Path) -> None:
        pattern, self.ids = _alternation(tsv)
        self.pattern = self.compile(pattern)

    def run(self, doc: str) -> Any:
        ids = self.ids
        return [(m.start(), m.end(), ids.get(m.group().lower()))
                for m in self.pattern.finditer(doc)]


class RegexAlternation(ReAlternation):
    key, label = "regex_alt", "one big regex alternation (regex)"
    imports = ("regex",)

    def compile(self, pattern: str) -> Any:
        import regex

        return regex.compile(pattern, regex.IGNORECASE)


METHODS: dict[str, type[Method]] = {
    cls.key: cls for cls in (IedslLexicon, AhoRaw, AhoLong, AhoFiltered, FlashText,
                             SpacyTokenizer, SpacyPhrase, ReAlternation, RegexAlternation,
                             IedslPack, IedslRules, SpacyPack)
}
