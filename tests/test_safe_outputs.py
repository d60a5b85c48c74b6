"""Safe outputs: files are written whole or not at all, with ordinary permissions; an existing file
is replaced only if protoverify wrote it and nobody has changed it since, or with --force; a report
cannot write outside its folder; a command that fails writes nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from typer.testing import CliRunner

from protoverify.cli import app
from protoverify.model.errors import OutputError
from protoverify.reports import files
from protoverify.reports.files import MANIFEST, check_outputs, claim, replaceable, write_atomic, write_folder

FIXTURES = ROOT / "tests" / "fixtures" / "simulate"
runner = CliRunner()


@pytest.fixture
def umask():
    """Run with a given umask, restored afterwards."""
    previous = os.umask(0o022)

    def set_to(mask: int) -> None:
        os.umask(mask)

    yield set_to
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- write_atomic ------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_follows_the_umask(tmp_path: Path, umask, mask: int) -> None:
    umask(mask)
    written = write_atomic(tmp_path / "new" / "out.txt", "text")
    assert mode(written) == 0o666 & ~mask
    assert mode(tmp_path / "new" / MANIFEST) == 0o666 & ~mask


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, umask) -> None:
    target = write_atomic(tmp_path / "out.txt", "one")
    target.chmod(0o640)
    write_atomic(target, "two")
    assert target.read_text(encoding="utf-8") == "two" and mode(target) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_atomic(tmp_path / "out.txt", "old")

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OutputError) as caught:
        write_atomic(target, "new")
    assert str(caught.value) == f"{target}: cannot write (No space left on device); expected a writable path"
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "out.txt"]


def test_an_unwritable_path_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write .*; expected a writable path"):
        write_atomic(tmp_path / "file" / "below.txt", "text")


# --- the overwrite rule ------------------------------------------------------------------------


def test_only_what_protoverify_wrote_and_nobody_changed_is_replaced(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.txt"
    theirs.write_text("someone else's", encoding="utf-8")
    assert not replaceable(theirs)
    with pytest.raises(OutputError, match="file exists and protoverify did not write it .*--force to replace it"):
        write_atomic(theirs, "ours")
    assert theirs.read_text(encoding="utf-8") == "someone else's"

    ours = write_atomic(tmp_path / "ours.txt", "first")
    assert replaceable(ours)
    write_atomic(ours, "second")  # protoverify wrote it: replaced without asking
    assert ours.read_text(encoding="utf-8") == "second"

    ours.write_text("edited by the author", encoding="utf-8")
    assert not replaceable(ours)
    with pytest.raises(OutputError):
        write_atomic(ours, "third")
    assert ours.read_text(encoding="utf-8") == "edited by the author"

    claim([ours, theirs], force=True)
    write_atomic(ours, "forced")
    write_atomic(theirs, "forced")
    assert ours.read_text(encoding="utf-8") == theirs.read_text(encoding="utf-8") == "forced"
    record = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert record["written by"] == "protoverify" and sorted(record["files"]) == ["ours.txt", "theirs.txt"]


def test_check_outputs_names_every_refused_path_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputError) as caught:
        check_outputs([tmp_path / "a.txt", tmp_path / "new.txt", tmp_path / "folder", tmp_path / MANIFEST])
    named = sorted(p.file for p in caught.value.problems)
    assert named == sorted(str(tmp_path / n) for n in ("a.txt", "folder", MANIFEST))
    assert not (tmp_path / MANIFEST).exists()
    assert check_outputs([tmp_path / "a.txt"], force=True) == [tmp_path / "a.txt"]


def test_a_symbolic_link_is_replaced_never_written_through(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep", encoding="utf-8")
    link = tmp_path / "out" / "report.md"
    link.parent.mkdir()
    link.symlink_to(precious)
    with pytest.raises(OutputError):
        write_atomic(link, "report")
    claim([link], force=True)
    write_atomic(link, "report")
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "report"
    assert precious.read_text(encoding="utf-8") == "keep"


def test_an_unreadable_record_protects_everything(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "out.txt", "first")
    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    assert not replaceable(target)


# --- the commands ------------------------------------------------------------------------------


def commands(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """Each command that writes a file, with its arguments and the file it writes."""
    source = tmp_path / "protocol.txt"
    source.write_text("1.1 The YOS must notify CSC as soon as possible.\n", encoding="utf-8")
    out = tmp_path / "out"
    return {
        "schema": (["schema", "-o", str(out / "schema.json")], out / "schema.json"),
        "export": (["export", str(EXAMPLE), "--to", "dot", "-o", str(out / "chart.dot")], out / "chart.dot"),
        "extract": (["extract", str(source), "-o", str(out / "draft.yaml")], out / "draft.yaml"),
        "compare": (
            ["compare", str(EXAMPLE), str(ROOT / "protocols" / "warwickshire.yaml"), "-o", str(out / "compare.txt")],
            out / "compare.txt",
        ),
        "simulate": (
            [
                "simulate",
                str(FIXTURES / "remand-scenario.yaml"),
                "--replications",
                "2",
                "--workers",
                "1",
                "-o",
                str(out / "result.txt"),
            ],
            out / "result.txt",
        ),
        "sweep": (
            [
                "sweep",
                str(FIXTURES / "remand-scenario.yaml"),
                "--vary",
                "demand.remands_per_year=20,30",
                "--replications",
                "2",
                "--workers",
                "1",
                "-o",
                str(out / "sweep.csv"),
                "--plot",
                str(out / "sweep.svg"),
            ],
            out / "sweep.csv",
        ),
        "report": (["report", str(EXAMPLE), "--today", "2026-01-01", "-o", str(out)], out / "index.html"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["schema", "export", "extract", "compare", "simulate", "sweep", "report"])
def test_every_command_keeps_the_overwrite_rule(tmp_path: Path, name: str) -> None:
    args, target = commands(tmp_path)[name]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.stderr  # protoverify wrote it: replaced without --force
    target.write_text("edited", encoding="utf-8")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert (
        f"{target}: file exists and protoverify did not write it (or it was changed since); "
        "expected a new path, or --force to replace it"
    ) in refused.stderr.splitlines()
    assert target.read_text(encoding="utf-8") == "edited"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text(encoding="utf-8") != "edited"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_refused_report_writes_none_of_its_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("someone's index", encoding="utf-8")
    result = runner.invoke(app, ["report", str(EXAMPLE), "--today", "2026-01-01", "-o", str(out)])
    assert result.exit_code == 2 and "index.html: file exists" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_a_sweep_whose_plot_is_refused_writes_no_table(tmp_path: Path) -> None:
    """Both outputs are checked before the sweep runs."""
    table, plot = tmp_path / "sweep.csv", tmp_path / "sweep.svg"
    plot.write_text("someone's drawing", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "sweep",
            str(FIXTURES / "remand-scenario.yaml"),
            "--vary",
            "demand.remands_per_year=20,30",
            "--replications",
            "2",
            "--workers",
            "1",
            "-o",
            str(table),
        ],
    )
    assert result.exit_code == 2 and result.stderr.startswith(f"{plot}: file exists")
    assert not table.exists()


def test_a_command_that_fails_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("protoverify: 1\nmetadata: [\n", encoding="utf-8")
    for args in (
        ["export", str(broken), "-o", str(tmp_path / "out" / "chart.dot")],
        ["report", str(broken), "-o", str(tmp_path / "out")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and result.stderr.startswith(f"{broken}:")
    assert not (tmp_path / "out").exists()


# --- the report folder -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../escaped.html", "/tmp/absolute.html", "sub/nested.html", ".hidden", MANIFEST])
def test_report_files_cannot_land_outside_the_folder(tmp_path: Path, name: str) -> None:
    out = tmp_path / "report"
    with pytest.raises(OutputError, match="would be written outside the output folder"):
        write_folder(out, {"index.html": "<p>ok</p>", name: "<p>no</p>"})
    assert not out.exists() or list(out.iterdir()) == []
    assert not (tmp_path / "escaped.html").exists()


def test_a_link_inside_the_report_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("keep", encoding="utf-8")
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").symlink_to(outside)
    result = runner.invoke(app, ["report", str(EXAMPLE), "--today", "2026-01-01", "-o", str(out), "--force"])
    assert result.exit_code == 2 and "index.html: would be written outside the output folder" in result.stderr
    assert outside.read_text(encoding="utf-8") == "keep"


# --- issue 20: names that collide, a full disk, leftovers, a kill mid-write, long names ----------


@pytest.mark.slow
@pytest.mark.parametrize("reserved", ["index", "compare"])
def test_a_protocol_id_that_names_a_page_of_the_folder_is_refused(tmp_path: Path, reserved: str) -> None:
    """A protocol with id `index` had its page overwritten by the index (and one with id `compare`,
    reported beside another, by the comparison page), and both exited 0."""
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / f"{reserved}.yaml"
    path.write_text(text.replace("  id: anytown_example", f"  id: {reserved}"), encoding="utf-8")
    out = tmp_path / "rep"
    result = runner.invoke(
        app,
        ["report", str(path), str(ROOT / "protocols" / "warwickshire.yaml"), "--today", "2026-01-01", "-o", str(out)],
    )
    line = text[: text.index("  id: anytown_example")].count("\n") + 1
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:{line}:7: protocol id '{reserved}' would name its report {reserved}.html")
    assert not out.exists()


def full_disk_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Every write of a file's content from the `call`-th on fails as on a full disk."""
    real, calls = files._write_file, [0]

    def write(path: Path, data: bytes, mode: int) -> None:
        calls[0] += 1
        if calls[0] >= call:
            raise OSError(28, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(files, "_write_file", write)


@pytest.mark.parametrize("existing", [False, True])
def test_a_report_on_a_full_disk_writes_none_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """It wrote the HTML page and then failed on the rest (exit 2)."""
    out = tmp_path / "rep"
    before = {}
    if existing:
        write_folder(out, {"index.html": "old index", "anytown_example.html": "old page"})
        before = {p.name: p.read_bytes() for p in out.iterdir()}
    full_disk_at(monkeypatch, 3)
    result = runner.invoke(app, ["report", str(EXAMPLE), "--today", "2026-01-01", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.endswith(f"\n{out}: cannot write (No space left on device); expected a writable folder\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before if existing else not out.exists()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    monkeypatch.undo()
    again = runner.invoke(app, ["report", str(EXAMPLE), "--today", "2026-01-01", "-o", str(out)])
    assert again.exit_code == 0, again.stderr  # the record still matches what is on disk: no --force needed


def test_stale_temporaries_of_protoverify_are_removed(tmp_path: Path) -> None:
    """A kill -9 left .NAME.XXXX.tmp files that later runs never cleaned."""
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    old = tmp_path / ".out.txt.abcd1234.tmp"  # named as before issue 20: no process id
    old.write_text("part", encoding="utf-8")
    os.utime(old, (1, 1))
    leftovers = [old, tmp_path / f".out.txt.{ended.pid}-abcd1234.tmp", tmp_path / f".rep.{ended.pid}-abcd1234.tmp"]
    leftovers[1].write_text("part", encoding="utf-8")
    leftovers[2].mkdir()
    (leftovers[2] / "index.html").write_text("part", encoding="utf-8")
    kept = [
        tmp_path / ".recent.txt.abcd1234.tmp",  # may belong to a run still writing
        tmp_path / f".mine.txt.{os.getpid()}-abcd1234.tmp",  # this process's own
        tmp_path / ".someone.else.tmp",  # not protoverify's naming
    ]
    for path in kept:
        path.write_text("keep", encoding="utf-8")
    write_atomic(tmp_path / "out.txt", "whole")
    assert not any(p.exists() for p in leftovers)
    assert all(p.exists() for p in kept)


def test_a_kill_between_the_rename_and_the_record_leaves_a_file_protoverify_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It refused its own file until --force (and a full disk while writing the record said 'cannot
    write' for a file it did write)."""
    target = write_atomic(tmp_path / "out.txt", "first")
    real, calls = files._update, [0]

    def killed_after_the_rename(folder: Path, changes) -> None:
        calls[0] += 1
        if calls[0] == 2:  # the update after the rename
            raise KeyboardInterrupt("killed")
        real(folder, changes)

    monkeypatch.setattr(files, "_update", killed_after_the_rename)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "second")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "second" and replaceable(target)

    def disk_full_after_the_rename(folder: Path, changes) -> None:
        calls[0] += 1
        if calls[0] == 4:
            raise OSError(28, "No space left on device")
        real(folder, changes)

    monkeypatch.setattr(files, "_update", disk_full_after_the_rename)
    write_atomic(target, "third")  # written: no error for a file that was written
    assert target.read_text(encoding="utf-8") == "third" and replaceable(target)

    def disk_full_before_the_rename(folder: Path, changes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "_update", disk_full_before_the_rename)
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(target, "fourth")  # not written: said so
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "third" and replaceable(target)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["schema", "export", "extract", "compare", "simulate", "sweep"])
def test_an_output_name_over_255_bytes_is_a_usage_error(tmp_path: Path, name: str) -> None:
    args, target = commands(tmp_path)[name]
    long = target.with_name("é" * 150 + target.suffix)  # 300 bytes in UTF-8
    args = [str(long) if a == str(target) else a for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"{long}: a name in the path is {300 + len(target.suffix)} bytes long;"), (
        result.stderr
    )
    assert not target.parent.exists() or not list(target.parent.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("command", ["simulate", "sweep"])
def test_a_workbook_is_the_same_bytes_a_second_later(tmp_path: Path, command: str) -> None:
    """The attack run found `simulate`/`sweep --format xlsx` differing between runs (document
    properties from the wall clock); the workbook is dated by the inputs, never the clock."""
    import time

    scenario = ROOT / "tests" / "fixtures" / "simulate" / "remand-scenario.yaml"
    args = [command, str(scenario), "--replications", "2", "--format", "xlsx"]
    if command == "sweep":
        args += ["--vary", "demand.remands_per_year=30,40", "--plot", str(tmp_path / "plot.svg")]
    books = []
    for run in ("first", "second"):
        out = tmp_path / f"{run}.xlsx"
        result = runner.invoke(app, [*args, "-o", str(out), "--force"])
        assert result.exit_code == 0, result.output
        books.append(out.read_bytes())
        time.sleep(1.1)  # the properties are dated to the second
    assert books[0] == books[1]


@pytest.mark.slow
def test_non_ascii_file_names_on_an_ascii_terminal(tmp_path: Path) -> None:
    """With PYTHONIOENCODING=ascii a non-ASCII file name was a traceback; it is printed escaped."""
    from conftest import protoverify

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    protocol = tmp_path / "é.yaml"
    protocol.write_bytes(EXAMPLE.read_bytes())
    broken = tmp_path / "bé.yaml"
    broken.write_text("protoverify: 1\nfoo: [\n", encoding="utf-8")
    made = protoverify("export", str(protocol), "--to", "dot", "-o", str(tmp_path / "ü.dot"), env=env)
    assert made.returncode == 0 and "Traceback" not in made.stderr and (tmp_path / "ü.dot").exists(), made.stderr
    refused = protoverify("validate", str(broken), env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert ":3:1: YAML syntax error" in refused.stderr
    missing = protoverify("check", str(tmp_path / "nö.yaml"), env=env)
    assert missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr
