"""Silences: what the text leaves unsaid about a duty (who does it, by when), sentence by sentence.

One sentence of a protocol is often encoded as several duties: a list split into its items, "and
vice-versa" as two mirrored duties, a practitioner and a case manager who both respond. A silence
the sentence has is one defect, so the checks report on sentences, not on duties:

- the duties of one sentence (`sentences`) are those marked as parts of one duty (`part_of`), those
  of one clause quoting the same words (`quote`), those of one clause with the same trigger, the same
  timescale and the same parties (a mirrored pair), those of one clause that each service takes for
  itself on the same event with the same timescale (each updates its own record), and those of one
  clause that start one another
  and both name no one (or both name their actors and give no time);
- a duty leaves its actor unsaid when the text names no one (`actor: unspecified`), and its time
  unsaid (`untimed`) when something starts it (a trigger) and no timescale is given, or the
  timescale is words only ("as soon as"); a permission (`may`) owes no time, and a duty stated
  again in another clause with a limit (one `type`) is timed there. A part of another duty
  (`part_of`: an item of its list, a content of its plan) has the whole's actor and time: only the
  whole is reported.

The ownership check reports a sentence that names no one ("who, and by when?"); the text check a
sentence that names everyone but gives no time limit. Neither reports a sentence the other does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.names import by_when, names, who
from ..model.schema import Duty, Protocol
from ..model.timescales import duty_limits
from .findings import Member


def untimed(duty: Duty, timed_types: frozenset[str] = frozenset()) -> bool:
    """Whether a duty leaves its time unsaid: started by something, with no timescale, or with only
    words ("as soon as") and no limit beside them; never a permission (`may`), a part of another duty
    (`part_of`: the whole's time is its time), nor a duty another clause times (one of `timed_types`)."""
    if duty.modality == "may" or is_part(duty) or (duty.type is not None and duty.type in timed_types):
        return False
    timescale = duty.timescale
    if timescale is None:
        return duty.trigger is not None
    return timescale.vague is not None and vague_only(duty)


def timed_types(protocol: Protocol) -> frozenset[str]:
    """The `type`s of duty (one duty stated in several clauses) some clause gives a limit."""
    return frozenset(d.type for d in protocol.duties if d.type is not None and duty_limits(d).readings)


def vague_only(duty: Duty) -> bool:
    """Whether a duty's timescale is words with no limit beside them: no limit counted from its trigger
    (`within`, `same_day`), before or at an event, no interval, and no meeting the text leaves the
    limit to (`set_by`)."""
    t = duty.timescale
    firm = (t.within, t.before, t.every, t.at, t.set_by) if t is not None else ()
    return t is not None and t.vague is not None and not t.same_day and all(part is None for part in firm)


def unnamed(duty: Duty) -> bool:
    """Whether the text names no one to do the duty (a part of another duty has the whole's actor)."""
    return duty.actor is None and not is_part(duty)


def is_part(duty: Duty) -> bool:
    """Whether the duty is a part of another (`part_of`, in the England format): an item or a content."""
    return getattr(duty, "part_of", None) is not None


@dataclass(frozen=True)
class Sentence:
    """The duties encoded from one sentence of the source, in the protocol's order, with those that
    name no one and those that give no time."""

    duties: tuple[Duty, ...]
    unnamed: tuple[Duty, ...]
    untimed: tuple[Duty, ...]

    @property
    def first(self) -> Duty:
        return self.duties[0]

    @property
    def clauses(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for d in self.duties for c in d.clause))


def _parties(duty: Duty, agency: dict[str, str]) -> frozenset[str]:
    """The parties a duty names, a role counted as its agency."""
    return frozenset(agency.get(p, p) for p in (*(duty.actor or ()), *duty.recipient))


def _together(a: Duty, b: Duty, agency: dict[str, str]) -> bool:
    """Whether two duties are encoded from one sentence (see the module's docstring)."""
    if _one_whole(a, b):
        return True
    if not set(a.clause) & set(b.clause):
        return False
    if a.quote and a.quote == b.quote:
        return True
    if a.trigger == b.trigger and a.timescale == b.timescale and _parties(a, agency) == _parties(b, agency):
        return True  # a mirrored pair: "and vice-versa", a practitioner and a case manager
    if a.trigger is not None and a.trigger == b.trigger and a.timescale == b.timescale and not a.recipient:
        return not b.recipient and a.modality == b.modality  # each service's own step on one event
    return _chained_alike(a, b)


def _one_whole(a: Duty, b: Duty) -> bool:
    """Whether one duty is a part of the other, or both are parts of one whole (`part_of`, the England format)."""
    whole_a, whole_b = getattr(a, "part_of", None), getattr(b, "part_of", None)
    if (whole_a is not None and whole_a.duty == b.id) or (whole_b is not None and whole_b.duty == a.id):
        return True
    return whole_a is not None and whole_b is not None and whole_a.duty == whole_b.duty


def _chained_alike(a: Duty, b: Duty) -> bool:
    """Whether one duty starts the other and both have the same silence: both name no one, or both
    name their actors and give no time."""
    chained = (a.trigger is not None and a.trigger.duty == b.id) or (b.trigger is not None and b.trigger.duty == a.id)
    return chained and (
        (unnamed(a) and unnamed(b)) or (not unnamed(a) and not unnamed(b) and untimed(a) and untimed(b))
    )


def sentences(protocol: Protocol) -> list[Sentence]:
    """The protocol's duties grouped by the sentence that states them, each group in the protocol's
    order, the groups in the order of their first duty."""
    duties = list(protocol.duties)
    agency = names(protocol).agency
    group = list(range(len(duties)))  # union-find over positions

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i, a in enumerate(duties):
        for j in range(i + 1, len(duties)):
            if _together(a, duties[j], agency):
                group[root(j)] = root(i)
    found: dict[int, list[Duty]] = {}
    for i, duty in enumerate(duties):
        found.setdefault(root(i), []).append(duty)
    timed = timed_types(protocol)
    return [
        Sentence(tuple(m), tuple(d for d in m if unnamed(d)), tuple(d for d in m if untimed(d, timed)))
        for m in found.values()
    ]


def duty_member(protocol: Protocol, duty: Duty) -> Member:
    """A duty as a row of a grouped finding: its clause with its opening words, who, what, by when."""
    clause = duty.clause[0]
    return Member(
        clause=clause,
        opening=names(protocol).openings.get(clause),
        who=who(protocol, duty.actor, duty.lead, cell=True) or None,
        what=duty.action,
        when=by_when(protocol, duty),
    )
