"""Reading plain YAML data (dicts, lists, scalars) that the model has not yet checked: each helper
takes what it finds and leaves anything malformed for the model to report where it stands."""

from __future__ import annotations

import copy
from typing import Any

from .schema import LIBRARY_MARK
from .source import Path_, Problem


def id_of(element: Any) -> str | None:
    """The element's id, if it is a mapping with a textual id."""
    return element.get("id") if isinstance(element, dict) and isinstance(element.get("id"), str) else None


def items(data: Any, key: str) -> list[Any]:
    """The list under `key`, or no items if there is none (or it is not a list)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def names(value: Any) -> list[Any]:
    """One name or a list of them, as a list."""
    return [value] if isinstance(value, str) else value if isinstance(value, list) else []


def marked(value: Any, mark: str) -> Any:
    """A deep copy with every clause id under a `clause` key prefixed by `mark` ('3.1' -> 'england:3.1')."""
    if isinstance(value, dict):
        return {k: (_mark_clauses(v, mark) if k == "clause" else marked(v, mark)) for k, v in value.items()}
    if isinstance(value, list):
        return [marked(v, mark) for v in value]
    return copy.deepcopy(value)


def _mark_clauses(value: Any, mark: str) -> Any:
    if isinstance(value, list):
        return [mark + v if isinstance(v, str) else v for v in value]
    return mark + value if isinstance(value, str) else value


def shown(value: Any) -> str:
    """A value as a message quotes it, shortened."""
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def written_library_clauses(value: Any, path: Path_ = ()) -> list[Problem]:
    """Clause ids a file writes with a library's mark ('england:3.1'): a file never does, since they
    stand for what a protocol's text does not touch."""
    found: list[Problem] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("clause", "cites") or (path == () and key == "clauses" and isinstance(item, dict)):
                listed = list(item) if isinstance(item, (dict, list)) else [item]
                for i, clause in enumerate(listed):
                    if isinstance(clause, str) and LIBRARY_MARK in clause:
                        at = (
                            (*path, key, clause)
                            if isinstance(item, dict)
                            else (*path, key, i)
                            if isinstance(item, list)
                            else (*path, key)
                        )
                        found.append(
                            Problem(
                                at,
                                f"'{clause}' is a clause id of a library; expected this protocol's own clause number "
                                "(library clause ids stand for what the protocol's text does not touch)",
                                at_key=isinstance(item, dict),
                            )
                        )
            else:
                found += written_library_clauses(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += written_library_clauses(item, (*path, i))
    return found
