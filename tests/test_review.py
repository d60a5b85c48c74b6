"""Precision, measured honestly: every finding on a bundled protocol has a reviewer's verdict in
tests/review/<protocol>.yaml, none judged false is reported, and the review files load with located
errors (format: properties/review.py).

A verdict of `unreviewed` is a placeholder, and fails: every finding on the bundled protocols has
been read against their text (the seeds' by a blind reviewer, December 2026).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from protoverify import load_protocol
from protoverify.model.source import LoadError
from protoverify.properties.check import check
from protoverify.properties.judgements import beside, load_judgements
from protoverify.properties.review import load_review, measure

REVIEWS = ROOT / "tests" / "review"
BUNDLED = {
    "example": ROOT / "protocols" / "examples" / "example.yaml",
    "stockport-2019": ROOT / "protocols" / "stockport-2019.yaml",
    "warwickshire": ROOT / "protocols" / "warwickshire.yaml",
}


def measured(name: str):
    protocol = load_protocol(BUNDLED[name])
    review = load_review(REVIEWS / f"{name}.yaml", protocol.metadata.id)
    judged = beside(BUNDLED[name])  # accepted findings are not open
    judgements = load_judgements(judged, protocol) if judged.exists() else None
    report = check(protocol, today=review.checked_as_of, judgements=judgements)
    return measure(review, report.open, name, review.checked_as_of)


def verdicts_hold(name: str) -> None:
    m = measured(name)
    missing = "\n".join(f"  - id: {f.id!r}  # {f.kind}, {', '.join(f.clauses[:3])}" for f in m.unjudged)
    assert not m.unjudged, (
        f"findings with no verdict in tests/review/{name}.yaml (read each against the text):\n{missing}"
    )
    assert not m.false, f"findings judged false are reported: {[f.id for f in m.false]}; fix the encoding or the check"
    assert not m.counts["unreviewed"], f"{m.counts['unreviewed']} findings of {name} are still unreviewed"


def test_every_finding_on_the_example_has_a_verdict_and_none_is_false() -> None:
    verdicts_hold("example")
    m = measured("example")
    assert m.counts["unreviewed"] == 0, "the example's findings are reviewed"
    assert m.errors["useful"] == sum(m.errors.values()), "every error on the example is judged useful"
    assert m.duplicates == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["stockport-2019", "warwickshire"])
def test_every_finding_on_a_seed_has_a_verdict_and_none_is_false(name: str) -> None:
    verdicts_hold(name)


def test_the_precision_figures_are_printed(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "precision.py"), "example"], capture_output=True, text=True, check=True
    )
    assert "example (as of 2026-12-04)" in result.stdout and "precision" in result.stdout
    m = measured("example")  # the figures the bench prints are the review file's, counted
    assert f"useful/minor/false  {m.counts['useful']}/{m.counts['minor']}/{m.counts['false']}" in result.stdout
    assert "errors judged useful 1 of 1" in result.stdout


# --- the file format ----------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "review.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "protoverify-review: 1\nprotocol: anytown_example\nchecked_as_of: 2026-12-04\nfindings:\n"


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        ('  - {id: "review-overdue:85e1eeba0f", verdict: wrong, why: x}\n', ":5:", "'useful', 'minor', 'false'"),
        ('  - {id: "review-overdue:85e1eeba0f", verdict: useful}\n', ":5:", "why"),
        ('  - {id: "not an id", verdict: useful, why: x}\n', ":5:", "is not a finding id"),
        (
            '  - {id: "review-overdue:85e1eeba0f", verdict: useful, why: x}\n'
            '  - {id: "review-overdue:85e1eeba0f", verdict: minor, why: y}\n',
            ":6:",
            "judged twice",
        ),
    ],
)
def test_a_bad_review_file_is_a_located_error(tmp_path: Path, body: str, where: str, what: str) -> None:
    with pytest.raises(LoadError) as raised:
        load_review(write(tmp_path, HEAD + body), "anytown_example")
    message = str(raised.value)
    assert message.startswith(str(tmp_path / "review.yaml")) and where in message and what in message


def test_a_review_of_another_protocol_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="this review is of 'anytown_example'; expected 'stockport_2019'"):
        load_review(write(tmp_path, HEAD.replace("findings:\n", "findings: []\n")), "stockport_2019")
