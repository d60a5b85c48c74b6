"""Small Word and PDF documents built in code, for the tests of reading sources in those formats."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

LIST_ID = 90
LIST_LEVELS = (
    ("decimal", "%1."),  # 1.
    ("decimal", "%1.%2"),  # 1.1
    ("lowerLetter", "%3)"),  # a)
    ("bullet", "•"),
)


def docx_of_lines(path: Path, lines: list[str]) -> Path:
    """A Word document with one plain paragraph per line, as someone pasting a text would make it."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def structured_docx(path: Path, blocks: list[tuple[str, str]]) -> Path:
    """A Word document whose structure carries the numbering: (style, text) blocks, where style is
    "title", "heading N", "list N" (a level of one multi-level numbered list, 0-based), both ("heading 1
    list 0": a numbered heading) or "plain"."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(LIST_LEVELS)
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{LIST_ID}">{levels}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{LIST_ID}"><w:abstractNumId w:val="{LIST_ID}"/></w:num>')
    )
    for style, text in blocks:
        words = style.split()
        if style == "title":
            paragraph = document.add_paragraph(text, style="Title")
        elif "heading" in words:
            paragraph = document.add_heading(text, level=int(words[words.index("heading") + 1]))
        else:
            paragraph = document.add_paragraph(text)
        if "list" in words:
            numbered = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbered.get_or_add_ilvl().val = int(words[words.index("list") + 1])
            numbered.get_or_add_numId().val = LIST_ID
    document.save(str(path))
    return path


def pdf_bytes(pages: list[list[tuple[int, float, str, bool]]]) -> bytes:
    """A PDF with Helvetica text: for each page, lines of (size, y, text, bold) at the left margin."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    parent = len(objects) + 2 * len(pages) + 1
    kids = []
    for lines in pages:
        ops = []
        for size, y, text, heavy in lines:
            quoted = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /{'F2' if heavy else 'F1'} {size} Tf 72 {y} Td ({quoted}) Tj ET")
        stream = "\n".join(ops).encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>" % (parent, content, regular, bold)
            )
        )
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % parent)
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, table)
    return out


def pdf_of_lines(path: Path, pages: list[list[str]], size: int = 11) -> Path:
    """A PDF of plain lines, one page per list, top to bottom."""
    path.write_bytes(pdf_bytes([[(size, 800 - 14 * i, text, False) for i, text in enumerate(page)] for page in pages]))
    return path
