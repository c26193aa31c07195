"""Document-level events: group repeated mentions of one event into one record.

Mention-level frames are what the rules find and what ``iedsl eval`` scores: one frame
per trigger.  News reports name the same event again and again ("Biden authorized
strikes on ...", "The strikes hit ...", "The attacks were both essential ...").
:func:`merge_frames` groups such mentions into :class:`MergedEvent` records, each with
all of its mentions and the union of their compatible arguments.

The heuristic, in text order, one mention at a time:

1. **Compatible** clusters are those of the same event type whose attributes and
   arguments do not conflict with the mention: the same polarity and modality; no
   two different specific modes (``air`` vs ``missile``; ``unspecified`` conflicts
   with nothing); no two different times (a date that refines another, "Feb. 2" in
   "February", does not conflict); and no two disjoint sets of attackers, agents or
   parties (names are compared by canonical id, then by text, so "US" matches
   "U.S. military forces").
   Roles reversed also conflict: the attacker of one is the target of the other
   ("strikes on Iran-backed militias" vs "attacks by Iran-backed militias").
2. An **anaphoric** mention - a nominal trigger after a definite determiner ("the
   strikes", "these attacks", "this retaliatory strike") - joins the most recent
   compatible cluster that has a mention of the same trigger family ("the strikes"
   refers back to "airstrikes", "struck"), or else the most recent compatible one.
3. Any other mention joins the most recent compatible cluster of the same trigger
   family that shares an anchor argument with it (the same attacker, agent, party,
   detainee or target); otherwise it starts a new event.
4. The merged event takes the union of its mentions' arguments (an argument already
   present under the same role and name is not repeated) and the first specific
   value of each attribute: a mode stated once applies to every mention.

The result is immutable; :meth:`MergedEvent.to_dict` gives the JSON shape of
EVENTS.md with a ``mentions`` list, and :func:`merge_document` a whole JSONL record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .results import Argument, DocumentResult, Frame

__all__ = ["MergedArgument", "MergedEvent", "merge_document", "merge_frames",
           "with_event_attributes"]

#: Roles that say who acted: two mentions with disjoint sets of these are two events.
ACTOR_ROLES = frozenset({"attacker", "agent", "party"})
#: Roles whose shared value ties a non-anaphoric mention to an earlier event.
ANCHOR_ROLES = frozenset({"attacker", "agent", "party", "detainee", "target"})
#: Attributes whose values must agree; ``unspecified`` agrees with anything.
STRICT_ATTRS = ("polarity", "modality")
UNSPECIFIED = "unspecified"
#: A mention refers back to an event named at most this many characters before it (a long
#: news story); farther events are not considered, so merging stays linear in the length
#: of a document made of many stories.
REFERENCE_WINDOW = 20_000

_DEFINITE = frozenset({"the", "this", "these", "that", "those", "such", "its", "their",
                       "his", "her", "our", "both"})
_INDEFINITE = frozenset({"a", "an", "another", "new", "fresh", "further", "second", "third",
                         "more", "other", "several", "some", "any", "one", "two", "three",
                         "many", "multiple", "additional", "earlier", "previous", "first"})
_WORD_RE = re.compile(r"[\w'’.-]+|[^\w\s]")
_LEADING_DET_RE = re.compile(r"^(?:the|a|an|its|their|his|her)\s+", re.IGNORECASE)
#: Verb forms that never head an anaphoric noun phrase ("the US struck").
_VERB_FORMS = frozenset({"struck", "hit", "shot", "up", "down", "fire", "freed", "led"})
#: How many words may stand between a determiner and the trigger ("the US retaliatory strikes").
_MAX_MODIFIERS = 3


@dataclass(frozen=True, slots=True)
class MergedArgument:
    """An argument of a merged event, with the index of the mention it came from."""

    role: str
    start: int
    end: int
    text: str
    mention: int
    label: str | None = None
    id: str | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        """An argument in the EVENTS.md shape, plus the mention it came from."""
        out = Argument(self.role, self.start, self.end, self.text, self.label, self.id,
                       self.value).to_dict()
        out["mention"] = self.mention
        return out


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One event of a document: its mentions (text order) and merged arguments."""

    type: str
    attrs: tuple[tuple[str, str], ...]
    mentions: tuple[Frame, ...]
    args: tuple[MergedArgument, ...]

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self.attrs)

    @property
    def trigger(self) -> Frame:
        """The first mention, which names the event."""
        return self.mentions[0]

    def args_for(self, role: str) -> tuple[MergedArgument, ...]:
        return tuple(a for a in self.args if a.role == role)

    def to_dict(self) -> dict[str, Any]:
        attrs = dict(self.attrs)
        first = self.mentions[0]
        return {
            "type": self.type,
            "trigger": {"start": first.trigger_start, "end": first.trigger_end,
                        "text": first.trigger_text},
            "attrs": attrs,
            "args": [a.to_dict() for a in self.args],
            "mentions": [_mention_dict(f, attrs) for f in self.mentions],
        }


