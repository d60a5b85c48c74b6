"""Synthetic protocols k times the size of a real one, for measuring how the checks scale.

Copy j of the protocol's lifecycles, events, artefacts, dimensions, ownership rules and duties has
every id renamed with a suffix `_cj`, and its copied states sit beside the originals in the same
lifecycles, entered from each lifecycle's initial state on an event `enter_copy_j` that moves every
lifecycle together (each entry is guarded on the others being at their initial states). A case
explores one copy at a time, so the reachable configurations grow about k-fold (as a protocol with k
times the content would), not as a product of copies. A copy's duty types are renamed too: a duty
restated in two clauses of one copy is not the same duty as its twin in another copy. So are its
artefacts: a duty of one copy needs what its own copy's duties produce. (Shared, a duty of the
original copy would wait on the producers in every copy, since a case can leave the original copy
for another: a dependency chain k times as long, which a protocol k times the size need not have.)
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from protoverify.model import references
from protoverify.model.schema import Protocol

RENAMED = ("events", "artefacts", "dimensions", "ownership", "duties")


def _ids(protocol: dict[str, Any]) -> set[str]:
    """Ids that a copy renames: states, events, artefacts, dimensions, rules, duties."""
    found: set[str] = set()

    def states(items: list[dict]) -> None:
        for state in items:
            found.add(state["id"])
            states(state.get("states", []))

    for lifecycle in protocol.get("lifecycles", []):
        states(lifecycle["states"])
    for section in RENAMED:
        found |= {item["id"] for item in protocol.get(section, [])}
    return found


CONDITIONS = ("when", "guard", "applies")
VOCABULARY = ("kind",)  # terms of the shared vocabulary, not ids: a copy keeps them


def _rename(node: Any, ids: set[str], suffix: str, lifecycles: set[str]) -> Any:
    """Every reference to one of `ids` in the node renamed; in conditions only values under a
    lifecycle key are states (values under an attribute key are the attribute's own values)."""
    if isinstance(node, dict):
        return {
            k: v
            if k in VOCABULARY
            else _condition(v, ids, suffix, lifecycles)
            if k in CONDITIONS
            else _rename(v, ids, suffix, lifecycles)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rename(v, ids, suffix, lifecycles) for v in node]
    if isinstance(node, str) and node in ids:
        return node + suffix
    return node


def _condition(node: Any, ids: set[str], suffix: str, lifecycles: set[str]) -> Any:
    if not isinstance(node, dict):
        return node
    renamed: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("all", "any"):
            renamed[key] = [_condition(v, ids, suffix, lifecycles) for v in value]
        elif key == "not":
            renamed[key] = _condition(value, ids, suffix, lifecycles)
        elif key in lifecycles:
            renamed[key] = _rename(value, ids, suffix, lifecycles)
        else:
            renamed[key] = value
    return renamed


def scaled(path: Path, k: int) -> Protocol:
    """The protocol at `path`, k times over (k = 1 is the protocol itself)."""
    base = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    result = copy.deepcopy(base)
    ids = _ids(base)
    lifecycles = {lc["id"] for lc in base.get("lifecycles", [])}
    for j in range(1, k):
        suffix = f"_c{j}"
        twin = _rename(copy.deepcopy(base), ids, suffix, lifecycles)
        for duty in twin.get("duties", []):  # a copy is new content: its restatements pair only among themselves
            if "type" in duty:
                duty["type"] += suffix
        enter = f"enter_copy_{j}"
        result["events"].append({"id": enter, "name": f"enters copy {j}", "clause": "front"})
        for section in RENAMED:
            result[section] = result.get(section, []) + twin.get(section, [])
        initials = {lc["id"]: lc.get("initial") or lc["states"][0]["id"] for lc in base["lifecycles"]}
        for original, copied in zip(result["lifecycles"], twin["lifecycles"], strict=True):
            original["states"] += copied["states"]
            original.setdefault("transitions", []).extend(copied.get("transitions", []))
            first = copied.get("initial") or copied["states"][0]["id"]
            together = {
                lc: state for lc, state in initials.items() if lc != original["id"]
            }  # all lifecycles move at once
            entry = {"event": enter, "from": [initials[original["id"]]], "to": first, "clause": "front"}
            original["transitions"].append(entry | ({"guard": together} if together else {}))
    protocol = Protocol.model_validate(result)
    problems = references.check(protocol)
    if problems:
        raise ValueError(f"the synthetic protocol is not valid: {problems[:3]}")
    return protocol
