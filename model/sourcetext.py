"""A protocol's plain text, read as clauses: the ids a reader would cite, and the time phrases in them.

`segments(text)` splits a plain-text protocol into the units an encoding must account for, each
with the clause id DESIGN.md prescribes:

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

Headings are structure, not clauses: they are listed but an encoding need not account for them.

`document_time_phrases(text)` lists the time phrases (`model.timephrases`) of every clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .timephrases import TimePhrase, time_phrases

Kind = Literal["heading", "clause", "item", "paragraph", "front", "signature"]

_BULLET = re.compile(r"^\s*(?:[-•*–]\s+)?")
_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})*)\.?(?=\s|$)\s*(?P<text>.*)$")
_LABEL = re.compile(r"^\(?(?P<label>[ivx]{1,5}|[a-z])\)\s+(?P<text>.*)$")
_MARKING = re.compile(r"^(OFFICIAL|OFFICIAL[- ]SENSITIVE|NOT PROTECTIVELY MARKED|UNCLASSIFIED)$")
_SIGNED = re.compile(r"^Signed\b")
_NOT_HEADING = (":", ";", ",", "?")
HEADING_WORDS = 16


@dataclass(frozen=True)
class Segment:
    """One unit of the source text: its clause id, what kind of unit it is, its text and first line."""

    id: str
    kind: Kind
    text: str
    line: int
    parent: str | None = None  # for an item: the clause it is listed under, by position


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def segments(text: str) -> list[Segment]:
    """The clauses, items, headings and unnumbered paragraphs of a plain-text protocol, in order."""
    found: list[Segment] = []
    clauses: set[str] = set()
    owner = "front"  # the id unnumbered paragraphs attach to
    owner_kind: Kind = "front"
    letters: dict[str, int] = {}
    last_clause: str | None = None
    in_signatures = False

    def paragraph(body: str, line: int) -> None:
        kind: Kind = "signature" if in_signatures else "front" if owner_kind == "front" else "paragraph"
        base = "signatures" if in_signatures else owner
        n = letters.get(base, 0)
        letters[base] = n + 1
        found.append(
            Segment(
                f"{base}({_letters(n)})", kind, body, line, parent=None if base in ("front", "signatures") else base
            )
        )

    lines = text.splitlines()
    numbers = [m["number"] if (m := _NUMBER.match(_BULLET.sub("", line, count=1).strip())) else None for line in lines]
    following = {}  # line index -> the number of the next numbered line after it
    upcoming = None
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        upcoming = numbers[index] or upcoming

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or _MARKING.match(stripped):
            continue
        body = _BULLET.sub("", raw, count=1).strip()
        bulleted = body != stripped
        if found and (body[:1].islower() or body[:1] in "(<") and not _LABEL.match(body):
            last = found[-1]
            found[-1] = Segment(last.id, last.kind, f"{last.text} {body}", last.line, last.parent)
            continue
        if _SIGNED.match(body):
            in_signatures = True
        numbered = None if in_signatures else _NUMBER.match(body)
        labelled = None if in_signatures or numbered else _LABEL.match(body)
        if numbered:
            clause_id, rest = numbered["number"], numbered["text"].strip()
            words = len(rest.split())
            opens_section = following[number - 1] == f"{clause_id}.1"
            plain = not bulleted and not rest.endswith(".")
            if words <= HEADING_WORDS and not rest.endswith(_NOT_HEADING) and (opens_section or plain):
                found.append(Segment(clause_id, "heading", rest, number))
                owner, owner_kind = clause_id, "heading"
                continue
            parent_number = clause_id.rpartition(".")[0]
            if parent_number in clauses and last_clause is not None:
                found.append(Segment(clause_id, "item", rest, number, parent=last_clause))
            else:
                found.append(Segment(clause_id, "clause", rest, number))
                last_clause = clause_id
                owner, owner_kind = clause_id, "clause"
            clauses.add(clause_id)
        elif labelled:
            found.append(Segment(f"{owner}({labelled['label']})", "item", labelled["text"], number, parent=owner))
        else:
            paragraph(body, number)
    return found


def clause_ids(text: str) -> list[str]:
    """Every id an encoding must account for (all segments except headings), in document order."""
    return [s.id for s in segments(text) if s.kind != "heading"]


def document_time_phrases(text: str) -> list[TimePhrase]:
    """Every time phrase of a plain-text protocol, with the clause it stands in."""
    return [
        phrase
        for segment in segments(text)
        if segment.kind != "heading"
        for phrase in time_phrases(segment.text, segment.id)
    ]
