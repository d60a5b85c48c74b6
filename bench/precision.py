"""Precision of the findings: each bundled protocol's findings against its review (tests/review/).

For each bundled protocol, `check` is run as of the date its review was made, and every open finding
(those the author has not accepted, in the judgements file beside it) is looked up in
`tests/review/<protocol>.yaml` (format: properties/review.py). Printed per protocol:
findings (a grouped finding counts once), useful / minor / false / unreviewed, precision (true over
reviewed), the share judged useful, errors judged useful, duplicates (messages repeated word for
word), findings the review has no verdict for, and verdicts on findings no longer reported.

Targets (issue 16): precision at least 90 %, at least half useful, every error useful, at most 60
open findings, no duplicates. Each figure is marked `ok` or `short` against its target.

Run from anywhere:  .venv/bin/python bench/precision.py [PROTOCOL ...]   (exit status 0 whatever the figures)
With --missing, it also prints an `unreviewed` entry for each finding the review has no verdict for,
to paste into the review file and then judge against the text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from protoverify import load_protocol
from protoverify.model.errors import LoadError
from protoverify.properties.check import check
from protoverify.properties.judgements import beside, load_judgements
from protoverify.properties.review import Measure, load_review, measure

ROOT = Path(__file__).resolve().parents[1]
REVIEWS = ROOT / "tests" / "review"
BUNDLED = {
    "stockport-2019": ROOT / "protocols" / "stockport-2019.yaml",
    "warwickshire": ROOT / "protocols" / "warwickshire.yaml",
    "example": ROOT / "protocols" / "examples" / "example.yaml",
}
TARGETS = {"precision": 0.90, "useful": 0.50, "findings": 60}


def run(name: str) -> Measure:
    """The open findings on a bundled protocol, measured against its review."""
    protocol = load_protocol(BUNDLED[name])
    review = load_review(REVIEWS / f"{name}.yaml", protocol.metadata.id)
    judged = beside(BUNDLED[name])  # the author's judgements, as `check` reads them: accepted findings are not open
    judgements = load_judgements(judged, protocol) if judged.exists() else None
    report = check(protocol, today=review.checked_as_of, judgements=judgements)
    return measure(review, report.open, name, review.checked_as_of)


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def mark(met: bool) -> str:
    return "ok" if met else "short"


def lines(m: Measure) -> list[str]:
    """The figures of one protocol, one per line."""
    c, e = m.counts, m.errors
    errors = sum(e.values())
    return [
        f"{m.protocol} (as of {m.today.isoformat()})",
        f"  findings            {m.findings:4d}   {mark(m.findings <= TARGETS['findings'])} (at most 60)",
        f"  useful/minor/false  {c['useful']}/{c['minor']}/{c['false']}   unreviewed {c['unreviewed']}",
        f"  precision           {percent(m.precision):>8}   "
        f"{mark(m.precision is not None and m.precision >= TARGETS['precision'])} (at least 90 %)",
        f"  useful              {percent(m.useful_share):>8}   "
        f"{mark(m.useful_share is not None and m.useful_share >= TARGETS['useful'])} (at least half)",
        f"  errors judged useful {e['useful']} of {errors}   {mark(e['useful'] == errors)} (every error)",
        f"  duplicates          {m.duplicates:4d}   {mark(m.duplicates == 0)} (none)",
        f"  no verdict          {len(m.unjudged):4d}   stale verdicts {len(m.stale)}",
    ]


def stubs(m: Measure) -> list[str]:
    """A review entry, to be judged, for each finding with no verdict."""
    found = []
    for f in m.unjudged:
        found += [
            f'  - id: "{f.id}"  # {f.severity}, {", ".join(f.clauses[:4])}',
            "    verdict: unreviewed",
            "    why: not yet read against the text",
        ]
    return found


def main(args: list[str]) -> int:
    missing = "--missing" in args
    for name in [a for a in args if a != "--missing"] or list(BUNDLED):
        try:
            m = run(name)
        except LoadError as problem:  # a review file (or protocol) that does not load: where, and why
            print("\n".join(map(str, problem.problems)), file=sys.stderr)
            return 2
        print("\n".join(lines(m) + (stubs(m) if missing else [])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
