"""Start-up: each command imports the libraries it needs and no others (the figures are in
docs/performance.md, measured by bench/startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EXAMPLE, ROOT, TODAY_ISO

HEAVY = (
    "dask",
    "distributed",
    "holidays",
    "jinja2",
    "matplotlib",
    "networkx",
    "numpy",
    "openpyxl",
    "pydantic",
    "rich",
    "scipy",
    "simpy",
    "statemachine",
    "z3",
)

RUN = """
import contextlib, io, json, sys
heavy = set(json.loads(sys.argv[2]))
sys.argv = ["protoverify", *json.loads(sys.argv[1])]
from protoverify.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main()
    except SystemExit:
        pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & heavy)))
"""


def imported(*args: str) -> set[str]:
    """The heavy libraries a whole `protoverify ARGS` process imports."""
    run = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return set(json.loads(run.stdout))


def test_importing_protoverify_imports_no_library() -> None:
    code = f"import sys, protoverify; print(sorted(set(sys.modules) & set({list(HEAVY)!r})))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "needed"),
    [
        (("--help",), {"rich"}),  # (typer formats its help with rich)
        (("validate", str(EXAMPLE)), {"pydantic"}),
        (("validate", str(EXAMPLE), "--format", "json"), {"pydantic"}),
        (("export", str(EXAMPLE), "--to", "mermaid"), {"pydantic"}),
        (("check", str(EXAMPLE), "--today", TODAY_ISO), {"pydantic", "z3", "holidays"}),
        (("schema",), {"pydantic"}),
    ],
)
def test_a_command_imports_only_what_it_needs(args: tuple[str, ...], needed: set[str]) -> None:
    assert imported(*args) <= needed


def test_the_reserved_event_ids_are_the_names_the_statechart_library_uses() -> None:
    from statemachine import StateChart

    from protoverify.model.reserved import RESERVED_EVENT_IDS

    assert RESERVED_EVENT_IDS == {name for name in dir(StateChart) if not name.startswith("_")}
