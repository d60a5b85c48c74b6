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
from protoverify.cli import app  # (not main, which ends the process after some commands)
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        app()
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


QUICK = """
import atexit, gc, sys
atexit.register(lambda: print(f"the exit function ran; collector on: {gc.isenabled()}", file=sys.stderr))
sys.argv = ["protoverify", *sys.argv[1:]]
from protoverify.cli import main
main()
"""


@pytest.mark.parametrize(
    ("args", "status", "printed", "collector"),
    [
        (("validate", str(EXAMPLE)), 0, "valid: ", False),
        (("validate", str(ROOT / "no-such-protocol.yaml")), 2, "", False),
        (("check", str(EXAMPLE), "--today", TODAY_ISO, "--format", "json"), 1, '"findings"', False),
        (("compare", str(EXAMPLE), str(EXAMPLE)), 2, "", True),  # (not a quick exit: the ordinary one)
    ],
)
def test_a_command_that_ends_at_once_keeps_its_status_output_and_exit_functions(
    args: tuple[str, ...], status: int, printed: str, collector: bool
) -> None:
    run = subprocess.run([sys.executable, "-c", QUICK, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == status
    assert printed in run.stdout
    assert run.stderr.rstrip().endswith(f"the exit function ran; collector on: {collector}")
    if printed.startswith('"'):
        assert json.loads(run.stdout)["findings"]  # (the whole document, flushed before the end)


@pytest.mark.parametrize("code", ["a message", 256, -1])
def test_the_quick_exit_leaves_other_statuses_to_python(code: object) -> None:
    from protoverify.commandline import leave

    assert leave(code) is None  # (it returned: the ordinary exit follows)


def test_the_quick_exit_waits_for_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from protoverify import commandline

    monkeypatch.setattr(commandline.threading, "active_count", lambda: 2)
    assert commandline.leave(0) is None


def test_the_quick_exit_leaves_a_profiler_its_figures(tmp_path) -> None:
    figures = tmp_path / "validate.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(figures), "-m", "protoverify", "validate", str(EXAMPLE)]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0 and "valid: " in run.stdout
    assert figures.stat().st_size > 0
