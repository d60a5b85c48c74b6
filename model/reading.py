"""Reading a protocol's source document from a file of any format people have it in.

The format is told by the file's first bytes, then by its name: a PDF starts `%PDF`, a .docx is a
zip archive; anything else is read as UTF-8 text. Each reader gives a located error (`file: what is
wrong; what was expected`) for a file it cannot read: damaged, encrypted, an old binary .doc, or a
PDF with no text layer (a scanned image).
"""

from __future__ import annotations

from pathlib import Path

from .document import MAX_DOCUMENT_BYTES, WHAT, Document, failure, from_text
from .source import read_text


def read_document(path: str | Path) -> Document:
    """The protocol document at `path` (plain UTF-8 text, a Word .docx or a PDF), or a located `LoadError`."""
    file = Path(path)
    if not file.is_file():
        read_text(path, WHAT)  # the located "file not found" or "not a file"
    with file.open("rb") as stream:
        start = stream.read(8)
    if start.startswith(b"%PDF") or file.suffix.lower() == ".pdf":
        from .pdfsource import read_pdf

        return read_pdf(file, _bytes(file))
    if start.startswith(b"PK\x03\x04") or file.suffix.lower() in (".docx", ".docm"):
        from .docxsource import read_docx

        return read_docx(file, _bytes(file))
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise failure(
            path,
            "an old Word .doc, or a password-protected Word document; expected a .docx without a password "
            "(open it in Word and save it as .docx), a PDF or plain text",
        )
    text = read_text(path, WHAT)
    if not text.strip():
        raise failure(path, f"empty file; expected a {WHAT}")
    return from_text(text, str(path))


def _bytes(file: Path) -> bytes:
    size = file.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise failure(file, f"file is {size:,} bytes; expected a {WHAT} of at most {MAX_DOCUMENT_BYTES:,} bytes")
    return file.read_bytes()
