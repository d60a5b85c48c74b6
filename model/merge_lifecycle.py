"""A library lifecycle as a protocol refines it: its states and transitions, merged as plain data.

The protocol lists the library states it touches, flat or nested as in the library, each with its
clauses (and its own name, if it likes); it may add states (at the top, or inside a library state it
lists) and transitions, add sources and a guard to a library transition (known by its event and
target), and leave states out with `omit:`. The merged lifecycle has the library's shape, with the
protocol's refinements in place and its additions inside their parents; see `merge` for the rest.
"""

from __future__ import annotations

from typing import Any, Protocol

from .plaindata import id_of, items, marked, names
from .source import Path_
from .wording import did_you_mean, guess


class Job(Protocol):
    """What a lifecycle's merge needs of the whole file's merge (`merge.Merge`)."""

    mark: str  # the prefix of library clause ids
    origin: dict[Path_, tuple[Path_, bool]]  # where each merged element was written

    def problem(self, path: Path_, message: str, at_key: bool = False) -> None: ...

    def refined(self, section: str, library: dict[str, Any], mine: Any, at: Path_) -> dict[str, Any]: ...


def _walk(states: list[Any], parent: str | None = None) -> list[tuple[dict[str, Any], str | None]]:
    found = []
    for state in states:
        if id_of(state) is not None:
            found.append((state, parent))
            found += _walk(items(state, "states"), id_of(state))
    return found


def _starts_in(state: dict[str, Any]) -> str | None:
    """The child a compound state (or a lifecycle) starts in: its `initial`, else its first child."""
    return state.get("initial") or next((id_of(s) for s in items(state, "states")), None)


