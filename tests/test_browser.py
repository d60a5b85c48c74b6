"""The HTML reports in a real browser (headless Chromium): each page renders its summary, what to fix
first and its findings, draws its diagrams, requests nothing but itself, and logs no error; printed,
it gives A4 pages with every folded section open and every open finding's id on them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from browser import CHROMIUM, chromium, visit
from conftest import ROOT, SEEDS
from pypdf import PdfReader

from protoverify import folder
from protoverify.reports.files import write_folder

QUEUE = ROOT / "tests" / "fixtures" / "simulate" / "queue.yaml"
QUEUE_SCENARIO = ROOT / "tests" / "fixtures" / "simulate" / "queue-scenario.yaml"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=f"headless Chromium is not installed at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)",
    ),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The two seed protocols (with their baseline scenarios, and source texts where present) and a
    small simulated one, written."""
    out = tmp_path_factory.mktemp("report")
    seeds = folder.bundled(ROOT)
    request = folder.Request(
        (*seeds.protocols, QUEUE),
        scenarios=(*seeds.scenarios, QUEUE_SCENARIO),
        sources=seeds.sources,
        today=dt.date(2026, 11, 23),
        replications=3,
        workers=1,
        xlsx=True,
    )
    _, files = folder.build(request)
    write_folder(out, files)
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium() as opened:
        yield opened


PAGES = ["stockport_2019", "warwickshire", "single_queue"]


@pytest.mark.parametrize("name", PAGES)
def test_a_report_renders_its_summary_and_findings_with_no_request_and_no_error(
    reports: Path, browser, name: str, tmp_path: Path
) -> None:
    page_file = reports / f"{name}.html"
    data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    with visit(browser, page_file) as (page, seen):
        assert page.title().startswith("Gap report: ")
        lights = page.locator("#summary .light")
        assert lights.count() == len(data["areas"]) == 6
        for i, area in enumerate(data["areas"]):
            light = lights.nth(i)
            assert light.is_visible() and light.get_attribute("data-light") == area["light"]
            assert area["name"] in light.inner_text()
        for severity in ("error", "warning", "info", "accepted"):
            assert page.locator(f"#count-{severity}").inner_text() == str(data["summary"][severity])
        assert page.locator("#fix-first ol.fix li").count() == len(data["fix_first"])
        assert page.locator("article.finding").count() == len(data["findings"])
        errors = [f for f in data["findings"] if f["severity"] == "error" and "accepted" not in f]
        for finding in errors:
            article = page.locator(f'article[id="f-{finding["id"].replace(":", "-")}"]')
            assert article.is_visible(), finding["id"]
            assert finding["message"][:60] in article.inner_text()
        assert page.locator("svg.lifecycle").count() == len(data["lifecycles"])
        drawn = page.locator("svg.lifecycle, #errors ~ details[open] svg.chronology, svg.chart").all()
        for drawing in drawn:  # every diagram, error witness and chart is drawn at a readable size
            box = drawing.bounding_box()
            assert box is not None and box["width"] > 50 and box["height"] > 20
        if data["simulation"]:
            assert page.locator("#simulation svg.chart").count() >= 2 and page.locator("#on-time").is_visible()
            duties = data["simulation"]["duties"]  # a row per clause of a simulated duty, measured or not
            clauses = {c for d in duties if d["status"] == "simulated" for c in d["clauses"]}
            assert page.locator("#on-time ~ table").first.locator("tr").count() == len(clauses) + 1
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert seen.requests == [page_file.resolve().as_uri()], seen.requests
    assert seen.blocked == []
    assert [m for m in seen.console if m[0] in ("error", "warning")] == [] and seen.errors == []


def test_the_index_links_every_report_workbook_and_the_comparison(reports: Path, browser) -> None:
    with visit(browser, reports / "index.html") as (page, seen):
        links = [a.get_attribute("href") for a in page.locator("a").all()]
        for name in PAGES:
            assert f"{name}.html" in links and f"{name}.xlsx" in links
        assert all((reports / link).is_file() for link in links if not link.startswith("#"))
        page.locator(f'a[href="{PAGES[0]}.html"]').first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"{PAGES[0]}.html") and page.locator("#summary").is_visible()
    assert not seen.blocked and not seen.errors
    with visit(browser, reports / "compare.html") as (page, seen):
        assert page.locator("table").count() >= 1
    assert seen.requests == [(reports / "compare.html").resolve().as_uri()] and not seen.errors


def test_seed_reports_show_coverage_when_the_source_texts_are_present(reports: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent: coverage against the source documents cannot be shown")
    for name in PAGES[:2]:
        data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
        assert data["coverage"] is not None and data["coverage"]["missing"] == []


A4 = (594.96, 841.92)  # points: Chromium's A4 page (210 x 297 mm at its 96 px to the inch)
PRINTED = 688  # px: the width of an A4 page inside the print style sheet's 14 mm margins


@pytest.mark.parametrize("name", PAGES[:2])
def test_a_seed_report_prints_on_a4_with_every_open_finding_id(reports: Path, browser, name: str) -> None:
    """Printed to PDF, the pages are A4 and their text (read with pypdf) holds every open finding's
    id, those folded on screen too. With print media emulated at the width of an A4 page, every table
    repeats its header row and every drawing fits the page."""
    data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    open_ids = [f["id"] for f in data["findings"] if "accepted" not in f]
    with visit(browser, reports / f"{name}.html") as (page, _):
        pdf = page.pdf(prefer_css_page_size=True)
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        assert len(boxes) > 5 and all(abs(float(w) - A4[0]) < 1 and abs(float(h) - A4[1]) < 1 for w, h in boxes)
        printed = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
        assert [i for i in open_ids if i not in printed] == []
        folded = [i for i in open_ids if not _shown_id(page, i)]
        assert folded, "some findings are folded on screen (warnings and information)"
        page.set_viewport_size({"width": PRINTED, "height": 1000})
        page.emulate_media(media="print")
        assert [i for i in open_ids if not _shown_id(page, i)] == []
        assert page.locator("nav.top").is_hidden()
        for table in page.locator("table").all():
            first = table.locator("tr").first
            if first.locator("td").count() == 0 and first.locator("th").count() > 1:
                assert table.locator("thead tr").count() == 1, table.inner_text()[:80]
        drawings = page.locator("svg.lifecycle, svg.chart, svg.chronology").all()
        assert drawings and all(d.bounding_box()["width"] <= PRINTED + 0.5 for d in drawings)


def _shown_id(page, finding_id: str) -> bool:
    ident = page.locator(f'article[id="f-{finding_id.replace(":", "-")}"] .ident .id')
    return ident.is_visible() and ident.inner_text() == finding_id
