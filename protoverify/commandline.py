"""What every `protoverify` command shares: the app that turns a `ProtoverifyError` into its exit
code, the `--format` choices, the common options, and the checks made before a long run."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .model.errors import ProtoverifyError, SolverError
from .output import say
from .reports.formats import FORMATS

EXIT_INPUT = 2
EXIT_CODES: dict[type[ProtoverifyError], int] = {SolverError: 3, ProtoverifyError: EXIT_INPUT}
"""What each kind of failure exits with: the first kind the error is (LoadError, OutputError,
SchedulerError and VaryError are all input or usage problems: 2)."""
LONGEST_TIMEOUT = 86_400.0
"""The longest `--timeout` (seconds): a day per solver question (`inf` overflowed Z3's millisecond count)."""


QUICK_EXIT = frozenset({"validate", "schema", "export", "check"})
"""Commands after which the process ends at once (`leave`): they start no thread or process, and they
print their result or write it whole (`output.emit`), so tearing down every object they made (about
a tenth of a second after a check, a twentieth after validate) would change nothing. They also run
with the garbage collector off (`main` turns it off at the start): they are short and make few
cycles, so it would only walk the objects they keep (~15 ms of each; peak memory is the same)."""


class App(typer.Typer):
    """A typer app whose commands turn a `ProtoverifyError` into its problems on standard error and
    its exit code (`EXIT_CODES`); `ran` is the name of the command that ran."""

    ran: str | None = None

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable) -> Callable:
            @functools.wraps(function)
            def run(*arguments: Any, **options: Any) -> Any:
                self.ran = function.__name__
                if self.ran not in QUICK_EXIT:
                    gc.enable()  # (a long command, such as a simulation, needs the collector)
                try:
                    return function(*arguments, **options)
                except ProtoverifyError as problem:
                    for line in problem.problems:
                        say(str(line))
                    code = next(code for kind, code in EXIT_CODES.items() if isinstance(problem, kind))
                    raise typer.Exit(code) from None

            register(run)
            return function

        return decorator


app = App(
    help="Verify and simulate working protocols between youth justice services and children's social care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def formats_of(command: str) -> type[StrEnum]:
    """The `--format` choices of a command: the names of its formats."""
    return StrEnum(f"{command.title()}Format", {name: name for name in FORMATS[command]})  # type: ignore[return-value]


ValidateFormat, ExportFormat, CheckFormat, CoverageFormat, DiffFormat, CompareFormat, SimulateFormat, SweepFormat = (
    formats_of(command)
    for command in ("validate", "export", "check", "coverage", "diff", "compare", "simulate", "sweep")
)
WarmupFormat = formats_of("warmup")

Force = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace output files protoverify did not write, or that were changed since it wrote them."
    ),
]
Yes = Annotated[
    bool, typer.Option("--yes", help="Run even if the estimated cost is over the limit (about ten minutes' computing).")
]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of printing.")]
ProtocolFile = Annotated[Path, typer.Argument(help="A protocol YAML file.", show_default=False)]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Local worker processes; 1 runs serially; default one per CPU.", show_default=False
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on the Dask cluster at this address (tcp://host:port).", show_default=False),
]


def leave(code: object) -> None:
    """End the process at once with exit status `code`, after the exit functions registered with
    `atexit` and with standard output and error flushed, skipping the interpreter's teardown of every
    object; or return, for the ordinary exit, where that is not safe: another thread is running, a
    profiler, tracer or debugger is watching (`python -m cProfile` writes its figures after the
    program), the status is not a number from 0 to 255, or an output cannot be flushed (a closed pipe)."""
    status = 0 if code is None else code
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if not isinstance(status, int) or not 0 <= status <= 255 or run_exit_functions is None:
        return
    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    run_exit_functions()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def interactive() -> bool:
    """Whether a question can be asked: the input is a terminal."""
    return sys.stdin.isatty()


def affordable(estimate: Callable[[], Any], where: Path | str, yes: bool) -> None:
    """Before a simulation: a `LoadError` with the estimated cost if `estimate()` (a `simulate.cost.Cost`)
    is over the limit and not confirmed by --yes or, at a terminal, at a prompt."""
    from .simulate import cost

    ask = (lambda question: typer.confirm(question, default=False, err=True)) if interactive() else None
    cost.allow(estimate(), where, yes=yes, ask=ask)


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected e.g. 2026-11-23") from None


def refuse_usage(*problems: tuple[bool, str]) -> None:
    """Exit 2 with the words of the first problem that is there (a wrong use of the command's options)."""
    for present, words in problems:
        if present:
            say(words)
            raise typer.Exit(EXIT_INPUT)
