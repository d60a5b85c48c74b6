"""Judgements beside a protocol: assumptions narrow the situations checked; acceptances are located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from protoverify import load_protocol
from protoverify.model.source import LoadError
from protoverify.properties import ownership
from protoverify.properties.context import Context
from protoverify.properties.judgements import beside, load_judgements

PROTOCOL = """\
protoverify: 1
metadata: {id: tiny, title: t, authority: a, agreed: unspecified, review: unspecified, version: unspecified, source: s, clause: "1"}
agencies: [{id: iro_service, name: IRO service, clause: "1"}, {id: csc, name: CSC, clause: "1"}]
attributes: [{id: eligible, name: an eligible young person, type: bool, clause: "1"}]
events: [{id: leaves, name: leaves care, clause: "1"}, {id: turns_18, name: turns 18, clause: "1"}]
lifecycles:
  - id: care
    name: care
    clause: "1"
    states: [{id: looked_after, clause: "1"}, {id: relevant, clause: "1"}, {id: former_relevant, clause: "1"}]
    transitions:
      - {event: leaves, from: looked_after, to: relevant, clause: "1"}
      - {event: turns_18, from: relevant, to: former_relevant, clause: "1"}
dimensions: [{id: review, name: plan review, clause: "9"}]
ownership:
  - {id: by_iro, dimension: review, when: {any: [{eligible: true}, {care: relevant}]}, owner: iro_service, clause: "9.1"}
  - {id: by_csc, dimension: review, when: {care: former_relevant}, owner: csc, clause: "9.3"}
  - {id: by_csc_else, dimension: review, when: {care: looked_after, eligible: false}, owner: csc, clause: "9.4"}
"""

JUDGEMENTS = """\
protoverify-judgements: 1
protocol: tiny
assumptions:
  - id: eligible_means_looked_after
    when: {eligible: true}
    then: {care: looked_after}
    reason: an eligible young person is looked after (Children Act 1989, Sch 2 para 19B)
accepted:
  - {id: "ownership-gap:0123456789", reason: known}
"""


def setup(tmp_path: Path, judgements: str = JUDGEMENTS):
    path = tmp_path / "tiny.yaml"
    path.write_text(PROTOCOL, encoding="utf-8")
    beside(path).write_text(judgements, encoding="utf-8")
    protocol = load_protocol(path)
    return protocol, beside(path)


def conflicts(protocol, assumptions=()):
    context = Context(protocol, today=dt.date(2026, 11, 23), assumptions=assumptions)
    return [f for f in ownership.check(protocol, context) if f.kind == "ownership-conflict"]


def test_without_the_assumption_an_impossible_witness_makes_a_conflict(tmp_path: Path) -> None:
    protocol, _ = setup(tmp_path)
    (finding,) = conflicts(protocol)
    assert finding.witness.situation == {"care": "former_relevant", "eligible": True}


def test_the_assumption_rules_out_the_impossible_witness(tmp_path: Path) -> None:
    protocol, path = setup(tmp_path)
    judgements = load_judgements(path, protocol)
    assert conflicts(protocol, tuple(a.as_condition() for a in judgements.assumptions)) == []
    assert [a.id for a in judgements.accepted] == ["ownership-gap:0123456789"]


def test_judgements_file_sits_beside_the_protocol(tmp_path: Path) -> None:
    assert beside(tmp_path / "stockport-2019.yaml") == tmp_path / "stockport-2019.judgements.yaml"


@pytest.mark.parametrize(
    ("old", "new", "fragment", "words"),
    [
        (
            "then: {care: looked_after}",
            "then: {care: looked_afterr}",
            "looked_afterr",
            "unknown state 'looked_afterr' in lifecycle 'care'",
        ),
        ("protocol: tiny", "protocol: other", "other", "these judgements are about 'other'"),
        ('"ownership-gap:0123456789"', '"ownership gap 12"', "ownership gap", "is not a valid id"),
        ("reason: known", "reasn: known", "reasn", "unknown key 'reasn'"),
    ],
)
def test_bad_judgements_are_located(tmp_path: Path, old: str, new: str, fragment: str, words: str) -> None:
    text = JUDGEMENTS.replace(old, new)
    protocol, path = setup(tmp_path, text)
    with pytest.raises(LoadError) as caught:
        load_judgements(path, protocol)
    index = text.index(fragment)
    line = text.count("\n", 0, index) + 1
    assert any(p.line == line and words in p.message for p in caught.value.problems), caught.value.problems
