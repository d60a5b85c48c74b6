"""Whether an encoding repeats a source's wording: the values of a YAML file that share a run of
`limit` words with the source text (names and citations, under `exempt` keys, are allowed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ruamel.yaml import YAML


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def strings(node, key=None) -> Iterator[tuple[str | None, str]]:
    """Every string value in a parsed YAML document, with the key it stands under."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, key)
    elif isinstance(node, str):
        yield key, node


def copied(encoding: Path, source: str, limit: int, exempt: tuple[str, ...]) -> list[str]:
    """The values of `encoding` that repeat `limit` or more consecutive words of `source`."""
    text = words(source)
    runs = {tuple(text[i : i + limit]) for i in range(len(text) - limit + 1)}
    data = YAML(typ="safe").load(encoding.read_text(encoding="utf-8"))
    return [
        value
        for key, value in strings(data)
        if key not in exempt
        for w in [words(value)]
        if any(tuple(w[i : i + limit]) in runs for i in range(len(w) - limit + 1))
    ]