def _mention_dict(f: Frame, event_attrs: dict[str, str]) -> dict[str, Any]:
    attrs = dict(f.attrs)
    if attrs.get("mode") == UNSPECIFIED and event_attrs.get("mode", UNSPECIFIED) != UNSPECIFIED:
        attrs["mode"] = event_attrs["mode"]
    return {"trigger": {"start": f.trigger_start, "end": f.trigger_end, "text": f.trigger_text},
            "attrs": attrs, "args": [a.to_dict() for a in f.args], "rule": f.rule,
            "sentence": f.sentence}


# ------------------------------------------------------------------ comparison helpers
def _name(a: Argument) -> str:
    return _LEADING_DET_RE.sub("", a.text.strip()).lower().replace("’", "'")


def _same_entity(a: Argument, b: Argument) -> bool:
    """Whether two arguments name the same thing: same id, or one name inside the other."""
    if a.id is not None and a.id == b.id:
        return True
    na, nb = _name(a), _name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    wa, wb = set(na.split()), set(nb.split())
    return wa <= wb or wb <= wa


def _date_value(a: Argument) -> str | None:
    v = a.value
    if isinstance(v, dict) and isinstance(v.get("value"), str):
        return v["value"]
    return None


def _times_agree(a: Argument, b: Argument) -> bool:
    va, vb = _date_value(a), _date_value(b)
    if va is None or vb is None:
        return _name(a) == _name(b) or _name(a) in _name(b) or _name(b) in _name(a)
    return va.startswith(vb) or vb.startswith(va)


_FAMILY_ALIASES = {"struck": "strike", "striking": "strike", "airstrike": "strike",
                   "attacked": "attack", "attacking": "attack", "bombed": "bomb",
                   "bombing": "bomb", "shelled": "shell", "shelling": "shell",
                   "raided": "raid", "arrested": "arrest", "detained": "detain",
                   "detention": "detain", "freed": "free", "released": "release",
                   "condemned": "condemn", "condemnation": "condemn", "ceasefire": "ceasefire",
                   "cease-fire": "ceasefire", "truce": "ceasefire"}


def trigger_family(f: Frame) -> str:
    """A crude lemma of the trigger's head word: "airstrikes", "struck" -> "strike"."""
    words = f.trigger_text.lower().replace("’", "'").split()
    head = words[-1] if words else ""
    if len(words) > 1 and words[0] == "air" and head.startswith("strike"):
        head = "airstrike"
    head = _FAMILY_ALIASES.get(head, head)
    if head.endswith("s") and not head.endswith("ss") and len(head) > 3:
        head = _FAMILY_ALIASES.get(head[:-1], head[:-1])
    return _FAMILY_ALIASES.get(head, head)


class _Cluster:
    """Mentions of one event so far, with what :meth:`compatible` asks of them kept up
    to date as mentions join (a news document has hundreds of frames, and every one is
    tried against every earlier event: recomputing these per try cost more than the
    extraction itself)."""

    __slots__ = ("_args", "_first", "_specific", "families", "frames", "last", "type")

    def __init__(self, frame: Frame) -> None:
        self.type = frame.type
        self.frames: list[Frame] = []
        self.families: set[str] = set()
        self._args: dict[str, list[Argument]] = {}
        self._first: dict[str, str] = {}       # attribute -> first value of any mention
        self._specific: dict[str, str] = {}    # attribute -> first value not unspecified
        self.add(frame)

    def add(self, frame: Frame) -> None:
        self.frames.append(frame)
        self.last = frame.trigger_start     # frames arrive in text order
        self.families.add(trigger_family(frame))
        for a in frame.args:
            self._args.setdefault(a.role, []).append(a)
        for name, value in frame.attrs:
            if value is None:
                continue
            self._first.setdefault(name, value)
            if value != UNSPECIFIED:
                self._specific.setdefault(name, value)

    def args(self, role: str) -> list[Argument]:
        return self._args.get(role, [])

    def attr(self, name: str) -> str | None:
        """The first specific value of the attribute among the mentions, else the first."""
        return self._specific.get(name, self._first.get(name))

    def compatible(self, f: Frame) -> bool:
        if f.type != self.type:
            return False
        fa = dict(f.attrs)
        for name in STRICT_ATTRS:
            mine = self.attr(name)
            if mine is not None and name in fa and fa[name] != mine:
                return False
        mode = self.attr("mode")
        other = fa.get("mode")
        if mode not in (None, UNSPECIFIED) and other not in (None, UNSPECIFIED) and mode != other:
            return False
        for t in f.args_for("time"):
            if any(not _times_agree(t, mine) for mine in self.args("time")):
                return False
        for role in ACTOR_ROLES:
            theirs, mine_args = f.args_for(role), self.args(role)
            if theirs and mine_args and not any(_same_entity(x, y) for x in theirs
                                                 for y in mine_args):
                return False
        for a_role, b_role in (("attacker", "target"), ("target", "attacker"),
                               ("agent", "target"), ("target", "agent")):
            if any(_same_entity(x, y) for x in f.args_for(a_role) for y in self.args(b_role)):
                return False
        return True

    def shares_anchor(self, f: Frame) -> bool:
        for role in ANCHOR_ROLES:
            for x in f.args_for(role):
                if any(_same_entity(x, y) for y in self.args(role)):
                    return True
        return False


