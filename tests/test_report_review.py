"""The review copy for Word (`protoverify report --docx`): from the Stockport protocol's text source and
from a Word document made of it, reopened with python-docx: every open finding is in a comment
anchored at the paragraph its clause starts in, a summary comment comes first, accepted findings are
left out, the author's own paragraphs are kept as they were, the same inputs give the same bytes, and,
where LibreOffice is installed, the file opens (it converts to PDF)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from conftest import ROOT, TODAY, accepting_one, protoverify, seed
from documents import pdf_of_lines
from office import pages, squeezed, to_pdf

from protoverify import folder
from protoverify.model.docxsource import paragraphs
from protoverify.model.reading import read_document
from protoverify.model.sourcetext import segments

STOCKPORT = ROOT / "protocols" / "stockport-2019.yaml"
SOURCE = "stockport-yos-csc-principles-2019.txt"
REVIEW = "stockport_2019-review.docx"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _as_word(text: Path, target: Path) -> Path:
    """The text as a Word document, a paragraph to each line (a numbered protocol keeps its numbers)."""
    word = docx.Document()
    for line in text.read_text(encoding="utf-8").splitlines():
        if line.strip():
            word.add_paragraph(line.strip())
    word.save(target)
    return target


def _build(source: Path, work: Path):
    """The Stockport report (one finding accepted beside it) and its files, with a review copy of `source`."""
    judged = accepting_one(STOCKPORT, work)
    reports, files = folder.build(folder.Request((judged,), sources=(source,), today=TODAY, docx=True))
    return reports[0], files


@pytest.fixture(scope="module")
def from_text(tmp_path_factory):
    """The report and the files written from the text source."""
    return _build(seed(SOURCE), tmp_path_factory.mktemp("judged"))


@pytest.fixture(scope="module")
def from_word(tmp_path_factory):
    """The Word source made of the text, the report and the files written from it."""
    source = _as_word(seed(SOURCE), tmp_path_factory.mktemp("word") / "stockport.docx")
    return (source, *_build(source, tmp_path_factory.mktemp("judged")))


def _anchors(word) -> dict[str, list[int]]:
    """Each comment's id to the paragraphs (counting from 1, in reading order) its range starts in."""
    found: dict[str, list[int]] = {}
    for at, paragraph in enumerate(paragraphs(word), start=1):
        for start in paragraph._p.iter(f"{_W}commentRangeStart"):
            found.setdefault(start.get(f"{_W}id"), []).append(at)
    return found


def _check_comments(report, data: bytes, source: Path) -> None:
    """Every open finding in one comment, on the paragraph its first clause the source has starts in
    (or listed in the summary when the source has none of its clauses); accepted ones nowhere."""
    word = docx.Document(io.BytesIO(data))
    comments = list(word.comments)
    anchors = _anchors(word)
    assert comments and all(str(c.comment_id) in anchors and c.timestamp is None for c in comments)
    summary = comments[0]
    assert anchors[str(summary.comment_id)] == [1] and "open findings" in summary.text
    starts = {s.id: s.line for s in segments(read_document(source))}
    lines = {line.at: line.text for line in read_document(source).lines}
    texts = [p.text.strip() for p in paragraphs(word)]
    placed = 0
    for finding in report.findings():
        holding = [c for c in comments if f"[{finding.id}]" in c.text]
        assert len(holding) == 1, finding.id
        clause = next((c for c in finding.clauses if c in starts), None)
        if clause is None:
            assert holding[0] is summary, finding.id
            continue
        (at,) = anchors[str(holding[0].comment_id)]
        expected = lines[starts[clause]].strip()
        assert texts[at - 1] and expected.endswith(texts[at - 1]), (finding.id, clause, texts[at - 1], expected)
        placed += 1
    assert placed == sum(any(c in starts for c in f.clauses) for f in report.findings()) > 30
    assert report.findings(accepted=True)  # and none of them is in a comment:
    for finding in report.findings(accepted=True):
        assert all(finding.id not in c.text for c in comments), finding.id


@pytest.mark.slow
def test_the_review_copy_from_text_has_every_open_finding_on_its_clause(from_text) -> None:
    report, files = from_text
    _check_comments(report, files[REVIEW], seed(SOURCE))
    word = docx.Document(io.BytesIO(files[REVIEW]))
    assert word.core_properties.title == report.protocol.metadata.title
    assert f'href="{REVIEW}"' in files["index.html"]


@pytest.mark.slow
def test_the_review_copy_of_a_word_document_is_that_document_with_comments(from_word) -> None:
    source, report, files = from_word
    _check_comments(report, files[REVIEW], source)
    mine = [p.text for p in docx.Document(source).paragraphs]
    assert [p.text for p in docx.Document(io.BytesIO(files[REVIEW])).paragraphs] == mine


@pytest.mark.slow
def test_the_review_copy_of_a_pdf_is_built_from_its_text(tmp_path: Path) -> None:
    lines = [line.strip() for line in seed(SOURCE).read_text(encoding="utf-8").splitlines() if line.strip()]
    source = pdf_of_lines(tmp_path / "stockport.pdf", [lines[i : i + 50] for i in range(0, len(lines), 50)], size=6)
    report, files = _build(source, tmp_path)
    _check_comments(report, files[REVIEW], source)


@pytest.mark.slow
def test_the_same_inputs_give_the_same_review_copy(from_word, tmp_path: Path) -> None:
    source, _, files = from_word
    assert _build(source, tmp_path)[1][REVIEW] == files[REVIEW]


@pytest.mark.slow
def test_libreoffice_opens_the_review_copy(from_text, tmp_path: Path) -> None:
    _, files = from_text
    (tmp_path / "review.docx").write_bytes(files[REVIEW])
    (pdf,) = to_pdf([tmp_path / "review.docx"], tmp_path)
    text = squeezed("".join(page.text for page in pages(pdf)))
    first = next(line.strip() for line in seed(SOURCE).read_text(encoding="utf-8").splitlines() if line.strip())
    assert squeezed(first) in text


def test_docx_without_a_source_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    result = protoverify("report", str(STOCKPORT), "--docx", "-o", str(tmp_path / "out"), "--today", "2026-11-23")
    assert result.returncode == 2, result.stderr
    assert "--docx" in result.stderr and "no source document for 'stockport_2019'" in result.stderr
    assert not (tmp_path / "out").exists()
