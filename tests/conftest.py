"""Shared test fixtures: the project root, the seed documents, the fixed date, and a CLI runner.

Test modules import the constants directly (`from conftest import ROOT`); the fixtures wrap them for
tests that prefer injection. Tests that take more than a few seconds are marked `slow`
(`make test-fast` leaves them out).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLE = ROOT / "protocols" / "examples" / "example.yaml"
STANDALONE = ROOT / "tests" / "fixtures" / "standalone-example.yaml"
"""The example as written before the England library: a protocol that uses no library, for tests to edit."""
TODAY = dt.date(2026, 11, 23)  # the date the committed findings documents are checked as of (make findings)
TODAY_ISO = TODAY.isoformat()


def protoverify(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run `python -m protoverify ARGS` as a separate process, capturing text output."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run([sys.executable, "-m", "protoverify", *args], **kwargs)


def accepting_one(protocol: Path, folder: Path, kind: str = "vague-deadline") -> Path:
    """A copy of `protocol` in `folder`, with a judgements file beside it that accepts its first open
    finding of `kind` (the bundled protocols accept none, since their re-encoding)."""
    import protoverify as api

    copy = folder / protocol.name
    copy.write_text(protocol.read_text(encoding="utf-8"), encoding="utf-8")
    report = api.check_file(copy, today=TODAY)
    first = next(f for f in report.findings if f.kind == kind)
    (folder / f"{copy.stem}.judgements.yaml").write_text(
        f"protoverify-judgements: 1\nprotocol: {report.protocol.metadata.id}\naccepted:\n"
        f'  - {{id: "{first.id}", reason: accepted for the test}}\n',
        encoding="utf-8",
    )
    return copy


def seed(name: str) -> Path:
    """The path of a seed document, or skip the test with the reason when ../shared/seeds is absent."""
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed document not found at {path} (the shared/ folder is absent in this clone)")
    return path


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def run_cli():
    return protoverify