def _verb_form(f: Frame) -> bool:
    """Whether the trigger's head is a past participle or another verb form ("the US
    struck", "assassinated"), which never heads a noun phrase that repeats an event."""
    head = f.trigger_text.lower().split()[-1] if f.trigger_text.strip() else ""
    return head.endswith("ed") or head in _VERB_FORMS


def is_anaphoric(f: Frame, text: str) -> bool:
    """Whether the trigger is a definite noun phrase ("the strikes", "these attacks").

    Looks at up to three words before the trigger: a definite determiner makes the
    mention anaphoric, an indefinite one ("a", "another", "new") or punctuation does
    not.  Past participles and other verb forms ("the US assassinated") never are.
    """
    if _verb_form(f):
        return False
    left = text[max(0, f.trigger_start - 80):f.trigger_start]
    words = _WORD_RE.findall(left)
    for i, w in enumerate(reversed(words)):
        lw = w.lower()
        if lw in _INDEFINITE:
            return False
        if lw in _DEFINITE:
            return True
        if i >= _MAX_MODIFIERS or not w[0].isalnum():
            return False
    return False


def merge_frames(frames: Sequence[Frame], text: str) -> tuple[MergedEvent, ...]:
    """Group the mention-level frames of one document into events (see module doc)."""
    clusters: list[_Cluster] = []
    by_type: dict[str, list[_Cluster]] = {}     # only events of a mention's type can take it
    for f in sorted(frames, key=lambda x: (x.trigger_start, x.trigger_end, x.type)):
        anaphoric = is_anaphoric(f, text)
        family = trigger_family(f)
        # Events last named more than a window back are out of reach, for good (mentions
        # come in text order): dropped from the list now and then, so that the cost stays
        # linear in a long document, and skipped below until then.
        reach = f.trigger_start - REFERENCE_WINDOW
        active = by_type.get(f.type)
        if active and len(active) > 32:
            active[:] = [c for c in active if c.last >= reach]
        # The most recent compatible event of the same trigger family (sharing an anchor
        # argument, unless the mention is anaphoric); an anaphoric mention falls back to
        # the most recent compatible event of any family.
        target = fallback = None
        for c in reversed(by_type.get(f.type, ())):
            if c.last < reach:
                continue
            if anaphoric:
                if family in c.families:
                    if c.compatible(f):
                        target = c
                        break
                elif fallback is None and c.compatible(f):
                    fallback = c
            elif family in c.families and c.shares_anchor(f) and c.compatible(f):
                target = c
                break
        target = target or fallback
        if target is None:
            cluster = _Cluster(f)
            clusters.append(cluster)
            by_type.setdefault(f.type, []).append(cluster)
        else:
            target.add(f)
    return tuple(_merged(c) for c in clusters)


def _merged(c: _Cluster) -> MergedEvent:
    names = [n for f in c.frames for n, _ in f.attrs]
    attrs: dict[str, str] = {}
    for n in names:
        if n not in attrs:
            value = c.attr(n)
            if value is not None:
                attrs[n] = value
    args: list[MergedArgument] = []
    seen: list[tuple[str, Argument]] = []
    for i, f in enumerate(c.frames):
        for a in f.args:
            if any(role == a.role and _name(prev) == _name(a) for role, prev in seen):
                continue
            if a.role == "time" and any(role == "time" for role, _ in seen):
                continue
            seen.append((a.role, a))
            args.append(MergedArgument(a.role, a.start, a.end, a.text, i, a.label, a.id,
                                       a.value))
    return MergedEvent(c.type, tuple(attrs.items()), tuple(c.frames), tuple(args))


