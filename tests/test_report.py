"""Gap reports: the lights and what to fix first, the assembled report and its JSON, the pages, and the
report folder (written whole, only inside the output folder, byte-identical for the same inputs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, STANDALONE, TODAY
from markupsafe import escape

from protoverify import check, folder, load_protocol
from protoverify.model.errors import OutputError
from protoverify.model.timephrases import TimePhrase
from protoverify.properties.findings import make
from protoverify.properties.kinds import KINDS
from protoverify.reports.coverage import ClauseStatus, Coverage, PhraseMatch
from protoverify.reports.files import MANIFEST, write_folder
from protoverify.reports.html import index_html, to_html, to_markdown
from protoverify.reports.report import assemble, long_date
from protoverify.reports.triage import AREAS, FIX_ORDER, lights

QUEUE = ROOT / "tests" / "fixtures" / "simulate" / "queue.yaml"
QUEUE_SCENARIO = ROOT / "tests" / "fixtures" / "simulate" / "queue-scenario.yaml"


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "protoverify", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def finding(kind: str, severity: str, clause: str = "1", *, accepted: str | None = None, decided: bool = True):
    found = make(
        kind,
        f"{kind} {severity} {clause}",
        severity,
        [clause],
        f"{kind} at {clause}",
        suggestion=f"fix {kind}",
        decided=decided,
    )
    return found.model_copy(update={"accepted": accepted})


@pytest.fixture(scope="module")
def example_report():
    protocol = load_protocol(EXAMPLE)
    return assemble(protocol, "protocols/examples/example.yaml", check(protocol, today=TODAY), dated=True)


# --- lights and what to fix first -------------------------------------------------------------------


def test_every_finding_kind_belongs_to_exactly_one_area_and_has_a_priority() -> None:
    placed = [kind for area in AREAS for kind in area.kinds]
    assert sorted(placed) == sorted(KINDS)
    assert sorted(FIX_ORDER) == sorted(KINDS)


def _colours(found, coverage=None) -> dict[str, str]:
    return {light.area: light.colour for light in lights(found, coverage)}


def test_an_area_is_red_with_an_open_error_amber_with_a_warning_green_otherwise() -> None:
    colours = _colours(
        [
            finding("ownership-gap", "error"),
            finding("vague-deadline", "warning"),
            finding("numbering", "info"),
            finding("statutory-conflict", "warning"),
        ]
    )
    assert colours == {
        "responsibility": "red",
        "timescales": "amber",
        "structure": "green",
        "review": "green",
        "statute": "amber",
        "faithfulness": "grey",
    }


def test_accepted_findings_do_not_count_and_undecided_ones_are_red() -> None:
    colours = _colours(
        [
            finding("ownership-gap", "error", accepted="joint working is deliberate"),
            finding("deadline-conflict", "error", decided=False),
        ]
    )
    assert colours["responsibility"] == "green" and colours["timescales"] == "red"
    why = next(
        x.why for x in lights([finding("deadline-conflict", "error", decided=False)], None) if x.area == "timescales"
    )
    assert "undecided" in why


def test_faithfulness_light_follows_the_coverage() -> None:
    phrase = PhraseMatch(TimePhrase("1", "within 2 days", "within", 2, "days"), "duty d: within 2 days")
    complete = Coverage("p", [ClauseStatus("1", "clause", 1, "encoded")], [phrase])
    no_phrase = Coverage("p", [ClauseStatus("1", "clause", 1, "encoded")])
    draft = Coverage("p", [ClauseStatus("1", "clause", 1, "encoded"), ClauseStatus("2", "clause", 2, "unreviewed")])
    missing = Coverage("p", [ClauseStatus("1", "clause", 1, "encoded"), ClauseStatus("2", "clause", 2, "missing")])
    stray = Coverage("p", [ClauseStatus("1", "clause", 1, "encoded")], not_in_source=["9.9"])
    assert _colours([], coverage=complete)["faithfulness"] == "green"
    assert _colours([], coverage=missing)["faithfulness"] == "red"
    assert _colours([], coverage=stray)["faithfulness"] == "amber"
    assert _colours([], coverage=no_phrase)["faithfulness"] == "amber"  # 0 time phrases is a warning
    assert _colours([], coverage=draft)["faithfulness"] == "red"  # extract's placeholders are not encoded


# --- the assembled report ---------------------------------------------------------------------------


def test_report_json_keeps_the_check_contract_and_adds_the_sections(example_report) -> None:
    data = example_report.to_json()
    checked = example_report.check.to_json()
    assert data["findings"] == checked["findings"] and data["summary"] == checked["summary"]
    assert data["checked_as_of"] == TODAY.isoformat()
    assert data["coverage"] is None and data["simulation"] is None
    assert data["baseline"]["open"] == sum(
        f["kind"] in ("statutory-gap", "statutory-conflict", "looser-than-statute") and "accepted" not in f
        for f in checked["findings"]
    )
    protocol = example_report.protocol
    assert [len(lc["transitions"]) for lc in data["lifecycles"]] == [len(lc.transitions) for lc in protocol.lifecycles]
    timelines = [f for f in checked["findings"] if f.get("witness", {}).get("timeline")]
    assert timelines and set(data["chronologies"]) == {f["id"] for f in timelines}
    for f in timelines:
        assert [row["event"] for row in data["chronologies"][f["id"]]] == [e["event"] for e in f["witness"]["timeline"]]
    assert {a["area"] for a in data["areas"]} == {a.id for a in AREAS} | {"faithfulness"}


def test_html_page_is_self_contained_and_shows_every_finding(example_report) -> None:
    page = to_html(example_report)
    lowered = page.lower()
    for fetching in ("<script", "<link", "<img", "<iframe", "@import", "url(http", 'src="', "@font-face"):
        assert fetching not in lowered, fetching
    for finding_ in example_report.check.findings:
        assert f'id="f-{finding_.id.replace(":", "-")}"' in page
    assert page.count('class="light ') == len(AREAS) + 1
    assert f'<b id="count-error">{example_report.check.summary()["error"]}</b>' in page
    for diagram in example_report.lifecycles:
        assert diagram.svg in page


def test_markdown_has_the_sections_and_every_open_finding(example_report) -> None:
    text = to_markdown(example_report)
    for heading in (
        "## Summary",
        "## What to fix first",
        "## Findings",
        "## Clause coverage",
        "## Statutory baseline",
        "## Lifecycles",
    ):
        assert heading in text
    for finding_ in example_report.check.open:
        assert f"`{finding_.id}`" in text


def test_no_date_is_shown_unless_asked_for_and_the_page_says_so() -> None:
    """Without --today the check still runs as of today (review dates), but no page prints that date
    (so the same inputs give the same page); the header, every finding and the footer say no date was
    given. A finding's own message may name the date it compared a review date with."""
    protocol = load_protocol(EXAMPLE)
    report = assemble(protocol, "example.yaml", check(protocol, today=TODAY), dated=False)
    assert report.to_json()["checked_as_of"] is None
    page, text = to_html(report), to_markdown(report)
    for message in (f.message for f in report.check.findings):
        page, text = page.replace(str(escape(message)), ""), text.replace(message, "")
    assert long_date(TODAY) not in page and long_date(TODAY) not in text
    assert "<b>Checked as of:</b> no date given" in page and "- Checked as of: no date given" in text
    assert page.count("</span> &middot; checked as of the day the report was made (no date given)") == len(
        report.check.findings
    )
    dated = assemble(protocol, "example.yaml", check(protocol, today=TODAY), dated=True)
    assert to_html(dated).count(f"</span> &middot; checked as of {long_date(TODAY)}") == len(dated.check.findings)
    assert f"- Checked as of: {long_date(TODAY)}" in to_markdown(dated)


