"""A protocol's text, read as clauses: the ids a reader would cite, and the time phrases in them.

`segments(source)` splits a protocol (plain text, or a `Document` read from a .docx or .pdf) into
the units an encoding must account for, each with the clause id DESIGN.md prescribes:

- a line that starts with a number (`5.6.1`, `8.15`, `12.`), after any bullet, is **numbered**. It
  is a **heading** when it is short (at most 16 words), does not end in `: ; , ?`, and either the
  next numbered line is its first child (`2.` then `2.1`) or it is not bulleted and does not end in
  `.`; otherwise a **clause**, or an **item** when its number extends the number of a clause before
  it (`8.1.3` under clause `8.1`), as printed, even where the printing is wrong;
- a line that starts with a label such as `i)`, `(a)` or `b)` is an **item** of the clause or
  heading it follows: `11.1(i)`;
- any other line starts an **unnumbered paragraph**, which takes the id of the clause or heading it
  follows and the next letter: `5.9.1(a)`, `5.9.1(b)`. Paragraphs before the first numbered line are
  front matter: `front(a)`, `front(b)` ...; from a line that starts with "Signed" to the end, they
  are the signature block: `signatures(a)` ...;
- a line that starts in lower case, with `(` or with `<` continues the paragraph before it (a
  sentence broken by a page break, a link on its own line);
- government protective markings on a line of their own (`OFFICIAL`) are page furniture, not text.

A document whose numbering gives no clause (an unnumbered procedure page, or one with numbered
headings only) is read as a **page**: web chrome, the contents list and blocks of links are left
out (`model.webpage`), the first short line is the title (front matter), and every later short line
with no closing stop is a **heading** whose words name its section: the paragraphs under
"Responsibilities of the YJS" are `responsibilities-of-the-yjs(a)`, `(b)` ... A heading the
document's structure marks (a Word heading style, large type in a PDF) is a heading in any document;
in a numbered one it does not change the section paragraphs take their number from.

An entry of a list (bulleted, labelled, numbered under its clause, or a line ending in ";" after
one) that follows a line ending in ":" knows that **lead-in** (`Segment.lead`): "In particular, the
YOT will:" gives each entry its actor and force.

Headings are structure, not clauses: they are listed but an encoding need not account for them.

`document_time_phrases(source)` lists the time phrases (`model.timephrases`) of every clause, and
`openings(source)` the first words of each, to show beside its id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .document import Document, Line, as_document
from .timephrases import TimePhrase, time_phrases
from .webpage import SECTIONS, URL, looks_like_heading, slug, unglued, without_chrome

Kind = Literal["heading", "clause", "item", "paragraph", "front", "signature"]

_BULLET = re.compile(r"^\s*(?:[-•*–]\s+)?")
_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})*)\.?(?=\s|$)\s*(?P<text>.*)$")
_LABEL = re.compile(r"^\(?(?P<label>[ivx]{1,5}|[a-z])\)\s+(?P<text>.*)$")
_MARKING = re.compile(r"^(OFFICIAL|OFFICIAL[- ]SENSITIVE|NOT PROTECTIVELY MARKED|UNCLASSIFIED)$")
_SIGNED = re.compile(r"^Signed\b")
_NOT_HEADING = (":", ";", ",", "?")
_OPEN = re.compile(r"(?:[;,]|\b(?:and|or))\s*$", re.IGNORECASE)
HEADING_WORDS = 16


@dataclass(frozen=True)
class Segment:
    """One unit of the source text: its clause id, what kind of unit it is, its text and first line."""

    id: str
    kind: Kind
    text: str
    line: int
    parent: str | None = None  # for an item: the clause it is listed under, by position
    lead: str | None = None  # for an entry of a list: the segment ending in ":" that leads into it


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def segments(source: str | Document) -> list[Segment]:
    """The clauses, items, headings and unnumbered paragraphs of a protocol, in order."""
    lines = [
        line
        for line in unglued(as_document(source).lines)
        if line.text.strip() and not _MARKING.match(line.text.strip())
    ]
    numbers = [_number(line) for line in lines]
    following: list[str | None] = []  # for each line: the number of the next numbered line after it
    upcoming = None
    for number in reversed(numbers):
        following.append(upcoming)
        upcoming = (number and number["number"]) or upcoming
    following.reverse()
    page = not any(
        number and not _is_heading(line, number, after) for line, number, after in zip(lines, numbers, following)
    )
    reader = _Reader(page)
    index = {id(line): i for i, line in enumerate(lines)}
    for line in without_chrome(lines, page):
        reader.read(line, numbers[index[id(line)]], following[index[id(line)]])
    return reader.found


def _number(line: Line) -> re.Match[str] | None:
    return _NUMBER.match(_BULLET.sub("", line.text, count=1).strip())


def _bulleted(line: Line) -> bool:
    stripped = line.text.strip()
    return line.listed or _BULLET.sub("", line.text, count=1).strip() != stripped


def _continues(body: str, line: Line, last: Segment) -> bool:
    """Whether a line continues the segment before it: it starts in lower case, with "(" or with "<", and
    is not a labelled item, a bullet, or an entry of the list the segment before opens or goes on with."""
    if not (body[:1].islower() or body[:1] in "(<") or _LABEL.match(body) or _bulleted(line):
        return False
    listing = last.text.rstrip().endswith(":") or (last.lead is not None and _OPEN.search(last.text))
    return not (listing and body[:1].islower() and not URL.match(body))


def _is_heading(line: Line, numbered: re.Match[str], following: str | None) -> bool:
    """Whether a numbered line is a heading: short, not ending like a clause, opening its section or plain."""
    rest = numbered["text"].strip()
    if line.heading is not None:
        return True
    opens_section = following == f"{numbered['number']}.1"
    plain = not _bulleted(line) and not rest.endswith(".")
    return len(rest.split()) <= HEADING_WORDS and not rest.endswith(_NOT_HEADING) and (opens_section or plain)


class _Reader:
    """Reads lines one by one into segments, keeping the section and list they are in."""

    def __init__(self, page: bool) -> None:
        self.page = page
        self.found: list[Segment] = []
        self.clauses: set[str] = set()
        self.owner = "front"  # the id unnumbered paragraphs attach to
        self.owner_kind: Kind = "front"
        self.letters: dict[str, int] = {}
        self.last_clause: str | None = None
        self.in_signatures = False
        self.lead: str | None = None  # the lead-in the current list entries follow
        self.open_entry = False  # the last entry ends with ";", "and" or "or": the list goes on
        self.sections: set[str] = set()

    def read(self, line: Line, numbered: re.Match[str] | None, following: str | None) -> None:
        body = _BULLET.sub("", line.text, count=1).strip()
        if self.found and _continues(body, line, self.found[-1]):
            last = self.found[-1]
            self.found[-1] = Segment(last.id, last.kind, f"{last.text} {body}", last.line, last.parent, last.lead)
            self.open_entry = last.lead is not None and _OPEN.search(body) is not None
            return
        if _SIGNED.match(body):
            self.in_signatures = True
        numbered = None if self.in_signatures else numbered
        labelled = None if self.in_signatures or numbered else _LABEL.match(body)
        listed = self.lead is not None and (self.open_entry or _OPEN.search(body) is not None)
        entry = _bulleted(line) or labelled is not None or listed
        if numbered:
            self._numbered(line, numbered, following)
        elif labelled:
            self._add(f"{self.owner}({labelled['label']})", "item", labelled["text"], line, self.owner, entry)
        elif not entry and self._heading(line, body):
            return
        else:
            self._paragraph(body, line, entry)

    def _add(self, id: str, kind: Kind, text: str, line: Line, parent: str | None, entry: bool) -> None:
        lead = self.lead if entry else None
        self.found.append(Segment(id, kind, text, line.at, parent, lead))
        self.open_entry = lead is not None and _OPEN.search(text) is not None
        if lead is None:
            self.lead = id if text.rstrip().endswith(":") and kind != "heading" else None

    def _numbered(self, line: Line, numbered: re.Match[str], following: str | None) -> None:
        clause_id, rest = numbered["number"], numbered["text"].strip()
        if _is_heading(line, numbered, following):
            self._add(clause_id, "heading", rest, line, None, False)
            self.owner, self.owner_kind = clause_id, "heading"
            return
        parent_number = clause_id.rpartition(".")[0]
        if parent_number in self.clauses and self.last_clause is not None:
            self._add(clause_id, "item", rest, line, self.last_clause, self.lead == self.last_clause)
        else:
            self._add(clause_id, "clause", rest, line, None, False)
            self.last_clause = clause_id
            self.owner, self.owner_kind = clause_id, "clause"
        self.clauses.add(clause_id)

    def _heading(self, line: Line, body: str) -> bool:
        """Read an unnumbered heading, if the line is one: its words name a section (on a page)."""
        marked = line.heading is not None
        if not marked and not (self.page and looks_like_heading(body)):
            return False
        if not self.found and not SECTIONS.match(body):
            return False  # the title of the document: front matter
        if self.found and self.found[-1].text.rstrip().endswith(":") and not marked:
            return False  # a short entry of the list the line before opens
        name = slug(body)
        while name in self.sections or name in ("front", "signatures"):
            name = f"{name}-{_letters(sum(s.startswith(name) for s in self.sections))}"
        self.sections.add(name)
        self._add(name, "heading", body, line, None, False)
        if self.page:
            self.owner, self.owner_kind = name, "heading"
        return True

    def _paragraph(self, body: str, line: Line, entry: bool) -> None:
        kind: Kind = "signature" if self.in_signatures else "front" if self.owner_kind == "front" else "paragraph"
        base = "signatures" if self.in_signatures else self.owner
        n = self.letters.get(base, 0)
        self.letters[base] = n + 1
        parent = None if base in ("front", "signatures") else base
        self._add(f"{base}({_letters(n)})", kind, body, line, parent, entry)


def clause_ids(source: str | Document) -> list[str]:
    """Every id an encoding must account for (all segments except headings), in document order."""
    return [s.id for s in segments(source) if s.kind != "heading"]


def document_time_phrases(source: str | Document) -> list[TimePhrase]:
    """Every time phrase of a protocol, with the clause it stands in."""
    return [
        phrase
        for segment in segments(source)
        if segment.kind != "heading"
        for phrase in time_phrases(segment.text, segment.id)
    ]


OPENING_WORDS = 8


def opening(text: str) -> str:
    """The first words of a clause, at most eight, as printed: a short quote that identifies it."""
    return " ".join(text.split()[:OPENING_WORDS])


def openings(source: str | Document) -> dict[str, str]:
    """For every clause id an encoding must account for, its opening words ("front(h)": "The YOS
    will ..."), so a report never shows an id alone."""
    return {s.id: opening(s.text) for s in segments(source) if s.kind != "heading"}
