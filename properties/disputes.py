"""Dispute routes that can leave a child's plan stalled: no time limit at any level, no one to decide
between peers at the top, nothing on who acts for the child while a dispute is open; or no route.

`dispute-route-incomplete` (a warning) is reported

- once for a protocol with no dispute route at all;
- once for each route of two levels or more that lacks any of: a time limit at some level
  (`within:` on a step), someone to decide at the top where it names parties of two agencies or more
  (`decides:` on the top step), and who acts for the child meanwhile (`meanwhile:` on the route).
  The finding lists what it lacks.

Where it has no time limit at any level, a duty of its clauses through which one of its levels acts
(10.2's Protocol Meeting of the two team managers) and gives no time is not reported again as a
`vague-deadline` (`check.unrepeated`).

A route of one level is a forum where an issue may be raised (a panel), not an escalation: it has
no levels to time or to decide between. A top level that names no one is the escalation-gap
check's; this one then asks only about time limits and the meantime.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.schema import EscalationRoute, Protocol
from ..model.wording import clause_words, listing
from .findings import Finding, make
from .who import agencies, shorts


def dispute_routes(protocol: Protocol) -> Iterator[Finding]:
    """Every dispute route that lacks a time limit, a tie-break or cover meanwhile; or that there is none."""
    if not protocol.escalation:
        yield make(
            "dispute-route-incomplete",
            "no dispute route",
            "warning",
            protocol.metadata.clause[:1],  # the front matter: the protocol as a whole
            "The protocol has no route for settling disagreements between the services, so a child's plan can "
            "stall while they disagree.",
            suggestion=(
                "Add a dispute route: named posts in each service, a time limit at each level, who decides at the "
                "top, and who acts for the child meanwhile."
            ),
        )
        return
    for route in protocol.escalation:
        if len(route.steps) >= 2:
            lacking = _lacking(protocol, route)
            if lacking:
                yield _finding(protocol, route, lacking)


def _lacking(protocol: Protocol, route: EscalationRoute) -> list[str]:
    """What the route does not say, in words."""
    lacking = []
    if all(step.within is None for step in route.steps):
        lacking.append("no time limit at any level")
    top = route.steps[-1]
    if top.parties and top.decides is None and len(agencies(protocol, top.parties)) >= 2:
        lacking.append(f"no one to decide if {shorts(protocol, top.parties)} disagree")
    if route.meanwhile is None:
        lacking.append("nothing on who acts for the child while a dispute is open")
    return lacking


def _levels(protocol: Protocol, route: EscalationRoute) -> list[str]:
    """The duties a route's levels act through: those of its clauses given to the parties of one of its
    steps (Warwickshire 10.2's Protocol Meeting, where the team managers are the first level)."""
    steps = [frozenset(step.parties) for step in route.steps if step.parties]
    return [
        d.id
        for d in protocol.duties
        if set(d.clause) & set(route.clause) and d.actor is not None and frozenset(d.actor) in steps
    ]


def _finding(protocol: Protocol, route: EscalationRoute, lacking: list[str]) -> Finding:
    advice = {
        "no time limit": "a time limit at each level (say 5 working days)",
        "no one to decide": "the post that decides at the top",
        "nothing on who acts": "the service that keeps the case meanwhile",
    }
    wanted = [words for start, words in advice.items() if any(item.startswith(start) for item in lacking)]
    return make(
        "dispute-route-incomplete",
        f"escalation {route.id} incomplete",
        "warning",
        route.clause,
        f"The dispute route of {clause_words(route.clause)} ({route.about}) has {listing(lacking)}. A child's "
        "plan can stall while the services disagree.",
        suggestion=f"Give the route {listing(wanted)}.",
        duties=_levels(protocol, route) if "no time limit at any level" in lacking else [],
    )
