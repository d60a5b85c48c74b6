"""The user cache (model/usercache.py) and the bank holidays kept in it (model/calendar.py): a hit gives
what was stored, anything else is a miss that is computed again, a folder that cannot be written is
left alone, and a command's output is the same with a cold cache, a warm one and a damaged one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TODAY_ISO

from protoverify.model import calendar, usercache
from protoverify.model.calendar import Calendar

KEY = "some version: some computation"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (XDG_CACHE_HOME), with the calendar's in-process copies of
    the bank holidays forgotten before and after the test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _forget()
    yield tmp_path / "protoverify"
    _forget()


def _forget() -> None:
    calendar._bank_holidays.cache_clear()
    calendar._stored_bank_holidays.cache_clear()


def test_the_folder_honours_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert usercache.folder() == tmp_path / "protoverify"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # (the specification says to ignore it)
    assert usercache.folder() == Path.home() / ".cache" / "protoverify"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert usercache.folder() == Path.home() / ".cache" / "protoverify"


def test_a_stored_value_is_found_for_its_key_only(cache_home: Path) -> None:
    assert usercache.load("things", KEY) is None  # (nothing stored yet)
    usercache.store("things", KEY, {"a": [1, "two"]})
    assert usercache.load("things", KEY) == {"a": [1, "two"]}
    assert usercache.load("things", "another version") is None
    usercache.store("things", KEY, {"b": 3})  # (replaces what was there)
    assert usercache.load("things", KEY) == {"b": 3}
    assert [p.name for p in cache_home.iterdir()] == ["things.json"]  # (no temporary file left)


@pytest.mark.parametrize("damage", [b"", b"{not json", b"\xff\xfe", b"[1, 2]", b'{"value": 1}', b"\0" * 10])
def test_a_damaged_file_is_a_miss(cache_home: Path, damage: bytes) -> None:
    cache_home.mkdir(parents=True)
    (cache_home / "things.json").write_bytes(damage)
    assert usercache.load("things", KEY) is None


def test_an_unreadable_file_is_a_miss(cache_home: Path) -> None:
    (cache_home / "things.json").mkdir(parents=True)  # (reading a folder fails, even as root)
    assert usercache.load("things", KEY) is None


def test_a_folder_that_cannot_be_written_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # (the cache folder cannot be made under a file)
    usercache.store("things", KEY, [1])
    assert usercache.load("things", KEY) is None
    assert blocked.read_text() == "not a folder"


def test_a_read_only_folder_is_left_alone(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usercache.store("things", KEY, [1])

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(usercache.os, "replace", refuse)  # (what a read-only folder says; root may write anyway)
    usercache.store("things", KEY, [2])
    assert usercache.load("things", KEY) == [1]
    assert [p.name for p in cache_home.iterdir()] == ["things.json"]  # (the temporary file removed)
    monkeypatch.setattr(usercache.tempfile, "mkstemp", refuse)
    usercache.store("things", KEY, [3])
    assert usercache.load("things", KEY) == [1]


def test_bank_holidays_are_computed_and_kept(cache_home: Path) -> None:
    ew = Calendar()
    assert ew.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert not ew.is_working_day(date(2026, 12, 28))  # (Boxing Day, on a Saturday, moves to Monday)
    kept = json.loads((cache_home / "bank-holidays.json").read_text(encoding="utf-8"))
    assert kept["key"] == calendar._holidays_key() and kept["key"].startswith("holidays ")
    assert ["2026-12-25", "Christmas Day"] in kept["value"]["ENG 2026"]


def test_kept_bank_holidays_are_used(cache_home: Path) -> None:
    usercache.store("bank-holidays", calendar._holidays_key(), {"ENG 2026": [["2026-03-03", "A day of the test's"]]})
    ew = Calendar()
    assert ew.holiday_name(date(2026, 3, 3)) == "A day of the test's"  # (read from the cache, not computed)
    assert ew.holiday_name(date(2026, 12, 25)) is None
    assert ew.holiday_name(date(2025, 12, 25)) == "Christmas Day"  # (a year not kept: computed, then added)
    kept = usercache.load("bank-holidays", calendar._holidays_key())
    assert set(kept) == {"ENG 2026", "ENG 2025"}


@pytest.mark.parametrize(
    "value",
    [
        {"ENG 2026": [["2026-13-01", "Christmas Day"]]},
        {"ENG 2026": [["2026-12-25", 7]]},
        {"ENG 2026": "2026-12-25"},
        {"ENG 2026": [["2026-12-25"]]},
        [["ENG 2026"]],
    ],
)
def test_kept_bank_holidays_of_another_shape_are_computed_again(cache_home: Path, value: object) -> None:
    usercache.store("bank-holidays", calendar._holidays_key(), value)
    assert Calendar().holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert not Calendar().is_working_day(date(2026, 12, 28))
    assert ["2026-12-25", "Christmas Day"] in usercache.load("bank-holidays", calendar._holidays_key())["ENG 2026"]


def test_bank_holidays_kept_for_another_version_of_holidays_are_not_used(cache_home: Path) -> None:
    usercache.store("bank-holidays", "holidays 0.1: an older computation", {"ENG 2026": [["2026-03-03", "Old"]]})
    assert Calendar().holiday_name(date(2026, 3, 3)) is None


RUN = """
import contextlib, io, json, sys
sys.argv = ["protoverify", *json.loads(sys.argv[1])]
from protoverify.cli import app  # (not main, which ends the process after some commands)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        app()
    except SystemExit:
        pass
print(json.dumps({"holidays": "holidays" in sys.modules, "output": out.getvalue()}))
"""


def _check(cache: Path) -> dict:
    args = ["check", str(EXAMPLE), "--today", TODAY_ISO, "--format", "json"]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    run = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args)], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    return json.loads(run.stdout)


def test_check_says_the_same_with_a_cold_a_warm_and_a_damaged_cache(tmp_path: Path) -> None:
    cold = _check(tmp_path)
    warm = _check(tmp_path)
    assert cold["holidays"] and not warm["holidays"]  # (the second run did not need the holidays package)
    (tmp_path / "protoverify" / "bank-holidays.json").write_text("{damaged", encoding="utf-8")
    damaged = _check(tmp_path)
    assert damaged["holidays"]
    assert cold["output"] == warm["output"] == damaged["output"]
    assert json.loads(cold["output"])["findings"]
