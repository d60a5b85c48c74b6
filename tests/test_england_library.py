"""The bundled England library (protocols/library/england.yaml): faithful to the domain files it
cites, fit to be used, and used by the statutory baseline and the example.

The domain files are read from ../shared/domain/; where that folder is absent (a user's own clone)
the tests that need them are skipped with the reason.
"""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLE, ROOT, TODAY
from copying import copied, words

from protoverify import check, load_protocol
from protoverify.model import library as libraries
from protoverify.model.schema import OPENING_WORDS

LIBRARY = ROOT / "protocols" / "library" / "england.yaml"
BASELINE = ROOT / "protocols" / "baseline" / "england.yaml"
DOMAIN = ROOT.parent / "shared" / "domain"


@pytest.fixture(scope="module")
def england():
    return load_protocol(LIBRARY)


@pytest.fixture(scope="module")
def lines() -> dict[str, str]:
    """The domain files' lines by the clause id the library gives them: N and N.M for the facts
    file's sections and bullets, topics(N) and figures(N) for the rows of those files' tables."""
    if not DOMAIN.exists():
        pytest.skip(f"domain files not found at {DOMAIN} (the shared/ folder is absent in this clone)")
    found: dict[str, str] = {}
    section = bullet = 0
    for line in (DOMAIN / "statutory-duties.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, bullet = section + 1, 0
            found[str(section)] = line[3:]
        elif line.startswith("- ") and section:
            bullet += 1
            found[f"{section}.{bullet}"] = line[2:]
        elif line.startswith("  ") and section and bullet:
            found[f"{section}.{bullet}"] += " " + line.strip()
    for name, prefix in (("expected-topics.md", "topics"), ("figures.md", "figures")):
        rows = [ln for ln in (DOMAIN / name).read_text(encoding="utf-8").splitlines() if ln.startswith("| ")]
        rows = [r for r in rows if not set(r) <= set("|- ") and not r.startswith(("| topic ", "| measure ", "| from "))]
        found.update({f"{prefix}({n})": row for n, row in enumerate(rows, 1)})
    found["figures(14)"] = next(
        ln for ln in (DOMAIN / "figures.md").read_text(encoding="utf-8").splitlines() if ln.startswith("## YDA nightly")
    )
    return found


def test_the_bundled_library_is_the_file(england) -> None:
    bundled = libraries.load("england", BASELINE)
    assert bundled.protocol == england and bundled.name == "england"


def test_it_holds_the_world_and_no_duties(england) -> None:
    assert not (england.duties or england.ownership or england.dimensions or england.escalation)
    assert [lc.id for lc in england.lifecycles] == ["justice", "care", "yjs_case", "csc_case", "housing"]
    states = {s.id for s in england.states()}
    assert states >= {
        "police_custody", "charged_in_custody", "pace_accommodation", "bail", "rilaa", "yda", "community_order",
        "yro_laa", "custody", "licence", "not_looked_after", "accommodated_s20", "interim_care_order", "care_order",
        "looked_after_remand", "ceased_detained", "relevant", "former_relevant", "open_to_yjs", "open_to_csc",
    }  # fmt: skip
    assert all(a.external is not None for a in england.artefacts), "the library's documents are made under other rules"


def test_every_clause_it_cites_is_a_line_of_the_domain_files(england, lines: dict[str, str]) -> None:
    cited = set(england.clause_ids())
    assert cited - {"front"} <= set(lines), sorted(cited - {"front"} - set(lines))


def test_the_clause_table_gives_each_cited_line_s_own_opening_words(england, lines: dict[str, str]) -> None:
    assert set(england.clauses) == set(england.clause_ids())
    for clause, opening in england.clauses.items():
        assert len(opening.split()) <= OPENING_WORDS
        if clause != "front":
            said = " ".join(words(lines[clause]))
            assert " ".join(words(opening)) in said, f"{clause}: {opening!r} is not in {lines[clause]!r}"


def test_it_does_not_copy_the_domain_files(lines: dict[str, str]) -> None:
    source = "\n".join(lines.values())
    assert copied(LIBRARY, source, 7, exempt=("title", "provision")) == []


def test_it_adds_nothing_the_facts_file_does_not_say_about_a_yro_with_an_accommodation_requirement(
    england, lines: dict[str, str]
) -> None:
    facts = " ".join(v for k, v in lines.items() if k[0].isdigit()).lower()
    assert "accommodation requirement" not in facts  # were it there, the library would say what it makes the child
    care = next(lc for lc in england.lifecycles if lc.id == "care")
    assert not [t for t in care.transitions if t.event == "yro_laa_imposed" and t.target != "not_looked_after"]


def test_every_status_that_ends_by_law_has_its_way_out(england) -> None:
    leaving = {s for lc in england.lifecycles for t in lc.transitions for s in t.source}
    finals = {s.id for s in england.states() if s.final}
    around = {child.id: state.id for state in england.states() for child in state.states}
    ending = ("at_station", "charged_in_custody", "pace_accommodation", "rilaa", "yda", "custody", "licence")
    ending += ("yro_laa", "community_order", "looked_after_remand", "ceased_detained", "relevant", "former_relevant")
    for status in (*ending, "homeless_or_threatened"):
        holders = [status]
        while holders[-1] in around:
            holders.append(around[holders[-1]])
        assert set(holders) & leaving, f"nothing leaves {status}"
    assert finals == {"adult_services", "care_leaver_support_ended"}


def test_checking_it_finds_no_unreachable_or_dead_end_state(england) -> None:
    kinds = {f.kind for f in check(england, today=TODAY, baseline=None).findings}
    assert not kinds & {"unreachable-state", "dead-end-state", "dangling-reference"}


def test_the_baseline_and_the_example_use_it(england) -> None:
    for path in (BASELINE, EXAMPLE):
        protocol = load_protocol(path)
        assert protocol.uses == "england"
        assert re.fullmatch(r"[a-z_]+", protocol.metadata.id)
        lifecycles = {lc.id for lc in protocol.lifecycles}
        assert {"justice", "care"} <= lifecycles
        assert [c for c in protocol.clause_ids() if ":" in c] == []
