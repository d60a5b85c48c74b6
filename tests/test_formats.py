"""The output formats: one registry (`reports.formats`) gives every command's formats, and JSON is
written one way."""

from __future__ import annotations

import math

import pytest
from conftest import EXAMPLE
from typer.testing import CliRunner

from protoverify.cli import app
from protoverify.reports.formats import DEFAULTS, FORMATS
from protoverify.reports.jsontext import json_text


def test_every_format_names_a_renderer_that_exists() -> None:
    for command, formats in FORMATS.items():
        for name, form in formats.items():
            assert callable(form.renderer()), f"{command} --format {name}: {form.module}.{form.function}"


def test_the_command_line_offers_exactly_the_registrys_formats() -> None:
    runner = CliRunner()
    for command in ("validate", "check", "coverage", "diff", "compare", "simulate", "sweep"):
        result = runner.invoke(app, [command, "--format", "no-such-format"])
        assert result.exit_code == 2
        for name in FORMATS[command]:
            assert f"'{name}'" in result.output, (command, name, result.output)
    assert DEFAULTS["check"] == "text" and DEFAULTS["export"] == "mermaid" and DEFAULTS["sweep"] == "csv"


def test_a_workbook_is_never_printed() -> None:
    binary = {(command, name) for command, formats in FORMATS.items() for name, f in formats.items() if f.binary}
    assert binary == {("simulate", "xlsx"), ("sweep", "xlsx"), ("report", "xlsx")}


def test_json_is_written_one_way() -> None:
    assert json_text({"b": 1, "a": "Café"}) == '{\n  "b": 1,\n  "a": "Café"\n}\n'
    with pytest.raises(ValueError):
        json_text({"mean": math.nan})


def test_validate_prints_names_from_the_file_as_they_are_and_colour_only_on_a_terminal(tmp_path) -> None:
    marked = tmp_path / "marked.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = [
        '  title: "[bold]Anytown[/bold] protocol"' if line.startswith("  title: ") else line
        for line in text.splitlines()
    ]
    marked.write_text("\n".join(lines) + "\n", "utf-8")
    plain = CliRunner().invoke(app, ["validate", str(marked)])
    assert plain.exit_code == 0, plain.output
    assert plain.output.startswith("[bold]Anytown[/bold] protocol  (") and "\x1b[" not in plain.output
    coloured = CliRunner().invoke(app, ["validate", str(marked)], color=True)
    assert "\x1b[32mvalid\x1b[0m" in coloured.output
