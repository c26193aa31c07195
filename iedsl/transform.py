"""Transform stage of parsing: Lark's tree -> frozen :mod:`iedsl.nodes`.

Method names are the grammar's rule names and build the node class of the same
name (``lexicon_decl`` -> ``LexiconDecl``), so grammar, transformer and nodes can be
read side by side.  Keywords and punctuation are dropped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lark import Token, Transformer, v_args

from . import nodes as n
from .source import Source, Span

_KEEP = {"STRING", "REGEX", "NAME", "LABEL", "INT", "SIGNED_INT", "TERM_ID"}


def unescape_string(token_text: str) -> str:
    """The value of a double-quoted string token (``\\n``, ``\\t``, ``\\"``, ``\\\\``)."""
    body = token_text[1:-1]
    if "\\" not in body:
        return body
    out = []
    it = iter(body)
    for ch in it:
        if ch == "\\":
            nxt = next(it, "")
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
        else:
            out.append(ch)
    return "".join(out)


def _values(children: list[Any]) -> Iterator[Any]:
    """Children that carry meaning: drop keywords and punctuation tokens."""
    for child in children:
        if isinstance(child, Token):
            if child.type in _KEEP:
                yield child
        elif child is not None:
            yield child


@v_args(meta=True)
class ToNodes(Transformer):
    """Lark tree -> frozen nodes. Method names are the grammar's rule names."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source

    def _where(self, meta: Any) -> n.Where:
        if getattr(meta, "empty", True):
            return n.Where(self.source, Span(0, 0))
        return n.Where(self.source, Span(meta.start_pos, meta.end_pos))

    def _tok_where(self, tok: Token) -> n.Where:
        # lark's Token types its positions as optional; a parsed token always has them
        return n.Where(self.source, Span(tok.start_pos or 0, tok.end_pos or 0))

    # files -------------------------------------------------------------
    def start(self, meta: Any, children: list[Any]) -> list[Any]:
        return list(children)

    def include(self, meta: Any, children: list[Any]) -> n.Include:
        (path,) = _values(children)
        return n.Include(unescape_string(path), self._where(meta))

    def python_import(self, meta: Any, children: list[Any]) -> n.PythonImport:
        (mod,) = _values(children)
        return n.PythonImport(unescape_string(mod), self._where(meta))

    def label_decl(self, meta: Any, children: list[Any]) -> n.LabelDecl:
        name = children[1]
        parent = None
        policy = None
        for i, child in enumerate(children):
            if isinstance(child, Token) and child.type == "IS":
                parent = str(children[i + 1])
            if isinstance(child, str) and not isinstance(child, Token):
                policy = child
        return n.LabelDecl(str(name), parent, policy, self._where(meta))

    def policy_name(self, meta: Any, children: list[Any]) -> str:
        return str(children[0])

    # lexicons ----------------------------------------------------------
    def lexicon_decl(self, meta: Any, children: list[Any]) -> n.LexiconDecl:
        vals = list(_values(children))
        name = str(vals[0])
        folds: frozenset[str] | None = None
        groups: tuple[n.TermGroup, ...] = ()
        files: tuple[str, ...] = ()
        file_attrs: tuple[tuple[str, str | int], ...] = ()
        for v in vals[1:]:
            if isinstance(v, frozenset):
                folds = v if folds is None else folds | v
            elif isinstance(v, tuple) and v and v[0] == "body":
                groups = v[1]
            elif isinstance(v, tuple) and v and v[0] == "from":
                files, file_attrs = v[1], v[2]
        return n.LexiconDecl(name, folds, groups, files, file_attrs, self._where(meta))

    def fold_opt(self, meta: Any, children: list[Any]) -> frozenset[str]:
        return frozenset(str(v) for v in _values(children))

    def exact_opt(self, meta: Any, children: list[Any]) -> frozenset[str]:
        return frozenset()

    def lexicon_from(self, meta: Any, children: list[Any]) -> tuple[Any, ...]:
        vals = list(_values(children))
        attrs: tuple[tuple[str, str | int], ...] = ()
        if vals and isinstance(vals[-1], tuple):
            attrs = vals.pop()
        return ("from", tuple(unescape_string(v) for v in vals), attrs)

    def lexicon_body(self, meta: Any, children: list[Any]) -> tuple[Any, ...]:
        return ("body", tuple(_values(children)))

    def term_group(self, meta: Any, children: list[Any]) -> n.TermGroup:
        terms = []
        term_id = None
        attrs: tuple[tuple[str, str | int], ...] = ()
        for v in _values(children):
            if isinstance(v, Token) and v.type == "STRING":
                terms.append(unescape_string(v))
            elif isinstance(v, tuple):
                attrs = v
            else:
                term_id = v
        return n.TermGroup(tuple(terms), term_id, attrs, self._where(meta))

    def term_id(self, meta: Any, children: list[Any]) -> str:
        (tok,) = _values(children)
        return unescape_string(tok) if tok.type == "STRING" else str(tok)

    def attrs(self, meta: Any, children: list[Any]) -> tuple[tuple[str, str | int], ...]:
        return tuple(_values(children))

    def attr(self, meta: Any, children: list[Any]) -> tuple[str, str | int]:
        name, value = _values(children)
        if isinstance(value, Token) and value.type == "STRING":
            return str(name), unescape_string(value)
        return str(name), value if isinstance(value, int) else str(value)

    def int_value(self, meta: Any, children: list[Any]) -> int:
        return int(children[0])

    # patterns ----------------------------------------------------------
    def pattern_decl(self, meta: Any, children: list[Any]) -> n.PatternDecl:
        vals = list(_values(children))
        examples = tuple(v for v in vals[2:] if isinstance(v, n.Example))
        return n.PatternDecl(str(vals[0]), vals[1], examples, self._where(meta))

    def entity_decl(self, meta: Any, children: list[Any]) -> n.EntityDecl:
        vals = list(_values(children))
        label = str(vals[0])
        priority = 0
        normalizer = None
        pattern = None
        examples = []
        guards = []
        for v in vals[1:]:
            if isinstance(v, tuple) and v[0] == "priority":
                priority = v[1]
            elif isinstance(v, tuple) and v[0] == "normalize":
                normalizer = v[1]
            elif isinstance(v, n.EntityGuard):
                guards.append(v)
            elif isinstance(v, n.Example):
                examples.append(v)
            else:
                pattern = v
        assert pattern is not None   # the grammar requires one
        return n.EntityDecl(label, priority, normalizer, pattern, tuple(examples),
                            self._where(meta), tuple(guards))

    def entity_guard(self, meta: Any, children: list[Any]) -> n.EntityGuard:
        negated = children[0].type == "NOT"
        side = str(children[1 if negated else 0])
        return n.EntityGuard(side, negated, children[-1], self._where(meta))

    def priority_opt(self, meta: Any, children: list[Any]) -> tuple[str, int]:
        return ("priority", int(children[1]))

    def normalize_opt(self, meta: Any, children: list[Any]) -> tuple[str, str]:
        return ("normalize", str(children[1]))

    def alternation(self, meta: Any, children: list[Any]) -> n.Alternation:
        return n.Alternation(tuple(_values(children)), self._where(meta))

    def sequence(self, meta: Any, children: list[Any]) -> n.Sequence:
        return n.Sequence(tuple(_values(children)), self._where(meta))

    def quantified(self, meta: Any, children: list[Any]) -> n.Pattern:
        item, (lo, hi) = children
        return n.Repeat(item, lo, hi, self._where(meta))

    def quantifier(self, meta: Any, children: list[Any]) -> tuple[int, int | None]:
        kind = children[0].type
        if kind == "QMARK":
            return 0, 1
        if kind == "STAR":
            return 0, None
        if kind == "PLUS":
            return 1, None
        ints = [c for c in children if isinstance(c, Token) and c.type == "INT"]
        has_comma = any(isinstance(c, Token) and c.type == "COMMA" for c in children)
        lo = int(ints[0])
        if not has_comma:
            return lo, lo
        return lo, int(ints[1]) if len(ints) > 1 else None

    def literal(self, meta: Any, children: list[Any]) -> n.Literal:
        attrs = children[1] if len(children) > 1 else ()
        return n.Literal(unescape_string(children[0]), self._tok_where(children[0]), attrs)

    def regex(self, meta: Any, children: list[Any]) -> n.Regex:
        tok = children[0]
        text = str(tok)
        close = text.rfind("/")
        body = text[1:close].replace("\\/", "/")
        attrs = children[1] if len(children) > 1 else ()
        return n.Regex(body, text[close + 1:], self._tok_where(tok), attrs)

    def ref(self, meta: Any, children: list[Any]) -> n.Ref:
        return n.Ref(str(children[1]), self._where(meta))

    def label_ref(self, meta: Any, children: list[Any]) -> n.LabelRef:
        return n.LabelRef(str(children[0]), self._tok_where(children[0]))

    def any_token(self, meta: Any, children: list[Any]) -> n.AnyToken:
        return n.AnyToken(self._tok_where(children[0]))

    def negation(self, meta: Any, children: list[Any]) -> n.Negation:
        return n.Negation(children[1], self._where(meta))

    def group(self, meta: Any, children: list[Any]) -> n.Pattern:
        return children[1]

    def capture(self, meta: Any, children: list[Any]) -> n.Capture:
        return n.Capture(str(children[1]), children[3], self._where(meta))

    # events ------------------------------------------------------------
    def attribute_decl(self, meta: Any, children: list[Any]) -> n.AttributeDecl:
        vals = [str(v) for v in _values(children)]
        return n.AttributeDecl(vals[0], tuple(vals[1:-1]), vals[-1], self._where(meta))

    event_attr = attribute_decl

    def event_decl(self, meta: Any, children: list[Any]) -> n.EventDecl:
        vals = list(_values(children))
        roles = tuple(v for v in vals[1:] if isinstance(v, n.RoleDecl))
        attrs = tuple(v for v in vals[1:] if isinstance(v, n.AttributeDecl))
        return n.EventDecl(str(vals[0]), roles, attrs, self._where(meta))

    def role_decl(self, meta: Any, children: list[Any]) -> n.RoleDecl:
        listed = any(isinstance(c, Token) and c.type == "LISTED" for c in children)
        vals = list(_values(children))
        card = vals[2] if len(vals) > 2 and vals[2] is not None else n.Cardinality.ONE
        return n.RoleDecl(str(vals[0]), vals[1], card, self._where(meta), listed)

    def role_labels(self, meta: Any, children: list[Any]) -> tuple[str, ...]:
        return tuple(str(v) for v in _values(children))

    def cardinality(self, meta: Any, children: list[Any]) -> n.Cardinality:
        return n.Cardinality(str(children[0]))

    def rule_decl(self, meta: Any, children: list[Any]) -> n.RuleDecl:
        vals = list(_values(children))
        name, event = str(vals[0]), str(vals[1])
        priority = 0
        rest = vals[2:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "SIGNED_INT":
            priority = int(rest[0])
            rest = rest[1:]
        trigger = None
        roles, sets, requires, examples = [], [], [], []
        for v in rest:
            if isinstance(v, tuple) and v[0] == "trigger":
                trigger = v[1]
            elif isinstance(v, n.RoleClause):
                roles.append(v)
            elif isinstance(v, n.SetClause):
                sets.append(v)
            elif isinstance(v, n.RequireClause):
                requires.append(v)
            elif isinstance(v, n.Example):
                examples.append(v)
        return n.RuleDecl(name, event, priority, trigger, tuple(roles), tuple(sets),
                          tuple(requires), tuple(examples), self._where(meta))

    def trigger_clause(self, meta: Any, children: list[Any]) -> tuple[str, n.Pattern]:
        return ("trigger", children[2])

    def role_clause(self, meta: Any, children: list[Any]) -> n.RoleClause:
        role = str(children[0])
        filler = children[2]
        position = n.Position.ANY
        scope = n.Scope.SENTENCE
        within = None
        via = None
        barrier = None
        adjacent = False
        for c in children[3:]:
            kind, value = c
            if kind == "right":
                position, adjacent = value, True
            elif kind == "position":
                position = value
            elif kind == "scope":
                scope = value
            elif kind == "within":
                within = value
            elif kind == "via":
                via = value
            elif kind == "barrier":
                barrier = value
        return n.RoleClause(role, filler, position, scope, within, via, self._where(meta),
                            adjacent, barrier)

    def right_before_trigger(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("right", n.Position.BEFORE)

    def right_after_trigger(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("right", n.Position.AFTER)

    def before_trigger(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("position", n.Position.BEFORE)

    def after_trigger(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("position", n.Position.AFTER)

    def in_sentence(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("scope", n.Scope.SENTENCE)

    def in_clause(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("scope", n.Scope.CLAUSE)

    def within(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("within", int(children[1]))

    def via(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("via", children[1])

    def not_across(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("barrier", children[2])

    def set_value(self, meta: Any, children: list[Any]) -> n.SetClause:
        attr, value = _values(children)
        return n.SetClause(str(attr), str(value), (), self._where(meta))

    def set_from(self, meta: Any, children: list[Any]) -> n.SetClause:
        vals = [v for v in children if isinstance(v, str) and not isinstance(v, Token)]
        return n.SetClause(str(children[1]), None, tuple(vals), self._where(meta))

    def attr_source(self, meta: Any, children: list[Any]) -> str:
        return str(children[0])

    def require_clause(self, meta: Any, children: list[Any]) -> n.RequireClause:
        return n.RequireClause(str(children[1]), self._where(meta))

    def cue_decl(self, meta: Any, children: list[Any]) -> n.CueDecl:
        attr, value = str(children[1]), str(children[3])
        position = n.Position.ANY
        within = None
        events: tuple[str, ...] = ()
        pattern = None
        examples = []
        for c in children[4:]:
            if isinstance(c, Token):
                continue
            if isinstance(c, tuple) and c and c[0] == "position":
                position = c[1]
            elif isinstance(c, tuple) and c and c[0] == "within":
                within = c[1]
            elif isinstance(c, tuple) and c and c[0] == "for":
                events = c[1]
            elif isinstance(c, n.Example):
                examples.append(c)
            elif c is not None:
                pattern = c
        assert pattern is not None   # the grammar requires one
        return n.CueDecl(attr, value, position, within, events, pattern, tuple(examples),
                         self._where(meta))

    def cue_for(self, meta: Any, children: list[Any]) -> tuple[str, tuple[str, ...]]:
        return ("for", tuple(str(v) for v in _values(children)))

    # examples ----------------------------------------------------------
    def example(self, meta: Any, children: list[Any]) -> n.Example:
        text = unescape_string(children[1])
        kind, payload = children[3]
        where = self._where(meta)
        if kind == "nothing":
            return n.Example(text, (), (), True, where)
        if kind == "frames":
            return n.Example(text, payload, (), False, where)
        return n.Example(text, (), payload, False, where)

    def expect_nothing(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("nothing", None)

    def expect_frames(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("frames", tuple(_values(children)))

    def expect_spans(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("spans", tuple(unescape_string(v) for v in _values(children)))

    def expected_frame(self, meta: Any, children: list[Any]) -> n.ExpectedFrame:
        vals = list(_values(children))
        event = str(vals[0])
        trigger = None
        rest = vals[1:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            trigger = unescape_string(rest[0])
            rest = rest[1:]
        return n.ExpectedFrame(event, trigger, tuple(rest), self._where(meta))

    def expected_arg(self, meta: Any, children: list[Any]) -> tuple[str, str]:
        name, value = _values(children)
        text = unescape_string(value) if value.type == "STRING" else str(value)
        return str(name), text
