"""A protocol's source document as lines of text, with the structure its format gives.

People have their protocols as plain text, Word documents or PDFs; `model.reading.read_document`
reads any of them into one `Document`: its lines in reading order, each with where it stands in the file (a
line of a text file or a PDF, a paragraph of a Word document) and, where the format marks it, that
it is a heading (and its level) or an entry of a bulleted list. Numbers that Word generates for a
numbered list are written into the line's text as they would be printed ("5.6.1 The YOS will ..."),
so that clause ids come out the same whichever format a protocol arrives in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .source import LoadError, Located

WHAT = "protocol document (plain text, .docx or .pdf)"
MAX_DOCUMENT_BYTES = 50_000_000


@dataclass(frozen=True)
class Line:
    """One line of a source document: its text, where it is, and what the document's structure says."""

    text: str
    at: int  # the line (text, PDF) or paragraph (Word) it is, counting from 1
    heading: int | None = None  # the outline level the document gives it (1 = top), if it is a heading
    listed: bool = False  # an entry of a bulleted list, as the document marks it
    page: int | None = None  # for a PDF: the page it is on


@dataclass(frozen=True)
class Document:
    """A source document: its name, its lines, and what `Line.at` counts in it."""

    name: str
    lines: tuple[Line, ...]
    unit: str = "line"  # line | paragraph

    def where(self, at: int) -> str:
        """Where position `at` is, in the document's own terms: "line 12", "paragraph 12", "page 2"."""
        page = next((line.page for line in self.lines if line.at == at and line.page is not None), None)
        return f"page {page}" if page is not None else f"{self.unit} {at}"

    @property
    def text(self) -> str:
        """The document's text, a line of it to a line."""
        return "\n".join(line.text for line in self.lines)


def from_text(text: str, name: str = "") -> Document:
    """A plain text as a document: one `Line` per line, with no structure beyond the words."""
    return Document(name, tuple(Line(words, at) for at, words in enumerate(text.splitlines(), start=1)))


def as_document(source: str | Document) -> Document:
    """A document, or a plain text read as one."""
    return source if isinstance(source, Document) else from_text(source)


def failure(path: str | Path, message: str) -> LoadError:
    """A located error about the whole file."""
    return LoadError([Located(str(path), 0, 0, message)])
