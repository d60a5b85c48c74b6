"""Where the command line's output goes: one helper prints a result or writes it to `-o`.

`emit` renders a command's result in the chosen format (`reports.formats.FORMATS`) and prints it, or
writes it to a file atomically, recording it as protoverify's (`reports.files`); `write` writes
several files the same way, claiming them all first so that a refusal writes none. `outputs_free`
checks, before any work is done, that no output would replace a file protoverify did not write.
Messages about the run (what was written, problems) go to standard error; results to standard output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .reports.formats import FORMATS


def say(words: str) -> None:
    """Tell the user what is being done, or what is wrong (on standard error)."""
    typer.echo(words, err=True)


def outputs_free(paths: list[Path | None], force: bool) -> None:
    """Before any work: an `OutputError` if an output would replace a file protoverify did not write
    (without --force)."""
    from .reports.files import check_outputs

    check_outputs([p for p in paths if p is not None], force=force)


def write(outputs: list[tuple[Path, str | bytes]], force: bool) -> None:
    """Write each output file atomically (claimed together first, so a refusal writes none), saying so."""
    from .reports.files import claim, write_atomic

    claim([path for path, _ in outputs], force=force)
    for path, content in outputs:
        write_atomic(path, content)
        say(f"wrote {path}")


def show(content: str) -> None:
    """Print a result on standard output, ending with a newline; styles (colour) are shown on a
    terminal and left out elsewhere."""
    typer.echo(content, nl=not content.endswith("\n"))


def emit(command: str, format: str, result: Any, output: Path | None = None, force: bool = False, **options) -> None:
    """The result of `command` in `format` (with the command's rendering `options`), printed, or
    written to `output`."""
    form = FORMATS[command][str(format)]
    content = form.render(result, **options)
    if output is not None:
        write([(output, content)], force)
    elif isinstance(content, bytes):
        raise ValueError(f"{command} --format {format} writes a file; expected -o PATH")  # (the command checks first)
    else:
        show(content)