def test_index_links_every_report() -> None:
    protocol = load_protocol(EXAMPLE)
    report = assemble(protocol, "example.yaml", check(protocol, today=TODAY), dated=True)
    page = index_html([report], comparison="compare.html", workbooks=["anytown_example.xlsx"])
    for link in (
        "anytown_example.html",
        "anytown_example.md",
        "anytown_example.json",
        "anytown_example.xlsx",
        "compare.html",
    ):
        assert f'href="{link}"' in page


# --- the folder -----------------------------------------------------------------------------------


def test_write_refuses_names_outside_the_folder_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in ("../escaped.html", "sub/inner.html", ".hidden", str(tmp_path / "absolute.html")):
        with pytest.raises(OutputError) as raised:
            write_folder(out, {"fine.html": "x", name: "y"})
        assert "outside the output folder" in str(raised.value)
    assert not (tmp_path / "escaped.html").exists() and not (tmp_path / "absolute.html").exists()
    assert not out.exists() or list(out.iterdir()) == []


def test_write_refuses_a_link_that_leads_outside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").symlink_to(outside)
    with pytest.raises(OutputError):
        write_folder(out, {"index.html": "overwritten"})
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_write_refuses_an_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report"
    target.write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        write_folder(target, {"index.html": "x"})
    assert "is a file" in str(raised.value)


