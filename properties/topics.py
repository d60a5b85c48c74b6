"""Topics joint protocols usually cover that this one does not, as one grouped finding.

The topics are those of the project's list of what councils' own youth justice and children's social
care protocols cover (`shared/domain/expected-topics.md`: a topic is expected when at least three
published protocols give it a section or a numbered rule). A protocol covers a topic when its
duties, responsibilities or dispute routes show it:

- a duty, dimension or ownership rule of one of the topic's duty kinds (docs/vocabulary.md);
- a duty that starts on, or applies in, a state of one of the topic's situation kinds (a duty on a
  remand to local authority accommodation);
- the topic's words in what a duty does (its action and the entries of its list) or what starts it
  (the names of its trigger's event or state), in a responsibility's name or in what a dispute route
  is about; for out-of-hours cover, also in the
  name of an agency or role, or an agency's `out_of_hours:` route.

Words in the front matter, in narrative clauses or in the titles of documents do not count: a
protocol that mentions exploitation in its scope and has no rule about it does not cover it.
A topic whose situation the protocol names in its own clauses (a state of one of the topic's situation
kinds that a clause of the protocol cites) but gives no rule for is a warning of its own that says what
such a protocol is expected to say: the protocol knows the child can be there and leaves practitioners
nothing to go on. Two topics are other kinds' (dispute resolution: dispute-route-incomplete; the review of the
protocol: review-missing and review-overdue), and a topic whose statutory duties the statute
checks already report as missing (a PACE transfer) is left to them. `topics-not-covered` is
**information**: a protocol may leave a topic to another document, and then it should say which.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model.conditions import Condition, comparisons
from ..model.names import names
from ..model.schema import Duty, Protocol, clause_sort_key
from ..model.wording import clause_words
from .findings import Finding, make
from .statute import requirements, scope, state_kinds
from .who import cap

SHOWN = 5  # topics named in the finding's message


@dataclass(frozen=True)
class Topic:
    """A topic of the expected-topics list and what shows that a protocol covers it."""

    name: str  # in a manager's words
    kinds: tuple[str, ...] = ()  # duty kinds
    situations: tuple[str, ...] = ()  # situation kinds a duty starts on or applies in
    words: str | None = None  # a pattern of words in what duties do
    both: str | None = None  # a second pattern the same text must also have
    all_kinds: bool = False  # every one of `kinds` (referrals each way), not any
    party_words: str | None = None  # a pattern of words in the names of agencies and roles
    expects: str | None = None  # what a protocol that names the situation is expected to say, in words
    kind_words: str | None = None  # words one duty of `kinds` must show (a referral about a child's safety)
    named_words: str | None = None  # words in the names of the protocol's own events that name the situation
    within: str | None = None  # the topic this one is part of: not listed where that one is missing too


TOPICS = (
    Topic("checking whether the other service knows the child", words=r"\bcheck(s|ed|ing)?\b|\bview\b|\baccess\b"),
    Topic(
        "referrals each way", kinds=("refer_to_childrens_social_care", "refer_to_youth_justice_service"), all_kinds=True
    ),
    Topic(  # the row's first referral: the youth justice service to CSC about a child's safety or welfare
        "referring a child the youth justice service fears for to children's social care",
        kinds=("refer_to_childrens_social_care",),
        kind_words=r"safeguard|harm|protect|welfare|abuse|neglect|\bconcern",
        named_words=r"child protection|strategy (meeting|discussion)",
        expects=(
            "how the youth justice service refers a child it fears for to children's social care: who refers, "
            "to whom, by when, with or without consent, and out of hours"
        ),
        within="referrals each way",
    ),
    Topic("information sharing and access to records", words=r"\bshar(e|es|ed|ing)\b|\binformation\b"),
    Topic(
        "appropriate adults at the police station",
        kinds=("provide_appropriate_adult",),
        words=r"appropriate adult",
    ),
    Topic("a PACE transfer after charge", kinds=("pace_transfer", "accept_pace_transfer"), words=r"\bpace\b"),
    Topic("court attendance", kinds=("attend_court",), words=r"\bcourts?\b"),
    Topic(
        "remands to local authority accommodation",
        situations=("remanded_local_authority",),
        words=r"local authority accommodation|\brilaa\b",
        expects="who is told, who finds the placement and by when, or where the child waits meanwhile",
    ),
    Topic(
        "remands to youth detention accommodation",
        situations=("remanded_yda",),
        words=r"youth detention|\byda\b",
        expects="who is told, who makes the placement plan, or who visits",
    ),
    Topic("a child turning 18 on remand", words=r"\b18\b|eighteen|adulthood", both=r"\bremand"),
    Topic(
        "community sentences",
        words=r"youth rehabilitation order|\byro\b|community (sentence|order)|(referral|criminal|court) order",
    ),
    Topic(
        "custodial sentences",
        kinds=("notify_custodial_sentence", "plan_release", "visit_former_looked_after_child_in_detention"),
        situations=("sentenced_custody",),
        words=r"custod",
        expects="who is told, who visits, or who plans the release",
    ),
    Topic(
        "looked-after children and care leavers",
        kinds=("visit_looked_after_child", "review_looked_after_child", "prepare_pathway_plan"),
        situations=("looked_after", "care_leaver"),
        words=r"looked.after|care leaver|leaving care|care history",
        expects="who plans, reviews and visits jointly, or who is the personal adviser",
    ),
    Topic("homelessness at 16 and 17", kinds=("refer_to_housing", "assess_housing_needs"), words=r"homeless"),
    Topic(
        "exploitation, missing children and harmful sexual behaviour",
        words=r"exploitation|\bmissing\b|sexual",
    ),
    Topic("the move to adult services", words=r"adult (criminal justice|services)|probation"),
    Topic(
        "case closure and transfer",
        words=r"\bclos(e|es|ed|ing|ure)\b|transfer (of )?(the )?case|case (responsibility|accountability)|step.down",
    ),
    Topic(
        "out-of-hours cover",
        words=r"out of (core )?hours|on.call|emergency duty|weekend|saturday|bank holiday",
        party_words=r"out of (core )?hours|on.call|emergency duty",
    ),
)


def topics_not_covered(protocol: Protocol, baseline: Protocol | None) -> Iterator[Finding]:
    """One finding listing the expected topics the protocol does not cover (none if it covers them all);
    and one of its own, a warning, for each such topic whose situation the protocol names in its own
    clauses but gives no rule for (Warwickshire 6.3(b) names remands to local authority accommodation)."""
    evidence = _Evidence(protocol)
    missing = [t for t in TOPICS if not evidence.covers(t) and not _left_to_statute(protocol, baseline, t)]
    absent = {t.name for t in missing}
    missing = [t for t in missing if t.within not in absent]  # implied by the larger topic's absence
    named = {t.name: evidence.named(t) for t in missing if t.expects}
    for topic in missing:
        if named.get(topic.name):
            yield _named_not_covered(protocol, topic, named[topic.name])
    missing = [t for t in missing if not named.get(t.name)]
    if not missing:
        return
    shown = [t.name for t in missing[:SHOWN]]
    more = f"; and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    yield make(
        "topics-not-covered",
        "expected topics",
        "info",
        protocol.metadata.clause[:1],  # the front matter: the protocol as a whole
        f"Joint protocols between these services usually cover {len(missing)} "
        f"topic{'s' if len(missing) > 1 else ''} this one does not: {'; '.join(shown)}{more}. A practitioner "
        "looking for them will find nothing to go on.",
        suggestion="Add a section on each, or say which other document covers it.",
    )


def _named_not_covered(protocol: Protocol, topic: Topic, named: list[tuple[str, tuple[str, ...]]]) -> Finding:
    """A topic whose situation the protocol names but gives no rule for, as a finding of its own."""
    clauses = sorted({c for _, cited in named for c in cited}, key=clause_sort_key)
    situation = " or ".join(dict.fromkeys(name for name, _ in named))
    return make(
        "topics-not-covered",
        f"named topic {topic.name}",
        "warning",
        clauses,
        f"{cap(clause_words(clauses))} {'deals' if len(clauses) == 1 else 'deal'} with {situation}, but no clause "
        f"says {topic.expects}. A practitioner with such a child has nothing to go on.",
        suggestion=f"Add rules for {topic.name}, or say which other document covers them.",
    )


class _Evidence:
    """What a protocol's duties, responsibilities and routes show it covers."""

    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.kinds = {k for e in (*protocol.duties, *protocol.dimensions, *protocol.ownership) for k in e.kind}
        self.texts = [
            *(text for d in protocol.duties for text in self.duty_texts(d)),
            *(d.name for d in protocol.dimensions),
            *(r.about for r in protocol.escalation),
        ]
        self.parties = [*(a.name for a in protocol.agencies), *(r.name for r in protocol.roles())]
        self.situations = self._duty_situations()
        self.routes = any(a.out_of_hours is not None for a in protocol.agencies)

    def duty_texts(self, duty: Duty) -> list[str]:
        """What a duty does and what starts it, in words: its action, its list's entries, the name of its
        trigger's event or state."""
        found = names(self.protocol)
        trigger = duty.trigger
        started = []
        if trigger is not None:
            started = [found.event(trigger.event)] if trigger.event else []
            started += [found.state(s) for s in (trigger.enter, trigger.exit) if s]
        return [duty.action, *(i.what for i in duty.items), *started]

    def _duty_situations(self) -> set[str]:
        """The situation kinds duties start on (an event into, entering or leaving a state) or apply in."""
        kinds = state_kinds(self.protocol)
        into: dict[str, set[str]] = {}
        for lifecycle in self.protocol.lifecycles:
            for transition in lifecycle.transitions:
                into.setdefault(transition.event, set()).add(transition.target)
        found = set()
        for duty in self.protocol.duties:
            found |= {kinds[s] for s in _states(duty, into) if s in kinds}
        for rule in self.protocol.ownership:  # who holds a responsibility in a status also covers it
            found |= {kinds[s] for s in _named(rule.when) if s in kinds}
        return found

    def named(self, topic: Topic) -> list[tuple[str, tuple[str, ...]]]:
        """Where the protocol's own clauses name the topic's situation: its states of the topic's
        situation kinds ("children 'remanded to ...'"), and its events whose names have the topic's
        `named_words`, each in words with the protocol's clauses that cite it."""
        kinds, found = state_kinds(self.protocol), names(self.protocol)
        named = [
            (f"children '{found.state(s.id)}'", s.clause)
            for s in self.protocol.states()
            if kinds.get(s.id) in topic.situations
        ]
        if topic.named_words:
            named += [
                (f"'{found.event(e.id)}'", e.clause)
                for e in self.protocol.events
                if _says(found.event(e.id), topic.named_words)
            ]
        own = [(name, tuple(c for c in cited if ":" not in c)) for name, cited in named]
        return [(name, cited) for name, cited in own if cited]

    def covers(self, topic: Topic) -> bool:
        """Whether any of the topic's evidence is in the protocol."""
        if topic.kind_words:  # only a duty of its kinds that shows its words
            return any(
                set(topic.kinds) & set(d.kind) and any(_says(t, topic.kind_words) for t in self.duty_texts(d))
                for d in self.protocol.duties
            )
        if topic.kinds and (set(topic.kinds) <= self.kinds if topic.all_kinds else bool(set(topic.kinds) & self.kinds)):
            return True
        if set(topic.situations) & self.situations:
            return True
        if topic.words and any(_says(text, topic.words, topic.both) for text in self.texts):
            return True
        if topic.party_words and (self.routes or any(_says(n, topic.party_words) for n in self.parties)):
            return True
        return False


