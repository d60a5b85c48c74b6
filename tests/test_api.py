"""The public API (`protoverify.*`): typed results, and failures as one hierarchy of errors that the
command line turns into exit codes in one place."""

from __future__ import annotations

from pathlib import Path

import pytest
import z3
from conftest import EXAMPLE, ROOT, TODAY
from typer.testing import CliRunner

import protoverify
from protoverify.cli import EXIT_CODES, app
from protoverify.model.errors import LoadError, OutputError, ProtoverifyError, SchedulerError, SolverError
from protoverify.reports.simulation import document
from protoverify.simulate.simulation import Simulation
from protoverify.simulate.vary import VaryError

SCENARIO = ROOT / "tests" / "fixtures" / "simulate" / "remand-scenario.yaml"


def test_every_error_protoverify_raises_on_purpose_is_one_kind() -> None:
    for kind in (LoadError, OutputError, SolverError, SchedulerError, VaryError):
        assert issubclass(kind, ProtoverifyError)
    assert protoverify.LoadError is LoadError and protoverify.ProtoverifyError is ProtoverifyError
    assert str(SchedulerError("no cluster")) == "no cluster"


def test_each_kind_of_failure_has_its_exit_code() -> None:
    def code(error: ProtoverifyError) -> int:
        return next(c for kind, c in EXIT_CODES.items() if isinstance(error, kind))

    assert code(LoadError([])) == 2 and code(OutputError([])) == 2 and code(SchedulerError("x")) == 2
    assert code(VaryError("x")) == 2 and code(SolverError("x")) == 3


def test_a_solver_failure_is_said_and_exits_3(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise z3.Z3Exception("out of memory")

    monkeypatch.setattr("protoverify.properties.check.check", broken)
    result = CliRunner().invoke(app, ["check", str(EXAMPLE), "--today", TODAY.isoformat()])
    assert result.exit_code == 3
    assert "the solver failed (out of memory)" in result.output and "Traceback" not in result.output


def test_check_file_reads_the_judgements_beside_the_protocol(tmp_path: Path) -> None:
    protocol = tmp_path / "example.yaml"
    protocol.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    gap = next(f for f in protoverify.check_file(protocol, today=TODAY).findings if f.kind == "ownership-gap")
    (tmp_path / "example.judgements.yaml").write_text(
        f'protoverify-judgements: 1\nprotocol: anytown_example\naccepted:\n  - {{id: "{gap.id}", reason: decided}}\n',
        encoding="utf-8",
    )
    report = protoverify.check_file(protocol, today=TODAY)
    assert [f.id for f in report.findings if f.accepted] == [gap.id]
    assert report.exit_code in (0, 1)


def test_simulate_returns_a_typed_result_whose_document_is_a_rendering() -> None:
    # (protoverify.simulate is both this function and the package, whose modules this file imports)
    result = protoverify.simulate(SCENARIO, replications=2, workers=1)
    assert isinstance(result, Simulation)
    assert result.summary.replications == 2 and result.scenario.id and result.protocol.metadata.id
    doc = document(result)
    assert doc["replications"] == 2 and doc["scenario"]["file"] == str(SCENARIO)
    assert "wall_seconds" not in doc and "wall_seconds" in document(result, timing=True)


def test_sweep_takes_vary_texts_and_says_when_there_is_nothing_to_vary() -> None:
    swept = protoverify.sweep(SCENARIO, ["seed=1,2"], replications=2, workers=1)
    assert [dict(p.values) for p in swept.points] == [{"seed": 1}, {"seed": 2}]
    with pytest.raises(VaryError, match="no --vary given and the scenario has no 'sweep:' section"):
        protoverify.sweep(SCENARIO)


def test_compare_refuses_the_same_protocol_twice() -> None:
    with pytest.raises(LoadError, match="is also the id of"):
        protoverify.compare([EXAMPLE, EXAMPLE], today=TODAY)


def test_diff_gathers_the_problems_of_both_versions(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("metadata: [\n", encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        protoverify.diff(broken, tmp_path / "missing.yaml", today=TODAY)
    assert [p.file for p in raised.value.problems] == [str(broken), str(tmp_path / "missing.yaml")]


def test_report_builds_every_file_in_memory() -> None:
    reports, files = protoverify.report([EXAMPLE], today=TODAY)
    name = reports[0].name
    assert sorted(files) == sorted([f"{name}.html", f"{name}.md", f"{name}.json", "index.html"])
