"""Regex atoms: one definition of flags and of the token-boundary guard.

The checker and the compiler must agree exactly on how a rule's regex is compiled,
or a regex could pass the check and then fail to compile; both call this module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import regex

# ``r`` searches from the end of the text backwards.  The regex module finds a literal
# fast only where a pattern has one to start from: ``\p{Ll}+ing`` is tried at every
# lowercase letter forwards (0.1 s a megabyte of news) but scans for "ing" backwards
# (0.007 s).  Backwards, the leftmost match is no longer the one preferred, so the
# flag is for patterns whose matches cannot overlap, such as single words.
_FLAG_BITS = {"i": regex.IGNORECASE, "I": regex.IGNORECASE, "m": regex.MULTILINE,
              "s": regex.DOTALL, "x": regex.VERBOSE, "a": regex.ASCII, "u": regex.UNICODE,
              "r": regex.REVERSE}
#: A regex match must start and end on token boundaries (see iedsl.text.is_boundary):
#: "not a word character followed by a word character".  Written as one lookbehind
#: (rather than ``(?<!\w)|(?!\w)``) it lets the regex module scan ahead for the
#: pattern's first character, up to 30x faster on patterns such as ``[0-9]+``.
_EDGE = r"(?<!\w(?=\w))"


def compile_regex(pattern: str, flags: str) -> regex.Pattern[str]:
    """The rule's regex, matching only from and to token boundaries."""
    return regex.compile(f"{_EDGE}(?:{pattern}){_EDGE}", regex_flags(flags))


def regex_flags(flags: str) -> int:
    bits = 0
    for f in flags:
        bits |= _FLAG_BITS.get(f, 0)
    return bits


def leading_branches(pattern: str) -> list[str] | None:
    """``["A REST", "B REST", ...]`` for a pattern ``(?:A|B|...)REST`` whose every
    branch opens with a literal character, else None.

    The regex module finds a literal prefix with a fast scan but tries an alternation
    at every position: ``(?:slammed|tore)\\s+into`` runs 20-70 times slower over news
    text than ``slammed\\s+into`` and ``tore\\s+into`` together (``(?:,|and)(?=...)``
    several times slower than ``,(?=...)`` and ``and(?=...)``).  :func:`scan_split`
    runs the branches and merges them into exactly the matches of the whole.
    Patterns with backreferences or global inline flags are left alone (a branch would
    renumber groups or move a flag).
    """
    if not pattern.startswith("(?:") or "\\g" in pattern or "(?P" in pattern \
            or "(?(" in pattern or regex.search(r"\\[1-9]|\(\?[a-zA-Z]+\)", pattern):
        return None
    branches: list[str] = []
    start = 3
    for i, c, depth in _structure(pattern, 3):
        if c == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        elif c == ")" and depth < 0:   # the group closes
            branches.append(pattern[start:i])
            rest = pattern[i + 1:]
            if rest[:1] in ("?", "*", "+", "{") or len(branches) < 2:
                return None   # a quantified group, or no alternation at all
            if not all(_opens_with_literal(b) for b in branches) or any(
                    c2 == "|" and d2 == 0 for _, c2, d2 in _structure(rest, 0)):
                return None   # ... or REST has alternatives of its own, tried after ours
            return [b + rest for b in branches]
    return None


def _structure(pattern: str, i: int) -> Iterator[tuple[int, str, int]]:
    """The parentheses and bars of ``pattern`` from ``i`` with the group depth there
    (after a ``)``, before a ``(``), skipping escapes and character classes."""
    depth, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]" or pattern[i + 1:i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3   # "[]...]" and "[^]...]"
                continue
        elif c == "(":
            yield i, c, depth
            depth += 1
        elif c == ")":
            depth -= 1
            yield i, c, depth
        elif c == "|":
            yield i, c, depth
        i += 1


#: Characters that open a branch without being a literal (``#`` and blanks are
#: special under the verbose flag).
_NOT_LITERAL = frozenset("\\.^$*+?{}[]|()#")


def _opens_with_literal(branch: str) -> bool:
    """A literal character first (a letter, digit or punctuation such as ``,``), not
    optional (``a?b`` does not open with ``a``)."""
    c = branch[:1]
    return (c != "" and c not in _NOT_LITERAL and not c.isspace()
            and (len(branch) == 1 or branch[1] not in "?*{"))


def compile_branches(pattern: str, flags: str) -> tuple[regex.Pattern[str], ...] | None:
    """The branches of :func:`leading_branches`, compiled as :func:`compile_regex`
    compiles the whole (so each keeps the token-boundary guard)."""
    if "r" in flags:
        return None   # a reversed search already starts from the literal at the end
    split = leading_branches(pattern)
    if split is None:
        return None
    return tuple(compile_regex(b, flags) for b in split)


def scan_split(whole: regex.Pattern[str], branches: tuple[regex.Pattern[str], ...],
               text: str, timeout: float | None = None) -> list[tuple[int, int]]:
    """The spans of ``whole.finditer(text)``, found with its branches (non-empty ones:
    a regex atom's empty matches are ignored).

    At each step the leftmost start any branch can match at wins, and there the first
    branch in order, as the alternation itself would choose; the search goes on from
    the end of that match.  An empty match (finditer's rules for those are subtle)
    hands the text to ``whole`` itself.
    """
    deadline = None if timeout is None else time.monotonic() + timeout

    def left() -> float | None:
        return None if deadline is None else max(deadline - time.monotonic(), 1e-6)

    nxt: list[Any] = [b.search(text, 0, timeout=left()) for b in branches]
    out: list[tuple[int, int]] = []
    while True:
        best = None
        for m in nxt:
            if m is not None and (best is None or m.start() < best.start()):
                best = m   # the first branch in order among equal starts
        if best is None:
            return out
        s, e = best.span()
        if e == s:
            return [m.span() for m in whole.finditer(text, timeout=timeout) if m.end() > m.start()]
        out.append((s, e))
        for k, m in enumerate(nxt):
            if m is not None and m.start() < e:
                nxt[k] = branches[k].search(text, e, timeout=left())
