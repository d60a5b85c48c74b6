"""`protoverify compare`: duty kinds by protocols, on the two seeds and the baseline."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from conftest import protoverify as run
from markupsafe import Markup

from protoverify import load_protocol
from protoverify.properties.compare import Comparison, compare
from protoverify.reports.compare import review_words, to_html, to_markdown, to_text
from protoverify.reports.files import MANIFEST

STOCKPORT = ROOT / "protocols" / "stockport-2019.yaml"
WARWICKSHIRE = ROOT / "protocols" / "warwickshire.yaml"
BASELINE = ROOT / "protocols" / "baseline" / "england.yaml"


@pytest.fixture(scope="module")
def seeds() -> Comparison:
    return compare([load_protocol(STOCKPORT), load_protocol(WARWICKSHIRE)], TODAY, baseline=load_protocol(BASELINE))


def row(comparison: Comparison, kind: str):
    return next(r for r in comparison.rows if r.kind == kind)


@pytest.mark.slow
def test_who_provides_the_appropriate_adult(seeds: Comparison) -> None:
    stockport, warwickshire, baseline = row(seeds, "provide_appropriate_adult").cells
    assert {e.who for e in stockport if e.what == "responsibility"} == {
        "Child Action North West (CANW), appropriate adult provider"
    }
    owners = {e.who for e in warwickshire if e.what == "responsibility"}
    assert {
        "WYJS practitioner",
        "Emergency Duty Team (EDT)",
        "(not named)",
    } <= owners  # 3.1: the known child's AA is undecided
    assert baseline == ()  # the facts file sets no duty about appropriate adults


def test_who_funds_transport_and_visit_timescales(seeds: Comparison) -> None:
    stockport, warwickshire, _ = row(seeds, "fund_remand_transport").cells
    assert [e.clauses for e in stockport] == [("5.6.4",), ("5.6.4",)] and warwickshire == ()
    _, visits, statute = row(seeds, "visit_former_looked_after_child_in_detention").cells
    timescales = {e.clauses: e.timescale for e in visits if e.what == "duty"}
    # 8.8 times the first visit (7.1 asks for it with the assessment, with no limit)
    assert timescales[("8.8",)].startswith("within 10 working days") and any(
        t.startswith("within 7 days") for t in timescales.values()
    )
    assert [e.timescale.split(" of ")[0] for e in statute] == ["within 10 working days"] and "reg 4" in statute[
        0
    ].statute


def test_topics_one_covers_and_another_does_not(seeds: Comparison) -> None:
    differences = {d.row.kind: (d.addressed_by, d.not_addressed_by, d.statute) for d in seeds.differences()}
    assert differences["fund_remand_transport"] == (["stockport_2019"], ["warwickshire"], False)
    assert differences["appoint_personal_adviser"] == (["warwickshire"], ["stockport_2019"], True)
    assert differences["detention_placement_plan"] == ([], ["stockport_2019", "warwickshire"], True)  # statute only
    # both protocols address these; that statute sets no duty of the kind is not a gap
    assert "attend_court" not in differences and "provide_appropriate_adult" not in differences
    # every row is addressed by at least one column, rows follow the vocabulary's topics
    assert all(r.covered_by() for r in seeds.rows)


@pytest.mark.slow
def test_review_status(seeds: Comparison) -> None:
    stockport, warwickshire, _ = seeds.columns
    assert (stockport.status, stockport.review) == ("overdue", dt.date(2021, 3, 20))
    assert review_words(stockport, seeds) == "overdue since 20 March 2021"
    assert (warwickshire.status, review_words(warwickshire, seeds)) == ("none", "no review date")
    earlier = compare([load_protocol(STOCKPORT), load_protocol(WARWICKSHIRE)], dt.date(2020, 1, 1))
    assert earlier.columns[0].status == "due"


def test_renderers_show_every_row(seeds: Comparison) -> None:
    text, markdown, page = to_text(seeds), to_markdown(seeds), to_html(seeds)
    for r in seeds.rows:
        assert f"  {r.name}\n" in text and f"| {r.name} |" in markdown
        name = str(Markup.escape(r.name))  # as jinja2 escapes it
        assert f'<tr id="kind-{r.kind}"><th scope="row">{name}</th>' in page
    assert "| — |" in markdown and "(not addressed)" in text and 'class="none"' in page  # the gaps show in each form
    # statute setting no duty of a kind is shown as a reference, not as a gap
    assert "Statute (England): (no duty in the baseline)" in text and 'class="reference empty"' in page


def test_protocols_are_named_not_given_by_id(seeds: Comparison) -> None:
    """Columns are headed by the protocols' short names; ids and condition syntax stay in the JSON."""
    text, markdown, page = to_text(seeds), to_markdown(seeds), to_html(seeds)
    for form in (text, markdown, page):
        assert "Stockport (2019)" in form and "Warwickshire" in form and "Statute (England)" in form
        assert "stockport_2019" not in form and "england_baseline" not in form
        assert "police_custody" not in form and " is false" not in form and " ≤ " not in form
    for column, untagged in zip(seeds.columns, seeds.untagged):  # the share of each protocol's duties compared
        compared = column.duties - untagged
        assert 0 < compared < column.duties or column.reference
        assert f"{compared} of {column.duties} ({round(100 * compared / column.duties)}%)" in page


