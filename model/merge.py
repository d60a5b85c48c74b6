"""A protocol file merged with the library it uses, as plain data, before the model is built.

A protocol that says `uses: england` writes only what it adds to, refines in or restricts of the
library (docs/library.md). Section by section (agencies and their roles, people, documents,
artefacts, attributes and their values, events, lifecycles with their states and transitions):

- an element whose id is the library's, in the same section, **refines** it. It gives the clauses of
  the protocol that touch it, and may give the protocol's own name; it may set what the library
  leaves unset, narrow an attribute's range, add values, child states, transitions and sources, and
  add a guard to a library transition (known by its event and target). It cannot change anything
  else the library says.
- any other element is **added** as written, and needs its name: an element that gives only an id
  and a clause, with an id the library lacks, is a refinement of nothing ("did you mean").
- a lifecycle's `omit:` **restricts** it: those states, and the transitions to and from them, leave.
- the library's other elements come in as the library has them, their clause ids marked as the
  library's ('england:3.1'): whole lifecycles the protocol lists (and those their events happen
  in), and every other element, which `provenance.settle` drops again unless something uses it.

The merged data keeps, for each element, where the protocol file wrote it, so that an error found
later in the merged protocol is located in the file (`MergedSource`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from . import plaindata
from .merge_lifecycle import LifecycleMerge
from .plaindata import id_of as _id
from .plaindata import items as _items
from .plaindata import marked
from .plaindata import shown as _shown
from .schema import Agency, Artefact, Attribute, Document, EnumValue, Event, Lifecycle, Person, Role, State, Transition
from .source import Path_, Problem, Source
from .wording import did_you_mean

if TYPE_CHECKING:
    from .library import Library

SECTIONS = ("agencies", "people", "documents", "artefacts", "attributes", "events", "lifecycles")
"""The top-level sections a library supplies and a protocol may refine."""

MODEL: dict[str, type[BaseModel]] = {
    "agencies": Agency,
    "roles": Role,
    "people": Person,
    "documents": Document,
    "artefacts": Artefact,
    "attributes": Attribute,
    "values": EnumValue,
    "events": Event,
    "lifecycles": Lifecycle,
    "states": State,
    "transitions": Transition,
}
WHAT = {
    "agencies": "agency",
    "roles": "role",
    "people": "person",
    "documents": "document",
    "artefacts": "artefact",
    "attributes": "attribute",
    "values": "value",
    "events": "event",
    "lifecycles": "lifecycle",
    "states": "state",
    "dimensions": "dimension",
    "ownership": "ownership rule",
    "duties": "duty",
    "escalation": "escalation route",
}
CHANGES = {
    "agencies": ("name", "short"),
    "roles": ("name", "short"),
    "people": ("name",),
    "documents": ("title",),
    "artefacts": ("name",),
    "attributes": ("name",),
    "values": ("name",),
    "events": ("name",),
    "lifecycles": ("name",),
    "states": ("name",),
}
"""What a refinement may change of what the library sets; anything else it may only restate."""
SETTABLE = {
    "events": ("scheduled", "out_of_hours"),
    "states": ("kind", "waiting"),
    "agencies": ("kind", "out_of_hours", "council"),
    "artefacts": ("from",),
}
"""What a refinement may set where the library leaves it unset: when an event is planned or can come
out of hours, the kind of a status or of a body, a child waiting in a status, who covers a body out of
hours, the council a body is or is a service of, whose input an artefact is. Anything else unset (a
state's `final`, an event's `lifecycle`) shapes the statutory world and stays the library's."""
MERGED_APART = {
    "agencies": ("roles",),
    "attributes": ("range", "values"),
    "lifecycles": ("states", "transitions", "omit"),
    "states": ("states", "initial"),
}
"""Keys of a refinement merged by their own rules, not copied."""
NAMED = {"documents": "title", "values": None, "roles": "name"}
"""The key an added element must give besides id and clause (name, unless listed here; None: nothing)."""


class MergedSource(Source):
    """A protocol file's source whose data is the merge with its library: problems found in the
    merged data are located where the file wrote the element, or at its `uses:`."""

    def __init__(self, file: Source, data: dict[str, Any], origin: dict[Path_, tuple[Path_, bool]]):
        self.name = file.name
        self._tree = file._tree
        self.data = data
        self.file = file
        self.origin = origin

    def to_file(self, path: Path_) -> Path_:
        """Where in the file the element at `path` of the merged data was written."""
        for n in range(len(path), 0, -1):
            found = self.origin.get(path[:n])
            if found is not None:
                at, exact = found
                return (*at, *path[n:]) if exact else at
        return path

    def locate(self, problems):
        return self.file.locate(Problem(self.to_file(p.path), p.message, p.at_key) for p in problems)


