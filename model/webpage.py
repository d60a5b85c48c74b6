"""The shapes of protocols published as chapters of online procedures manuals, copied from the page.

Councils publish their YOS/YJS–CSC protocols as pages of procedures sites. Copied from the browser,
such a page brings text that is not the protocol (web chrome) and structure that plain text loses:

- **chrome lines**: "Skip to content", "Company Logo", "Top of page", a link on its own line, a line
  that repeats itself ("View X Procedures View X Procedures"), "Caption: ...", the site's name
  ("... Procedures Manual"), a date stamp on its own line;
- **blocks of links**: the "Contents" list (its entries come again as the headings of the page) and
  "RELATED CHAPTERS", "RELEVANT GUIDANCE", "See also ..." lists of other chapters;
- **unnumbered headings**: short lines with no closing stop ("Scope of this chapter", "Summary of
  Policy", "AMENDMENT"), which `sourcetext` turns into sections with readable ids
  (`scope-of-this-chapter(a)`);
- **a heading glued to the paragraph before** ("... require services.1. Aims and Principles"),
  split again.

None of this is a duty. The amendment note under "AMENDMENT" ("In November 2017 this chapter was
updated") is kept as text: `frontmatter` reads its date into the metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .document import Line

HEADING_MAX_WORDS = 12
PROSE_WORDS = 12  # a line of at least this many words ending in a stop is prose, not a link or a heading

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
CHROME = re.compile(
    "|".join(
        (
            r"^skip to (?:main )?content$",
            r"^(?:[\w' ]{0,40} )?logo$",
            r"^(?:top of page|back to top|print(?: this page| page)?|menu|search|home|share|cookies)$",
            r"^size: .*view this website",
            r"^caption:",
            r"^[\w' ]{0,60}procedures manual$",
            r"^was this (?:page|information) helpful",
            rf"^{_MONTH} \d{{1,2}},? \d{{4}}$",
            rf"^\d{{1,2}} {_MONTH} \d{{4}}$",
            r"^(?P<twice>.{8,}?)\s*(?P=twice)$",
        )
    ),
    re.IGNORECASE,
)
URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)
CONTENTS = re.compile(r"^(?:table of )?contents:?$", re.IGNORECASE)
LINKS = re.compile(
    r"^(?:related|relevant)\s+(?:chapters?|guidance|documents?|procedures?|information|legislation)\s*:?$"
    r"|^see also\b.*$|^further information:?$",
    re.IGNORECASE,
)
SECTIONS = re.compile(r"^(?:scope of (?:this|the) (?:chapter|procedure|protocol)|amendments?)$", re.IGNORECASE)
"""Section names a procedures site prints on every chapter: headings whatever else surrounds them."""
AMENDMENT = re.compile(r"^amendments?$", re.IGNORECASE)
_GLUED = re.compile(r"(?<=[a-z)][.)])(?=\d{1,2}\.\s+[A-Z][^.;:]{2,80}$)")
_NUMBERING = re.compile(r"^\s*(?:[-•*–]\s+)?(?:\d{1,3}(?:\.\d{1,3})*\.?|appendix \w+:?)\s*", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:[-•*–]\s+)?\d")


def unglued(lines: Sequence[Line]) -> list[Line]:
    """The lines with a numbered heading glued to the end of the line before split off."""
    found = []
    for line in lines:
        parts = _GLUED.split(line.text)
        found.extend(Line(part, line.at, line.heading, line.listed, line.page) for part in parts)
    return found


def is_chrome(text: str) -> bool:
    """Whether a line is web chrome, not part of the protocol."""
    return bool(CHROME.match(text) or URL.match(text))


def is_prose(text: str) -> bool:
    """A line of running text: a sentence of some length that ends in a stop."""
    return len(text.split()) >= PROSE_WORDS and text.rstrip().endswith((".", ":", ";"))


def looks_like_heading(text: str) -> bool:
    """A short line with no closing stop that starts with a capital: "Responsibilities of the YJS"."""
    words = text.split()
    return (
        0 < len(words) <= HEADING_MAX_WORDS
        and text[:1].isupper()
        and not text.rstrip().endswith((".", ",", ";", ":", "?", "!"))
        and any(c.isalpha() for c in text)
    )


def _entry(text: str) -> str:
    """A contents entry or heading without its number, to tell when the page repeats it."""
    return " ".join(_NUMBERING.sub("", text).lower().split())


def without_chrome(lines: Sequence[Line], page: bool) -> list[Line]:
    """The lines of the protocol: chrome lines, the contents list and blocks of links left out. A link
    on its own line is chrome only on a page (`page`) or before the first numbered line."""
    return list(_kept(lines, page))


def _kept(lines: Sequence[Line], page: bool) -> Iterator[Line]:
    block: str | None = None  # "contents" | "links"
    entries: set[str] = set()
    front = True
    for i, line in enumerate(lines):
        text = line.text.strip()
        front = front and not _NUMBERED.match(text)
        if CHROME.match(text) or (URL.match(text) and (page or front)):
            continue
        if CONTENTS.match(text):
            block, entries = "contents", set()
            continue
        if LINKS.match(text):
            block = "links"
            continue
        if block == "contents" and _entry(text) not in entries and not is_prose(text):
            entries.add(_entry(text))
            continue
        if block == "links" and _link(text, lines[i + 1 :]):
            continue
        block = None
        yield line


def _sentence(text: str) -> bool:
    """A line that ends like a sentence (a link to another chapter does not)."""
    return len(text.split()) >= 4 and text.rstrip().endswith((".", ":", ";"))


def _link(text: str, rest: Sequence[Line]) -> bool:
    """In a block of links: whether this line is one more link (not a heading or prose ending the block)."""
    if SECTIONS.match(text) or CONTENTS.match(text) or _sentence(text) or _NUMBERED.match(text):
        return False
    following = next((line.text.strip() for line in rest if line.text.strip()), "")
    return not (looks_like_heading(text) and _sentence(following))


def slug(text: str) -> str:
    """A readable clause id from a heading: lower-case words joined by hyphens, letters only, at most six
    words ("Responsibilities of the YJS" -> "responsibilities-of-the-yjs")."""
    words = re.sub(r"[’']", "", _NUMBERING.sub("", text).lower())
    return "-".join(re.findall(r"[a-z]+", words)[:6]) or "section"
