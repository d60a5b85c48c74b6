"""`protoverify check`: the report contract, exit codes, judgements, and the committed findings documents."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from conftest import TODAY_ISO as TODAY
from conftest import protoverify as run

from protoverify import check, load_protocol
from protoverify.properties.judgements import beside, load_judgements
from protoverify.properties.kinds import KINDS
from protoverify.reports.findings import to_markdown


@pytest.mark.slow
@pytest.mark.parametrize("name", ["stockport-2019", "warwickshire"])
def test_committed_findings_documents_are_what_the_tool_writes(name: str) -> None:
    path = ROOT / "protocols" / f"{name}.yaml"
    protocol = load_protocol(path)
    judgements = load_judgements(beside(path), protocol) if beside(path).exists() else None
    report = check(protocol, today=dt.date.fromisoformat(TODAY), judgements=judgements)
    committed = (ROOT / "docs" / f"findings-{name}.md").read_text(encoding="utf-8")
    assert to_markdown(report) == committed, "run `make findings` and commit docs/findings-*.md"


@pytest.mark.slow
def test_json_contract_and_exit_code() -> None:
    result = run("check", str(EXAMPLE), "--today", TODAY, "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) == {"protocol", "checked_as_of", "findings", "summary"}
    assert report["protocol"]["id"] == "anytown_example" and report["checked_as_of"] == TODAY
    for finding in report["findings"]:
        assert finding["kind"] in KINDS and finding["severity"] in ("error", "warning", "info")
        assert finding["clauses"] and finding["message"] and finding["id"].startswith(finding["kind"] + ":")
    errors = [f for f in report["findings"] if f["severity"] == "error" and "accepted" not in f]
    assert report["summary"]["error"] == len(errors) > 0
    assert result.returncode == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["examples/example", "warwickshire"])
def test_json_is_byte_identical_across_processes_and_hash_seeds(name: str) -> None:
    import os

    outputs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "protoverify",
                "check",
                str(ROOT / "protocols" / f"{name}.yaml"),
                "--today",
                TODAY,
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.stdout, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1, "the same protocol and date must give byte-identical JSON in every process"


@pytest.mark.slow
def test_accepting_every_error_makes_the_check_pass(tmp_path: Path) -> None:
    protocol_path = tmp_path / "example.yaml"
    protocol_path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    report = json.loads(run("check", str(protocol_path), "--today", TODAY, "--format", "json").stdout)
    errors = [f["id"] for f in report["findings"] if f["severity"] == "error"]
    lines = ["protoverify-judgements: 1", "protocol: anytown_example", "accepted:"]
    lines += [f'  - {{id: "{i}", reason: judged acceptable for the test}}' for i in errors]
    lines.append('  - {id: "ownership-gap:0000000000", reason: no longer found}')
    beside(protocol_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("check", str(protocol_path), "--today", TODAY, "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    assert result.returncode == 0 and summary["error"] == 0 and summary["accepted"] == len(errors)
    assert summary["stale_acceptances"] == ["ownership-gap:0000000000"]
    text = run("check", str(protocol_path), "--today", TODAY).stdout
    assert "== Accepted" in text and "Stale acceptances" in text


@pytest.mark.slow
def test_bad_judgements_file_is_located_and_exits_2(tmp_path: Path) -> None:
    judgements = tmp_path / "j.yaml"
    judgements.write_text(
        "protoverify-judgements: 1\nprotocol: anytown_example\naccepted:\n  - {id: nonsense, reason: x}\n",
        encoding="utf-8",
    )
    result = run("check", str(EXAMPLE), "--accept", str(judgements))
    assert result.returncode == 2 and result.stderr.startswith(f"{judgements}:4:") and "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--today", "23/11/2026"], ["--timeout", "0"], ["--format", "pdf"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    result = run("check", str(EXAMPLE), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_review_overdue_follows_today() -> None:
    before = json.loads(run("check", str(EXAMPLE), "--today", "2026-03-01", "--format", "json").stdout)
    after = json.loads(run("check", str(EXAMPLE), "--today", "2026-05-01", "--format", "json").stdout)
    assert "review-overdue" not in before["summary"]["by_kind"] and after["summary"]["by_kind"]["review-overdue"] == 1


@pytest.mark.slow
def test_text_groups_by_severity() -> None:
    text = run("check", str(EXAMPLE), "--today", TODAY).stdout
    assert text.index("== Errors") < text.index("== Warnings") < text.index("== For information")
