"""`protoverify init`: the working folder for an author (the draft on the England library, an empty
judgements file, a scenario skeleton, a README of next steps), its refusals, and the getting-started
guide that walks through it. The example document is invented for these tests (Northdale does not
exist); the guide shows what `init` makes of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, protoverify
from documents import structured_docx
from ruamel.yaml import YAML
from test_startup import imported

from protoverify.init import init
from protoverify.model.errors import LoadError, OutputError
from protoverify.model.loader import load_protocol
from protoverify.properties.judgements import load_judgements
from protoverify.simulate.loader import load_scenario

TEXT = ROOT / "tests" / "fixtures" / "extract" / "remand-chapter.txt"
GUIDE = ROOT / "docs" / "getting-started.md"

NORTHDALE = [
    ("title", "Northdale Joint Protocol: Children Remanded or Sentenced to Custody"),
    ("plain", "Agreed: 1 March 2026"),
    ("plain", "Review date: 1 March 2028"),
    ("heading 1 list 0", "Purpose"),
    (
        "list 1",
        "This protocol sets out how Northdale Youth Justice Service (YJS) and Northdale Children's Social Care "
        "(CSC) work together for a child who is remanded or sentenced to custody.",
    ),
    ("heading 1 list 0", "Remand"),
    (
        "list 1",
        "When a child is remanded to youth detention accommodation, the YJS officer in court must tell the CSC "
        "duty team on the same day.",
    ),
    (
        "list 1",
        "The social worker must visit the child within 10 working days of the child being remanded to youth detention.",
    ),
    ("list 1", "The YJS case manager will:"),
    ("list 2", "send the social worker a copy of the remand plan;"),
    ("list 2", "invite the social worker to the first planning meeting."),
    ("list 1", "Both services may meet to discuss the remand placement if either asks."),
    ("heading 1 list 0", "Release"),
    (
        "list 1",
        "The YJS case manager must start planning for release at least 20 working days before release.",
    ),
    ("list 1", "The social worker should meet the child and family within a week of their release."),
    ("list 1", "Release can be an anxious time for the child's family."),
]
"""The invented protocol the getting-started guide follows: a small Word document with numbered
headings, numbered clauses and a list under a lead-in."""


def northdale(folder: Path) -> Path:
    """The invented Northdale protocol as a Word document."""
    return structured_docx(folder / "Northdale Protocol.docx", NORTHDALE)


def _load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- what init makes --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_init_makes_the_four_files_and_each_loads(tmp_path: Path, kind: str) -> None:
    document = TEXT if kind == "txt" else northdale(tmp_path)
    name = "remand-chapter" if kind == "txt" else "northdale-protocol"
    made = init(document, tmp_path / "work")
    assert _files(made.path) == sorted(
        ["README.md", f"{name}.yaml", f"{name}.judgements.yaml", f"{name}.scenario.yaml"]
    )
    draft = _load(made.protocol)
    assert draft["uses"] == "england"
    assert draft["lifecycles"][0]["id"] == "justice"
    protocol = load_protocol(made.protocol)
    judgements = load_judgements(made.judgements, protocol)
    assert (judgements.protocol, judgements.accepted, judgements.assumptions) == (protocol.metadata.id, (), ())
    scenario = load_scenario(made.scenario)
    assert scenario.protocol == made.protocol.name
    assert {"yda", "rilaa", "custody", "licence"} <= {state.id for state in protocol.states()}


def test_the_draft_validates_as_extracts_drafts_do(tmp_path: Path) -> None:
    """`validate` says an extract draft is valid (exit 0): its placeholders are not load errors. The
    draft on the library says the same, and `coverage` counts its "review" narrative as unreviewed."""
    made = init(TEXT, tmp_path / "work")
    run = protoverify("validate", made.protocol.name, cwd=made.path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == f"valid: {made.protocol.name}"
    assert "1 lifecycle" in run.stdout
    extracted = protoverify("extract", str(TEXT), "-o", str(tmp_path / "extracted.yaml"))
    assert extracted.returncode == 0, extracted.stderr
    plain = protoverify("validate", str(tmp_path / "extracted.yaml"))
    assert (plain.returncode, plain.stdout.splitlines()[-1]) == (0, f"valid: {tmp_path / 'extracted.yaml'}")
    coverage = protoverify("coverage", made.protocol.name, "--source", made.document, cwd=made.path)
    assert coverage.returncode == 1
    assert re.search(r"^\s+unreviewed\s+1\(c\)", coverage.stdout, re.MULTILINE), coverage.stdout


def test_the_draft_cites_the_clauses_that_name_a_library_lifecycles_events(tmp_path: Path) -> None:
    made = init(northdale(tmp_path), tmp_path / "work")
    text = made.protocol.read_text(encoding="utf-8")
    assert '  - {id: justice, clause: ["2.1"]}' in text  # "remanded to youth detention accommodation", 2.1
    assert "uses: england  # the England library: see docs/library.md" in text


def test_a_document_naming_no_library_event_lists_justice_with_a_todo(tmp_path: Path) -> None:
    document = tmp_path / "referrals.txt"
    document.write_text("1. Referrals\n\n1.1 The YOS must tell CSC of every referral it receives.\n", encoding="utf-8")
    made = init(document, tmp_path / "work")
    line = next(line for line in made.protocol.read_text(encoding="utf-8").splitlines() if "id: justice" in line)
    assert "TODO: no drafted clause names an event of the library's 'justice' lifecycle" in line
    load_scenario(made.scenario)


def test_a_care_document_lists_the_care_lifecycle_and_keeps_its_id_apart(tmp_path: Path) -> None:
    """A document whose stem is a library id ("care") gives a protocol id that is not; the care lifecycle
    its events belong to is listed, and the scenario gives its attributes placeholder values."""
    document = tmp_path / "care.txt"
    document.write_text(
        "1. Leaving care\n\n1.1 The personal adviser must contact the young person within 5 working days of "
        "them leaving care.\n",
        encoding="utf-8",
    )
    made = init(document, tmp_path / "work")
    protocol = load_protocol(made.protocol)
    assert protocol.metadata.id == "care_protocol"
    assert [lifecycle["id"] for lifecycle in _load(made.protocol)["lifecycles"]] == ["justice", "care"]
    assert load_judgements(made.judgements, protocol).protocol == "care_protocol"
    assert "eligible" in load_scenario(made.scenario).demand.attributes


def test_a_document_naming_no_agency_still_gets_its_folder_and_is_told_what_to_add(tmp_path: Path) -> None:
    document = tmp_path / "aims.txt"
    document.write_text("1. Aims\n\n1.1 Children must be kept safe.\n", encoding="utf-8")
    run = protoverify("init", str(document), str(tmp_path / "work"))
    assert run.returncode == 0, run.stderr
    note = "note: the document names no agency protoverify recognises: add the services it is between"
    assert run.stderr.splitlines()[-1].startswith(note)
    assert "**First**: the document names no agency" in (tmp_path / "work" / "README.md").read_text(encoding="utf-8")
    load_protocol(tmp_path / "work" / "aims.yaml")
    with pytest.raises(LoadError, match="todo_agency"):
        load_scenario(tmp_path / "work" / "aims.scenario.yaml")


@pytest.mark.slow
def test_the_scenario_runs_and_marks_every_figure_a_placeholder(tmp_path: Path) -> None:
    made = init(northdale(tmp_path), tmp_path / "work")
    text = made.scenario.read_text(encoding="utf-8")
    for figure in ("remands_per_year", "count", "availability", "yda_per_year"):  # (no vague limit left to read)
        (line,) = [line for line in text.splitlines() if line.strip().startswith(figure)][:1]
        assert "TODO placeholder" in line, line
    run = protoverify(
        "simulate", made.scenario.name, "--replications", "2", "--workers", "1", "--format", "json", cwd=made.path
    )
    assert run.returncode == 0, run.stderr
    assert '"on_time/all"' in run.stdout


def test_the_readme_gives_the_exact_commands_for_the_folder(tmp_path: Path) -> None:
    document = northdale(tmp_path)
    made = init(document, tmp_path / "work")
    readme = made.readme.read_text(encoding="utf-8")
    source = "'../Northdale Protocol.docx'"  # relative to the folder, quoted for the shell
    for command in (
        "protoverify validate northdale-protocol.yaml",
        f"protoverify coverage northdale-protocol.yaml --source {source}",
        "protoverify check northdale-protocol.yaml",
        f"protoverify report northdale-protocol.yaml --source {source} -o report",
        "protoverify simulate northdale-protocol.scenario.yaml",
    ):
        assert f"       {command}\n" in readme
    run = protoverify("coverage", "northdale-protocol.yaml", "--source", "../Northdale Protocol.docx", cwd=made.path)
    assert "against ../Northdale Protocol.docx" in run.stdout


def test_the_folder_defaults_to_the_documents_stem(tmp_path: Path) -> None:
    document = northdale(tmp_path)
    run = protoverify("init", str(document), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "northdale-protocol" / "northdale-protocol.yaml").is_file()
    assert run.stdout == "next: cd northdale-protocol && protoverify validate northdale-protocol.yaml\n"
    assert run.stderr.splitlines() == [
        f"wrote {Path('northdale-protocol') / name}"
        for name in (
            "northdale-protocol.yaml",
            "northdale-protocol.judgements.yaml",
            "northdale-protocol.scenario.yaml",
            "README.md",
        )
    ]


# --- refusals ---------------------------------------------------------------------------------------


def test_a_folder_with_anything_in_it_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    run = protoverify("init", str(TEXT), str(folder))
    assert run.returncode == 2
    assert run.stderr.startswith(f"{folder}: folder exists and is not empty; expected a new or empty folder")
    assert _files(folder) == ["notes.txt"]
    assert _files(tmp_path) == ["work"]


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    made = init(TEXT, tmp_path / "work")
    assert len(_files(made.path)) == 4


def test_force_writes_the_four_files_into_a_folder_and_keeps_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    first = init(TEXT, folder)
    first.protocol.write_text("edited", encoding="utf-8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError):
        init(TEXT, folder)
    assert first.protocol.read_text(encoding="utf-8") == "edited"
    run = protoverify("init", str(TEXT), str(folder), "--force")
    assert run.returncode == 0, run.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    load_protocol(first.protocol)
    assert _files(tmp_path) == ["work"]


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "work").write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file; expected a folder"):
        init(TEXT, tmp_path / "work", force=True)


@pytest.mark.parametrize("fault", ["missing", "damaged docx", "old doc", "empty"])
def test_a_bad_document_gives_extracts_located_error_and_no_folder(tmp_path: Path, fault: str) -> None:
    document = tmp_path / {"missing": "gone.txt", "damaged docx": "broken.docx", "old doc": "old.doc"}.get(
        fault, "empty.txt"
    )
    content = {"damaged docx": b"PK\x03\x04 not really a zip", "old doc": b"\xd0\xcf\x11\xe0" + bytes(60), "empty": b""}
    if fault in content:
        document.write_bytes(content[fault])
    extract = protoverify("extract", str(document))
    run = protoverify("init", str(document), str(tmp_path / "work"))
    assert (run.returncode, extract.returncode) == (2, 2)
    assert run.stderr == extract.stderr
    assert run.stderr.startswith(f"{document}")
    with pytest.raises(LoadError):
        init(document, tmp_path / "work")
    assert not (tmp_path / "work").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".init")] == []


def test_init_imports_only_what_it_needs(tmp_path: Path) -> None:
    assert imported("init", str(TEXT), str(tmp_path / "work")) <= {"pydantic"}
    assert (tmp_path / "work" / "README.md").is_file()


# --- the guide ---------------------------------------------------------------------------------------


def test_the_guide_names_only_real_commands_and_is_linked() -> None:
    from protoverify.cli import app

    guide = GUIDE.read_text(encoding="utf-8")
    commands = {command.name or command.callback.__name__ for command in app.registered_commands}
    used = set(re.findall(r"^\s*(?:\$ )?protoverify (\w+)", guide, re.MULTILINE))
    assert {"init", "validate", "coverage", "check", "report", "simulate"} <= used <= commands
    for target in re.findall(r"\]\(([^)#]+)", guide):
        if not target.startswith("http"):
            assert (GUIDE.parent / target).exists(), target
    assert "getting-started.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "getting-started.md" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_guide_shows_what_init_makes_of_the_example(tmp_path: Path) -> None:
    """The draft lines the guide quotes are the draft `init` makes of the invented document today."""
    made = init(northdale(tmp_path), tmp_path / "work")
    draft = made.protocol.read_text(encoding="utf-8")
    guide = GUIDE.read_text(encoding="utf-8")
    quoted = re.findall(r"```yaml\n# from the draft\n(.*?)```", guide, re.DOTALL)
    assert quoted
    for block in quoted:
        for line in block.splitlines():
            assert line in draft, line


FINISHED = ROOT / "tests" / "fixtures" / "init" / "northdale-protocol.yaml"


def _worked(tmp_path: Path) -> Path:
    """The finished example in a working folder beside its document, as the guide has it."""
    northdale(tmp_path)
    folder = tmp_path / "northdale-protocol"
    folder.mkdir()
    (folder / FINISHED.name).write_text(FINISHED.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_the_guide_shows_what_the_commands_print(tmp_path: Path) -> None:
    """The outputs of validate (on the draft) and coverage (on the finished example) are shown as printed."""
    guide = GUIDE.read_text(encoding="utf-8")
    made = init(northdale(tmp_path), tmp_path / "drafted")
    validate = protoverify("validate", made.protocol.name, cwd=made.path)
    assert f"```\n{validate.stdout}```" in guide
    folder = _worked(tmp_path)
    coverage = protoverify("coverage", FINISHED.name, "--source", "../Northdale Protocol.docx", cwd=folder)
    assert coverage.returncode == 0, coverage.stdout + coverage.stderr
    assert f"```\n{coverage.stdout}```" in guide
    finished = FINISHED.read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n# from the finished encoding\n(.*?)```", guide, re.DOTALL)
    for line in block.splitlines():
        assert line in finished.splitlines(), line


@pytest.mark.slow
def test_the_guides_judgements_load_and_accept_a_finding_check_gives(tmp_path: Path) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(protoverify-judgements: 1\n.*?)```", guide, re.DOTALL)
    folder = _worked(tmp_path)
    (folder / "northdale-protocol.judgements.yaml").write_text(block, encoding="utf-8")
    run = protoverify("check", FINISHED.name, "--today", "2026-11-23", "--format", "json", cwd=folder)
    assert run.returncode == 1, run.stderr  # the deadline conflict the guide shows stays open
    import json

    findings = {finding["id"]: finding for finding in json.loads(run.stdout)["findings"]}
    assert findings["statutory-gap:b71a23ef08"]["accepted"]
    assert findings["deadline-conflict:1ffd8870ca"]["severity"] == "error"
    assert "deadline-conflict:1ffd8870ca" in guide


def test_a_drafted_agency_whose_id_is_another_library_element_is_renamed(tmp_path: Path) -> None:
    """A document that names the housing department drafted an agency 'housing', the id of the
    library's housing lifecycle, so the folder could not be made (found on the Warwickshire text)."""
    document = tmp_path / "housing.txt"
    document.write_text(
        "Joint protocol on homeless young people\n\n"
        "1.1 The Youth Justice Service must refer a homeless young person to the Housing Department "
        "within 2 working days.\n"
        "1.2 The Housing Department will assess the young person's housing needs.\n",
        encoding="utf-8",
    )
    made = init(document, tmp_path / "work")
    draft = YAML(typ="safe").load(made.protocol.read_text(encoding="utf-8"))
    ids = [a["id"] for a in draft["agencies"]]
    assert "housing_agency" in ids and "housing" not in ids
    actors = [a for d in draft.get("duties", []) for a in (d.get("actor") or []) if isinstance(d.get("actor"), list)]
    assert "housing" not in actors
    assert protoverify("validate", made.protocol.name, cwd=made.path).returncode == 0
