"""What a protocol's front matter says about it: its title, its agreed and review dates, and (on a
page of a procedures site) when the page was last amended ("In March 2024 this chapter was updated"),
which becomes the draft's `version`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .parties import mentions
from .sourcetext import HEADING_WORDS, Segment

TITLE_WORDS = re.compile(
    r"\b(?:protocol|agreement|principles|memorandum of understanding|joint working|procedures?)\b", re.IGNORECASE
)
TITLE_MAX_WORDS = 25
DATE_LABELS = {
    "agreed": re.compile(r"^(?:date\s+)?(?:agreed|approved|signed\s+off)(?:\s+on)?\s*:\s*(?P<date>.+)$", re.IGNORECASE),
    "review": re.compile(
        r"^(?:review\s+date|date\s+of\s+(?:next\s+)?review|next\s+review(?:\s+date)?|review)\s*:\s*(?P<date>.+)$",
        re.IGNORECASE,
    ),
}
DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)


def parse_date(words: str) -> dt.date | None:
    """A date written as "20th March 2019", "20 March 2019", "March 20, 2019", "20/03/2019" or ISO."""
    cleaned = " ".join(_ORDINAL.sub("", words.replace(",", " ")).split()).rstrip(".")
    for layout in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, layout).date()
        except ValueError:
            continue
    return None


@dataclass
class Metadata:
    """What the front matter and signature block say about the protocol."""

    title: str | None = None
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    clauses: list[str] = field(default_factory=list)
    version: str | None = None  # from an amendment note: "updated March 2024"
    amendment: str | None = None  # the words of that note


_MONTH_YEAR = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}"
_DONE = r"(?:(?:extensively|entirely|fully|substantially)\s+)?(?:reviewed|revised|updated|amended|added|published)"
AMENDED = re.compile(
    rf"\b(?P<verb>{_DONE}(?:\s+and\s+{_DONE})?)\b[^.]*?\b(?P<when>{_MONTH_YEAR})"
    rf"|\bin\s+(?P<when_first>{_MONTH_YEAR}),?\s+this\s+(?:chapter|procedure|protocol|page|guidance)\s+was\s+"
    rf"(?P<verb_after>{_DONE}(?:\s+and\s+{_DONE})?)",
    re.IGNORECASE,
)
"""An amendment note: "This chapter was reviewed and updated in January 2025", "In March 2024 this
chapter was updated"."""


def metadata(found: list[Segment]) -> Metadata:
    """The title, the agreed and review dates and the last amendment, with the segments they come from."""
    meta = Metadata()
    _title(meta, [s for s in found if s.kind == "front"])
    _dates(meta, found)
    _amendment(meta, found)
    return meta


def _title(meta: Metadata, front: list[Segment]) -> None:
    for i, segment in enumerate(front):
        if (
            meta.title is None
            and TITLE_WORDS.search(segment.text)
            and segment.text[:1] not in "\"'“‘"
            and len(segment.text.split()) <= TITLE_MAX_WORDS
        ):
            meta.title, meta.clauses = segment.text, [segment.id]
            previous = front[i - 1] if i else None
            if (
                not mentions(segment.text)
                and previous is not None
                and mentions(previous.text)
                and len(previous.text.split()) <= HEADING_WORDS
            ):
                meta.title, meta.clauses = f"{previous.text}: {segment.text}", [previous.id, segment.id]


def _dates(meta: Metadata, found: list[Segment]) -> None:
    for segment in (s for s in found if s.kind in ("front", "signature")):
        for key, label in DATE_LABELS.items():
            written = label.match(segment.text)
            if written and key not in meta.dates:
                meta.dates[key] = parse_date(written["date"])
                meta.clauses.append(segment.id)
                if meta.dates[key] is None:
                    meta.notes[key] = f"'{written['date'].strip()}' is not a full date"


def _amendment(meta: Metadata, found: list[Segment]) -> None:
    """The last amendment a front-matter paragraph or the page's "Amendment" section records."""
    for segment in found:
        if segment.kind != "front" and (segment.parent or "").rstrip("s") != "amendment":
            continue
        note = AMENDED.search(segment.text)
        if note is not None:
            verb = " ".join((note["verb"] or note["verb_after"]).lower().split())
            meta.version = f"{verb} {note['when'] or note['when_first']}"
            meta.amendment = segment.text
            meta.clauses.append(segment.id)
            return
