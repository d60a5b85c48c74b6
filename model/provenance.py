"""What a protocol keeps of the library it uses, and where each element of it came from.

After the merge (`merge`) the protocol holds the library's whole lifecycles that it lists, and every
other library element. `settle` finishes it:

- library elements that nothing in the protocol uses, directly or through what it uses, leave
  (an agency nobody names, an event no transition or duty has, an instrument no artefact cites);
- a library element the protocol uses *touches* the protocol's text: it is cited by the clauses of
  the protocol elements that use it (a state a duty's `when` names takes the duty's clauses), and so
  are the states and the agency around it. Coverage and faithfulness see only the protocol's clauses;
- a library state the protocol's text never touches keeps the library's clause ('england:3.1') and
  loses its situation kind: the statute checks take a protocol to deal with the situations its
  clauses touch, not with every status the library knows;
- an event happening in a library lifecycle the protocol does not have becomes a plain dated event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import conditions
from .schema import Duty, Lifecycle, Protocol, State, clause_sort_key


@dataclass
class _Uses:
    """The protocol's elements as a graph: what each one uses, and what holds each one."""

    mark: str
    refs: dict[str, set[str]] = field(default_factory=dict)  # element id -> ids it uses
    clauses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # element id -> its clauses
    holder: dict[str, str] = field(default_factory=dict)  # role -> agency, state -> parent state or lifecycle
    roots: set[str] = field(default_factory=set)  # ids always kept, and ids used by elements always kept
    touched: dict[str, set[str]] = field(default_factory=dict)  # library element id -> protocol clauses using it

    def library(self, clauses: Iterable[str]) -> bool:
        return all(c.startswith(self.mark) for c in clauses)

    def element(self, name: str, clauses: tuple[str, ...], uses: Iterable[str] = ()) -> None:
        self.refs[name] = set(uses)
        self.clauses[name] = clauses
        if not self.library(clauses):
            self.use(clauses, uses)
            self.roots.add(name)

    def use(self, clauses: tuple[str, ...], uses: Iterable[str], touch: bool = True) -> None:
        """An element that is always kept (a duty, a transition) uses these ids."""
        uses = set(uses)
        self.roots |= uses
        if touch and not self.library(clauses):
            for name in uses:
                self.touched.setdefault(name, set()).update(clauses)

    def kept(self) -> set[str]:
        """Every id reached from the roots through what elements use and what holds them."""
        seen: set[str] = set()
        todo = list(self.roots)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo += [*self.refs.get(name, ()), *((self.holder[name],) if name in self.holder else ())]
        return seen

    def touches(self) -> dict[str, tuple[str, ...]]:
        """For each library element the protocol's text touches (or holds something it touches), its clauses."""
        found: dict[str, set[str]] = {}
        for name, clauses in self.touched.items():
            while name is not None:
                if self.library(self.clauses.get(name, ())) and name in self.clauses:
                    found.setdefault(name, set()).update(clauses)
                name = self.holder.get(name)
        return {name: tuple(sorted(clauses, key=clause_sort_key)) for name, clauses in found.items()}


def _condition(condition: conditions.Condition | None, lifecycles: set[str]) -> set[str]:
    found: set[str] = set()
    for test in conditions.comparisons(condition) if condition is not None else ():
        found.add(test.key)
        if test.key in lifecycles:
            found |= {v for v in (test.value if isinstance(test.value, tuple) else (test.value,)) if isinstance(v, str)}
    return found


def _duty(duty: Duty, lifecycles: set[str]) -> set[str]:
    trigger, timescale = duty.trigger, duty.timescale
    found = {*(duty.actor or ()), *duty.recipient, *duty.produces, *duty.needs, *duty.documents}
    found |= {p.document for p in duty.statute} | {i.party for i in duty.items if i.party is not None}
    found |= {duty.lead} if duty.lead else set()
    if trigger is not None:
        found |= {v for v in (trigger.event, trigger.enter, trigger.exit, trigger.duty) if v is not None}
    if timescale is not None:
        found |= {timescale.at} if timescale.at else set()
        found |= {timescale.before.event} if timescale.before else set()
    if duty.part_of is not None:
        found.add(duty.part_of.duty)
    return found | _condition(duty.when, lifecycles)


def _graph(protocol: Protocol, library: Protocol, mark: str) -> _Uses:
    uses = _Uses(mark)
    lifecycles = {lc.id for lc in protocol.lifecycles}
    _parties_and_things(uses, protocol)
    refined = {(lc.id, t.event, t.target) for lc in library.lifecycles for t in lc.transitions}
    for lifecycle in protocol.lifecycles:
        _lifecycle(uses, lifecycle, lifecycles, refined)
    _responsibilities(uses, protocol, lifecycles)
    for order in protocol.order:
        if not uses.library(order.clause):
            uses.use(order.clause, (order.first, order.then))
    return uses


def _parties_and_things(uses: _Uses, protocol: Protocol) -> None:
    """Agencies and roles, people, documents, attributes, artefacts and events, with what they use."""
    for agency in protocol.agencies:
        uses.element(agency.id, agency.clause)
        for role in agency.roles:
            uses.element(role.id, role.clause)
            uses.holder[role.id] = agency.id
    for section in ("people", "documents", "attributes"):
        for element in getattr(protocol, section):
            uses.element(element.id, element.clause)
    for artefact in protocol.artefacts:
        external = artefact.external
        uses.element(artefact.id, artefact.clause, [external.document] if external and external.document else [])
    for event in protocol.events:
        after = [event.scheduled.after] if event.scheduled else []
        uses.element(event.id, event.clause, [*after, *([event.lifecycle] if event.lifecycle else [])])


