"""Reading a protocol's source document from a file of any format people have it in.

The format is told by the file's first bytes, then by its name: a PDF starts `%PDF`, a .docx is a
zip archive; anything else is read as UTF-8 text. Each reader gives a located error (`file: what is
wrong; what was expected`) for a file it cannot read: damaged, encrypted, an old binary .doc, or a
PDF with no text layer (a scanned image).
"""

from __future__ import annotations

from pathlib import Path

from .document import MAX_DOCUMENT_BYTES, WHAT, Document, failure, from_text
from .source import read_bytes, read_text


def read_document(path: str | Path) -> Document:
    """The protocol document at `path` (plain UTF-8 text, a Word .docx or a PDF), or a located `LoadError`."""
    file = Path(path)
    raw = read_bytes(path, WHAT, MAX_DOCUMENT_BYTES)  # (located: missing, not a file, unreadable, too big)
    if raw.startswith(b"%PDF") or file.suffix.lower() == ".pdf":
        from .pdfsource import read_pdf

        return read_pdf(file, raw)
    if raw.startswith(b"PK\x03\x04") or file.suffix.lower() in (".docx", ".docm"):
        from .docxsource import read_docx

        return read_docx(file, raw)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise failure(
            path,
            "an old Word .doc, or a password-protected Word document; expected a .docx without a password "
            "(open it in Word and save it as .docx), a PDF or plain text",
        )
    text = read_text(path, WHAT)
    if not text.strip():
        raise failure(path, f"empty file; expected a {WHAT}")
    return from_text(text, str(path))
