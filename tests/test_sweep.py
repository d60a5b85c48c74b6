"""Sweeps: parsing --vary, the grid, setting values in a scenario mapping, the table and the plot,
and `protoverify sweep` on a real scenario."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from numpy.random import SeedSequence
from openpyxl import load_workbook

from protoverify.reports import sweeps, xlsx
from protoverify.reports.files import MANIFEST
from protoverify.simulate.replications import run
from protoverify.simulate.sweep import Point, Sweep
from protoverify.simulate.vary import VaryError, apply, grid, parse_vary

# --- --vary ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "values"),
    [
        ("staff.case_manager.count=6:12:2", "staff.case_manager.count", (6, 8, 10, 12)),
        ("demand.remands_per_year=20,30,40", "demand.remands_per_year", (20, 30, 40)),
        ("demand.looked_after_share=0.1:0.3:0.1", "demand.looked_after_share", (0.1, 0.2, 0.3)),
        ("x=6:12:2.5", "x", (6.0, 8.5, 11.0)),
        ("x=5", "x", (5,)),
        ("x = 1.5, yoi, true", "x", (1.5, "yoi", True)),
        ("x=nan", "x", ("nan",)),  # text, for validation to refuse; never a float NaN
        ("staff.0.count=1:2:1", "staff.0.count", (1, 2)),
    ],
)
def test_parse_vary(text, path, values):
    vary = parse_vary(text)
    assert vary.path == path and vary.values == values
    assert [type(v) for v in vary.values] == [type(v) for v in values]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("staff.case_manager.count", "needs a path, '=' and values"),
        ("=1,2", "needs a path, '=' and values"),
        ("a..b=1", "not a dotted path"),
        ("x=1:2", "has 2 parts"),
        ("x=a:b:c", "not three numbers"),
        ("x=1:3:0", "step 0 is not positive"),
        ("x=1:3:-1", "step -1 is not positive"),
        ("x=3:1:1", "ends (1) before it starts (3)"),
        ("x=1:inf:1", "not three finite numbers"),
        ("x=0:5000:1", "5,001 values; at most 1,000"),
        ("x=1,,2", "an empty value"),
        ("x=1,2,1", "repeated"),
    ],
)
def test_a_bad_vary_says_what_is_wrong_and_what_was_expected(text, words):
    with pytest.raises(VaryError) as raised:
        parse_vary(text)
    message = str(raised.value)
    assert message.startswith(f"--vary {text!r}: ") and words in message
    assert "expected PATH=start:stop:step or PATH=x,y,z" in message


def test_grid_is_every_combination_with_the_last_vary_fastest():
    varies = [parse_vary("a=1:2:1"), parse_vary("b=x,y,z")]
    points = grid(varies)
    assert points == [
        (("a", 1), ("b", "x")),
        (("a", 1), ("b", "y")),
        (("a", 1), ("b", "z")),
        (("a", 2), ("b", "x")),
        (("a", 2), ("b", "y")),
        (("a", 2), ("b", "z")),
    ]
    with pytest.raises(VaryError, match="given twice"):
        grid([parse_vary("a=1"), parse_vary("a=2")])


def test_apply_sets_paths_in_a_copy():
    data = {"staff": {"case_manager": {"count": 9}}, "demand": {}, "courts": [{"day": "mon"}, {"day": "sat"}]}
    changed = apply(data, [("staff.case_manager.count", 6), ("demand.remands_per_year", 30), ("courts.1.day", "sun")])
    assert changed == {
        "staff": {"case_manager": {"count": 6}},
        "demand": {"remands_per_year": 30},
        "courts": [{"day": "mon"}, {"day": "sun"}],
    }
    assert data == {"staff": {"case_manager": {"count": 9}}, "demand": {}, "courts": [{"day": "mon"}, {"day": "sat"}]}
    assert apply(data, [("staff.new_role.count", 2)])["staff"]["new_role"] == {"count": 2}


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("staff.case_manager.count.hours", "staff.case_manager.count is a single value"),
        ("courts.2.day", "courts.2 is not one of the 2 items of a list; expected an index from 0 to 1"),
        ("courts.first.day", "courts.first is not one of the 2 items"),
    ],
)
def test_apply_refuses_a_path_through_a_value_or_past_a_list(path, words):
    data = {"staff": {"case_manager": {"count": 9}}, "courts": [{"day": "mon"}, {"day": "sat"}]}
    with pytest.raises(VaryError, match=f"--vary {path}: .*" + words.replace(".", r"\.")):
        apply(data, [(path, 1)])


# --- the table and the plot (on a sweep of a toy queue) ------------------------------------------


def queue(model: tuple[float, int], seed: SeedSequence) -> dict[str, float]:
    """A toy with the engine's signature: the share of 50 jobs done on time by `servers` workers, and
    a metric that is undefined (NaN) at low demand."""
    import numpy as np

    arrivals, servers = model
    rng = np.random.default_rng(seed)
    late = rng.binomial(50, min(1.0, arrivals / (servers * 10)))
    return {
        "on_time/all": 1 - late / 50,
        "yda/over_budget": float(late > 20),
        "rilaa/wait_hours": math.nan if arrivals < 30 else late,
    }


@pytest.fixture(scope="module")
def toy_sweep() -> Sweep:
    varies = (parse_vary("staff.case_manager.count=6:10:2"), parse_vary("demand.remands_per_year=20,60"))
    points = []
    for values in grid(varies):
        v = dict(values)
        summary = run(
            queue, (v["demand.remands_per_year"], v["staff.case_manager.count"]), replications=20, seed=5, workers=1
        )
        points.append(Point(values, summary.to_dict(), summary.wall_seconds))
    return Sweep("scenarios/toy.yaml", varies, tuple(points))


def test_the_table_has_a_row_per_point_and_metric(toy_sweep):
    table = list(csv.reader(io.StringIO(sweeps.to_csv(toy_sweep))))
    assert table[0] == [
        "staff.case_manager.count",
        "demand.remands_per_year",
        "metric",
        *sweeps.STATISTICS,
        *sweeps.COUNTED,
        *sweeps.DIFFERENCE,
    ]
    assert len(table) == 1 + 6 * 3
    row = {(r[0], r[1], r[2]): r for r in table[1:]}
    point = toy_sweep.points[3].summary["metrics"]["on_time/all"]  # count 8, remands 60
    assert row[("8", "60", "on_time/all")][3:] == [
        str(point["n"]),
        str(point["undefined"]),
        repr(point["mean"]),
        repr(point["sd"]),
        repr(point["ci95"][0]),
        repr(point["ci95"][1]),
        repr(point["min"]),
        repr(point["max"]),
        point["interval"],
        "",  # no counts: this toy sweep's summaries were run without the metrics' kinds
        "",
        "",  # not the baseline (this sweep has none)
        "",
        "",
        "",
    ]
    undefined = [r for r in table[1:] if r[2] == "rilaa/wait_hours" and r[3] == "0"]
    assert undefined and all(cell == "" for cell in undefined[0][5:11])  # mean to max


def test_json_is_deterministic_and_has_no_wall_time(toy_sweep):
    text = sweeps.to_json(toy_sweep)
    data = json.loads(text)
    assert data["vary"] == {"staff.case_manager.count": [6, 8, 10], "demand.remands_per_year": [20, 60]}
    assert data["points"][0]["values"] == {"staff.case_manager.count": 6, "demand.remands_per_year": 20}
    assert "wall_seconds" not in text
    assert text == sweeps.to_json(
        Sweep(
            toy_sweep.scenario,
            toy_sweep.varies,
            tuple(Point(p.values, p.summary, p.wall_seconds + 1) for p in toy_sweep.points),
        )
    )


def test_more_staff_means_more_on_time_in_the_toy(toy_sweep):
    """The toy is not constant, so the table and plot tests compare numbers that differ."""
    means = {
        dict(p.values)["staff.case_manager.count"]: p.summary["metrics"]["on_time/all"]["mean"]
        for p in toy_sweep.points
        if dict(p.values)["demand.remands_per_year"] == 60
    }
    assert means[6] < means[10]


def test_the_workbook_holds_the_same_table(toy_sweep):
    book = load_workbook(io.BytesIO(xlsx.sweep_workbook(toy_sweep)))
    cells = [list(row) for row in book["sweep"].iter_rows(values_only=True)]
    expected = sweeps.rows(toy_sweep)
    assert cells[0] == expected[0] and len(cells) == len(expected)
    for got, want in zip(cells[1:], expected[1:]):
        assert got == [pytest.approx(w, rel=1e-14) if isinstance(w, float) else w for w in want]
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True)}
    assert about["replications per point"] == 20 and about["seed"] == 5
    assert about["varied demand.remands_per_year"] == "20, 60"
    data = xlsx.sweep_workbook(toy_sweep)
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified: fixed, not the clock's
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.slow
@pytest.mark.parametrize("format", sweeps.PLOT_FORMATS)
def test_the_plot_is_identical_for_an_identical_sweep(toy_sweep, format):
    first = sweeps.plot(toy_sweep, ["on_time/all", "yda/over_budget"], format)
    assert first == sweeps.plot(toy_sweep, ["on_time/all", "yda/over_budget"], format)
    assert first != sweeps.plot(toy_sweep, ["on_time/all"], format)
    assert first[:4] in (b"<?xm", b"\x89PNG", b"%PDF")


def test_the_plot_labels_axes_with_units(toy_sweep):
    svg = sweeps.plot(toy_sweep, ["on_time/all", "yda/over_budget"], "svg").decode()
    # text is drawn as paths; the labels are kept as comments beside them
    assert "case manager staff in post" in svg and "staff.case_manager.count" not in svg
    assert sweeps.axis_label("on_time/clause/6.5") == "on-time rate, clause 6.5 (share of duties, 0-1)"
    assert sweeps.axis_label("yda/spend") == "YDA spend (£)"
    assert (
        sweeps.axis_label("utilisation/role/case_manager") == "utilisation, case_manager (share of working hours, 0-1)"
    )


def test_the_plot_refuses_a_metric_that_is_not_in_the_sweep(toy_sweep):
    with pytest.raises(
        ValueError, match=r"no metric 'on_time/al' in the sweep; expected some of: on_time/all, rilaa/wait_hours"
    ):
        sweeps.plot(toy_sweep, ["on_time/al"])


# --- protoverify sweep on a real scenario --------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "stockport-baseline.yaml"
SHORT = ["--vary", "warm_up_days=0", "--vary", "horizon_days=45", "--replications", "3"]


def protoverify(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "protoverify", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow
def test_sweep_writes_a_table_and_a_plot_identical_whatever_the_executor(tmp_path: Path):
    outputs = {}
    for workers in ("1", "2"):
        table = tmp_path / workers / "sweep.json"
        result = protoverify(
            "sweep",
            str(SCENARIO),
            "--vary",
            "staff.case_manager.count=3,12",
            *SHORT,
            "--workers",
            workers,
            "--format",
            "json",
            "-o",
            str(table),
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and f"wrote {table}" in result.stderr
        outputs[workers] = (table.read_bytes(), table.with_suffix(".svg").read_bytes())
        assert sorted(p.name for p in table.parent.iterdir() if p.name != MANIFEST) == ["sweep.json", "sweep.svg"]
    assert outputs["1"] == outputs["2"]
    data = json.loads(outputs["1"][0])
    # the baseline (the scenario's own 9, at the fixed warm-up and horizon) among the points
    assert [p["values"]["staff.case_manager.count"] for p in data["points"]] == [3, 9, 12]
    assert [p["baseline"] for p in data["points"]] == [False, True, False]
    few, _, many = (p["summary"]["metrics"]["utilisation/role/case_manager"]["mean"] for p in data["points"])
    assert few > many  # the same work shared by four times the staff
    assert data["points"][0]["differences"]["utilisation/role/case_manager"]["difference"] > 0
    assert all(p["summary"]["replications"] == 3 for p in data["points"])


@pytest.mark.slow
def test_sweep_prints_csv_without_an_output_path():
    result = protoverify(
        "sweep", str(SCENARIO), "--vary", "budget.yda_per_year=100000,10000000", *SHORT, "--workers", "1"
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    over = {r["budget.yda_per_year"]: float(r["mean"]) for r in rows if r["metric"] == "yda/spend"}
    assert set(over) == {"100000", "10000000", "320000.0"}  # and the baseline
    budget = {r["budget.yda_per_year"]: r for r in rows if r["metric"] == "yda/over_budget"}
    assert budget["10000000"]["mean"] == "0.0"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--vary", "staff.case_manager.count=6:12:0"],
            "--vary 'staff.case_manager.count=6:12:0': the step 0 is not positive",
        ),
        (["--vary", "staff.case_manager.count=0,6"], "with staff.case_manager.count=0"),
        (["--vary", "staff.case_manager.cuont=5"], "unknown key 'cuont'; did you mean 'count'?"),
        (["--vary", "horizon_days.length=5"], "horizon_days is a single value in the scenario, not a mapping"),
        (
            ["--vary", "x=1", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
            "--workers and --scheduler are both given; expected one",
        ),
        (["--vary", "x=1", "--plot", "figure.gif"], "expected a path ending in .svg, .png or .pdf"),
        (["--vary", "seed=1", "--scheduler", "no-address"], "is not a Dask scheduler address"),
    ],
)
@pytest.mark.slow
def test_bad_sweeps_exit_2_with_a_message_and_write_nothing(tmp_path: Path, args, words):
    table = tmp_path / "sweep.csv"
    result = protoverify("sweep", str(SCENARIO), *args, "-o", str(table))
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_an_xlsx_table_needs_an_output_path():
    result = protoverify("sweep", str(SCENARIO), "--vary", "seed=1", "--format", "xlsx")
    assert result.returncode == 2 and "--format xlsx: an xlsx table needs -o PATH" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_a_bad_scenario_file_is_located(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("replications:"))
    lines[line - 1] = "replications: many"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = protoverify("sweep", str(broken), "--vary", "seed=1")
    assert result.returncode == 2
    assert re.match(rf"{re.escape(str(broken))}:{line}:\d+: .*'replications'.*expected", result.stderr), result.stderr


@pytest.mark.slow
def test_an_unknown_plot_metric_is_refused_and_nothing_is_written(tmp_path: Path):
    table = tmp_path / "sweep.csv"
    result = protoverify(
        "sweep",
        str(SCENARIO),
        "--vary",
        "seed=1",
        *SHORT,
        "--workers",
        "1",
        "-o",
        str(table),
        "--metric",
        "on_time/everything",
    )
    assert result.returncode == 2
    assert "--metric: no metric 'on_time/everything' in the sweep; expected some of:" in result.stderr
    assert not table.exists() and not table.with_suffix(".svg").exists()  # issue 20: no half-written output


def planned_queue(tmp_path: Path) -> Path:
    """The M/M/3 fixture, copied with a `sweep:` section of its own."""
    fixtures = ROOT / "tests" / "fixtures" / "simulate"
    (tmp_path / "queue.yaml").write_bytes((fixtures / "queue.yaml").read_bytes())
    scenario = tmp_path / "queue-scenario.yaml"
    scenario.write_text(
        (fixtures / "queue-scenario.yaml").read_text(encoding="utf-8").replace("horizon_days: 80", "horizon_days: 10")
        + "sweep:\n  vary: {staff.worker.count: [3, 5]}\n  replications: 2\n",
        encoding="utf-8",
    )
    return scenario


@pytest.mark.slow
def test_with_no_vary_the_scenario_sweep_section_is_run(tmp_path: Path):
    result = protoverify("sweep", str(planned_queue(tmp_path)), "--workers", "1", "--format", "json")
    assert result.returncode == 0, result.stderr
    points = json.loads(result.stdout)["points"]
    assert [p["values"] for p in points] == [{"staff.worker.count": 3}, {"staff.worker.count": 5}]
    assert all(p["summary"]["replications"] == 2 for p in points)
    more = protoverify(
        "sweep", str(planned_queue(tmp_path)), "--workers", "1", "--format", "json", "--vary", "staff.worker.count=4"
    )
    assert [p["values"] for p in json.loads(more.stdout)["points"]] == [
        {"staff.worker.count": 4}
    ]  # --vary overrides the plan


@pytest.mark.slow
def test_with_no_vary_and_no_sweep_section_it_says_what_to_give():
    result = protoverify("sweep", str(ROOT / "tests" / "fixtures" / "simulate" / "remand-scenario.yaml"))
    assert (
        result.returncode == 2
        and "no --vary given and the scenario has no 'sweep:' section; expected --vary" in result.stderr
    )
