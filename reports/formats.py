"""Every output format of every command, in one table: format name -> the renderer that writes it.

`FORMATS[command][name]` is a `Format`: the function (in a module of `protoverify.reports`) that turns
the command's result into the text or bytes of that format. The command line offers exactly these
names for `--format` and writes what the renderer returns (printed, or to `-o` atomically). Adding
a format is one row here and its renderer. Renderers are imported only when used, so a command
loads the libraries of the format it writes and no others.

JSON is written one way, by `jsontext.json_text`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    """One way to write a result: the renderer `module.function` (`result, **options -> str | bytes`),
    whether it gives bytes (a workbook, written only to a file), and the file suffix a report folder
    gives it."""

    module: str
    function: str
    binary: bool = False
    suffix: str | None = None

    def renderer(self):  # noqa: ANN201 - the renderer function
        """The renderer, imported now."""
        return getattr(importlib.import_module(f"{__package__}.{self.module}"), self.function)

    def render(self, result: Any, **options: Any) -> str | bytes:
        """The result written in this format."""
        return self.renderer()(result, **options)


FORMATS: dict[str, dict[str, Format]] = {
    "validate": {"text": Format("terminal", "contents"), "json": Format("terminal", "contents_json")},
    "export": {
        "mermaid": Format("diagrams", "to_mermaid"),
        "scxml": Format("scxml", "to_scxml"),
        "dot": Format("diagrams", "to_dot"),
    },
    "check": {
        "text": Format("findings", "to_text"),
        "json": Format("jsontext", "to_json"),
        "markdown": Format("findings", "to_markdown"),
    },
    "coverage": {"text": Format("terminal", "coverage"), "json": Format("jsontext", "to_json")},
    "diff": {
        "text": Format("diff", "to_text"),
        "json": Format("jsontext", "to_json"),
        "markdown": Format("diff", "to_markdown"),
    },
    "compare": {
        "text": Format("compare", "to_text"),
        "json": Format("jsontext", "to_json"),
        "markdown": Format("compare", "to_markdown"),
        "html": Format("compare", "to_html"),
    },
    "simulate": {
        "text": Format("simulation", "to_text"),
        "json": Format("simulation", "to_json"),
        "csv": Format("simulation", "to_csv"),
        "xlsx": Format("xlsx", "simulation_workbook", binary=True),
    },
    "warmup": {
        "text": Format("warmup", "to_text"),
        "json": Format("warmup", "to_json"),
        "csv": Format("warmup", "to_csv"),
    },
    "sweep": {
        "csv": Format("sweeps", "to_csv"),
        "json": Format("sweeps", "to_json"),
        "xlsx": Format("xlsx", "sweep_workbook", binary=True),
    },
    "report": {  # the files of each protocol's report; the workbook only when asked for (--xlsx)
        "html": Format("html", "to_html"),
        "markdown": Format("html", "to_markdown", suffix="md"),
        "json": Format("jsontext", "to_json"),
        "xlsx": Format("xlsx", "workbook", binary=True),
    },
}
"""command -> format name -> how to write it; each command's first format is its default."""

DEFAULTS = {command: next(iter(formats)) for command, formats in FORMATS.items()}
"""The format each command writes unless told otherwise: its first."""
