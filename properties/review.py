"""Reviews: a careful reader's verdict on every finding `check` reports on a protocol, and the
precision they give.

`tests/review/<protocol>.yaml` holds, for each finding on a bundled protocol, its id, a verdict and
one line why, written after reading the finding against the protocol's text:

```yaml
protoverify-review: 1
protocol: anytown_example        # the protocol's metadata id
checked_as_of: 2026-12-04        # the --today the findings were reviewed at
findings:
  - id: "ownership-gap:6e4bfb00e2"
    verdict: useful              # useful | minor | false | unreviewed
    why: 4.3 names no one to tell the child where they will live, and the child waits on it.
```

- **useful**: true, and an author would act on it before sign-off;
- **minor**: true, but an author would shrug at it (drafting, an obvious actor or limit);
- **false**: a careful reader of the text disagrees (the text names the actor or limit, the claimed
  gap cannot happen, or the encoding distorts the clause). A false verdict is fixed in the encoding
  or the check, never by deleting the verdict;
- **unreviewed**: a placeholder until someone has read the finding against the text.

It is read like a protocol file: every problem is located (`file:line:col`). `Review.measure`
compares a run's findings with the verdicts: precision is the share of the reviewed findings that
are true (useful or minor); a grouped finding counts once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from ..model.schema import Date, Element, Id
from ..model.source import MAX_ERRORS, LoadError, Problem, read, validate
from .findings import Finding

Verdict = Literal["useful", "minor", "false", "unreviewed"]
FINDING_ID = re.compile(r"^[a-z-]+:[0-9a-f]{10}$")


def _finding_id(value: str) -> str:
    if not FINDING_ID.match(value):
        raise PydanticCustomError(
            "finding_id",
            f"{value!r} is not a finding id; expected one as `check` prints it, e.g. 'numbering:dbf433202d'",
        )
    return value


class Judged(Element):
    """One finding, by its id, with the reviewer's verdict and why."""

    id: Annotated[str, AfterValidator(_finding_id)] = Field(description="The finding's id, as `check` prints it.")
    verdict: Verdict
    why: str = Field(min_length=1, description="One line: why, read against the protocol's text.")


class Review(Element):
    """A reviewer's verdicts on the findings of one protocol."""

    protoverify_review: Literal[1] = Field(alias="protoverify-review", description="The format version of this file.")
    protocol: Id = Field(description="The id of the protocol reviewed (its metadata id).")
    checked_as_of: Date = Field(description="The date the findings were checked as of (`check --today`).")
    findings: tuple[Judged, ...] = ()

    def verdicts(self) -> dict[str, Judged]:
        return {j.id: j for j in self.findings}


def load_review(path: Path, protocol_id: str | None = None) -> Review:
    """The review in `path` (of the protocol with `protocol_id`, if given), or a located `LoadError`."""
    source = read(path, "review")
    review = validate(Review, source)
    problems = []
    if protocol_id is not None and review.protocol != protocol_id:
        problems.append(Problem(("protocol",), f"this review is of '{review.protocol}'; expected '{protocol_id}'"))
    seen: set[str] = set()
    for i, judged in enumerate(review.findings):
        if judged.id in seen:
            problems.append(Problem(("findings", i, "id"), f"finding '{judged.id}' is judged twice; expected once"))
        seen.add(judged.id)
    if problems:
        raise LoadError(source.locate(problems)[:MAX_ERRORS])
    return review


@dataclass
class Measure:
    """A run's findings against a review: counts by verdict, what is left unjudged, and the figures."""

    protocol: str
    today: dt.date
    counts: Counter = field(default_factory=Counter)  # verdict -> findings
    errors: Counter = field(default_factory=Counter)  # verdict -> findings of severity error
    unjudged: list[Finding] = field(default_factory=list)  # findings the review has no verdict for
    false: list[Finding] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # verdicts on findings the run no longer reports
    duplicates: int = 0  # findings whose message another repeats word for word

    @property
    def findings(self) -> int:
        return sum(self.counts.values()) + len(self.unjudged)

    @property
    def reviewed(self) -> int:
        return sum(self.counts[v] for v in ("useful", "minor", "false"))

    @property
    def precision(self) -> float | None:
        return (self.counts["useful"] + self.counts["minor"]) / self.reviewed if self.reviewed else None

    @property
    def useful_share(self) -> float | None:
        return self.counts["useful"] / self.reviewed if self.reviewed else None


def measure(review: Review, findings: list[Finding], protocol: str, today: dt.date) -> Measure:
    """The open findings of a run, measured against the review's verdicts."""
    verdicts = review.verdicts()
    found = Measure(protocol, today)
    messages = Counter(f.message for f in findings)
    found.duplicates = sum(n - 1 for n in messages.values() if n > 1)
    for f in findings:
        judged = verdicts.get(f.id)
        if judged is None:
            found.unjudged.append(f)
            continue
        found.counts[judged.verdict] += 1
        if f.severity == "error":
            found.errors[judged.verdict] += 1
        if judged.verdict == "false":
            found.false.append(f)
    found.stale = sorted(set(verdicts) - {f.id for f in findings})
    return found