@pytest.mark.slow
def test_report_command_writes_every_file_and_no_temporary_one(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("report", str(EXAMPLE), "-o", str(out), "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == [
        "anytown_example.html",
        "anytown_example.json",
        "anytown_example.md",
        "index.html",
    ]
    assert result.stdout.strip() == f"report: {out / 'index.html'}"
    assert "checking anytown_example" in result.stderr
    data = json.loads((out / "anytown_example.json").read_text(encoding="utf-8"))
    assert data["protocol"]["id"] == "anytown_example"


@pytest.mark.slow
def test_with_no_protocol_named_it_reports_on_both_seeds_with_the_comparison(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("report", "-o", str(out), "--replications", "2", "--workers", "1")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.iterdir()}
    assert {"stockport_2019.html", "warwickshire.html", "compare.html", "index.html"} <= names
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        'href="stockport_2019.html"' in index and 'href="warwickshire.html"' in index and 'href="compare.html"' in index
    )
    assert result.stdout.strip() == f"report: {out / 'index.html'}"


@pytest.mark.slow
def test_same_inputs_give_byte_identical_files_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = run("report", str(EXAMPLE), "-o", str(out), "--today", TODAY.isoformat(), "--xlsx", env=env)
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != MANIFEST})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) == 5
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


@pytest.mark.slow
def test_a_protocol_that_does_not_load_is_located_and_nothing_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        STANDALONE.read_text(encoding="utf-8").replace("to: licence, clause", "to: license, clause"), encoding="utf-8"
    )
    out = tmp_path / "report"
    result = run("report", str(EXAMPLE), str(broken), "-o", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{broken}:") and "unknown state 'license'" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--source", str(ROOT / "README.md")], "cannot tell which protocol"),
        (["--scenario", str(QUEUE_SCENARIO)], "which is not reported on"),
        (["--baseline", "missing-baseline.yaml"], "file not found"),
        (["--vary", "staff.worker.count=3:5"], "--vary"),
    ],
)
@pytest.mark.slow
def test_inputs_that_cannot_be_used_exit_2_with_a_message_and_write_nothing(
    tmp_path: Path, extra: list[str], words: str
) -> None:
    out = tmp_path / "report"
    protocols = [str(EXAMPLE), str(ROOT / "protocols" / "warwickshire.yaml")]
    if extra[0] == "--vary":
        protocols, extra = (
            [str(QUEUE)],
            ["--scenario", str(QUEUE_SCENARIO), "--replications", "2", "--workers", "1", *extra],
        )
    result = run("report", *protocols, *extra, "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_the_same_protocol_twice_is_refused(tmp_path: Path) -> None:
    result = run("report", str(EXAMPLE), str(EXAMPLE), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "given more than once" in result.stderr


# --- with a simulation -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated():
    request = folder.Request(
        (QUEUE,),
        scenarios=(QUEUE_SCENARIO,),
        varies=("staff.worker.count=3:4:1",),
        xlsx=True,
        today=TODAY,
        replications=3,
        workers=1,
    )
    reports, files = folder.build(request)
    return reports[0], files


@pytest.mark.slow
def test_a_scenario_adds_the_simulation_section_from_its_summary(simulated) -> None:
    report, files = simulated
    summary = report.simulation.summary
    assert summary.replications == 3 and summary.seed == 1
    data = json.loads(files["single_queue.json"])
    assert data["simulation"]["metrics"] == json.loads(json.dumps(summary.to_dict()["metrics"]))
    assert data["simulation"]["replications"] == 3 and data["simulation"]["scenario"]["id"] == "mmc_queue"
    assert "wall_seconds" not in data["simulation"] and data["simulation"]["window"]["horizon_days"] == 80
    assert [p["values"] for p in data["simulation"]["sweep"]["points"]] == [
        {"staff.worker.count": 3},
        {"staff.worker.count": 4},
    ]
    page = files["single_queue.html"]
    assert 'id="simulation"' in page and 'id="on-time"' in page and 'id="utilisation"' in page and 'id="sweep"' in page
    on_time = summary["on_time/clause/1"]
    assert f"{on_time.mean * 100:.1f}%" in page
    assert set(report.charts) == {"on_time", "utilisation", "sweep"}  # no YDA in this scenario: no spend chart
    assert "## Simulation: " in files["single_queue.md"]
    worked = {c.removeprefix("tasks/clause/"): summary[c].mean for c in summary.names("tasks/clause/")}
    for item in data["fix_first"]:  # with a scenario, each item says how much simulated work is under it
        busiest = max((worked.get(c) or 0.0 for c in item["clauses"]), default=0.0) * 365 / 80
        assert item["tasks_a_year"] == round(busiest, 1)


def test_without_a_scenario_there_is_no_simulation_section(example_report) -> None:
    assert 'id="simulation"' not in to_html(example_report) and example_report.charts == {}


@pytest.mark.slow
def test_a_report_runs_the_sweep_its_scenario_plans_when_no_vary_is_given(tmp_path: Path) -> None:
    (tmp_path / "queue.yaml").write_bytes(QUEUE.read_bytes())
    scenario = tmp_path / "queue-scenario.yaml"
    scenario.write_text(
        QUEUE_SCENARIO.read_text(encoding="utf-8").replace("horizon_days: 80", "horizon_days: 10")
        + "sweep:\n  vary: {staff.worker.count: [3, 5]}\n  replications: 2\n",
        encoding="utf-8",
    )
    reports, files = folder.build(
        folder.Request((tmp_path / "queue.yaml",), scenarios=(scenario,), xlsx=True, today=TODAY, workers=1)
    )
    sweep = json.loads(files["single_queue.json"])["simulation"]["sweep"]
    assert [p["values"] for p in sweep["points"]] == [{"staff.worker.count": 3}, {"staff.worker.count": 5}]
    assert {p["summary"]["replications"] for p in sweep["points"]} == {2} and 'id="sweep"' in files["single_queue.html"]


@pytest.mark.slow
def test_the_simulation_section_shows_counts_the_baseline_and_a_table_of_the_sweep(simulated) -> None:
    report, files = simulated
    sim, page = report.simulation, files["single_queue.html"]
    row = next(r for r in sim.clause_rows if r.clause == "1")
    assert row.status == "measured" and row.judged > 0 and 0 <= row.late <= row.judged
    assert 0.0 <= row.low <= row.on_time <= row.high <= 1.0  # a share's interval stays within 0-100%
    assert sim.covered is not None and 0 < sim.covered <= 1 and "That rate covers" in page
    assert [r.baseline for r in sim.sweep_rows] == [True, False]  # the queue's own 3 workers is the baseline
    assert "&#9733; baseline" in page and "worker staff in post" in page
    assert "staff.worker.count (the varied setting)" not in page
    assert sim.sweep_note.startswith("Each point ran the same 3 replications as the summary")
    change = sim.sweep_rows[1].cells[0][1]
    assert change is not None and change["n"] == 3  # paired over the same three seeds
