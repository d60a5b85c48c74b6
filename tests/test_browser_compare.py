"""The compare page in a real browser (headless Chromium), on a phone and on a desktop: the page itself
never scrolls sideways, a wide table scrolls inside its own box, and nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM, chromium, visit
from conftest import ROOT, TODAY

from protoverify import compare
from protoverify.reports.compare import to_html

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=f"headless Chromium is not installed at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)",
    ),
]

PROTOCOLS = [ROOT / "protocols" / "stockport-2019.yaml", ROOT / "protocols" / "warwickshire.yaml"]
BASELINE = ROOT / "protocols" / "baseline" / "england.yaml"
PHONE, DESKTOP = 390, 1366


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    comparison = compare(PROTOCOLS, today=TODAY, baseline=BASELINE)
    path = tmp_path_factory.mktemp("compare") / "compare.html"
    path.write_text(to_html(comparison), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_page_fits_the_screen_and_wide_tables_scroll_in_their_box(page_file: Path, width: int, tmp_path) -> None:
    with chromium() as browser, visit(browser, page_file) as (page, seen):
        page.set_viewport_size({"width": width, "height": 900})
        sizes = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth,"
            " body: document.body.scrollWidth})"
        )
        assert sizes["page"] <= sizes["screen"] and sizes["body"] <= sizes["screen"], sizes
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('table')].map(t => {
                const box = t.closest('.scroll');
                return {inBox: box !== null, overflow: box ? getComputedStyle(box).overflowX : '',
                        box: box ? box.getBoundingClientRect().right : 0, table: t.scrollWidth,
                        room: box ? box.clientWidth : 0};
            })"""
        )
        assert boxes and all(b["inBox"] and b["overflow"] == "auto" for b in boxes), boxes
        assert all(b["box"] <= width + 0.5 for b in boxes)  # each box within the screen
        if width == PHONE:  # the matrices are wider than a phone: they scroll inside their boxes
            assert any(b["table"] > b["room"] for b in boxes)
        cells = page.locator("table.matrix td").all()[:40]
        assert all(c.bounding_box()["width"] >= 60 for c in cells)  # columns stay readable, never squeezed
        page.screenshot(path=str(tmp_path / f"compare-{width}.png"), full_page=True)
    assert seen.requests == [page_file.resolve().as_uri()] and not seen.blocked
    assert not seen.errors and not [m for m in seen.console if m[0] in ("error", "warning")]


def test_the_page_has_a_viewport_headers_and_the_tick_matrix(page_file: Path) -> None:
    comparison = compare(PROTOCOLS, today=TODAY, baseline=BASELINE)
    with chromium() as browser, visit(browser, page_file) as (page, _):
        assert page.locator('meta[name="viewport"]').count() == 1
        for table in page.locator("table").all():
            assert table.locator("thead tr").count() == 1
        ticks = page.locator("table.ticks tbody tr")
        assert ticks.count() == len(comparison.differences())
        headers = page.locator("table.ticks thead th").all_inner_texts()
        assert [h.split("\n")[0] for h in headers] == [
            "duty kind",
            "Stockport (2019)",
            "Warwickshire",
            "Statute (England)",
        ]
        statute = page.locator("table.ticks thead th.reference")
        assert statute.count() == 1 and "for reference" in statute.inner_text()
        page.locator('table.ticks a[href="#kind-fund_remand_transport"]').click()
        row = page.locator("#kind-fund_remand_transport")
        assert row.is_visible() and "not addressed" in row.inner_text()
