"""Check stage: do the parsed rules make sense together?

Every problem is collected (sorted by file and position) and raised once as a
:class:`~iedsl.errors.RuleCheckError`; warnings are returned alongside the checked
rules so that ``iedsl check`` can show them without failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from . import nodes as n
from .check_fire import never_fire_warnings
from .errors import Diagnostic, RuleCheckError, Severity, did_you_mean
from .extensions import get_normalizer, get_predicate, import_modules, normalizer_names
from .fold import ALL_FOLDS
from .load import RuleSet, TermRow
from .regexes import compile_regex, regex_flags
from .source import Span

POLICIES = ("longest", "priority", "all")
#: A pattern that expands to more atoms than this is refused (E404): a hostile or
#: mistaken {m,n} would otherwise compile to millions of NFA states.
MAX_PATTERN_SIZE = 5000


@dataclass(frozen=True, slots=True)
class LabelInfo:
    name: str
    parent: str | None
    policy: str
    decl: n.LabelDecl | None


@dataclass(slots=True)
class CheckedRules:
    """Symbol tables of a consistent rule set: the compiler's only input."""

    labels: dict[str, LabelInfo]
    descendants: dict[str, frozenset[str]]
    label_order: tuple[str, ...]                 # entity labels, dependencies first
    lexicons: dict[str, n.LexiconDecl]
    lexicon_rows: dict[str, tuple[tuple[TermRow, ...], ...]]   # rows of each term file
    patterns: dict[str, n.PatternDecl]
    entities: tuple[n.EntityDecl, ...]
    attributes: tuple[n.AttributeDecl, ...]
    events: dict[str, n.EventDecl]
    rules: tuple[n.RuleDecl, ...]
    cues: tuple[n.CueDecl, ...]
    python_modules: tuple[str, ...]
    warnings: list[Diagnostic] = field(default_factory=list)


def check_rules(ruleset: RuleSet) -> CheckedRules:
    """Validate names, types, roles, regexes; raise all errors at once."""
    checker = _Checker(ruleset)
    checked = checker.run()
    errors = [d for d in checker.diags if d.severity is Severity.ERROR]
    if errors:
        raise RuleCheckError(errors)
    checked.warnings = sorted(
        (d for d in checker.diags if d.severity is Severity.WARNING),
        key=lambda d: (d.source.name if d.source else "", d.span.start if d.span else 0))
    return checked


def diagnose_rules(ruleset: RuleSet) -> list[Diagnostic]:
    """Every error and warning at once, sorted by position (for ``iedsl check``).

    :func:`check_rules` raises on errors and so drops the warnings; a linter wants both.
    """
    checker = _Checker(ruleset)
    checker.run()
    return sorted(checker.diags, key=lambda d: (d.source.name if d.source else "",
                                                d.span.start if d.span else -1, d.code))


def walk(pattern: n.Pattern) -> Iterator[n.Pattern]:
    """Every node of a pattern, pre-order."""
    yield pattern
    if isinstance(pattern, (n.Sequence,)):
        for item in pattern.items:
            yield from walk(item)
    elif isinstance(pattern, n.Alternation):
        for item in pattern.options:
            yield from walk(item)
    elif isinstance(pattern, (n.Repeat, n.Capture)):
        yield from walk(pattern.item)
    elif isinstance(pattern, n.Negation):
        yield from walk(pattern.atom)


def can_be_empty(p: n.Pattern, patterns: dict[str, n.PatternDecl],
                 seen: frozenset[str] = frozenset()) -> bool:
    if isinstance(p, n.Sequence):
        return all(can_be_empty(i, patterns, seen) for i in p.items)
    if isinstance(p, n.Alternation):
        return any(can_be_empty(i, patterns, seen) for i in p.options)
    if isinstance(p, n.Repeat):
        return p.min == 0 or can_be_empty(p.item, patterns, seen)
    if isinstance(p, n.Capture):
        return can_be_empty(p.item, patterns, seen)
    if isinstance(p, n.Ref) and p.name in patterns and p.name not in seen:
        return can_be_empty(patterns[p.name].pattern, patterns, seen | {p.name})
    return False


