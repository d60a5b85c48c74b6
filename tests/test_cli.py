"""The command line: exports written whole, bad usage and bad input end with exit 2 and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import STANDALONE
from conftest import protoverify as run
from statemachine.io import load

from protoverify.reports.files import MANIFEST

EXAMPLE = Path(__file__).parent.parent / "protocols" / "examples" / "example.yaml"


@pytest.mark.slow
@pytest.mark.parametrize(("to", "opening"), [("scxml", "<?xml"), ("mermaid", "stateDiagram-v2"), ("dot", "digraph")])
def test_export_writes_each_format_to_a_file(tmp_path: Path, to: str, opening: str) -> None:
    target = tmp_path / "nested" / f"example.{to}"
    result = run("export", str(EXAMPLE), "--to", to, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(opening)
    assert [p.name for p in target.parent.iterdir() if p.name != MANIFEST] == [
        target.name
    ]  # no temporary file left behind


@pytest.mark.slow
def test_exported_scxml_loads_back_with_python_statemachine(tmp_path: Path) -> None:
    target = tmp_path / "example.scxml"
    assert run("export", str(EXAMPLE), "--to", "scxml", "-o", str(target)).returncode == 0
    chart = load(str(target))
    ids = {state.id for state in chart.states_map.values()}
    assert {
        "community",
        "police_custody",
        "remanded",
        "rilaa",
        "yda",
        "custody",
        "licence",
        "looked_after_remand",
    } <= ids


@pytest.mark.slow
def test_export_prints_to_stdout_without_an_output_path() -> None:
    result = run("export", str(EXAMPLE), "--to", "mermaid")
    assert result.returncode == 0 and "remanded --> custody : sentenced_to_custody" in result.stdout


@pytest.mark.slow
def test_unknown_export_format_is_a_usage_error() -> None:
    result = run("export", str(EXAMPLE), "--to", "pdf")
    assert result.returncode == 2 and "Traceback" not in result.stderr and "'pdf'" in result.stderr


@pytest.mark.slow
def test_export_of_a_broken_file_is_located_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        STANDALONE.read_text(encoding="utf-8").replace("to: licence, clause", "to: license, clause"), encoding="utf-8"
    )
    target = tmp_path / "out.scxml"
    result = run("export", str(broken), "--to", "scxml", "-o", str(target))
    assert (
        result.returncode == 2 and result.stderr.startswith(f"{broken}:") and "unknown state 'license'" in result.stderr
    )
    assert not target.exists()


@pytest.mark.slow
def test_validate_json_summary() -> None:
    import json

    result = run("validate", str(EXAMPLE), "--format", "json")
    summary = json.loads(result.stdout)
    assert summary["protocol"] == "anytown_example" and summary["counts"]["duties"] == 10
