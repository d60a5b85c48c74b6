"""Cross-reference checks: every name a protocol uses is declared, once, and every value fits.

Runs on a `Protocol` that pydantic has already built, and returns `Problem`s addressed by the path
of keys and indexes in the file, so the loader can locate them. Ids share one namespace (so an actor
can name an agency, a role or a person without saying which); `unspecified` is reserved.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import conditions
from .reserved import RESERVED_EVENT_IDS
from .schema import UNSPECIFIED, Attribute, Lifecycle, Protocol, State
from .source import Path_, Problem
from .wording import guess
from .wording import unknown as _unknown


def check(protocol: Protocol, library: dict[str, str] | None = None) -> list[Problem]:
    """Every cross-reference problem in the protocol, in no particular order. `library` gives, for ids
    of the library the protocol uses, why such a name is not known (the protocol does not bring it in)."""
    return list(_Checker(protocol, library or {}).run())


def check_condition(protocol: Protocol, condition: conditions.Condition | None, path: Path_) -> list[Problem]:
    """Problems with a condition written elsewhere (a judgements file) against the protocol's names."""
    return list(_Checker(protocol)._condition(condition, path))


class _Checker:
    def __init__(self, protocol: Protocol, library: dict[str, str] | None = None):
        self.p = protocol
        self.library = library or {}
        self.kinds: dict[str, str] = {}  # id -> what it is
        self.parties = (
            {a.id for a in protocol.agencies} | {r.id for r in protocol.roles()} | {p.id for p in protocol.people}
        )
        self.events = {e.id for e in protocol.events}
        self.states = {s.id for s in protocol.states()}
        self.duties = {d.id for d in protocol.duties}
        self.artefacts = {a.id for a in protocol.artefacts}
        self.documents = {d.id for d in protocol.documents}
        self.dimensions = {d.id for d in protocol.dimensions}
        self.attributes: dict[str, Attribute] = {a.id: a for a in protocol.attributes}
        self.lifecycles: dict[str, Lifecycle] = {lc.id: lc for lc in protocol.lifecycles}
        self.lifecycle_states = {lc.id: {s.id for s in _walk(lc.states)} for lc in protocol.lifecycles}

    def run(self) -> Iterator[Problem]:
        yield from self._ids()
        yield from self._events()
        yield from self._lifecycles()
        for i, dimension in enumerate(self.p.dimensions):
            yield from self._condition(dimension.applies, ("dimensions", i, "applies"))
        yield from self._ownership()
        for i, duty in enumerate(self.p.duties):
            yield from self._duty(duty, ("duties", i))
        yield from self._order()
        yield from self._parts()
        yield from self._clause_table()
        for i, artefact in enumerate(self.p.artefacts):
            if artefact.external is not None and artefact.external.document is not None:
                yield from self._ref(
                    "document", artefact.external.document, self.documents, ("artefacts", i, "external", "document")
                )
        for i, lifecycle in enumerate(self.p.lifecycles):
            if lifecycle.omit and self.p.uses is None:
                yield Problem(
                    ("lifecycles", i, "omit"),
                    "'omit' leaves states of a library lifecycle out; expected it only in a protocol that uses a library",
                )
        yield from self._escalation()
        yield from self._routes_and_inputs()

    def _ownership(self) -> Iterator[Problem]:
        """Each ownership rule's dimension, owners, lead, situations and statute."""
        for i, rule in enumerate(self.p.ownership):
            at: Path_ = ("ownership", i)
            yield from self._ref("dimension", rule.dimension, self.dimensions, (*at, "dimension"))
            yield from self._refs("agency, role or person", rule.owner or (), self.parties, (*at, "owner"))
            yield from self._lead(rule.lead, rule.owner or (), (*at, "lead"), "owner")
            yield from self._condition(rule.when, (*at, "when"))
            yield from self._statute(rule.statute, at)

    def _escalation(self) -> Iterator[Problem]:
        """Each dispute route's levels (their parties, and who decides among them), documents and who acts meanwhile."""
        for i, route in enumerate(self.p.escalation):
            for j, step in enumerate(route.steps):
                yield from self._refs(
                    "agency, role or person", step.parties or (), self.parties, ("escalation", i, "steps", j, "parties")
                )
                if step.decides is not None and step.decides not in (step.parties or ()):
                    yield Problem(
                        ("escalation", i, "steps", j, "decides"),
                        f"'{step.decides}' is not one of this level's parties "
                        f"({', '.join(step.parties or ()) or 'none named'}); expected the one of them with the final say",
                    )
            yield from self._refs("document", route.documents, self.documents, ("escalation", i, "documents"))
            if route.meanwhile is not None:
                yield from self._ref(
                    "agency, role or person", route.meanwhile, self.parties, ("escalation", i, "meanwhile")
                )

    # --- declarations --------------------------------------------------------------------------

    def _declarations(self) -> Iterator[tuple[str, str, Path_]]:
        p = self.p
        yield p.metadata.id, "protocol", ("metadata", "id")
        for i, a in enumerate(p.agencies):
            yield a.id, "agency", ("agencies", i, "id")
            for j, r in enumerate(a.roles):
                yield r.id, "role", ("agencies", i, "roles", j, "id")
        for section, kind in (
            ("people", "person"),
            ("documents", "document"),
            ("artefacts", "artefact"),
            ("attributes", "attribute"),
            ("events", "event"),
            ("dimensions", "dimension"),
            ("ownership", "ownership rule"),
            ("duties", "duty"),
            ("escalation", "escalation route"),
        ):
            for i, element in enumerate(getattr(p, section)):
                yield element.id, kind, (section, i, "id")
        for i, lc in enumerate(p.lifecycles):
            yield lc.id, "lifecycle", ("lifecycles", i, "id")
            for state, path in _walk_paths(lc.states, ("lifecycles", i)):
                yield state.id, "state", (*path, "id")

    def _events(self) -> Iterator[Problem]:
        moved_by = {(lc.id, t.event) for lc in self.p.lifecycles for t in lc.transitions}
        for i, event in enumerate(self.p.events):
            if event.lifecycle is not None:
                path: Path_ = ("events", i, "lifecycle")
                if event.lifecycle not in self.lifecycles:
                    yield Problem(path, _unknown("lifecycle", event.lifecycle, set(self.lifecycles)))
                elif (event.lifecycle, event.id) not in moved_by:
                    yield Problem(
                        path,
                        f"event '{event.id}' happens in lifecycle '{event.lifecycle}', which has no transition on it; expected a lifecycle that takes the event",
                    )
            if event.scheduled is not None:
                if event.scheduled.after == event.id:
                    yield Problem(
                        ("events", i, "scheduled", "after"),
                        f"event '{event.id}' is scheduled after itself; expected another event",
                    )
                else:
                    yield from self._ref(
                        "event", event.scheduled.after, self.events, ("events", i, "scheduled", "after")
                    )
            if event.id in RESERVED_EVENT_IDS:
                yield Problem(
                    ("events", i, "id"),
                    f"event id '{event.id}' is a name the statechart engine uses itself; expected another id, e.g. '{event.id}_event'",
                )

    def _ids(self) -> Iterator[Problem]:
        first: dict[str, tuple[str, Path_]] = {}
        for name, kind, path in self._declarations():
            if name == UNSPECIFIED:
                yield Problem(path, f"'{UNSPECIFIED}' is reserved for silences in the source; expected another id")
            elif name in first:
                other_kind, _ = first[name]
                article = "an" if other_kind[0] in "aeiou" else "a"
                yield Problem(
                    path,
                    f"duplicate id '{name}' (already used for {article} {other_kind}); expected ids unique in the protocol",
                )
            else:
                first[name] = (kind, path)
        for i, attribute in enumerate(self.p.attributes):
            seen: set[str] = set()
            for j, value in enumerate(attribute.values):
                if value.id in seen:
                    yield Problem(
                        ("attributes", i, "values", j),
                        f"duplicate value '{value.id}' of attribute '{attribute.id}'; expected each value once",
                    )
                seen.add(value.id)

    # --- lifecycles ----------------------------------------------------------------------------

    def _lifecycles(self) -> Iterator[Problem]:
        for i, lc in enumerate(self.p.lifecycles):
            at: Path_ = ("lifecycles", i)
            own = self.lifecycle_states[lc.id]
            if lc.initial is not None and lc.initial not in {s.id for s in lc.states}:
                yield Problem(
                    (*at, "initial"),
                    _unknown("top-level state", lc.initial, {s.id for s in lc.states}, f" in lifecycle '{lc.id}'"),
                )
            for state, path in _walk_paths(lc.states, at):
                if state.initial is not None and state.initial not in {c.id for c in state.states}:
                    yield Problem(
                        (*path, "initial"),
                        _unknown("child state", state.initial, {c.id for c in state.states}, f" of '{state.id}'"),
                    )
            for j, transition in enumerate(lc.transitions):
                tp: Path_ = (*at, "transitions", j)
                yield from self._ref("event", transition.event, self.events, (*tp, "event"))
                for k, source in enumerate(transition.source):
                    yield from self._ref("state", source, own, (*tp, "from", k), f" in lifecycle '{lc.id}'")
                where = f" in lifecycle '{lc.id}' (a transition to an undefined state)"
                yield from self._ref("state", transition.target, own, (*tp, "to"), where)
                yield from self._condition(transition.guard, (*tp, "guard"))

    # --- duties --------------------------------------------------------------------------------

    def _duty(self, duty, at: Path_) -> Iterator[Problem]:
        parties = "agency, role or person"
        yield from self._refs(parties, duty.actor or (), self.parties, (*at, "actor"))
        yield from self._lead(duty.lead, duty.actor or (), (*at, "lead"), "actor")
        yield from self._refs(parties, duty.recipient, self.parties, (*at, "recipient"))
        yield from self._refs("artefact", duty.produces, self.artefacts, (*at, "produces"))
        yield from self._refs("artefact", duty.needs, self.artefacts, (*at, "needs"))
        yield from self._refs("document", duty.documents, self.documents, (*at, "documents"))
        yield from self._statute(duty.statute, at)
        yield from self._condition(duty.when, (*at, "when"))
        for j, item in enumerate(duty.items):
            if item.party is not None:
                yield from self._ref(parties, item.party, self.parties, (*at, "items", j, "party"))
            if item.artefact is not None:
                yield from self._ref("artefact", item.artefact, self.artefacts, (*at, "items", j, "artefact"))
        trigger = duty.trigger
        if trigger is not None:
            tp: Path_ = (*at, "trigger")
            if trigger.event is not None:
                yield from self._ref("event", trigger.event, self.events, (*tp, "event"))
            for key in ("enter", "exit"):
                if getattr(trigger, key) is not None:
                    yield from self._ref("state", getattr(trigger, key), self.states, (*tp, key))
            if trigger.duty is not None:
                if trigger.duty == duty.id:
                    yield Problem((*tp, "duty"), f"duty '{duty.id}' is triggered by itself; expected another duty")
                else:
                    yield from self._ref("duty", trigger.duty, self.duties, (*tp, "duty"))
        timescale = duty.timescale
        if timescale is not None:
            if timescale.before is not None:
                yield from self._ref(
                    "event", timescale.before.event, self.events, (*at, "timescale", "before", "event")
                )
            if timescale.at is not None:
                yield from self._ref("event", timescale.at, self.events, (*at, "timescale", "at"))
            if timescale.set_by is not None:
                yield from self._ref("event", timescale.set_by, self.events, (*at, "timescale", "set_by"))
            for key in ("within", "same_day"):
                if getattr(timescale, key) and trigger is None:
                    yield Problem(
                        (*at, "timescale", key),
                        f"a '{key}' timescale counts from the duty's trigger, but the duty has none; expected a 'trigger'",
                    )

    # --- event order, parts of duties, the clause table ------------------------------------------

    def _order(self) -> Iterator[Problem]:
        after: dict[str, list[tuple[str, int]]] = {}
        for i, order in enumerate(self.p.order):
            at: Path_ = ("order", i)
            yield from self._ref("event", order.first, self.events, (*at, "first"))
            yield from self._ref("event", order.then, self.events, (*at, "then"))
            if order.first == order.then:
                yield Problem((*at, "then"), f"event '{order.first}' is ordered after itself; expected two events")
            else:
                after.setdefault(order.first, []).append((order.then, i))
        cycle = _cycle(after)
        if cycle is not None:
            names, index = cycle
            yield Problem(
                ("order", index),
                f"the event order is a circle ({' before '.join(names)}): no timeline can keep it; expected an order "
                "in which the events can happen",
            )

    def _parts(self) -> Iterator[Problem]:
        whole: dict[str, list[tuple[str, int]]] = {}
        for i, duty in enumerate(self.p.duties):
            if duty.part_of is None:
                continue
            at: Path_ = ("duties", i, "part_of", "duty")
            if duty.part_of.duty == duty.id:
                yield Problem(at, f"duty '{duty.id}' is part of itself; expected another duty")
                continue
            yield from self._ref("duty", duty.part_of.duty, self.duties, at)
            whole.setdefault(duty.id, []).append((duty.part_of.duty, i))
        cycle = _cycle(whole)
        if cycle is not None:
            names, index = cycle
            yield Problem(
                ("duties", index, "part_of", "duty"),
                f"duties are parts of each other in a circle ({' within '.join(names)}); expected a part inside a whole",
            )

    def _clause_table(self) -> Iterator[Problem]:
        cited = set(self.p.clause_ids(library=True))
        for clause in self.p.clauses:
            if clause not in cited:
                yield Problem(
                    ("clauses", clause),
                    f"clause '{clause}' is in the clause table but no element of the file cites it"
                    f"{guess(clause, cited)} expected the "
                    "clause ids the file cites (the table gives their opening words)",
                    at_key=True,
                )

    # --- out-of-hours routes, waiting states, inputs from another agency -------------------------

    def _routes_and_inputs(self) -> Iterator[Problem]:
        for i, agency in enumerate(self.p.agencies):
            route = agency.out_of_hours
            if route is not None:
                at: Path_ = ("agencies", i, "out_of_hours")
                yield from self._ref("agency, role or person", route.by, self.parties, (*at, "by"))
                yield from self._refs("duty", route.duties, self.duties, (*at, "duties"))
        for i, lc in enumerate(self.p.lifecycles):
            for state, path in _walk_paths(lc.states, ("lifecycles", i)):
                waiting = state.waiting
                if waiting is None:
                    continue
                for key, duty in (("for", waiting.until), ("fallback", waiting.fallback)):
                    if duty is not None:
                        yield from self._ref("duty", duty, self.duties, (*path, "waiting", key))
        for i, artefact in enumerate(self.p.artefacts):
            yield from self._refs("agency, role or person", artefact.provider, self.parties, ("artefacts", i, "from"))

    # --- helpers -------------------------------------------------------------------------------

    def _ref(self, kind: str, name: str, known: set[str], path: Path_, where: str = "") -> Iterator[Problem]:
        if name not in known:
            yield Problem(path, _unknown(kind, name, known, where) + self._library_hint(name))

    def _library_hint(self, name: str) -> str:
        """Why a name of the library is not known here: the protocol does not bring it in."""
        hint = self.library.get(name)
        return f" ({hint})" if hint else ""

    def _refs(self, kind: str, names: tuple[str, ...], known: set[str], path: Path_) -> Iterator[Problem]:
        for k, name in enumerate(names):
            yield from self._ref(kind, name, known, (*path, k))

    def _statute(self, provisions: tuple, at: Path_) -> Iterator[Problem]:
        for k, provision in enumerate(provisions):
            yield from self._ref("document", provision.document, self.documents, (*at, "statute", k, "document"))

    def _lead(self, lead: str | None, holders: tuple[str, ...], path: Path_, holder: str) -> Iterator[Problem]:
        if lead is not None and lead not in holders:
            yield Problem(
                path,
                f"lead '{lead}' is not one of the {holder}s ({', '.join(holders) or 'none'}); expected one of them",
            )

    def _condition(self, condition: conditions.Condition | None, path: Path_) -> Iterator[Problem]:
        if condition is None:
            return
        for test in conditions.comparisons(condition):
            here = (*path, *test.path)
            if test.key in self.attributes:
                yield from self._attribute_test(self.attributes[test.key], test, here)
            elif test.key in self.lifecycles:
                yield from self._lifecycle_test(test, here)
            else:
                known = set(self.attributes) | set(self.lifecycles)
                key_path = here[:-1] if test.path[-2:-1] == (test.key,) else here  # an operator follows the key
                message = _unknown("attribute or lifecycle", test.key, known) + self._library_hint(test.key)
                yield Problem(key_path, message, at_key=True)

    def _attribute_test(self, attribute: Attribute, test: conditions.Comparison, path: Path_) -> Iterator[Problem]:
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        if attribute.type != "int" and test.op in conditions.ORDERING:
            yield Problem(
                path,
                f"'{test.op}' compares numbers, but '{attribute.id}' is {attribute.type}; expected eq, ne, in or not_in",
            )
            return
        for value in values:
            if attribute.type == "bool" and not isinstance(value, bool):
                yield Problem(path, f"'{attribute.id}' is true or false, not {value!r}; expected true or false")
            elif attribute.type == "int":
                low, high = attribute.range  # type: ignore[misc]
                if isinstance(value, bool) or not isinstance(value, int):
                    yield Problem(
                        path, f"'{attribute.id}' is a whole number, not {value!r}; expected a number in {low}..{high}"
                    )
                elif not low <= value <= high:
                    yield Problem(
                        path,
                        f"{value} is outside the range of '{attribute.id}' ({low}..{high}); expected a value in that range",
                    )
            elif attribute.type == "enum":
                allowed = {v.id for v in attribute.values}
                if value not in allowed:
                    yield Problem(path, _unknown("value", str(value), allowed, f" of '{attribute.id}'"))

    def _lifecycle_test(self, test: conditions.Comparison, path: Path_) -> Iterator[Problem]:
        if test.op not in ("eq", "ne", "in", "not_in"):
            yield Problem(
                path,
                f"'{test.op}' compares numbers, but '{test.key}' is a lifecycle; expected a state or a list of states",
            )
            return
        own = self.lifecycle_states[test.key]
        for value in test.value if isinstance(test.value, tuple) else (test.value,):
            if value not in own:
                yield Problem(path, _unknown("state", str(value), own, f" in lifecycle '{test.key}'"))


