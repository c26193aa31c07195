"""Generated lexicons of 1k to 1M terms, the same for every method in a run.

Real gazetteers are mostly multiword proper names, and only a small share of their
entries ever occurs in a given text.  The generator mimics both: most terms are
combinations of invented capitalised words ("Karo Velinstad", "Mirat Oshu Tenn"),
some of them mixed with real words of the corpus ("Velin Army") so that the
automaton follows partial matches through real text, and about 1.5 % (as far as the
corpus has them) are real names sampled from the corpus, which gives a realistic hit
rate.

Lexicons are nested (the 10k list starts with the 1k list, and so on), so a change in
speed between sizes comes from the size alone.  Everything is derived from one seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Share of each lexicon made of real corpus words and names.
REAL_SHARE = 0.015
#: Share of generated terms that contain one real corpus word.
MIXED_SHARE = 0.2

_ONSETS = ("", "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p",
           "r", "s", "sh", "st", "t", "tr", "v", "z", "ch", "th", "j", "w", "y", "kh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "y")
_CODAS = ("",) * 8 + ("n", "r", "l", "s", "m", "k", "t", "nd", "st", "rn", "sh")
_STOP_WORDS = """a an and as at be but by for from he her his if in is it its of on or
our she so that the their them then there these they this those to was we were what when
which while who will with you after before over under said says according also new more
most one two three"""
_STOP = frozenset(_STOP_WORDS.split())
_ALPHA = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One generated lexicon: its size and the files that hold it.

    The terms themselves stay on disk: the parent process only orchestrates, and a
    million terms held here would be 400 MB that every measurement must not see.
    """

    size: int
    real: int              # how many terms were sampled from the corpus
    tsv: Path
    rules: Path


def _invented_words(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct capitalised words of two or three syllables."""
    def syllable() -> str:
        return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)

    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        w = "".join(syllable() for _ in range(rng.choice((2, 2, 3)))).capitalize()
        if 4 <= len(w) <= 12 and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def real_terms(sentences: Sequence[str], seed: int) -> list[str]:
    """Distinct real names of the corpus (capitalised 1–3-grams), in a seeded order.

    A capitalised word that also occurs in lower case ("Despite", "War", "Forces") is
    a sentence start or a headline, not a name: matched case-insensitively it would
    hit every "despite" of the text, a rate no gazetteer has.  Such words only count
    inside a multiword name that does not start a sentence ("United States"), and
    no name starts or ends with a function word (headlines: "Strikes In Iraq").
    """
    lower: set[str] = set()
    for sent in sentences:
        lower.update(t for t in sent.split() if t.islower())
    names: set[str] = set()
    for sent in sentences:
        toks = sent.split()
        for i, tok in enumerate(toks):
            if not (_ALPHA.fullmatch(tok) and tok[0].isupper()):
                continue
            common = tok.lower() in lower or tok.lower() in _STOP
            if not common and len(tok) >= 3:
                names.add(tok)
            gram = [tok]
            for nxt in toks[i + 1:i + 3]:
                if not (_ALPHA.fullmatch(nxt) and nxt[0].isupper()):
                    break
                gram.append(nxt)
                if (i > 0 or not common) and not ({gram[0].lower(), nxt.lower()} & _STOP):
                    names.add(" ".join(gram))
    out = sorted(names)
    random.Random(seed).shuffle(out)
    return out


def generated_terms(seed: int, vocabulary: Sequence[str]) -> Iterator[str]:
    """An endless stream of distinct invented names (case-insensitively distinct)."""
    rng = random.Random(seed)
    words = _invented_words(rng, 60_000)
    real_words = [w for w in vocabulary if " " not in w and w[0].isupper()] or ["Army"]
    seen: set[str] = set()
    while True:
        n = rng.choice((1, 2, 2, 2, 3, 3, 4))
        parts = [rng.choice(words) for _ in range(n)]
        if n > 1 and rng.random() < MIXED_SHARE:
            parts[rng.randrange(n)] = rng.choice(real_words)
        term = " ".join(parts)
        key = term.lower()
        if key not in seen:
            seen.add(key)
            yield term


def build_lexicons(sizes: Sequence[int], sentences: Sequence[str], seed: int,
                   directory: Path) -> dict[int, Lexicon]:
    """Write ``terms_<size>.tsv`` and ``terms_<size>.ie`` for each size; return them."""
    directory.mkdir(parents=True, exist_ok=True)
    real = real_terms(sentences, seed)
    real_keys = {r.lower() for r in real}
    stream = (t for t in generated_terms(seed + 1, real) if t.lower() not in real_keys)
    biggest = max(sizes)
    generated = [next(stream) for _ in range(biggest)]
    out: dict[int, Lexicon] = {}
    for size in sorted(sizes):
        n_real = min(len(real), max(1, round(size * REAL_SHARE)))
        terms = tuple(real[:n_real]) + tuple(generated[:size - n_real])
        ids = tuple(f"real:{i}" for i in range(n_real)) + tuple(
            f"gen:{i}" for i in range(size - n_real))
        tsv = directory / f"terms_{size}.tsv"
        rules = directory / f"terms_{size}.ie"
        tsv.write_text("".join(f"{t}\t{i}\n" for t, i in zip(terms, ids, strict=True)),
                       encoding="utf-8")
        rules.write_text(f'lexicon L from "{tsv.name}"\nentity TERM = @L\n', encoding="utf-8")
        out[size] = Lexicon(size, n_real, tsv, rules)
    return out


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """(term, id) pairs of a TSV lexicon; how every peer loads its terms."""
    pairs: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            pairs.append((cols[0].strip(), cols[1].strip() if len(cols) > 1 else cols[0]))
    return pairs
