"""The bundled pack's vocabulary, read textually for the spaCy comparison.

To give spaCy "comparable lexicon and trigger work" we need the pack's word lists:
every TSV lexicon, every inline ``lexicon NAME { ... }``, and which of them (through
``pattern`` definitions) the ``trigger = ...`` lines use.  They are read from the
rule text on purpose, not from iedsl's compiled program: the benchmark must not
depend on engine internals that are changing under it, and a textual reading is
easy to check by eye.  Regex patterns are left out (spaCy would need a token-level
REGEX per pattern, which is a different tool), and so is everything iedsl does
after matching: role filling, attributes, frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_NAME = r"[A-Z][A-Z0-9_]*"
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)+)"')
_REGEX = re.compile(r"/(?:[^/\\\n]|\\.)+/[a-z]*")
_COMMENT = re.compile(r"(^|\s)#.*$", re.M)
_LEXICON_BLOCK = re.compile(rf"^lexicon\s+({_NAME})[^{{\"\n]*\{{(.*?)\}}", re.M | re.S)
_LEXICON_FILE = re.compile(rf'^lexicon\s+({_NAME})[^{{"]*?\bfrom\s+("[^"]+"(?:\s*,\s*"[^"]+")*)',
                           re.M)
_DEF = re.compile(rf"^(pattern|entity)\s+({_NAME})\s*(?:normalize\s+\w+\s*)?=(.*)$")
_TRIGGER = re.compile(r"^\s+trigger\s*=(.*)$")
_REF = re.compile(rf"@({_NAME})")


@dataclass(frozen=True, slots=True)
class PackVocabulary:
    """Word lists of the pack: TSV files and inline lexicons; the trigger literals."""

    tsv_files: dict[str, tuple[Path, ...]]   # lexicon name -> its term files
    inline: dict[str, tuple[str, ...]]    # lexicon name -> literals
    triggers: tuple[str, ...]             # every literal a trigger can start with


def pack_dir() -> Path:
    """The bundled rule pack's directory (``rules/`` of this checkout)."""
    return REPO / "rules"


def pack_ready() -> bool:
    """Whether the bundled pack's entry file exists yet (it is written concurrently)."""
    return (pack_dir() / "conflict.ie").is_file()


def _unquote(s: str) -> str:
    return s.replace('\\"', '"').replace("\\\\", "\\")


def read_pack(pack: Path) -> PackVocabulary:
    """Lexicons and trigger literals of every ``.ie`` file under ``pack``."""
    tsv: dict[str, tuple[Path, ...]] = {}
    inline: dict[str, tuple[str, ...]] = {}
    defs: dict[str, str] = {}
    trigger_exprs: list[str] = []
    for path in sorted(pack.rglob("*.ie")):
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        for m in _LEXICON_FILE.finditer(text):
            tsv[m.group(1)] = tuple((path.parent / f).resolve()
                                    for f in _QUOTED.findall(m.group(2)))
        for m in _LEXICON_BLOCK.finditer(text):
            inline[m.group(1)] = tuple(_unquote(q) for q in _QUOTED.findall(m.group(2)))
        current: str | None = None
        for line in text.splitlines():
            d = _DEF.match(line)
            if d:
                current = d.group(2)
                defs[current] = _REGEX.sub(" ", d.group(3))
                continue
            if current and line[:1].isspace() and not line.strip().startswith("example"):
                defs[current] += " " + _REGEX.sub(" ", line)
            else:
                current = None
            t = _TRIGGER.match(line)
            if t:
                trigger_exprs.append(_REGEX.sub(" ", t.group(1)))
    triggers: dict[str, None] = {}
    seen: set[str] = set()

    def expand(expr: str) -> None:
        for q in _QUOTED.findall(expr):
            triggers.setdefault(_unquote(q), None)
        for ref in _REF.findall(expr):
            if ref in seen:
                continue
            seen.add(ref)
            for lit in inline.get(ref, ()):
                triggers.setdefault(lit, None)
            if ref in defs:
                expand(defs[ref])

    for expr in trigger_exprs:
        expand(expr)
    return PackVocabulary(tsv, inline, tuple(triggers))