# A group holding a variable quantifier, itself repeated without bound: (a+)+, (\w*)*, (x+){2,}.
# Bounded outer repetitions ((\S+\s+){0,3}) cannot blow up and are not flagged, nor
# can an atomic group ((?>a+)+) or a possessive outer repetition ((a+)++): neither
# backtracks into the group, and they are the fixes the warning's hint proposes.
_NESTED_QUANT = regex.compile(
    r"\((?!\?>)(?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})(?!\+)")
#: What lets a regex match across words: a space, any whitespace or non-word class, a
#: dot, a negated class.  A backward (`r`) regex with one of these may find other
#: matches than the forward search would, where two of them overlap.
_CROSSES_WORDS = regex.compile(r"(?<!\\) |\\[sSW]|(?<!\\)\.|\[\^")


class _Checker:
    def __init__(self, ruleset: RuleSet) -> None:
        self.rs = ruleset
        self.diags: list[Diagnostic] = list(ruleset.problems)

    # helpers -----------------------------------------------------------
    def error(self, code: str, message: str, where: n.Where, hint: str | None = None) -> None:
        self.diags.append(Diagnostic(code, message, Severity.ERROR, where.source, where.span,
                                     hint))

    def warn(self, code: str, message: str, where: n.Where, hint: str | None = None) -> None:
        self.diags.append(Diagnostic(code, message, Severity.WARNING, where.source, where.span,
                                     hint))

    def statements(self) -> Iterator[n.Statement]:
        for f in self.rs.files:
            yield from f.statements

    # the pass ----------------------------------------------------------
    def run(self) -> CheckedRules:
        lexicons: dict[str, n.LexiconDecl] = {}
        patterns: dict[str, n.PatternDecl] = {}
        label_decls: dict[str, n.LabelDecl] = {}
        entities: list[n.EntityDecl] = []
        attributes: list[n.AttributeDecl] = []
        events: dict[str, n.EventDecl] = {}
        rules: list[n.RuleDecl] = []
        rule_names: set[str] = set()
        cues: list[n.CueDecl] = []
        modules: list[str] = []

        for s in self.statements():
            if isinstance(s, (n.LexiconDecl, n.PatternDecl)):
                if s.name in lexicons or s.name in patterns:
                    self.error("E201", f"`@{s.name}` is defined twice", s.where,
                               "lexicons and patterns share one namespace")
                elif isinstance(s, n.LexiconDecl):
                    lexicons[s.name] = s
                else:
                    patterns[s.name] = s
            elif isinstance(s, n.LabelDecl):
                if s.name in label_decls:
                    self.error("E201", f"label `{s.name}` is declared twice", s.where)
                label_decls[s.name] = s
            elif isinstance(s, n.EntityDecl):
                entities.append(s)
            elif isinstance(s, n.AttributeDecl):
                attributes.append(s)
            elif isinstance(s, n.EventDecl):
                if s.name in events:
                    self.error("E201", f"event `{s.name}` is declared twice", s.where)
                events[s.name] = s
            elif isinstance(s, n.RuleDecl):
                if s.name in rule_names:
                    self.error("E201", f"rule `{s.name}` is defined twice", s.where)
                rule_names.add(s.name)
                rules.append(s)
            elif isinstance(s, n.CueDecl):
                cues.append(s)
            elif isinstance(s, n.PythonImport):
                modules.append(s.module)
                try:
                    import_modules((s.module,))
                except Exception as exc:
                    self.error("E306", f"cannot import Python module `{s.module}`: {exc}",
                               s.where)

        self.lexicons, self.patterns, self.events = lexicons, patterns, events
        self.entities = entities
        labels = self.check_labels(label_decls, entities)
        self.labels = labels
        descendants = self.descendants(labels)
        self.check_lexicons(lexicons)
        used_names: set[str] = set()
        for p in patterns.values():
            self.check_pattern(p.pattern, used_names, f"pattern @{p.name}")
            self.check_recursion(p)
        for e in entities:
            if e.normalizer and e.normalizer != "id" and get_normalizer(e.normalizer) is None:
                self.error("E210", f"unknown normalizer `{e.normalizer}`", e.where,
                           did_you_mean(e.normalizer, normalizer_names())
                           or f"known: {', '.join(normalizer_names())}")
            self.check_pattern(e.pattern, used_names, f"entity {e.label}")
            if can_be_empty(e.pattern, patterns):
                self.warn("W403", f"entity {e.label} can match empty text; empty matches are "
                          "ignored", e.where)
            for g in e.guards:
                self.check_pattern(g.pattern, used_names, f"entity {e.label} ({g.describe()})")
                if can_be_empty(g.pattern, patterns):
                    self.warn("W403", f"the `{g.describe()}` guard of entity {e.label} can "
                              "match empty text; empty matches are ignored", g.where)
        global_attrs = self.check_attributes(attributes)
        for ev in events.values():
            self.check_event(ev, labels, global_attrs)
        for r in rules:
            self.check_rule(r, events, labels, descendants, global_attrs, used_names)
        for c in cues:
            self.check_cue(c, events, global_attrs, used_names)
        self.diags += never_fire_warnings(entities, rules, events, patterns, descendants)
        for name, lex in lexicons.items():
            if name not in used_names:
                self.warn("W101", f"lexicon `@{name}` is never used", lex.where)
        order = self.label_order(entities, descendants)
        rows = self.lexicon_rows(lexicons)
        self.check_term_ids(rows)
        return CheckedRules(
            labels=labels, descendants=descendants, label_order=order, lexicons=lexicons,
            lexicon_rows=rows, patterns=patterns, entities=tuple(entities),
            attributes=tuple(global_attrs.values()), events=events, rules=tuple(rules),
            cues=tuple(cues), python_modules=tuple(dict.fromkeys(modules)))

    # labels ------------------------------------------------------------
    def check_labels(self, decls: dict[str, n.LabelDecl],
                     entities: list[n.EntityDecl]) -> dict[str, LabelInfo]:
        labels: dict[str, LabelInfo] = {}
        for d in decls.values():
            policy = d.policy or "longest"
            if policy not in POLICIES:
                self.error("E214", f"unknown overlap policy `{policy}`", d.where,
                           did_you_mean(policy, POLICIES) or f"policies: {', '.join(POLICIES)}")
                policy = "longest"
            labels[d.name] = LabelInfo(d.name, d.parent, policy, d)
        for e in entities:
            labels.setdefault(e.label, LabelInfo(e.label, None, "longest", None))
        for d in decls.values():
            if d.parent is not None and d.parent not in labels:
                self.error("E204", f"unknown parent label `{d.parent}`", d.where,
                           did_you_mean(d.parent, labels))
        for name in labels:
            seen = [name]
            cur = labels[name].parent
            while cur is not None and cur in labels:
                if cur in seen:
                    decl = labels[name].decl
                    if decl is not None:
                        self.error("E207", f"label taxonomy has a cycle: "
                                   f"{' is '.join([*seen, cur])}", decl.where)
                    break
                seen.append(cur)
                cur = labels[cur].parent
        return labels

    def descendants(self, labels: dict[str, LabelInfo]) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {name: {name} for name in labels}
        for name in labels:
            seen = {name}
            cur = labels[name].parent
            while cur is not None and cur in labels and cur not in seen:
                out[cur].add(name)
                seen.add(cur)
                cur = labels[cur].parent
        return {k: frozenset(v) for k, v in out.items()}

    def label_order(self, entities: list[n.EntityDecl],
                    descendants: dict[str, frozenset[str]]) -> tuple[str, ...]:
        deps: dict[str, set[str]] = {}
        where: dict[str, n.Where] = {}
        for e in entities:
            where.setdefault(e.label, e.where)
            d = deps.setdefault(e.label, set())
            for pattern in (e.pattern, *(g.pattern for g in e.guards)):
                for node in self.expand_walk(pattern):
                    if isinstance(node, n.LabelRef):
                        d.update(descendants.get(node.label, {node.label}))
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(label: str, stack: list[str]) -> None:
            if state.get(label) == 2 or label not in deps:
                return
            if state.get(label) == 1:
                cyc = [*stack[stack.index(label):], label]
                self.error("E209", f"entities depend on each other in a cycle: "
                           f"{' -> '.join(cyc)}", where[label],
                           "an entity cannot (even indirectly) contain itself")
                return
            state[label] = 1
            for dep in sorted(deps[label]):
                visit(dep, [*stack, label])
            state[label] = 2
            order.append(label)

        for label in deps:
            visit(label, [])
        return tuple(order)

    def expand_walk(self, pattern: n.Pattern, seen: frozenset[str] = frozenset()
                    ) -> Iterator[n.Pattern]:
        for node in walk(pattern):
            yield node
            if isinstance(node, n.Ref) and node.name in self.patterns and node.name not in seen:
                yield from self.expand_walk(self.patterns[node.name].pattern, seen | {node.name})

    # lexicons ----------------------------------------------------------
    def check_lexicons(self, lexicons: dict[str, n.LexiconDecl]) -> None:
        for lex in lexicons.values():
            for fold in sorted(lex.folds or ()):
                if fold not in ALL_FOLDS:
                    self.error("E213", f"unknown fold `{fold}`", lex.where,
                               did_you_mean(fold, ALL_FOLDS)
                               or f"folds: {', '.join(sorted(ALL_FOLDS))}")
            for g in lex.groups:
                for t in g.terms:
                    if not t.strip():
                        self.error("E215", "empty term", g.where)
            self.check_group_breaks(lex)

    def check_group_breaks(self, lex: n.LexiconDecl) -> None:
        """W104: a term group that a missing comma ended.

        Groups need no separator, so a line that ends without its comma starts a new
        group, and the id or attributes written at the end of the next group no longer
        reach the terms above.  Only that case is flagged (two bare groups mean the
        same as one); a blank line or a comment between the groups says it is meant.
        """
        for g1, g2 in zip(lex.groups, lex.groups[1:], strict=False):
            if g1.term_id is not None or g1.attrs or (g2.term_id is None and not g2.attrs):
                continue
            text = g1.where.source.text
            gap = text[g1.where.span.end:g2.where.span.start]
            if gap.strip() == "" and gap.count("\n") == 1:
                what = "id" if g2.term_id is not None else "attributes"
                # point at the last term (its opening quote), where the comma is due
                end = g1.where.span.end
                start = text.rfind('"', g1.where.span.start, end - 1)
                last = n.Where(g1.where.source,
                               Span(start if start >= 0 else g1.where.span.start, end))
                self.warn("W104", f"term group ends at a line without a comma, so the {what} "
                          f"of the next group do not apply to {g1.terms[-1]!r}", last,
                          "add the comma to continue the group; to start a new group on "
                          "purpose, leave a blank line or a comment between them")

    def lexicon_rows(self, lexicons: dict[str, n.LexiconDecl]
                     ) -> dict[str, tuple[tuple[TermRow, ...], ...]]:
        out = {}
        for name, lex in lexicons.items():
            files = []
            for rel in lex.files:
                key = self.rs.term_file_keys.get((lex.where.source.name, rel))
                if key is not None:
                    files.append(self.rs.term_files.get(key, ()))
            out[name] = tuple(files)
        return out

    def check_term_ids(self, rows: dict[str, tuple[tuple[TermRow, ...], ...]]) -> None:
        """W102: one term with two ids, in two lexicons that feed the same label.

        Lexicons that feed different labels may give a term different ids on purpose
        (a capital as a PLACE, and as the government it stands for as an ACTOR).
        """
        if sum(1 for name, lex in self.lexicons.items() if lex.groups or rows.get(name)) < 2:
            return
        feeds: dict[str, set[str]] = {}      # lexicon -> labels whose ids it can give
        for e in self.entities:
            for source in self.id_sources(e.pattern, frozenset()):
                feeds.setdefault(source, set()).add(e.label)
        seen: dict[str, list[tuple[str, str | None]]] = {}
        reported = 0
        for name, lex in self.lexicons.items():
            entries = [(t, g.term_id) for g in lex.groups for t in g.terms]
            entries += [(r[0], r[1]) for file_rows in rows.get(name, ()) for r in file_rows]
            mine = feeds.get(name, set())
            for term, tid in entries:
                key = term.lower()
                prevs = seen.setdefault(key, [])
                for other, other_id in prevs:
                    if other != name and other_id and tid and other_id != tid and \
                            mine & feeds.get(other, set()) and reported < 50:
                        reported += 1
                        self.warn("W102", f"term `{term}` has id `{tid}` in @{name} but "
                                  f"`{other_id}` in @{other}, and both feed "
                                  f"{', '.join(sorted(mine & feeds[other]))}", lex.where)
                        break
                prevs.append((name, tid))

    def id_sources(self, p: n.Pattern, seen: frozenset[str]) -> set[str]:
        """Lexicons that can give a mention of this pattern its id: a term covering
        the whole match, or the `head` capture (see sentence.piece_info)."""
        if isinstance(p, n.Ref):
            if p.name in self.lexicons:
                return {p.name}
            if p.name in self.patterns and p.name not in seen:
                return self.id_sources(self.patterns[p.name].pattern, seen | {p.name})
            return set()
        if isinstance(p, n.Alternation):
            return set().union(*(self.id_sources(o, seen) for o in p.options))
        if isinstance(p, n.Capture):
            return self.id_sources(p.item, seen)
        if isinstance(p, n.Sequence):
            heads = [i for i in p.items if isinstance(i, n.Capture) and i.name == "head"]
            needed = [i for i in p.items if not (isinstance(i, n.Repeat) and i.min == 0)]
            parts = heads or (needed if len(needed) == 1 else [])
            return set().union(*(self.id_sources(i, seen) for i in parts)) if parts else set()
        if isinstance(p, n.Repeat) and p.max == 1:
            return self.id_sources(p.item, seen)
        return set()

    # patterns ----------------------------------------------------------
    def check_pattern(self, pattern: n.Pattern, used: set[str], context: str) -> None:
        size = self.pattern_size(pattern, frozenset())
        if size > MAX_PATTERN_SIZE:
            where = pattern.where
            self.error("E404", f"{context} is too large: it expands to {size} atoms "
                       f"(the limit is {MAX_PATTERN_SIZE})", where,
                       "use `*`/`+` or smaller bounds instead of large {m,n} repetitions")
        for node in walk(pattern):
            if isinstance(node, n.Ref):
                used.add(node.name)
                if node.name not in self.lexicons and node.name not in self.patterns:
                    names = [*self.lexicons, *self.patterns]
                    self.error("E202", f"unknown lexicon or pattern `@{node.name}`", node.where,
                               did_you_mean(node.name, names))
            elif isinstance(node, n.LabelRef):
                if node.label not in self.labels:
                    self.error("E204", f"unknown label `{node.label}`", node.where,
                               did_you_mean(node.label, self.labels)
                               or "labels are declared with `label` or `entity`")
            elif isinstance(node, n.Regex):
                self.check_regex(node)
            elif isinstance(node, n.Repeat):
                if node.max is not None and node.max < node.min:
                    self.error("E402", f"quantifier {{{node.min},{node.max}}}: the maximum is "
                               "below the minimum", node.where)
                if node.max == 0:
                    self.error("E402", "quantifier {0} matches nothing", node.where)
            elif isinstance(node, n.Literal) and not node.text.strip():
                self.error("E215", "empty string in a pattern", node.where)

    def pattern_size(self, p: n.Pattern, seen: frozenset[str]) -> int:
        """How many atom copies the compiled pattern holds (bounded repetitions copy)."""
        if isinstance(p, n.Sequence):
            return sum(self.pattern_size(i, seen) for i in p.items)
        if isinstance(p, n.Alternation):
            return sum(self.pattern_size(i, seen) for i in p.options)
        if isinstance(p, n.Repeat):
            copies = p.max if p.max is not None else p.min + 1
            return self.pattern_size(p.item, seen) * max(1, copies)
        if isinstance(p, n.Capture):
            return self.pattern_size(p.item, seen)
        if isinstance(p, n.Negation):
            return 1 + self.pattern_size(p.atom, seen)
        if isinstance(p, n.Ref) and p.name in self.patterns and p.name not in seen:
            return self.pattern_size(self.patterns[p.name].pattern, seen | {p.name})
        return 1

    def check_regex(self, node: n.Regex) -> None:
        try:
            compiled = regex.compile(node.pattern, regex_flags(node.flags))
            compile_regex(node.pattern, node.flags)   # exactly what the compiler will do
        except Exception as exc:   # regex.error, and the odd OverflowError or RecursionError
            pos = getattr(exc, "pos", None) or 0
            msg = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
            self.error("E401", f"invalid regex: {msg}", n.Where(
                node.where.source, type(node.where.span)(node.where.span.start + 1 + pos,
                                                         node.where.span.start + 2 + pos)))
            return
        if compiled.match(""):
            self.error("E403", "regex matches empty text", node.where,
                       "a regex atom must consume at least one character")
        if "r" in node.flags and _CROSSES_WORDS.search(node.pattern):
            self.warn("W405", "backward regex (flag `r`) can match across words; where two of "
                      "its matches overlap it keeps the rightmost, not the leftmost", node.where,
                      "keep `r` for one-word patterns such as /\\p{Ll}+ing/r")
        if _NESTED_QUANT.search(node.pattern):
            self.warn("W404", "regex has a quantified group that contains a quantifier; it may "
                      "backtrack catastrophically", node.where,
                      "prefer a possessive (++) or atomic group (?>...)")

    def check_recursion(self, p: n.PatternDecl) -> None:
        def visit(name: str, stack: tuple[str, ...]) -> bool:
            decl = self.patterns.get(name)
            if decl is None:
                return False
            for node in walk(decl.pattern):
                if isinstance(node, n.Ref) and node.name in self.patterns:
                    if node.name == p.name:
                        return True
                    if node.name not in stack and visit(node.name, (*stack, node.name)):
                        return True
            return False

        if visit(p.name, (p.name,)):
            self.error("E208", f"pattern @{p.name} refers to itself", p.where,
                       "patterns are expanded in place, so they cannot be recursive")

    # events ------------------------------------------------------------
    def check_attributes(self, attrs: list[n.AttributeDecl]) -> dict[str, n.AttributeDecl]:
        out: dict[str, n.AttributeDecl] = {}
        for a in attrs:
            self.check_attr_decl(a)
            if a.name in out:
                self.error("E201", f"attribute `{a.name}` is declared twice", a.where)
            out[a.name] = a
        return out

    def check_attr_decl(self, a: n.AttributeDecl) -> None:
        if a.default not in a.values:
            self.error("E206", f"default `{a.default}` of attribute `{a.name}` is not one of "
                       f"its values", a.where, f"values: {', '.join(a.values)}")

    def check_event(self, ev: n.EventDecl, labels: dict[str, LabelInfo],
                    global_attrs: dict[str, n.AttributeDecl]) -> None:
        roles: set[str] = set()
        for r in ev.roles:
            if r.name in roles:
                self.error("E201", f"role `{r.name}` is declared twice in {ev.name}", r.where)
            roles.add(r.name)
            if r.listed and r.cardinality.repeats:
                self.warn("W105", f"`listed` changes nothing on `{r.name}`, which takes any "
                          "number of arguments and reads lists anyway", r.where,
                          f"drop `listed`, or write `{r.name}: LABEL? listed` for one "
                          "argument and the ones listed with it")
            for lab in r.labels:
                if lab not in labels:
                    self.error("E204", f"unknown label `{lab}` for role `{r.name}`", r.where,
                               did_you_mean(lab, labels))
        for a in ev.attributes:
            self.check_attr_decl(a)
            if a.name in roles:
                self.error("E201", f"`{a.name}` is both a role and an attribute", a.where)

    def event_attrs(self, ev: n.EventDecl,
                    global_attrs: dict[str, n.AttributeDecl]) -> dict[str, n.AttributeDecl]:
        return {**global_attrs, **{a.name: a for a in ev.attributes}}

    def check_rule(self, r: n.RuleDecl, events: dict[str, n.EventDecl],
                   labels: dict[str, LabelInfo], descendants: dict[str, frozenset[str]],
                   global_attrs: dict[str, n.AttributeDecl], used: set[str]) -> None:
        ev = events.get(r.event)
        if ev is None:
            self.error("E205", f"unknown event type `{r.event}` in rule `{r.name}`", r.where,
                       did_you_mean(r.event, events) or "declare it with `event NAME { ... }`")
        if r.trigger is None:
            self.error("E211", f"rule `{r.name}` has no trigger", r.where,
                       "add `trigger = <pattern>`")
        else:
            self.check_pattern(r.trigger, used, f"rule {r.name}")
            if can_be_empty(r.trigger, self.patterns):
                self.warn("W403", f"the trigger of rule `{r.name}` can match empty text",
                          r.where)
        if ev is None:
            for c in r.roles:
                self.check_pattern(c.filler, used, r.name)
            return
        roles = {rd.name: rd for rd in ev.roles}
        attrs = self.event_attrs(ev, global_attrs)
        for c in r.roles:
            self.check_pattern(c.filler, used, f"rule {r.name}")
            if c.via is not None:
                self.check_pattern(c.via, used, f"rule {r.name}")
            if c.barrier is not None:
                self.check_pattern(c.barrier, used, f"rule {r.name}")
                if c.adjacent and c.via is None:
                    self.warn("W106", f"`not across` changes nothing on a `right "
                              f"{c.position.value} trigger` clause without `via`: nothing "
                              "lies between the argument and the trigger", c.where,
                              "drop the barrier, or give the clause a `within` instead")
            rd = roles.get(c.role)
            if rd is None:
                self.error("E203", f"unknown role `{c.role}` in event {ev.name}", c.where,
                           ((did_you_mean(c.role, roles) or "")
                            + f" (roles: {', '.join(roles)})").strip())
                continue
            accepted: set[str] = set()
            for lab in rd.labels:
                accepted |= descendants.get(lab, {lab})
            for node in walk(c.filler):
                if isinstance(node, n.LabelRef) and node.label in labels and \
                        node.label not in accepted:
                    self.error("E212", f"role `{c.role}` of {ev.name} takes "
                               f"{' | '.join(rd.labels)}, not {node.label}", node.where,
                               f"declare `label {node.label} is {rd.labels[0]}` or change the "
                               "event's role")
        for s in r.sets:
            decl = attrs.get(s.attr)
            if decl is None:
                self.error("E206", f"unknown attribute `{s.attr}` in event {ev.name}", s.where,
                           did_you_mean(s.attr, attrs))
                continue
            if s.value is not None and s.value not in decl.values:
                self.error("E206", f"`{s.value}` is not a value of `{s.attr}`", s.where,
                           f"values: {', '.join(decl.values)}")
            for src in s.sources:
                if src != "trigger" and src not in roles:
                    self.error("E203", f"unknown role `{src}` in event {ev.name}", s.where,
                               did_you_mean(src, roles))
        for q in r.requires:
            # `require ROLE`: this rule fires only with an argument for the role (an
            # event type can leave a role optional that one of its rules needs).
            if q.predicate not in roles and get_predicate(q.predicate) is None:
                self.error("E210", f"unknown role or predicate `{q.predicate}`", q.where,
                           f"roles of {ev.name}: {', '.join(roles)}; or register a predicate "
                           "with @iedsl.register_predicate and name its module with "
                           "`python \"module\"`")
        for ex in r.examples:
            self.check_example(ex, events, global_attrs)

    def check_cue(self, c: n.CueDecl, events: dict[str, n.EventDecl],
                  global_attrs: dict[str, n.AttributeDecl], used: set[str]) -> None:
        self.check_pattern(c.pattern, used, "cue")
        targets = c.events or tuple(events)
        for name in c.events:
            if name not in events:
                self.error("E205", f"unknown event type `{name}` in cue", c.where,
                           did_you_mean(name, events))
        found = False
        for name in targets:
            ev = events.get(name)
            if ev is None:
                continue
            decl = self.event_attrs(ev, global_attrs).get(c.attr)
            if decl is None:
                continue
            found = True
            if c.value not in decl.values:
                self.error("E206", f"`{c.value}` is not a value of `{c.attr}`", c.where,
                           f"values: {', '.join(decl.values)}")
                break
        if not found and targets:
            self.error("E206", f"no event type has attribute `{c.attr}`", c.where)
        for ex in c.examples:
            self.check_example(ex, events, global_attrs)

    def check_example(self, ex: n.Example, events: dict[str, n.EventDecl],
                      global_attrs: dict[str, n.AttributeDecl]) -> None:
        for f in ex.frames:
            ev = events.get(f.event)
            if ev is None:
                self.error("E205", f"unknown event type `{f.event}` in example", f.where,
                           did_you_mean(f.event, events))
                continue
            names = {r.name for r in ev.roles} | set(self.event_attrs(ev, global_attrs))
            for name, _ in f.args:
                if name not in names:
                    self.error("E203", f"unknown role or attribute `{name}` in event {ev.name}",
                               f.where, did_you_mean(name, names))
