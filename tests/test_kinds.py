"""The registry of finding kinds: every kind a check reports has a row and a section in docs/checks.md,
the reports take their areas, order and words from it, and a kind outside it is refused."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT
from pydantic import ValidationError

from protoverify.properties import kinds
from protoverify.properties.check import FAMILIES
from protoverify.properties.findings import make
from protoverify.reports import triage

CHECKS = ROOT / "docs" / "checks.md"
KIND_PATTERN = re.compile(r"^[a-z]+(?:-[a-z]+)+$")  # what a kind looks like (or a single word)


def anchors(markdown: str) -> dict[str, str]:
    """Each heading's anchor (as GitHub makes it) -> the text of its section."""
    found: dict[str, str] = {}
    current = None
    for line in markdown.splitlines():
        heading = re.match(r"^#+\s+(.*)$", line)
        if heading:
            current = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            found[current] = ""
        elif current is not None:
            found[current] += line + " "
    return {slug: " ".join(text.split()) for slug, text in found.items()}


def kinds_made() -> set[str]:
    """The kinds named in the checks' code: every string that looks like a kind, passed to a call."""
    found = set()
    for path in (ROOT / "properties").glob("*.py"):
        if path.name == "diff.py":
            continue  # a change between two versions has kinds of its own (duty-added, ...)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for arg in node.args:
                    if (
                        isinstance(arg, ast.Constant)
                        and isinstance(arg.value, str)
                        and re.match(r"^[a-z-]+$", arg.value)
                    ):
                        found.add(arg.value)
    return found


def test_every_kind_a_check_makes_is_in_the_registry() -> None:
    made = kinds_made()
    hyphenated = {word for word in made if KIND_PATTERN.match(word)}
    assert hyphenated <= set(kinds.KINDS), sorted(hyphenated - set(kinds.KINDS))
    assert set(kinds.KINDS) <= made, sorted(set(kinds.KINDS) - made)


def test_every_kind_has_a_section_in_the_docs_with_its_severity() -> None:
    sections = anchors(CHECKS.read_text(encoding="utf-8"))
    for kind in kinds.TABLE:
        page, anchor = kind.anchor.split("#")
        assert page == "checks.md" and anchor in sections, f"docs/checks.md has no section #{anchor}"
        text = sections[anchor]
        assert f"**{kind.severity}**" in text, f"the section on {kind.id} does not give its usual severity"
        assert f"`{kind.family}`" in text and f"fix priority {kind.priority};" in text, kind.id
        assert kind.harm and f"Severity: {kind.harm}" in text, (
            f"the section on {kind.id} does not give its rule of severity"
        )
        assert "Example: " in text, f"the section on {kind.id} shows no example message"


def test_the_registry_is_complete_and_consistent() -> None:
    assert len(kinds.KINDS) == len(set(kinds.KINDS)) == len(kinds.TABLE)
    assert sorted(k.priority for k in kinds.TABLE) == list(range(1, len(kinds.TABLE) + 1))
    assert {k.area for k in kinds.TABLE} == {a.id for a in kinds.AREAS}
    assert {k.family for k in kinds.TABLE} == {f.__name__.rsplit(".", 1)[-1] for f in FAMILIES}
    assert kinds.KIND["ownership-gap"].words(1) == "1 duty or responsibility with nobody named to hold it"
    assert kinds.KIND["numbering"].words(3) == "3 numbering faults"


def test_the_reports_take_areas_order_and_words_from_the_registry() -> None:
    assert [kind for area in triage.AREAS for kind in area.kinds] == list(kinds.KINDS)
    assert [a.name for a in triage.AREAS] == [a.name for a in kinds.AREAS]
    assert triage.FIX_ORDER == kinds.FIX_ORDER and triage.FIX_ORDER[0] == "statutory-gap"
    assert triage.words_for("vague-deadline", 2) == "2 duties with no time limit"


def test_a_kind_outside_the_registry_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown finding kind 'not-a-kind'"):
        make("not-a-kind", "question", "error", ["1"], "message")
    assert make("numbering", "question", "info", ["1"], "message").kind == "numbering"
