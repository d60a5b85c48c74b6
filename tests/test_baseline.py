"""The statutory baseline for England: a protocol file faithful to the facts file it encodes.

The facts file is read from ../shared/domain/statutory-duties.md; where that folder is absent (a
user's own clone) the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from copying import copied

from protoverify import load_protocol
from protoverify.model.schema import Duty
from protoverify.properties.statute import bundled_baseline

BASELINE = ROOT / "protocols" / "baseline" / "england.yaml"
FACTS = ROOT.parent / "shared" / "domain" / "statutory-duties.md"
COPY_LIMIT = 7  # words in a row shared with the facts file: a short identifying phrase, not a sentence


@pytest.fixture(scope="module")
def baseline():
    return load_protocol(BASELINE)


@pytest.fixture(scope="module")
def bullets() -> dict[str, str]:
    """The facts file's bullets by the clause id the baseline gives them: section number, bullet number."""
    if not FACTS.exists():
        pytest.skip(f"facts file not found at {FACTS} (the shared/ folder is absent in this clone)")
    found: dict[str, str] = {}
    section = 0
    for line in FACTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, bullet = section + 1, 0
        elif line.startswith("- ") and section:
            bullet += 1
            found[f"{section}.{bullet}"] = line[2:]
        elif line.startswith("  ") and section and found:
            found[f"{section}.{bullet}"] += " " + line.strip()
    return found


def test_the_bundled_baseline_is_the_file(baseline) -> None:
    assert bundled_baseline() == baseline


def test_every_bullet_of_the_facts_file_is_encoded_or_narrative(baseline, bullets: dict[str, str]) -> None:
    ids = set(baseline.clause_ids())
    assert set(bullets) <= ids
    sections = {b.split(".")[0] for b in bullets}
    assert ids <= set(bullets) | sections | {"front"}, "a clause id that is no bullet or section of the facts file"


def test_every_duty_and_ownership_rule_cites_a_provision(baseline) -> None:
    documents = {d.id for d in baseline.documents}
    for element in [*baseline.duties, *baseline.ownership]:
        assert element.statute, f"{element.id} cites no provision"
        assert {p.document for p in element.statute} <= documents
        assert element.kind or element.dimension, f"{element.id} has no kind to be matched by"


def test_unconfirmed_exactly_where_the_facts_file_says_check(baseline, bullets: dict[str, str]) -> None:
    marked = {b for b, text in bullets.items() if "*check*" in text}
    unconfirmed = {
        c
        for e in [*baseline.duties, *baseline.ownership]
        if any(p.confidence == "unconfirmed" for p in e.statute)
        for c in e.clause
    }
    assert marked and unconfirmed == marked


UNITS = {"hours": "hour", "days": "day", "working_days": "working day", "weeks": "week"}


def test_every_timescale_is_the_one_in_its_bullet(baseline, bullets: dict[str, str]) -> None:
    checked = 0
    for duty in baseline.duties:
        timescale = duty.timescale
        if timescale is None:
            continue
        text = " ".join(bullets[c] for c in duty.clause).lower()
        for limit in (timescale.within, timescale.every):
            if limit is not None:
                said = rf"\b{limit.amount} {UNITS[limit.unit]}s?\b" + (
                    r"|\bweekly\b" if (limit.amount, limit.unit) == (1, "weeks") else ""
                )
                assert re.search(said, text), f"{duty.id}: {limit.amount} {limit.unit} not in {duty.clause}"
                checked += 1
        if timescale.vague is not None:
            for number in re.findall(r"\d+ \w+", timescale.vague):
                assert number in text, f"{duty.id}: '{number}' not in {duty.clause}"
                checked += 1
    assert checked >= 12


def test_duties_name_no_actor_the_facts_do_not_name(baseline) -> None:
    # the facts file names who acts only for these; everywhere else the baseline says `unspecified`
    named = {d.id for d in baseline.duties if d.actor is not None}
    assert named == {
        "visit_within_1_week_of_placement",
        "visit_every_6_weeks_first_year",
        "visit_every_3_months_long_term",
        "visit_every_6_weeks_otherwise",
        "visit_weekly_until_first_review",
        "visit_every_6_weeks_reg_19",
        "visit_every_4_weeks_reg_24",
        "visit_care_order_child_with_parent",
        "make_detention_placement_plan",
        "visit_within_10_working_days_of_detention",
        "visit_when_reasonably_requested",
        "transfer_after_charge",
        "accept_transferred_child",
        "refer_to_housing_authority",
    }
    assert all(isinstance(d, Duty) and d.kind for d in baseline.duties)


def test_the_baseline_does_not_copy_the_facts_file(bullets: dict[str, str]) -> None:
    # names and citations of instruments are given as they are
    assert copied(BASELINE, FACTS.read_text(encoding="utf-8"), COPY_LIMIT, exempt=("title", "provision")) == []
