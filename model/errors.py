"""The errors protoverify raises on purpose: one base, and one kind for each way a run can fail.

Every one is a `ProtoverifyError` whose `problems` are the lines to show a person, each on its own
line: a `Located` problem (`file:line:col: what is wrong; what was expected`) or plain words.
- `LoadError`: an input (protocol, scenario, judgements, baseline, source text, a setting given on the
  command line) cannot be used, located where it is wrong;
- `OutputError`: an output file may not or cannot be written (it is not protoverify's, or the path is
  not writable), located at that path;
- `SolverError`: the solver failed (an error inside Z3, never an `unknown` answer, which is a finding);
- `SchedulerError`: a Dask scheduler cannot be used (not installed, unreachable).
The command line turns each kind into its exit code in one place (`protoverify.cli`); nothing else
catches them except to add context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Located:
    """One problem at a place in a file; line and column count from 1 (0 when the whole file is meant)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        message = self.message.translate(_ONE_LINE)
        if self.line == 0:
            return f"{self.file}: {message}"
        return f"{self.file}:{self.line}:{self.col}: {message}"


_ONE_LINE = {ord(c): repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}
"""Line breaks inside a message (from a key or value quoted from the file) written as escapes, so
that each problem stays on its own line."""


class ProtoverifyError(Exception):
    """A run of protoverify could not go on; `problems` says why, one line each."""

    def __init__(self, problems: Sequence[Located | str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LoadError(ProtoverifyError):
    """The input could not be loaded; `problems` says where and why."""

    problems: tuple[Located, ...]

    def __init__(self, problems: Sequence[Located]):
        super().__init__(problems)


class OutputError(ProtoverifyError):
    """An output could not be written, or may not be (it would replace a file protoverify did not
    write); `problems` names each path and says why."""

    problems: tuple[Located, ...]

    def __init__(self, problems: Sequence[Located]):
        super().__init__(problems)


class SolverError(ProtoverifyError):
    """The solver failed while checking (an error inside Z3); the message says where."""

    def __init__(self, message: str):
        super().__init__([message])


class SchedulerError(ProtoverifyError):
    """A Dask scheduler could not be used (not installed, unreachable); the message says which."""

    def __init__(self, message: str):
        super().__init__([message])