class Merge:
    """One protocol file merged with one library (see the module docstring)."""

    def __init__(self, file: Source, library: Library):
        self.file = file.data
        self.library = library
        self.lib = library.source.data
        self.mark = library.mark
        self.described = library.describe()
        self.problems: list[Problem] = []
        self.origin: dict[Path_, tuple[Path_, bool]] = {}
        self.shadowed: set[str] = set()  # library roles whose ids the protocol gives roles of its own agencies

    def run(self) -> dict[str, Any]:
        """The merged data (the problems found on the way are in `problems`)."""
        self.problems += plaindata.written_library_clauses(self.file)
        self._clashes()
        merged = dict(self.file)
        for section in SECTIONS:
            if section in self.file and not isinstance(self.file[section], list):
                continue  # not a list: the model says so, at the file's own place
            merged[section] = self._section(section)
        if isinstance(merged.get("lifecycles"), list):  # else not a list: the model says so where it stands
            merged["lifecycles"] = [*merged["lifecycles"], *self._pulled_lifecycles(merged["lifecycles"])]
        if isinstance(self.file.get("order", []), list):
            merged["order"] = [*_items(self.file, "order"), *marked(_items(self.lib, "order"), self.mark)]
        table = self.file.get("clauses", {})
        if isinstance(table, dict):
            own = self.lib.get("clauses", {})
            merged["clauses"] = {**table, **{self.mark + str(k): v for k, v in own.items()}}
        return merged

    def problem(self, path: Path_, message: str, at_key: bool = False) -> None:
        self.problems.append(Problem(path, message, at_key))

    # --- checks on the file as written -----------------------------------------------------------

    def _declared(self) -> Iterator[tuple[str, str, Path_]]:
        """Every id the file declares, with what it is ("states:justice" for a state of lifecycle justice) and where."""
        for section in ("people", "documents", "artefacts", "attributes", "events", "dimensions", "ownership"):
            for i, element in enumerate(_items(self.file, section)):
                if (name := _id(element)) is not None:
                    yield name, section, (section, i, "id")
        for section in ("duties", "escalation"):
            for i, element in enumerate(_items(self.file, section)):
                if (name := _id(element)) is not None:
                    yield name, section, (section, i, "id")
        for i, agency in enumerate(_items(self.file, "agencies")):
            if (name := _id(agency)) is not None:
                yield name, "agencies", ("agencies", i, "id")
            for j, role in enumerate(_items(agency, "roles")):
                if (name := _id(role)) is not None:
                    yield name, f"roles:{_id(agency)}", ("agencies", i, "roles", j, "id")
        for i, lifecycle in enumerate(_items(self.file, "lifecycles")):
            if (name := _id(lifecycle)) is not None:
                yield name, "lifecycles", ("lifecycles", i, "id")
            yield from self._declared_states(_items(lifecycle, "states"), ("lifecycles", i, "states"), _id(lifecycle))

    def _declared_states(
        self, states: list[Any], path: Path_, lifecycle: str | None
    ) -> Iterator[tuple[str, str, Path_]]:
        for k, state in enumerate(states):
            if (name := _id(state)) is not None:
                yield name, f"states:{lifecycle}", (*path, k, "id")
            yield from self._declared_states(_items(state, "states"), (*path, k, "states"), lifecycle)

    def _clashes(self) -> None:
        """An id the library uses for another kind of element (or a state of another lifecycle, a role
        of another agency) is refused: ids are one namespace, shared with the library."""
        kinds = self._library_kinds()
        for name, section, path in self._declared():
            if name in kinds and kinds[name].startswith("roles:") and section.startswith("roles:"):
                if kinds[name] != section:
                    self.shadowed.add(name)  # a role of the protocol's own agency: the library's leaves
            elif name in kinds and kinds[name] != section:
                what = WHAT.get(section.partition(":")[0], section.rstrip("s"))
                self.problem(
                    path,
                    f"id '{name}' is {self.described[name]} in the library {self.library.name}; expected another id "
                    f"for this {what} (ids are shared with the library)",
                )

    def _library_kinds(self) -> dict[str, str]:
        found: dict[str, str] = {}
        lib = self.library.protocol
        for agency in lib.agencies:
            found[agency.id] = "agencies"
            found.update({r.id: f"roles:{agency.id}" for r in agency.roles})
        for section in ("people", "documents", "artefacts", "attributes", "events"):
            found.update({e.id: section for e in getattr(lib, section)})
        for lifecycle in lib.lifecycles:
            found[lifecycle.id] = "lifecycles"
            found.update({s.id: f"states:{lifecycle.id}" for s in _walk_states(lifecycle.states)})
        return found

    # --- sections --------------------------------------------------------------------------------

    def _section(self, section: str) -> list[Any]:
        """A section merged: the file's elements in place (refined or added), then the library's others."""
        library = {_id(e): e for e in _items(self.lib, section)}
        merged: list[Any] = []
        written: set[str] = set()
        for i, element in enumerate(_items(self.file, section)):
            at: Path_ = (section, i)
            self.origin[at] = (at, True)
            name = _id(element)
            if name is not None and name in library:
                written.add(name)
                merged.append(self.refined(section, library[name], element, at))
            else:
                merged.append(self._added(section, element, at, set(library)))
        if section == "lifecycles":
            return merged  # a library lifecycle comes in only when the protocol lists it (or uses its events)
        for name, element in library.items():
            if name not in written:
                self.origin[(section, len(merged))] = (("uses",), False)
                merged.append(self._unwritten(element))
        return merged

    def _unwritten(self, element: dict[str, Any]) -> dict[str, Any]:
        """A library element the protocol does not write, marked as the library's."""
        copied = marked(element, self.mark)
        if "roles" in copied:
            copied["roles"] = [r for r in copied["roles"] if _id(r) not in self.shadowed]
        return copied

    def _added(self, section: str, element: Any, at: Path_, library: set[str]) -> Any:
        """An element the library lacks, as written; one that names nothing but id and clause is taken
        for a refinement of a library element that is not there."""
        name = _id(element)
        needed = NAMED.get(section, "name")
        if name is None or needed is None or needed in element or section == "lifecycles" and "states" in element:
            return element
        close = did_you_mean(name, library)
        guess = f" (did you mean '{close}'?)" if close else ""
        what = WHAT.get(section, section)
        self.problem(
            (*at, "id"),
            f"the library {self.library.name} has no {what} '{name}'{guess} to refine; expected a library {what}'s id, "
            f"or a new {what} with its '{needed}'",
        )
        return element

    def refined(self, section: str, library: dict[str, Any], mine: Any, at: Path_) -> dict[str, Any]:
        """A library element as the protocol refines it."""
        if not isinstance(mine, dict):
            return mine
        merged = {k: v for k, v in library.items() if k not in MERGED_APART.get(section, ())}
        what = f"the library's {WHAT.get(section, section)} '{library.get('id')}'"
        if "clause" in mine:
            merged["clause"] = mine["clause"]
        else:
            self.problem(
                at, f"this refines {what} but gives no clause; expected the clause(s) of this protocol that touch it"
            )
            merged["clause"] = marked(library.get("clause"), "")  # keep the model quiet: the problem is said
        fields = {info.alias or name for name, info in MODEL[section].model_fields.items()}
        for key, value in mine.items():
            if key in ("id", "clause") or key in MERGED_APART.get(section, ()):
                continue
            if key in fields and not self._may_give(section, key, library, value):
                said = f"is {_shown(library[key])}" if key in library else "is not set"
                self.problem(
                    (*at, key),
                    f"'{key}' of {what} {said}; a refinement cannot change it; expected it left out, or a new "
                    "element with another id",
                )
                continue
            merged[key] = value
        if section == "agencies":
            merged["roles"] = self._roles(library, mine, at)
        elif section == "attributes":
            self._attribute(merged, library, mine, at)
        elif section == "lifecycles":
            LifecycleMerge(self, library, mine, at).into(merged)
        return merged

    @staticmethod
    def _may_give(section: str, key: str, library: dict[str, Any], value: Any) -> bool:
        """Whether a refinement may give this key: a name of its own, what the library leaves unset
        where it may be set, or the library's own value restated."""
        if key in CHANGES.get(section, ()):
            return True
        if key not in library:
            return key in SETTABLE.get(section, ())
        return library[key] == value

    # --- agencies and roles ----------------------------------------------------------------------

    def _roles(self, library: dict[str, Any], mine: dict[str, Any], at: Path_) -> list[Any]:
        own = {_id(r): r for r in _items(library, "roles")}
        merged: list[Any] = []
        written: set[str] = set()
        for j, role in enumerate(_items(mine, "roles")):
            here: Path_ = (*at, "roles", j)
            self.origin[here] = (here, True)
            name = _id(role)
            if name is not None and name in own:
                written.add(name)
                merged.append(self.refined("roles", own[name], role, here))
            else:
                merged.append(self._added("roles", role, here, set(own)))
        for name, role in own.items():
            if name not in written and name not in self.shadowed:
                self.origin[(*at, "roles", len(merged))] = ((*at, "id"), False)
                merged.append(marked(role, self.mark))
        if "roles" in mine and not isinstance(mine["roles"], list):
            return mine["roles"]
        return merged

    # --- attributes ------------------------------------------------------------------------------

    def _attribute(self, merged: dict[str, Any], library: dict[str, Any], mine: dict[str, Any], at: Path_) -> None:
        if "range" in library:
            merged["range"] = library["range"]
        if "range" in mine:
            merged["range"] = mine["range"]
            self._narrower(library, mine["range"], (*at, "range"))
        if "values" in mine and ("values" not in library or not isinstance(mine["values"], list)):
            merged["values"] = mine["values"]  # values the library has not, or not a list: the model checks them
        elif "values" in library:
            merged["values"] = self._values(library, mine, at)

    def _narrower(self, library: dict[str, Any], given: Any, at: Path_) -> None:
        """A refinement narrows a whole-number range, never widens it."""
        low, high = library.get("range", (None, None))
        numbers = isinstance(given, list) and len(given) == 2
        numbers = numbers and all(isinstance(v, int) and not isinstance(v, bool) for v in given)
        if numbers and low is not None and not low <= given[0] <= given[1] <= high:
            self.problem(
                at,
                f"range {given} is not within the library's range of '{library.get('id')}' ({low}..{high}); "
                "expected a refinement to narrow the range, never to widen it",
            )

    def _values(self, library: dict[str, Any], mine: dict[str, Any], at: Path_) -> list[Any]:
        """An enum's values: the protocol's in its order (library values refined), then the library's others."""
        own = {v if isinstance(v, str) else _id(v): v for v in _items(library, "values")}
        values: list[Any] = []
        written: set[str] = set()
        for k, value in enumerate(_items(mine, "values")):
            here: Path_ = (*at, "values", k)
            self.origin[here] = (here, True)
            name = value if isinstance(value, str) else _id(value)
            if name in own:
                written.add(name)
                base = own[name] if isinstance(own[name], dict) else {"id": name}
                value = value if isinstance(value, str) else {**base, **value}
            values.append(value)
        for name, value in own.items():
            if name not in written:
                self.origin[(*at, "values", len(values))] = ((*at, "id"), False)
                values.append(marked(value, self.mark))
        return values

    # --- lifecycles a protocol does not list but needs ---------------------------------------------

    def _pulled_lifecycles(self, listed: list[Any]) -> list[Any]:
        """Library lifecycles the listed ones react to: a care status moves on a remand only when the
        justice lifecycle takes the remand, so a protocol listing `care` gets `justice` too."""
        lib = self.library.protocol
        home = {e.id: e.lifecycle for e in lib.events if e.lifecycle is not None}
        included = {_id(lc) for lc in listed}
        events = {e for lc in listed for t in _items(lc, "transitions") if isinstance(e := _event(t), str)}
        pulled: list[Any] = []
        new = True
        while new:
            events |= {t.event for lc in lib.lifecycles if lc.id in included for t in lc.transitions}
            wanted = {home[e] for e in events if isinstance(e, str) and e in home} - included
            new = [lc for lc in _items(self.lib, "lifecycles") if _id(lc) in wanted]
            for lifecycle in new:
                self.origin[("lifecycles", len(listed) + len(pulled))] = (("uses",), False)
                pulled.append(marked(lifecycle, self.mark))
                included.add(_id(lifecycle))
        return pulled


def _event(transition: Any) -> Any:
    return transition.get("event") if isinstance(transition, dict) else None


def _walk_states(states: tuple) -> list:
    return [s for state in states for s in (state, *_walk_states(state.states))]


def merge(file: Source, library: Library) -> tuple[MergedSource, list[Problem]]:
    """The file merged with its library, and the problems the merge found (addressed in the file)."""
    job = Merge(file, library)
    data = job.run()
    return MergedSource(file, data, job.origin), job.problems
