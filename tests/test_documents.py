"""Sources as people have them: Word documents and PDFs read into the same clauses as plain text, with
numbering, headings and lists taken from the document's structure, and located errors for files that
cannot be read."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import SEEDS
from conftest import protoverify as run
from documents import docx_of_lines, pdf_bytes, pdf_of_lines, structured_docx

from protoverify import load_protocol
from protoverify.model.extract import extract
from protoverify.model.reading import read_document
from protoverify.model.source import LoadError
from protoverify.model.sourcetext import segments
from protoverify.reports.coverage import coverage

ROOT = Path(__file__).resolve().parents[1]
STOCKPORT = "stockport-yos-csc-principles-2019.txt"


def ids(source) -> list[tuple[str, str]]:
    return [(s.id, s.kind) for s in segments(source)]


# --- Word ----------------------------------------------------------------------------------------


def test_word_numbering_headings_and_lists_come_from_the_structure(tmp_path: Path) -> None:
    path = structured_docx(
        tmp_path / "protocol.docx",
        [
            ("title", "Anytown YOS and CSC Protocol"),
            ("plain", "Agreed: 1 April 2024"),
            ("heading 1 list 0", "Introduction"),
            ("list 1", "The YOS will notify CSC within 24 hours of a remand."),
            ("list 1", "The social worker must ensure:"),
            ("list 2", "that the child is visited;"),
            ("list 2", "that the plan is shared."),
            ("heading 1 list 0", "Custody"),
            ("list 1", "The YOS will:"),
            ("list 3", "Check the record"),
            ("list 3", "Attend the review"),
        ],
    )
    document = read_document(path)
    assert document.unit == "paragraph" and document.where(4) == "paragraph 4"
    assert [line.text for line in document.lines][2:6] == [
        "1. Introduction",
        "1.1 The YOS will notify CSC within 24 hours of a remand.",
        "1.2 The social worker must ensure:",
        "(a) that the child is visited;",
    ]
    found = segments(document)
    assert [(s.id, s.kind) for s in found] == [
        ("front(a)", "front"),
        ("front(b)", "front"),
        ("1", "heading"),
        ("1.1", "clause"),
        ("1.2", "clause"),
        ("1.2(a)", "item"),
        ("1.2(b)", "item"),
        ("2", "heading"),
        ("2.1", "clause"),
        ("2.1(a)", "paragraph"),
        ("2.1(b)", "paragraph"),
    ]
    assert {s.id: s.lead for s in found}["2.1(b)"] == "2.1"  # a bullet of the list, from its list style


def test_an_unnumbered_heading_style_names_its_section(tmp_path: Path) -> None:
    path = structured_docx(
        tmp_path / "page.docx",
        [
            ("title", "Joint working between the YJS and Children's Services"),
            ("heading 2", "Responsibilities of the YJS"),
            ("plain", "The YJS will tell the social worker of any arrest."),
            ("plain", "The YJS will share its assessment."),
        ],
    )
    assert ids(read_document(path)) == [
        ("front(a)", "front"),
        ("responsibilities-of-the-yjs", "heading"),
        ("responsibilities-of-the-yjs(a)", "paragraph"),
        ("responsibilities-of-the-yjs(b)", "paragraph"),
    ]


def test_tables_are_read_cell_by_cell(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("1.1 The contacts are:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "YOS duty officer", "0100 000 000"
    table.cell(1, 0).text, table.cell(1, 1).text = "EDT", "0100 000 001"
    document.save(str(tmp_path / "t.docx"))
    texts = [line.text for line in read_document(tmp_path / "t.docx").lines]
    assert texts == ["1.1 The contacts are:", "YOS duty officer", "0100 000 000", "EDT", "0100 000 001"]


@pytest.mark.slow
def test_stockport_as_a_word_document_gives_the_same_coverage_as_its_text(tmp_path: Path) -> None:
    if not (SEEDS / STOCKPORT).exists():
        pytest.skip(f"seed documents not found at {SEEDS} (they live outside the repository)")
    text = (SEEDS / STOCKPORT).read_text(encoding="utf-8")
    path = docx_of_lines(tmp_path / "stockport.docx", text.splitlines())
    protocol = load_protocol(ROOT / "protocols" / "stockport-2019.yaml")

    def plain(measured) -> dict:
        found = measured.to_json()
        for clause in found["clauses"]:
            clause.pop("where")
        return found

    from_word, from_text = coverage(protocol, read_document(path)), coverage(protocol, text)
    assert plain(from_word) == plain(from_text) and from_word.complete
    assert from_word.clauses[0].where == f"paragraph {from_text.clauses[0].line}"


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_lines_lose_page_furniture_and_join_where_the_page_broke_them(tmp_path: Path) -> None:
    long = "1.1 The YOS will notify Children's Social Care of every remand to youth detention within"
    pages = [
        [
            (16, 800, "Anytown Protocol", True),
            (11, 770, long, False),
            (11, 756, "24 hours of the court's decision.", False),
            (11, 742, "1.2 CSC will confirm a placement.", False),
            (9, 40, "Anytown YOS and CSC, version 2", False),
            (9, 28, "Page 1 of 2", False),
        ],
        [
            (13, 800, "2 Custody", True),
            (11, 770, "2.1 The social worker will visit within ten working days.", False),
            (9, 40, "Anytown YOS and CSC, version 2", False),
            (9, 28, "Page 2 of 2", False),
        ],
    ]
    (tmp_path / "p.pdf").write_bytes(pdf_bytes(pages))
    document = read_document(tmp_path / "p.pdf")
    assert [(line.text, line.heading, line.page) for line in document.lines] == [
        ("Anytown Protocol", 1, 1),
        (f"{long} 24 hours of the court's decision.", None, 1),
        ("1.2 CSC will confirm a placement.", None, 1),
        ("2 Custody", 2, 2),
        ("2.1 The social worker will visit within ten working days.", None, 2),
    ]
    assert ids(document) == [
        ("front(a)", "front"),
        ("1.1", "clause"),
        ("1.2", "clause"),
        ("2", "heading"),
        ("2.1", "clause"),
    ]
    assert document.where(document.lines[-1].at) == "page 2"


def test_a_pdf_reads_like_the_same_text(tmp_path: Path) -> None:
    lines = ["1 Remands", "1.1 The YOS will notify CSC as soon as possible.", "1.2 CSC will visit within 2 days."]
    assert ids(read_document(pdf_of_lines(tmp_path / "r.pdf", [lines]))) == ids("\n".join(lines))


# --- files that cannot be read ---------------------------------------------------------------------


def _problem(path: Path) -> str:
    with pytest.raises(LoadError) as raised:
        read_document(path)
    (problem,) = raised.value.problems
    assert problem.file == str(path)
    return str(problem)


def test_a_damaged_word_document_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip archive")
    assert _problem(path).startswith(f"{path}: not a readable Word document")
    assert "expected a .docx" in _problem(path)


def test_a_zip_that_is_not_a_word_document_is_a_located_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    (tmp_path / "other.docx").write_bytes(buffer.getvalue())
    assert "not a readable Word document" in _problem(tmp_path / "other.docx")


def test_an_old_or_protected_word_file_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "save it as .docx" in _problem(path)


def test_a_word_document_without_text_is_a_located_error(tmp_path: Path) -> None:
    assert "has no text" in _problem(docx_of_lines(tmp_path / "empty.docx", ["", "  "]))


def test_a_damaged_pdf_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    message = _problem(path)
    assert message.startswith(f"{path}: ") and ("damaged PDF" in message or "no text" in message)


def test_an_encrypted_pdf_is_a_located_error(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes([[(11, 800, "1.1 The YOS will act.", False)]]))).pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(str(tmp_path / "locked.pdf"))
    assert "encrypted" in _problem(tmp_path / "locked.pdf") and "without" in _problem(tmp_path / "locked.pdf")


def test_a_pdf_of_scanned_images_says_it_has_no_text(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(pdf_bytes([[], []]))
    message = _problem(tmp_path / "scan.pdf")
    assert "no text in any of its 2 page(s)" in message and "text recognition" in message


# --- the commands ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_extract_coverage_and_report_take_word_and_pdf(tmp_path: Path) -> None:
    lines = [
        "Anytown YOS and CSC Protocol",
        "1 Remands",
        "1.1 The YOS will notify CSC within 24 hours of a remand.",
        "1.2 The social worker should visit the child.",
        "1.3 The services share a commitment to children.",
    ]
    word = docx_of_lines(tmp_path / "anytown.docx", lines)
    pdf = pdf_of_lines(tmp_path / "anytown.pdf", [lines])
    assert extract(word) == extract(pdf).replace("anytown.pdf", "anytown.docx")
    drafted = run("extract", str(word), "-o", str(tmp_path / "anytown.yaml"))
    assert drafted.returncode == 0, drafted.stderr
    measured = run("coverage", str(tmp_path / "anytown.yaml"), "--source", str(pdf), "--format", "json")
    result = json.loads(measured.stdout)
    assert result["unreviewed"] == ["1.3"] and result["timescales_matched"] == 1 and measured.returncode == 1
    assert result["clauses"][1]["where"] == "page 1"
    report = run("report", str(tmp_path / "anytown.yaml"), "--source", str(word), "-o", str(tmp_path / "out"))
    assert report.returncode == 0, report.stderr
    summary = json.loads((tmp_path / "out" / "anytown.json").read_text(encoding="utf-8"))["coverage"]
    assert summary["unreviewed"] == ["1.3"] and summary["encoded"] == 3
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    failed = run("coverage", str(tmp_path / "anytown.yaml"), "--source", str(broken))
    assert failed.returncode == 2 and failed.stderr.startswith(str(broken)) and "Traceback" not in failed.stderr
