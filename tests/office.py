"""Office files as another program sees them: LibreOffice converts a workbook or a Word document to
PDF, and the PDF's text is read back with its positions (pypdf), to check what a reader would see.

`to_pdf` runs `soffice --headless --convert-to pdf` with a profile of its own (so it never collides
with another LibreOffice running on the machine) and skips the test, with the reason, where
LibreOffice or the component a file needs is not installed. `pages` gives each page's size, text and
text runs; `overlapping` finds runs on one line that run into each other, measured with the metrics
of the font the PDF names (DejaVu, which matplotlib bundles; other fonts at an average width).
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

COMPONENTS = {".xlsx": ("libsclo.so", "libreoffice-calc-nogui"), ".docx": ("libswlo.so", "libreoffice-writer-nogui")}


def soffice() -> Path | None:
    """LibreOffice's program, if installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Path(found).resolve() if found else None


def missing(suffix: str) -> str | None:
    """Why LibreOffice cannot convert a file of this kind here, or None if it can."""
    program = soffice()
    if program is None:
        return "LibreOffice is not installed (Debian: libreoffice-calc-nogui and -writer-nogui; .ci/run installs them)"
    library, package = COMPONENTS[suffix]
    if not (program.parent / library).exists():
        return f"LibreOffice's component for {suffix} files is not installed (Debian: {package}; .ci/run installs it)"
    return None


def to_pdf(files: list[Path], out: Path) -> list[Path]:
    """Each file converted to PDF by LibreOffice, into `out`; the test is skipped where it cannot be."""
    for file in files:
        reason = missing(file.suffix)
        if reason:
            pytest.skip(reason)
    profile = out / "libreoffice-profile"
    command = [
        str(soffice()),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    pdfs = [out / f"{file.stem}.pdf" for file in files]
    assert all(p.is_file() for p in pdfs), f"LibreOffice did not convert: {result.stdout}{result.stderr}"
    return pdfs


@dataclass(frozen=True)
class Run:
    """A piece of text as the PDF draws it: where its baseline starts, its size and font."""

    x: float
    y: float
    size: float
    font: str
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    text: str
    runs: tuple[Run, ...]


def pages(pdf: Path) -> list[Page]:
    """The PDF's pages: size, text, and every run of text with its position."""
    import pypdf

    found = []
    for page in pypdf.PdfReader(pdf).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font, size, runs=runs) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append(Run(x, y, size * abs(tm[0] * cm[0]) or size, str((font or {}).get("/BaseFont", "")), text))

        text = page.extract_text(visitor_text=visit)
        box = page.mediabox
        found.append(Page(float(box.width), float(box.height), text, tuple(runs)))
    return found


def width(run: Run) -> float:
    """How wide a run is drawn, in points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    text = run.text.rstrip()
    if "DejaVu" not in run.font:
        return 0.55 * run.size * len(text)
    family = "DejaVu Serif" if "Serif" in run.font else "DejaVu Sans"
    weight = "bold" if "Bold" in run.font else "normal"
    properties = FontProperties(family=family, weight=weight, size=run.size)
    return TextToPath().get_text_width_height_descent(text, properties, ismath=False)[0]


def overlapping(page: Page, tolerance: float = 0.5) -> list[tuple[Run, Run]]:
    """Pairs of runs on the same line where the first runs into the second."""
    lines: dict[float, list[Run]] = defaultdict(list)
    for run in page.runs:
        lines[round(run.y, 1)].append(run)
    found = []
    for runs in lines.values():
        runs.sort(key=lambda r: r.x)
        found += [(a, b) for a, b in zip(runs, runs[1:]) if a.x + width(a) > b.x + tolerance]
    return found


def squeezed(text: str) -> str:
    """Text with every space and line break taken out, to find words a cell wrapped over lines."""
    return "".join(text.split())