def _responsibilities(uses: _Uses, protocol: Protocol, lifecycles: set[str]) -> None:
    """Dimensions, ownership rules, duties and dispute routes, with what they use."""
    for dimension in protocol.dimensions:
        uses.element(dimension.id, dimension.clause, _condition(dimension.applies, lifecycles))
    for rule in protocol.ownership:
        owned = {rule.dimension, *(rule.owner or ()), *((rule.lead,) if rule.lead else ())}
        owned |= {p.document for p in rule.statute} | _condition(rule.when, lifecycles)
        uses.element(rule.id, rule.clause, owned)
    for duty in protocol.duties:
        uses.element(duty.id, duty.clause, _duty(duty, lifecycles))
    for route in protocol.escalation:
        parties = {p for step in route.steps for p in step.parties or ()}
        uses.element(route.id, route.clause, parties | set(route.documents))


def _lifecycle(uses: _Uses, lifecycle: Lifecycle, lifecycles: set[str], refined: set[tuple[str, str, str]]) -> None:
    uses.element(lifecycle.id, lifecycle.clause)
    uses.roots.add(lifecycle.id)

    def walk(states: tuple[State, ...], holder: str) -> None:
        for state in states:
            uses.element(state.id, state.clause)
            uses.roots.add(state.id)
            uses.holder[state.id] = holder
            walk(state.states, state.id)

    walk(lifecycle.states, lifecycle.id)
    for t in lifecycle.transitions:
        guard = _condition(t.guard, lifecycles)
        if (lifecycle.id, t.event, t.target) in refined:  # a library transition the protocol refines: it
            uses.use(t.clause, {t.event, t.target} | guard)  # names the event and the target, not every source
            uses.use(t.clause, t.source, touch=False)
        else:
            uses.use(t.clause, {t.event, t.target, *t.source} | guard)


def settle(protocol: Protocol, library: Protocol) -> Protocol:
    """The merged protocol with unused library elements dropped and used ones cited by the clauses
    that touch them (see the module docstring)."""
    mark = library.metadata.id + ":"
    protocol = _without_dead_reactions(protocol, mark)
    uses = _graph(protocol, library, mark)
    keeping = _Keeping(uses, uses.kept(), uses.touches())
    moved = {(lc.id, t.event) for lc in protocol.lifecycles for t in lc.transitions}
    events = tuple(
        keeping.cite(e).model_copy(update={"lifecycle": e.lifecycle if (e.lifecycle, e.id) in moved else None})
        for e in protocol.events
        if keeping.keep(e)
    )
    kept_events = {e.id for e in events}
    sections = ("people", "documents", "artefacts", "attributes")
    settled = protocol.model_copy(
        update={
            "agencies": tuple(keeping.agencies(protocol)),
            **{s: tuple(keeping.cite(e) for e in getattr(protocol, s) if keeping.keep(e)) for s in sections},
            "events": events,
            "lifecycles": tuple(_settled_lifecycle(lc, keeping.touched, uses) for lc in protocol.lifecycles),
            "order": tuple(o for o in protocol.order if {o.first, o.then} <= kept_events),
        }
    )
    cited = set(settled.clause_ids(library=True))
    table = {k: v for k, v in protocol.clauses.items() if not k.startswith(mark) or k in cited}
    return settled.model_copy(update={"clauses": table})


@dataclass
class _Keeping:
    """Which elements stay, and the clauses a library element the protocol touches is cited by."""

    uses: _Uses
    kept: set[str]
    touched: dict[str, tuple[str, ...]]

    def keep(self, element) -> bool:
        return element.id in self.kept or not self.uses.library(element.clause)

    def cite(self, element):
        if element.id in self.touched:
            return element.model_copy(update={"clause": self.touched[element.id]})
        return element

    def agencies(self, protocol: Protocol) -> list:
        found = []
        for agency in protocol.agencies:
            roles = tuple(self.cite(r) for r in agency.roles if self.keep(r))
            if self.keep(agency) or roles:
                found.append(self.cite(agency).model_copy(update={"roles": roles}))
        return found


def _without_dead_reactions(protocol: Protocol, mark: str) -> Protocol:
    """Without the library's transitions that react to an event its own lifecycle no longer takes (the
    protocol left out the states it moves between): they could never fire."""
    home = {e.id: e.lifecycle for e in protocol.events}
    lifecycles = {lc.id for lc in protocol.lifecycles}
    moved = {(lc.id, t.event) for lc in protocol.lifecycles for t in lc.transitions}

    def dead(lifecycle: str, transition) -> bool:
        where = home.get(transition.event)
        return (
            all(c.startswith(mark) for c in transition.clause)
            and where not in (None, lifecycle)
            and where in lifecycles
            and (where, transition.event) not in moved
        )

    return protocol.model_copy(
        update={
            "lifecycles": tuple(
                lc.model_copy(update={"transitions": tuple(t for t in lc.transitions if not dead(lc.id, t))})
                for lc in protocol.lifecycles
            )
        }
    )


def _settled_lifecycle(lifecycle: Lifecycle, touched: dict[str, tuple[str, ...]], uses: _Uses) -> Lifecycle:
    def state(s: State) -> State:
        update: dict = {"states": tuple(state(c) for c in s.states)}
        if s.id in touched:
            update["clause"] = touched[s.id]
        elif uses.library(s.clause):
            update["kind"] = None  # a status the protocol's text never touches: not within its scope
        return s.model_copy(update=update)

    update: dict = {"states": tuple(state(s) for s in lifecycle.states)}
    if lifecycle.id in touched:
        update["clause"] = touched[lifecycle.id]
    return lifecycle.model_copy(update=update)
