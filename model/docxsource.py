"""A protocol saved as a Word document (.docx), read with python-docx into a `Document`.

Paragraphs and table cells become lines in reading order (a line break inside a paragraph is a
space). The document's structure is read where it has one:

- a paragraph in a heading style ("Heading 1" ... "Heading 9") or with an outline level is a
  heading of that level;
- a paragraph in a numbered list gets the number Word would print, computed from the list's
  definition (`numbering.xml`): "%1.%2" with decimal counters gives "5.6", lettered and roman levels
  give "(a)", "(iv)"; counters restart below a level that moves on, as Word's do;
- a paragraph in a bulleted list (a list whose level prints a bullet, or a "List Bullet" style) is
  a list entry.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import WHAT, Document, Line, failure

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^heading\s*(?P<level>\d)$", re.IGNORECASE)
_LEVEL = re.compile(r"%(\d)")
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def read_docx(path: Path, data: bytes) -> Document:
    """The lines of the Word document `data` (read from `path`), or a located `LoadError`."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        lines = _lines(document)
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError) as problem:
        reason = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        raise failure(
            path, f"not a readable Word document ({reason}); expected a .docx as Word or LibreOffice saves it"
        ) from None
    if not any(line.text.strip() for line in lines):
        raise failure(path, f"the Word document has no text; expected a {WHAT}")
    return Document(str(path), tuple(lines), unit="paragraph")


def _lines(document: Any) -> list[Line]:
    numbering = _Numbering(document)
    return [_line(paragraph, at, numbering) for at, paragraph in enumerate(paragraphs(document), start=1)]


def paragraphs(document: Any) -> list[Any]:
    """The python-docx document's paragraphs in reading order, table cells row by row: the paragraph
    a `Line.at` of the document read from it counts, from 1."""
    from docx.table import Table

    found = []
    for block in document.iter_inner_content():
        found.extend(_cell_paragraphs(block) if isinstance(block, Table) else [block])
    return found


def _cell_paragraphs(table: Any) -> list[Any]:
    """The paragraphs of a table, row by row, each merged cell once."""
    seen: set[int] = set()
    found = []
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                found.extend(cell.paragraphs)
    return found


def _line(paragraph: Any, at: int, numbering: _Numbering) -> Line:
    text = " ".join(paragraph.text.split("\n")).strip()
    style = paragraph.style
    level = _heading_level(paragraph, style)
    number, bullet = numbering.label(paragraph, style) if text else (None, False)
    if number:
        text = f"{number} {text}"
    bulleted_style = style is not None and "bullet" in (style.name or "").lower()
    return Line(text, at, heading=level, listed=(bullet or bulleted_style) and number is None and level is None)


def _heading_level(paragraph: Any, style: Any) -> int | None:
    """The outline level of a heading paragraph (1 = top), or None."""
    name = style.name if style is not None else ""
    match = _HEADING_STYLE.match(name or "")
    if match:
        return int(match["level"])
    for properties in (paragraph._p.pPr, style.element.pPr if style is not None else None):
        outline = properties.find(f"{_W}outlineLvl") if properties is not None else None
        if outline is not None and outline.get(f"{_W}val", "9").isdigit() and int(outline.get(f"{_W}val")) < 9:
            return int(outline.get(f"{_W}val")) + 1
    return None


@dataclass
class _Level:
    """One level of a list definition: how its counter prints."""

    format: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """The list definitions of a document, and the counters Word keeps while it prints them."""

    document: Any
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> level -> definition
    lists: dict[str, str] = field(default_factory=dict)  # numId -> the abstract list it counts in
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # abstract list -> level -> count

    def __post_init__(self) -> None:
        try:
            root = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): _levels(a) for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            key = ref.get(f"{_W}val") if ref is not None else None
            levels = dict(abstract.get(key, {}))
            for override in num.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                ilvl = int(override.get(f"{_W}ilvl", "0"))
                if start is not None and ilvl in levels:
                    levels[ilvl] = _Level(levels[ilvl].format, levels[ilvl].text, int(start.get(f"{_W}val", "1")))
            self.levels[num.get(f"{_W}numId")] = levels
            self.lists[num.get(f"{_W}numId")] = f"{key}:{num.get(f'{_W}numId')}"

    def label(self, paragraph: Any, style: Any) -> tuple[str | None, bool]:
        """The number Word prints before the paragraph (None if none), and whether it is a bullet."""
        num_id, ilvl = _list_of(paragraph, style)
        levels = self.levels.get(num_id or "", {})
        if num_id is None or num_id == "0" or ilvl not in levels:
            return None, False
        level = levels[ilvl]
        if level.format == "bullet":
            return None, True
        if level.format == "none":
            return None, False
        counts = self.counters.setdefault(self.lists[num_id], {})
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        return _printed(level, levels, counts), False


def _levels(abstract: Any) -> dict[int, _Level]:
    found = {}
    for lvl in abstract.iter(f"{_W}lvl"):
        fmt, text, start = lvl.find(f"{_W}numFmt"), lvl.find(f"{_W}lvlText"), lvl.find(f"{_W}start")
        found[int(lvl.get(f"{_W}ilvl", "0"))] = _Level(
            fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
            text.get(f"{_W}val", "") if text is not None else "",
            int(start.get(f"{_W}val", "1")) if start is not None else 1,
        )
    return found


def _list_of(paragraph: Any, style: Any) -> tuple[str | None, int]:
    """The list (numId) and level a paragraph is in: its own numbering, else its style's."""
    for properties in (paragraph._p.pPr, style.element.pPr if style is not None else None):
        num = properties.find(f"{_W}numPr") if properties is not None else None
        if num is not None:
            num_id, ilvl = num.find(f"{_W}numId"), num.find(f"{_W}ilvl")
            if num_id is not None:
                return num_id.get(f"{_W}val"), int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
    return None, 0


def _printed(level: _Level, levels: dict[int, _Level], counts: dict[int, int]) -> str:
    """The label as printed: "%1.%2." with the counters; a lettered or roman level as "(a)", "(iv)"."""
    if level.format in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman"):
        ilvl = max(counts)
        return f"({_format(level.format, counts[ilvl])})"
    printed = _LEVEL.sub(
        lambda m: _format(levels.get(int(m[1]) - 1, level).format, counts.get(int(m[1]) - 1, 1)), level.text
    )
    return printed.strip() or str(counts[max(counts)])


def _format(kind: str, n: int) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        letters = ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters
    if kind in ("lowerRoman", "upperRoman"):
        out = ""
        for value, numeral in _ROMAN:
            while n >= value:
                out, n = out + numeral, n - value
        return out
    return str(n)
