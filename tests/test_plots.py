"""The report's charts, on a synthetic simulation summary: labelled axes with units, greys only,
deterministic SVG, ids that cannot clash, nothing drawn for measures that are absent, and what a
screen reader needs: a title, a description that says what the chart shows, and words as text."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from protoverify.reports import plots
from protoverify.simulate.summary import Tally
from protoverify.simulate.sweep import Point, Sweep
from protoverify.simulate.vary import Vary

BUDGET = 550_000.0


def summary(seed: int = 1, replications: int = 40):
    """A summary shaped like the engine's: on-time rates per clause (one never defined), utilisation
    per staff pool, YDA spend and over-budget flags."""
    rng = np.random.default_rng(seed)
    tally = Tally(seed)
    for _ in range(replications):
        spend = float(rng.normal(500_000, 80_000))
        tally.add(
            {
                "on_time/all": rng.uniform(0.7, 0.95),
                "on_time/clause/6.5": rng.uniform(0.6, 0.9),
                "on_time/clause/10.2": rng.uniform(0.9, 1.0),
                "on_time/clause/4.3.1": math.nan,
                "utilisation/role/case_manager": rng.uniform(0.5, 0.8),
                "utilisation/role/social_worker": rng.uniform(0.7, 1.0),
                "yda/spend": spend,
                "yda/over_budget": float(spend > BUDGET),
            }
        )
    return tally.summary()


SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """The words drawn in a chart, as text elements (not outlines)."""
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text]


def colours(svg: str) -> set[str]:
    return set(re.findall(r"#[0-9a-fA-F]{6}\b", svg))


def is_grey(colour: str) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return r == g == b


@pytest.fixture(scope="module")
def drawn():
    s = summary()
    return {"on_time": plots.on_time(s), "utilisation": plots.utilisation(s), "spend": plots.spend(s, BUDGET)}


@pytest.fixture(scope="module")
def charts(drawn):
    return {name: chart.svg for name, chart in drawn.items()}


def test_each_chart_is_svg_with_labelled_axes_and_units(charts) -> None:
    for svg in charts.values():
        assert svg.startswith("<svg") and 'class="chart"' in svg
        ET.fromstring(svg)  # well-formed XML, embeddable in HTML
    on_time = " ".join(texts(charts["on_time"]))
    assert "duties done on time (% of those due" in on_time and "clause 6.5" in on_time and "clause 10.2" in on_time
    assert "100%" in on_time
    assert "clause 4.3.1" not in on_time  # never defined: no point is drawn for it
    assert "utilisation (% of working hours busy" in " ".join(texts(charts["utilisation"]))
    assert "case manager" in " ".join(texts(charts["utilisation"]))
    spend = " ".join(texts(charts["spend"]))
    assert "YDA spend over the scenario's horizon (£)" in spend and "replications (count)" in spend
    assert "budget £550,000" in spend


def test_clauses_are_in_document_order_top_to_bottom(charts) -> None:
    labels = [t for t in texts(charts["on_time"]) if t.startswith("clause ")]
    assert labels == ["clause 10.2", "clause 6.5"]  # drawn bottom to top: 6.5 reads first


def test_charts_use_greys_only_so_they_read_in_black_and_white(charts) -> None:
    for name, svg in charts.items():
        found = colours(svg)
        assert found and all(is_grey(c) for c in found), (name, sorted(c for c in found if not is_grey(c)))
    assert "hatch" in charts["utilisation"] or "<pattern" in charts["utilisation"]


def test_the_same_summary_gives_the_same_svg_and_another_one_differs() -> None:
    assert plots.on_time(summary(1)).svg == plots.on_time(summary(1)).svg
    assert plots.spend(summary(1), BUDGET).svg != plots.spend(summary(2), BUDGET).svg
    assert "<dc:date>" not in plots.on_time(summary(1)).svg


def test_each_chart_has_a_title_and_a_description_of_what_it_shows(drawn) -> None:
    for name, chart in drawn.items():
        root = ET.fromstring(chart.svg)
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert list(root)[:2] == [title, desc], name  # first, where screen readers look
        assert title.text == chart.title and desc.text == chart.summary
        assert root.get("role") == "img" and root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert "<path" not in "".join(ET.tostring(t, encoding="unicode") for t in root.iter(f"{SVG}text"))
        assert "sans-serif" in root.get("font-family")  # a font to fall back on, never one fetched
    s = summary()
    lowest = min(("6.5", "10.2"), key=lambda c: s[f"on_time/clause/{c}"].mean)
    assert f"{s[f'on_time/clause/{lowest}'].mean * 100:.1f}% (clause {lowest})" in drawn["on_time"].summary
    assert "of its working hours" in drawn["utilisation"].summary
    over = sum(v > BUDGET for v in s["yda/spend"].sample)
    assert f"exceeded the budget of £550,000 in {over} of them" in drawn["spend"].summary


def test_charts_are_a_tenth_of_what_outlines_weighed(drawn) -> None:
    """Text as text and coordinates to two decimals: each chart is well under 20 KB (outlines made
    the on-time chart alone 60 KB on a seed report)."""
    for name, chart in drawn.items():
        assert len(chart.svg.encode()) < 20_000, name
        assert not re.search(r'd="[^"]*\d\.\d{3}', chart.svg), name


def test_ids_are_prefixed_so_two_charts_share_a_page(charts) -> None:
    ids = [i for svg in charts.values() for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))
    for name, svg in charts.items():
        prefix = {"on_time": "on-time-", "utilisation": "utilisation-", "spend": "spend-"}[name]
        own = re.findall(r'\bid="([^"]+)"', svg)
        assert own and all(i.startswith(prefix) for i in own)
        for reference in re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", svg):
            target = reference[0] or reference[1]
            assert target in own, f"{name}: a reference to #{target}, which the chart does not define"


def test_nothing_is_drawn_without_the_measures() -> None:
    tally = Tally(1)
    tally.add({"cases/arrivals": 3.0})
    empty = tally.summary()
    assert plots.on_time(empty) is None and plots.utilisation(empty) is None and plots.spend(empty, BUDGET) is None


def _sweep() -> Sweep:
    points = []
    for count in (6, 8, 10):
        tally = Tally(1)
        rng = np.random.default_rng(count)
        for _ in range(10):
            tally.add(
                {
                    "on_time/all": rng.uniform(0.5, 0.6) + count / 50,
                    "on_time/clause/6.5": rng.uniform(0.4, 0.5) + count / 40,
                    "yda/over_budget": float(rng.random() < 0.3),
                }
            )
        points.append(Point((("staff.case_manager.count", count),), tally.summary().to_dict(), 0.0, count == 8))
    return Sweep("scenarios/x.yaml", (Vary("staff.case_manager.count", (6, 8, 10)),), tuple(points))


def test_sweep_curves_show_the_chosen_measures_against_the_varied_setting() -> None:
    swept = _sweep()
    assert plots.sweep_metrics(swept) == ["yda/over_budget", "on_time/all", "on_time/clause/6.5"]
    chart = plots.sweep(swept)
    svg = chart.svg
    words = " ".join(texts(svg))
    assert "case manager staff in post" in words and "staff.case_manager.count" not in words  # the axis in words
    assert "baseline (the scenario as it is)" in words  # the baseline is marked
    assert "replications over the YDA budget (%)" in words and "on time, clause 6.5 (% of duties due)" in words
    assert words.count("0% 20% 40% 60% 80% 100%") == 3  # every share from 0% to 100%, never a sliver of the range
    assert all(is_grey(c) for c in colours(svg))
    assert svg == plots.sweep(_sweep()).svg
    assert chart.summary.startswith("With case manager staff in post from 6 to 10: replications over the YDA budget ")
    assert chart.summary.endswith("10 replications a point.")
