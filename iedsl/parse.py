"""Parse stage: rule text -> :class:`~iedsl.nodes.RuleFile`.

Parsing stops at the first syntax error (the checker, not the parser, collects many
problems); the error names the file, line and column, shows the offending text and
says in words what was expected there.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import lark
from lark import Token

from . import nodes as n
from .errors import Diagnostic, RuleSyntaxError
from .source import Source, Span
from .transform import ToNodes

#: How terminals read in "expected ..." hints.
_PRETTY = {
    "LABEL": "an UPPERCASE label",
    "NAME": "a lowercase name",
    "STRING": 'a "string"',
    "REGEX": "a /regex/",
    "INT": "a number",
    "SIGNED_INT": "a number",
    "TERM_ID": "an id",
    "$END": "end of file",
}


def grammar_text() -> str:
    """The grammar: ``iedsl/grammars/`` when installed, ``grammars/`` in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "grammars" / "iedsl.lark"
    path = installed if installed.is_file() else here.parent / "grammars" / "iedsl.lark"
    return path.read_text("utf-8")


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text(), parser="lalr", lexer="contextual",
                     propagate_positions=True, maybe_placeholders=True)


@functools.lru_cache(maxsize=1)
def _terminal_text() -> dict[str, str]:
    """Terminal name -> its literal text, for keywords and punctuation."""
    out = {}
    for term in _parser().terminals:
        if isinstance(term.pattern, lark.lexer.PatternStr):
            out[term.name] = f"`{term.pattern.value}`"
    return out


def describe_terminals(names: set[str] | frozenset[str]) -> str:
    texts = _terminal_text()
    words = sorted({texts.get(name) or _PRETTY.get(name, name) for name in names})
    return ", ".join(words)


def parse_rules(source: Source) -> n.RuleFile:
    """Parse one rule file (includes are resolved by :mod:`iedsl.load`)."""
    depth_error = _nesting_error(source)
    if depth_error is not None:
        raise RuleSyntaxError(depth_error)
    try:
        tree = _parser().parse(source.text)
    except lark.exceptions.UnexpectedInput as exc:
        raise RuleSyntaxError(_syntax_diagnostic(source, exc)) from None
    statements = ToNodes(source).transform(tree)
    return n.RuleFile(source=source, statements=tuple(statements))


#: Deeper bracket nesting than this is refused before parsing: every later stage
#: walks patterns recursively, and no readable rule comes near it.
MAX_NESTING = 64
_BRACKETS = re.compile(r'"(?:[^"\\\n]|\\.)*"|/(?![*/])(?:[^/\\\n]|\\.)+/|#[^\n]*|[()]')


def _nesting_error(source: Source) -> Diagnostic | None:
    depth = 0
    for m in _BRACKETS.finditer(source.text):
        tok = m.group()
        if tok == "(":
            depth += 1
            if depth > MAX_NESTING:
                return Diagnostic("E105", f"parentheses nested more than {MAX_NESTING} deep",
                                  source=source, span=Span(m.start(), m.end()),
                                  hint="split the pattern into named patterns "
                                  "(`pattern NAME = ...`)")
        elif tok == ")":
            depth = max(0, depth - 1)
    return None


def _syntax_diagnostic(source: Source, exc: lark.exceptions.UnexpectedInput) -> Diagnostic:
    text = source.text
    if isinstance(exc, lark.exceptions.UnexpectedToken):
        tok = exc.token
        expected = describe_terminals(exc.accepts or exc.expected)
        if tok.type == "$END":
            pos = len(text.rstrip())
            return Diagnostic("E102", "unexpected end of file", source=source,
                              span=Span(pos, pos), hint=f"expected {expected}")
        start = tok.start_pos or 0
        end = tok.end_pos if tok.end_pos is not None else start + len(tok)
        what = _token_word(tok)
        return Diagnostic("E101", f"unexpected {what}`{tok}`".replace("  ", " "),
                          source=source, span=Span(start, end),
                          hint=f"expected {expected}")
    if isinstance(exc, lark.exceptions.UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        if ch == '"':
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end
            return Diagnostic("E103", "unterminated string", source=source,
                              span=Span(pos, line_end),
                              hint='close the string with `"` on the same line')
        if ch == "/":
            return Diagnostic("E104", "unterminated or empty /regex/", source=source,
                              span=Span(pos, pos + 1),
                              hint="write a regex as /pattern/ on one line; escape `/` as `\\/`")
        allowed = describe_terminals(exc.allowed or set())
        return Diagnostic("E100", f"unexpected character `{ch}`", source=source,
                          span=Span(pos, pos + 1),
                          hint=f"expected {allowed}" if allowed else None)
    pos = getattr(exc, "pos_in_stream", 0) or 0  # pragma: no cover - lark adds new kinds rarely
    return Diagnostic("E100", str(exc).splitlines()[0], source=source, span=Span(pos, pos))


_TOKEN_WORDS = {"LABEL": "label ", "NAME": "name ", "STRING": "string ", "REGEX": "regex "}


def _token_word(tok: Token) -> str:
    """What kind of thing a token is, in words, judged by its text when the lexer
    fell back to a generic terminal."""
    text = str(tok)
    if text.lstrip("-").isdigit():
        return "number "
    if tok.type in _TOKEN_WORDS:
        return _TOKEN_WORDS[tok.type]
    if text[:1].islower() and text.replace("_", "").isalnum():
        return "name "
    if text[:1].isupper() and text.replace("_", "").isalnum() and text.upper() == text:
        return "label "
    return ""
