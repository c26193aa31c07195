"""Check stage, reachability: rules and entities that can never produce anything (W103).

A label is *live* when some entity rule for it, or for a label below it, can match
given the labels already known to be live; the live set is the least fixpoint of
that.  A rule can never fire when its trigger needs a dead label, when a required
role has no clause in the rule, or when every clause of a required role needs a dead
label.  These are warnings, not errors: a rule pack under construction has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import nodes as n
from .errors import Diagnostic, Severity


def never_fire_warnings(entities: Iterable[n.EntityDecl], rules: Iterable[n.RuleDecl],
                        events: Mapping[str, n.EventDecl],
                        patterns: Mapping[str, n.PatternDecl],
                        descendants: Mapping[str, frozenset[str]]) -> list[Diagnostic]:
    """W103 for every entity rule and event rule that no text can ever satisfy."""
    reach = _Reach(list(entities), patterns, descendants)
    out: list[Diagnostic] = []

    def warn(message: str, where: n.Where, hint: str) -> None:
        out.append(Diagnostic("W103", message, Severity.WARNING, where.source, where.span, hint))

    for e in reach.entities:
        dead = reach.blocking(e.pattern)
        if dead is not None:
            warn(f"entity {e.label} can never match: it needs a mention of {dead}",
                 e.where, f"no entity rule produces {dead} or a label below it")
    for r in rules:
        ev = events.get(r.event)
        if r.trigger is None or ev is None:
            continue   # already an error
        dead = reach.blocking(r.trigger)
        if dead is not None:
            warn(f"rule `{r.name}` can never fire: its trigger needs a mention of {dead}",
                 r.where, f"no entity rule produces {dead} or a label below it")
            continue
        for role in ev.roles:
            if not role.cardinality.required:
                continue
            clauses = [c for c in r.roles if c.role == role.name]
            if not clauses:
                warn(f"rule `{r.name}` can never fire: required role `{role.name}` of "
                     f"{ev.name} has no clause in it", r.where,
                     f"add `{role.name} = ...` or make the role optional "
                     f"(`{role.name}: {' | '.join(role.labels)}?`)")
                break
            blocked = [reach.blocking(c.filler) for c in clauses]
            if all(b is not None for b in blocked):
                warn(f"rule `{r.name}` can never fire: required role `{role.name}` needs a "
                     f"mention of {blocked[0]}", clauses[0].where,
                     f"no entity rule produces {blocked[0]} or a label below it")
                break
    return out


class _Reach:
    def __init__(self, entities: list[n.EntityDecl], patterns: Mapping[str, n.PatternDecl],
                 descendants: Mapping[str, frozenset[str]]) -> None:
        self.entities = entities
        self.patterns = patterns
        self.descendants = descendants
        self.live: set[str] = set()
        changed = True
        while changed:
            changed = False
            for e in entities:
                if e.label not in self.live and self.blocking(e.pattern) is None:
                    self.live.add(e.label)
                    changed = True

    def blocking(self, p: n.Pattern, seen: frozenset[str] = frozenset()) -> str | None:
        """A dead label that every match of ``p`` needs, or None if ``p`` can match."""
        if isinstance(p, n.LabelRef):
            labels = self.descendants.get(p.label, frozenset({p.label}))
            return None if labels & self.live else p.label
        if isinstance(p, n.Sequence):
            return next((b for b in (self.blocking(i, seen) for i in p.items) if b), None)
        if isinstance(p, n.Alternation):
            found = [self.blocking(o, seen) for o in p.options]
            return found[0] if found and all(found) else None
        if isinstance(p, n.Repeat):
            return None if p.min == 0 else self.blocking(p.item, seen)
        if isinstance(p, n.Capture):
            return self.blocking(p.item, seen)
        if isinstance(p, n.Ref) and p.name in self.patterns and p.name not in seen:
            return self.blocking(self.patterns[p.name].pattern, seen | {p.name})
        return None   # literals, lexicons, regexes, `_` and `!x` can always match something