def _states(duty: Duty, into: dict[str, set[str]]) -> set[str]:
    """The states a duty's trigger and `when` name (an event by the states it leads into)."""
    found: set[str] = set()
    trigger = duty.trigger
    if trigger is not None:
        found |= {s for s in (trigger.enter, trigger.exit) if s} | into.get(trigger.event or "", set())
    return found | _named(duty.when)


def _named(condition: Condition | None) -> set[str]:
    """The values a condition asks to be equal to, or in (the states it names)."""
    found: set[str] = set()
    for test in comparisons(condition) if condition is not None else ():
        if test.op in ("eq", "in"):
            found |= {str(v) for v in (test.value if isinstance(test.value, tuple) else (test.value,))}
    return found


def _says(text: str, pattern: str, also: str | None = None) -> bool:
    lowered = text.lower()
    return re.search(pattern, lowered) is not None and (also is None or re.search(also, lowered) is not None)


def _left_to_statute(protocol: Protocol, baseline: Protocol | None, topic: Topic) -> bool:
    """Whether the statute checks report the topic as missing: the baseline has duties of its kinds
    within the protocol's scope."""
    if baseline is None or not topic.kinds:
        return False
    return any(
        set(topic.kinds) & set(d.kind) and scope(protocol, requirements(baseline, d)) is not None
        for d in baseline.duties
    )