def merge_document(result: DocumentResult, text: str) -> dict[str, Any]:
    """A JSONL record for one document, with merged events instead of mentions."""
    if result.error is not None:
        return {"doc": result.doc, "error": result.error}
    out: dict[str, Any] = {"doc": result.doc}
    if result.date is not None:
        out["date"] = result.date.isoformat()
    out["events"] = [e.to_dict() for e in merge_frames(result.frames, text)]
    return out


def with_event_attributes(frames: Sequence[Frame], text: str) -> tuple[Frame, ...]:
    """The mention-level frames again, each carrying its event's ``mode``.

    Mention-level output with the one document-level fact EVENTS.md asks of every
    mention: "repeated mentions of one event carry the mode that the document states
    for that event".  Frames whose own mode is specific keep it; nothing else changes.

    Two sources, in order: the merged event's mode (:func:`merge_frames`); else, for a
    definite description right before its trigger ("condemned the attack", "the
    strikes hit"), the mode of the nearest earlier mention of the same type, polarity
    and modality whose mode is specific (:func:`_referred_mode`).  The second covers
    references the merge keeps apart because an argument differs ("condemned the attack
    on Erbil" after "missiles struck a compound in Erbil's outskirts") or because a
    closer event of no stated mode came between.
    """
    mode_of: dict[int, str] = {}
    for event in merge_frames(frames, text):
        mode = event.attributes.get("mode")
        if mode is None or mode == UNSPECIFIED:
            continue
        for m in event.mentions:
            mode_of[id(m)] = mode
    stated: dict[str, list[Frame]] = {}     # type -> frames of a specific mode, text order
    for f in sorted(frames, key=lambda x: (x.trigger_start, x.trigger_end)):
        own = dict(f.attrs).get("mode")
        if own is None:
            continue
        if own != UNSPECIFIED or id(f) in mode_of:
            stated.setdefault(f.type, []).append(f)
        elif _definite_right_before(f, text):
            mode = _referred_mode(f, stated.get(f.type, ()), mode_of)
            if mode is not None:
                mode_of[id(f)] = mode
    out = []
    for f in frames:
        attrs = dict(f.attrs)
        if id(f) in mode_of and attrs.get("mode") == UNSPECIFIED:
            attrs["mode"] = mode_of[id(f)]
            f = replace(f, attrs=tuple(attrs.items()))
        out.append(f)
    return tuple(out)


#: How far back (characters) a definite description looks for the mention it repeats: a
#: few paragraphs.  Measured over the held-out sets, 1,000 and 2,000 differ by five
#: modes; farther back, news has moved on to other events.
MODE_REFERENCE_WINDOW = 2_000
_DEFINITE_RIGHT_BEFORE_RE = re.compile(r"\b(?:the|this|that|these|those)\s+$", re.IGNORECASE)


def _definite_right_before(f: Frame, text: str) -> bool:
    """Whether a definite determiner stands right before the trigger ("the strikes").

    Stricter than :func:`is_anaphoric`: with a modifier between ("the US strikes", "the
    latest attack") the mention is as often a new event as a repetition, and in the
    golds the mode of such a mention is as often unspecified as inherited.
    """
    if _verb_form(f):
        return False
    # "those " is the longest determiner with its space: 12 characters are enough
    return _DEFINITE_RIGHT_BEFORE_RE.search(text, max(0, f.trigger_start - 12),
                                            f.trigger_start) is not None


def _referred_mode(f: Frame, earlier: Sequence[Frame], mode_of: dict[int, str]) -> str | None:
    """The specific mode of the nearest earlier mention with the same polarity and
    modality, within :data:`MODE_REFERENCE_WINDOW` (a denied or threatened attack is not
    what "the attack" repeats)."""
    fa = dict(f.attrs)
    for e in reversed(earlier):
        if f.trigger_start - e.trigger_start > MODE_REFERENCE_WINDOW:
            return None
        ea = dict(e.attrs)
        if any(ea.get(name) != fa.get(name) for name in STRICT_ATTRS):
            continue
        mode = ea["mode"] if ea["mode"] != UNSPECIFIED else mode_of.get(id(e))
        if mode is not None and mode != UNSPECIFIED:
            return mode
    return None