def test_conditions_are_in_words(seeds: Comparison) -> None:
    adult = row(seeds, "provide_appropriate_adult").cells[1]
    edt = next(e for e in adult if e.who == "Emergency Duty Team (EDT)")
    assert edt.when == (
        "at the police station (arrest, interview); a parent or guardian can (and others with parental "
        "responsibility will) act as appropriate adult: no; known to a local children's team: no; "
        "within core hours: no"
    )
    stockport = row(seeds, "provide_appropriate_adult").cells[0]
    assert {e.when for e in stockport} == {"in police custody; age in years at most 17"}


def test_the_tick_matrix_marks_statute_as_reference(seeds: Comparison) -> None:
    page = to_html(seeds)
    ticks = page[page.index('<table class="matrix ticks"') : page.index("</table>", page.index("matrix ticks"))]
    assert ticks.count("<tr>") == len(seeds.differences()) + 1 and "<thead>" in ticks
    transport = re.search(r'href="#kind-fund_remand_transport".*?</tr>', ticks).group(0)
    assert re.findall(r'<td class="([^"]+)">', transport) == ["yes", "no", "empty reference"]


def test_html_is_one_self_contained_page(seeds: Comparison) -> None:
    page = to_html(seeds)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and 'name="viewport"' in page
    assert not re.search(r"<script|<link|<img|src=|https?://|@import", page, flags=re.I)
    assert set(re.findall(r'href="(.)', page)) == {"#"}  # links only within the page


@pytest.mark.slow
def test_html_escapes_what_the_files_say(tmp_path: Path) -> None:
    text = STOCKPORT.read_text(encoding="utf-8").replace(
        'name: "Child Action North West (CANW), appropriate adult provider"', 'name: "<script>alert(1)</script> CANW"'
    )
    assert "<script>" in text
    path = tmp_path / "stockport.yaml"
    path.write_text(text, encoding="utf-8")
    html = to_html(compare([load_protocol(path), load_protocol(WARWICKSHIRE)], TODAY))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; CANW" in html


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.slow
def test_json_is_deterministic_and_matches_the_matrix(seeds: Comparison) -> None:
    args = (
        "compare",
        str(STOCKPORT),
        str(WARWICKSHIRE),
        "--baseline",
        str(BASELINE),
        "--today",
        TODAY.isoformat(),
        "--format",
        "json",
    )
    first, second = run(*args), run(*args)
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data == seeds.to_json()
    assert [p["id"] for p in data["protocols"]] == ["stockport_2019", "warwickshire", "england_baseline"]
    assert data["protocols"][0]["review_status"] == "overdue"


@pytest.mark.slow
@pytest.mark.parametrize("format", ["text", "markdown", "html"])
def test_output_file(tmp_path: Path, format: str) -> None:
    out = tmp_path / f"compare.{format}"
    result = run(
        "compare", str(STOCKPORT), str(WARWICKSHIRE), "--format", format, "--today", TODAY.isoformat(), "-o", str(out)
    )
    assert result.returncode == 0 and "provide or arrange an appropriate adult" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name != MANIFEST] == [out.name]  # no temporary file left behind


@pytest.mark.slow
def test_bad_input(tmp_path: Path) -> None:
    one = run("compare", str(STOCKPORT))
    assert one.returncode == 2 and "at least two" in one.stderr and "Traceback" not in one.stderr
    twice = run("compare", str(STOCKPORT), str(STOCKPORT))
    assert twice.returncode == 2 and "also the id of" in twice.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("protoverify: 1\nmetadata: [\n", encoding="utf-8")
    bad = run("compare", str(STOCKPORT), str(broken))
    assert bad.returncode == 2 and bad.stderr.startswith(f"{broken}:") and "Traceback" not in bad.stderr