class LifecycleMerge:
    """One library lifecycle (`library`, plain data) refined by the protocol's entry `mine` at `at`."""

    def __init__(self, job: Job, library: dict[str, Any], mine: dict[str, Any], at: Path_):
        self.job = job
        self.lib = library
        self.mine = mine
        self.at = at
        walked = _walk(items(library, "states"))
        self.states = {id_of(s): s for s, _ in walked}
        self.parent = {id_of(s): p for s, p in walked}
        self.omitted: set[str] = set()
        self.refined: dict[str, tuple[dict[str, Any], Path_]] = {}
        self.added: dict[str | None, list[tuple[Any, Path_]]] = {}

    def into(self, merged: dict[str, Any]) -> None:
        """Put the merged states and transitions into the merged lifecycle."""
        self._omit()
        self._listed(items(self.mine, "states"), (*self.at, "states"), None, inside_added=False)
        if "states" in self.mine and not isinstance(self.mine["states"], list):
            merged["states"] = self.mine["states"]
        else:
            merged["states"] = self._tree(items(self.lib, "states"), (*self.at, "states"), None)
        if "transitions" in self.mine and not isinstance(self.mine["transitions"], list):
            merged["transitions"] = self.mine["transitions"]
        else:
            merged["transitions"] = self._transitions()
        if "omit" in self.mine:
            merged["omit"] = self.mine["omit"]

    # --- omit ------------------------------------------------------------------------------------

    def _omit(self) -> None:
        given = self.mine.get("omit", [])
        for k, name in enumerate(names(given)):
            at: Path_ = (*self.at, "omit", k) if isinstance(given, list) else (*self.at, "omit")
            if not isinstance(name, str):
                continue  # the model says what is wrong with it
            if name not in self.states:
                self.job.problem(
                    at,
                    f"unknown state '{name}' of the library lifecycle '{id_of(self.lib)}'"
                    f"{guess(name, self.states)} expected a state of "
                    "it to leave out",
                )
                continue
            parent = self.parent[name]
            holder = self.lib if parent is None else self.states[parent]
            if _starts_in(holder) == name:
                where = f"'{parent}'" if parent else f"the lifecycle '{id_of(self.lib)}'"
                self.job.problem(at, f"cannot leave out '{name}': {where} starts in it; expected another state to omit")
                continue
            self.omitted |= {name, *(id_of(s) for s, _ in _walk(items(self.states[name], "states")))}

    # --- states ----------------------------------------------------------------------------------

    def _listed(self, states: list[Any], path: Path_, parent: str | None, inside_added: bool) -> None:
        """Sort the states the protocol lists into refinements (by library id) and additions (by parent)."""
        for k, state in enumerate(states):
            here: Path_ = (*path, k)
            name = id_of(state)
            if name is not None and name in self.states:
                self._refinement(name, state, here, parent, inside_added)
            else:
                if not inside_added:
                    self.added.setdefault(parent, []).append((self._addition(state, here), here))
                self._listed(items(state, "states"), (*here, "states"), name, inside_added=True)

    def _refinement(self, name: str, state: dict[str, Any], here: Path_, parent: str | None, inside_added: bool):
        home = self.parent[name]
        if inside_added or (parent is not None and parent != home):
            where = f"under '{home}'" if home else "at the top of the lifecycle"
            self.job.problem(
                (*here, "id"),
                f"state '{name}' is {where} in the library; expected it listed there or at the top of the lifecycle "
                "(a protocol cannot move a library state)",
            )
        elif name in self.refined:
            self.job.problem((*here, "id"), f"state '{name}' is listed twice; expected it once")
        elif name in self.omitted:
            self.job.problem(
                (*here, "id"), f"state '{name}' is listed and also left out (omit); expected one or the other"
            )
        else:
            self.refined[name] = (state, here)
            self._listed(items(state, "states"), (*here, "states"), name, inside_added=False)

    def _addition(self, state: Any, here: Path_) -> Any:
        name = id_of(state)
        if name is not None and "name" not in state:
            close = did_you_mean(name, self.states)
            hint = f" (did you mean '{close}'?)" if close else ""
            self.job.problem(
                (*here, "id"),
                f"the library lifecycle '{id_of(self.lib)}' has no state '{name}'{hint} to refine; expected a library "
                "state's id, or a new state with its 'name'",
            )
        return state

    def _tree(self, states: list[Any], path: Path_, parent: str | None) -> list[Any]:
        """The library's states under `parent` (omitted ones left out), refined, with the additions."""
        out: list[Any] = []
        for state in states:
            name = id_of(state)
            if name in self.omitted:
                continue
            here: Path_ = (*path, len(out))
            out.append(self._state(state, here))
        for state, written in self.added.get(parent, []):
            self.job.origin[(*path, len(out))] = (written, True)
            out.append(state)
        return out

    def _state(self, state: dict[str, Any], here: Path_) -> dict[str, Any]:
        name = id_of(state)
        if name in self.refined:
            mine, written = self.refined[name]
            node = self.job.refined("states", state, mine, written)
            self.job.origin[here] = (written, True)
        else:
            mine, written = {}, (*self.at, "id")
            node = {k: v for k, v in marked(state, self.job.mark).items() if k not in ("states", "initial")}
            self.job.origin[here] = (written, False)
        children = self._tree(items(state, "states"), (*here, "states"), name)
        if children:
            node["states"] = children
            initial = mine.get("initial")
            if initial is not None and items(state, "states") and initial != _starts_in(state):
                self.job.problem(
                    (*written, "initial"),
                    f"'initial' of the library's state '{name}' is '{_starts_in(state)}'; a refinement cannot change "
                    "it; expected it left out",
                )
            elif initial is not None or state.get("initial") is not None:
                node["initial"] = initial if initial is not None else state["initial"]
        return node

    # --- transitions -----------------------------------------------------------------------------

    def _transitions(self) -> list[Any]:
        """The protocol's transitions in its order (refinements of the library's in place), then the
        library's others, less those the omitted states take with them."""
        library = {(t.get("event"), t.get("to")): t for t in items(self.lib, "transitions") if isinstance(t, dict)}
        out: list[Any] = []
        used: set[tuple[Any, Any]] = set()
        for k, transition in enumerate(items(self.mine, "transitions")):
            written: Path_ = (*self.at, "transitions", k)
            self.job.origin[written] = (written, True)
            key = (transition.get("event"), transition.get("to")) if isinstance(transition, dict) else None
            if key is not None and all(isinstance(k_, str) for k_ in key) and key in library:
                if key in used:
                    self.job.problem(
                        written, f"the library's transition on '{key[0]}' to '{key[1]}' is refined twice; expected once"
                    )
                used.add(key)
                out.append(self._refined(library[key], transition, written))
            else:
                if isinstance(transition, dict) and "from" not in transition:
                    self._refines_nothing(transition, written, library)
                out.append(transition)
        for key, transition in library.items():
            kept = None if key in used else self._without_omitted(marked(transition, self.job.mark))
            if kept is not None:
                self.job.origin[(*self.at, "transitions", len(out))] = ((*self.at, "id"), False)
                out.append(kept)
        return out

    def _refines_nothing(self, transition: dict[str, Any], written: Path_, library: dict) -> None:
        said = f"on '{transition.get('event')}' to '{transition.get('to')}'"
        known = [f"{e} to {t}" for e, t in library]
        close = did_you_mean(f"{transition.get('event')} to {transition.get('to')}", known)
        meant = close.replace(" to ", "' to '") if close else ""
        hint = f" (did you mean the one on '{meant}'?)" if close else ""
        self.job.problem(
            written,
            f"the library lifecycle '{id_of(self.lib)}' has no transition {said}{hint} to refine; expected a library "
            "transition's event and target, or a new transition with its 'from'",
        )

    def _refined(self, library: dict[str, Any], mine: dict[str, Any], written: Path_) -> dict[str, Any]:
        node = dict(library)
        if "clause" in mine:
            node["clause"] = mine["clause"]
        else:
            self.job.problem(
                written,
                f"this refines the library's transition on '{library.get('event')}' to '{library.get('to')}' but gives "
                "no clause; expected the clause(s) of this protocol that touch it",
            )
        sources = names(library.get("from"))
        if "from" in mine:
            extra = mine["from"]
            node["from"] = (
                [*sources, *(s for s in names(extra) if s not in sources)] if isinstance(extra, (str, list)) else extra
            )
        if isinstance(node.get("from"), list):
            node["from"] = [s for s in node["from"] if not (isinstance(s, str) and s in self.omitted)]
        if library.get("to") in self.omitted:
            self.job.problem(
                (*written, "to"),
                f"'{library.get('to')}' is left out of this lifecycle (omit); expected a state it keeps",
            )
        if "guard" in mine:
            node["guard"] = _both(library.get("guard"), mine["guard"])
        for key, value in mine.items():
            if key not in ("event", "to", "from", "guard", "clause"):
                node[key] = value  # the model reports a key a transition does not have
        return node

    def _without_omitted(self, transition: dict[str, Any]) -> dict[str, Any] | None:
        if transition.get("to") in self.omitted:
            return None
        sources = [s for s in names(transition.get("from")) if s not in self.omitted]
        if not sources:
            return None
        return {**transition, "from": sources}


def _both(library: Any, mine: Any) -> Any:
    """A library guard and the protocol's, both to hold: the protocol's keys stay where it wrote them."""
    if library is None or not isinstance(mine, dict):
        return mine
    both = dict(mine)
    if "all" not in both:
        both["all"] = [library]
    elif isinstance(both["all"], list):
        both["all"] = [*both["all"], library]
    return both