def _cycle(edges: dict[str, list[tuple[str, int]]]) -> tuple[list[str], int] | None:
    """A circle in a graph given as node -> [(next node, index of the entry that says so)]: its nodes
    in order, and the index of the entry that closes it; None if there is none."""
    done: set[str] = set()
    for start in sorted(edges):
        found = _circle_from(start, edges, [], done)
        if found is not None:
            return found
    return None


def _circle_from(
    node: str, edges: dict[str, list[tuple[str, int]]], path: list[str], done: set[str]
) -> tuple[list[str], int] | None:
    """A circle through the nodes on `path` reached from `node` (depth first); finished nodes go in `done`."""
    if node in done:
        return None
    path.append(node)
    for nxt, index in edges.get(node, ()):
        if nxt in path:
            return [*path[path.index(nxt) :], nxt], index
        found = _circle_from(nxt, edges, path, done)
        if found is not None:
            return found
    path.pop()
    done.add(node)
    return None


def _walk(states: tuple[State, ...]) -> Iterator[State]:
    for state in states:
        yield state
        yield from _walk(state.states)


def _walk_paths(states: tuple[State, ...], at: Path_) -> Iterator[tuple[State, Path_]]:
    for i, state in enumerate(states):
        path = (*at, "states", i)
        yield state, path
        yield from _walk_paths(state.states, path)
