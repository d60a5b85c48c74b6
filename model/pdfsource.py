"""A protocol saved as a PDF, read with pypdf into a `Document`.

A PDF keeps positioned text, not paragraphs, so its lines are rebuilt: the text of each page in
reading order, a line of the page to a `Line`, with

- page furniture left out: page numbers ("Page 3 of 12", "- 3 -", "3") and a running header or
  footer, a line printed on more than half of the pages;
- a line broken by the page width joined to the next: a line as long as most lines of its page
  that does not end a sentence, a clause or a list entry continues on the next line (a word hyphenated
  at the end of a line is joined again);
- a heading where the type says so: a short line set larger than the body text, or wholly in bold
  (the level from its size: the largest is 1).

Errors are located to the file (and page): a damaged file, one encrypted with a password, and one with
no text layer at all (a scanned image) each say what was expected.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document, Line, failure

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.IGNORECASE)
_ENDS = (".", ":", ";", "?", "!")
_BULLETS = ("•", "- ", "– ", "* ", "◦", "▪")
HEADING_WORDS = 16
LARGER = 1.15  # a heading is set at least this much larger than the body text
WIDE = 0.7  # a line at least this share of its page's longest line runs on when it does not end a sentence


@dataclass
class _Run:
    """One line as pypdf lays it out: its text, the largest type in it, and whether all of it is bold."""

    text: str = ""
    size: float = 0.0
    bold: bool = True
    page: int = 0


def read_pdf(path: Path, data: bytes) -> Document:
    """The lines of the PDF `data` (read from `path`), or a located `LoadError`. pypdf's own log of what
    it repaired is kept quiet: a problem it cannot get past is reported, once, as a located error."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return _read(path, data)
    finally:
        log.setLevel(level)


def _read(path: Path, data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opened(reader):
            raise failure(path, "the PDF is encrypted with a password; expected a PDF that opens without one")
        pages = list(reader.pages)
    except DependencyError:
        raise failure(path, "the PDF is encrypted; expected a PDF that opens without a password") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as problem:
        raise failure(
            path, f"a damaged PDF ({_reason(problem)}); expected a PDF as a word processor saves it"
        ) from None
    runs: list[_Run] = []
    for number, page in enumerate(pages, start=1):
        try:
            runs.extend(_runs(page, number))
        except Exception as problem:  # pypdf raises many kinds on a broken content stream
            reason = _reason(problem)
            raise failure(path, f"page {number}: its text cannot be read ({reason}); expected a readable PDF") from None
    runs = [r for r in runs if r.text.strip()]
    if not runs:
        raise failure(
            path,
            f"no text in any of its {len(pages)} page(s), as in a scanned image; expected a PDF with selectable "
            "text (export it again from the original, or run it through text recognition first)",
        )
    return Document(str(path), tuple(_lines(_without_furniture(runs, len(pages)))))


def _opened(reader: Any) -> bool:
    """Whether an encrypted PDF opens with the empty password (protected against editing only)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several kinds for a password it cannot try
        return False


def _reason(problem: Exception) -> str:
    words = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
    return words[:120]


def _runs(page: Any, number: int) -> list[_Run]:
    runs = [_Run(page=number)]

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        for i, part in enumerate(text.split("\n")):
            if i:
                runs.append(_Run(page=number))
            if part.strip():
                run = runs[-1]
                run.text += part
                scale = abs(tm[3] or 1) * abs(cm[3] or 1) if tm and cm else 1
                run.size = max(run.size, round(size * scale, 1))
                run.bold = run.bold and "bold" in str((font or {}).get("/BaseFont", "")).lower()

    page.extract_text(visitor_text=visit)
    for run in runs:
        run.text = " ".join(run.text.split())
    return runs


def _without_furniture(runs: list[_Run], pages: int) -> list[_Run]:
    """The runs less page numbers and the lines printed on more than half of the pages."""
    on_pages = Counter(text for text, _ in {(r.text, r.page) for r in runs})
    repeated = {text for text, n in on_pages.items() if pages > 1 and n > pages / 2}
    return [r for r in runs if not _PAGE_NUMBER.match(r.text) and r.text not in repeated]


def _lines(runs: list[_Run]) -> list[Line]:
    sizes: Counter[float] = Counter()
    for run in runs:
        sizes[run.size] += len(run.text)
    body = sizes.most_common(1)[0][0]
    larger = sorted({r.size for r in runs if r.size >= body * LARGER}, reverse=True)
    widest = {page: max(len(r.text) for r in runs if r.page == page) for page in {r.page for r in runs}}
    lines: list[Line] = []
    previous: _Run | None = None
    for at, run in enumerate(runs, start=1):
        level = _heading(run, body, larger)
        if previous is not None and lines and lines[-1].heading is None and level is None and _runs_on(previous, run):
            last = lines[-1]
            text = (
                last.text[:-1] + run.text
                if last.text.endswith("-") and run.text[:1].islower()
                else last.text + " " + run.text
            )
            lines[-1] = Line(text, last.at, page=last.page)
        else:
            lines.append(Line(run.text, at, heading=level, page=run.page))
        previous = run if len(run.text) >= WIDE * widest[run.page] else None
    return lines


def _heading(run: _Run, body: float, larger: list[float]) -> int | None:
    words = run.text.split()
    if len(words) > HEADING_WORDS or run.text.endswith((".", ";", ",")):
        return None
    if run.size in larger:
        return larger.index(run.size) + 1
    if run.bold and run.size >= body and not run.text.startswith(_BULLETS):
        return len(larger) + 1
    return None


def _runs_on(previous: _Run, run: _Run) -> bool:
    """Whether `run` continues the line before it, broken only by the page width."""
    return not previous.text.endswith(_ENDS) and not run.text.startswith(_BULLETS)


def _join(first: str, second: str) -> str:
    """Two parts of a line broken by the page width; a word hyphenated at the break is whole again."""
    if first.endswith("-") and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"
