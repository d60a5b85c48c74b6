"""Harm: how much a silence in a duty can hurt a child, decided from the encoding.

The severity of a finding says what can happen to the child (docs/checks.md#severity-by-harm):

- **error**: a child can be left without a service, or statute breached, between agencies: nobody
  is named for a duty that passes between agencies and that the child, or another duty, waits on;
- **warning**: an ambiguity a practitioner may trip over;
- **info**: drafting: a step inside one agency, an invitation with no notice period, a courtesy
  "should", a statement of principle.

What a duty is, is read from the encoding: the agencies of its actors and recipients (a role counts
as its agency; the child and family are people, not agencies), its modality, its tags (`tags:`
invitation, notification, internal, principle, protocol_review, safeguarding) and, where there is no tag, its own
words ("invite ..." is an invitation; a duty of a `notify_...` kind, or one that notifies, tells or
informs, a notification; reviewing this protocol, a protocol review), and what waits on it: a duty
it starts, a duty that needs what it produces, or the statutory baseline, which gives the child a
right to it.
"""

from __future__ import annotations

import re
from functools import cached_property

from ..model.names import names
from ..model.schema import Duty, Protocol
from .findings import Severity

INVITING = re.compile(r"\binvit")
NOTIFYING = re.compile(r"^(notify|tell|inform|let\b.*\bknow|send word)\b")
REVIEWING = re.compile(r"\breview\b.*\b(this|the) protocol\b")


class Harm:
    """The duties of one protocol, indexed once to judge what a silence in each can do."""

    def __init__(self, protocol: Protocol, baseline: Protocol | None = None):
        self.protocol = protocol
        self.agency = names(protocol).agency
        self.statutory = {k for d in baseline.duties for k in d.kind} if baseline is not None else set()
        self.by_id = {d.id: d for d in protocol.duties}
        self.agency_ids = frozenset(a.id for a in protocol.agencies)

    @cached_property
    def waiting(self) -> dict[str, list[Duty]]:
        """The duties that wait on each duty: those it starts, and those that need what it produces."""
        makers: dict[str, list[str]] = {}
        for duty in self.protocol.duties:
            for artefact in duty.produces:
                makers.setdefault(artefact, []).append(duty.id)
        found: dict[str, list[Duty]] = {}
        for duty in self.protocol.duties:
            starts = [duty.trigger.duty] if duty.trigger is not None and duty.trigger.duty else []
            for upstream in dict.fromkeys([*starts, *(m for a in duty.needs for m in makers.get(a, ()))]):
                if upstream != duty.id:
                    found.setdefault(upstream, []).append(duty)
        return found

    def agencies(self, parties: tuple[str, ...] | None) -> frozenset[str]:
        """The agencies among parties (a role counts as its agency; people are none)."""
        return frozenset(self.agency[p] for p in parties or () if p in self.agency)

    def natures(self, duty: Duty) -> frozenset[str]:
        """What the duty is: its tags, and an invitation or a notification by its own words."""
        found = set(duty.tags)
        if INVITING.search(duty.action):
            found.add("invitation")
        if any(k.startswith("notify") for k in duty.kind) or NOTIFYING.match(duty.action):
            found.add("notification")
        if REVIEWING.search(duty.action):
            found.add("protocol_review")
        return frozenset(found)

    def others(self, duty: Duty) -> frozenset[str]:
        """The agencies a duty reaches besides its actors': its recipients', the actors' of the duty
        whose completion starts it, and those of the duties that wait on it."""
        found = set(self.agencies(duty.recipient))
        if duty.trigger is not None and duty.trigger.duty in self.by_id:
            found |= self.agencies(self.by_id[duty.trigger.duty].actor)
        for waiting in self.waiting.get(duty.id, ()):
            found |= self.agencies(waiting.actor)
        return frozenset(found)

    def internal(self, duty: Duty) -> bool:
        """Whether a duty stays inside one agency: tagged so, or every agency it names or reaches is one.
        With no actor named, that agency must be known from the duties it starts or is started by, not
        only from whom it is owed to (whoever acts may be of another agency)."""
        if "internal" in duty.tags:
            return True
        if duty.actor is None:  # the agency is known only from the duties next to it; one owed to an agency
            known = self.neighbours(duty)  # as a whole (refer to CSC) comes from outside it
            to_agency = any(r in self.agency_ids for r in duty.recipient)
            return len(known) == 1 and self.agencies(duty.recipient) <= known and not to_agency
        return len(self.agencies(duty.actor) | self.others(duty)) == 1

    def neighbours(self, duty: Duty) -> frozenset[str]:
        """The agencies of the named actors of the duty that starts this one and of those waiting on it."""
        found = set()
        if duty.trigger is not None and duty.trigger.duty in self.by_id:
            found |= self.agencies(self.by_id[duty.trigger.duty].actor)
        for waiting in self.waiting.get(duty.id, ()):
            found |= self.agencies(waiting.actor)
        return frozenset(found)

    def between(self, duty: Duty) -> bool:
        """Whether a duty passes between agencies: its actors are of several, or it reaches another."""
        actors = self.agencies(duty.actor)
        return len(actors) > 1 or bool(self.others(duty) - actors)

    def waited_on(self, duty: Duty) -> bool:
        """Whether the child or another duty waits on it: another duty it starts or feeds, or statute
        gives the child a right to it (a duty of a kind the baseline has)."""
        return bool(self.waiting.get(duty.id)) or bool(set(duty.kind) & self.statutory)

    def minor(self, duty: Duty) -> bool:
        """Whether a silence in the duty is drafting: a permission, a principle, an invitation, a
        protocol review, or a step inside one agency that no one outside it waits on."""
        natures = self.natures(duty)
        if duty.modality == "may" or natures & {"principle", "invitation", "protocol_review"}:
            return True
        return self.internal(duty) and not (set(duty.kind) & self.statutory)

    def unnamed(self, duties: tuple[Duty, ...]) -> Severity:
        """The severity of a sentence that names no one to act: an error where a must-duty that is not
        drafting is one statute gives the child a right to, or reaches an agency and another duty waits
        on it (the child waits on the chain); info where every duty is drafting; else a warning."""
        if all(self.minor(d) for d in duties):
            return "info"
        for d in duties:
            if not self.binding(d) or self.minor(d):
                continue
            if set(d.kind) & self.statutory or (self.others(d) and self.waiting.get(d.id)):
                return "error"
        return "warning"

    def untimed(self, duties: tuple[Duty, ...]) -> Severity:
        """The severity of a sentence whose actors are named but that gives no time limit: a warning
        where a must-duty (or a should that protects a child from harm) passes between agencies or
        statute sets a time for it; info otherwise."""
        for d in duties:
            if self.binding(d) and not self.minor(d) and (self.between(d) or self.waited_on(d)):
                return "warning"
        return "info"

    def binding(self, duty: Duty) -> bool:
        """Whether the duty binds for the harm it can do: a must, or a should that protects a child from
        harm (tagged `safeguarding`), which no practitioner may treat as a courtesy."""
        return duty.modality == "must" or (duty.modality == "should" and "safeguarding" in duty.tags)
