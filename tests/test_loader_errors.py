"""Every class of bad input gives a located error `file:line:col: what is wrong; what was expected`.

Each test breaks the example protocol in one place and checks that the error points at that place
(line and column) and says what is wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from protoverify.model.loader import load_protocol
from protoverify.model.source import LoadError, Located

EXAMPLE = Path(__file__).parent.parent / "protocols" / "examples" / "example.yaml"
STANDALONE = Path(__file__).parent / "fixtures" / "standalone-example.yaml"
TEXT = STANDALONE.read_text(encoding="utf-8")  # a protocol that uses no library (tests/test_library.py: one that does)


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str]:
    """The standalone example with `old` replaced by `new` (the first `count` times), written to a file."""
    assert old in TEXT, f"test setup: {old!r} is not in the example"
    text = TEXT.replace(old, new, count)
    path = tmp_path / "protocol.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def problems(path: Path) -> list[Located]:
    with pytest.raises(LoadError) as caught:
        load_protocol(path)
    return list(caught.value.problems)


def position_of(text: str, fragment: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the `occurrence`-th appearance of `fragment` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(fragment, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def only(found: list[Located]) -> Located:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_the_example_loads() -> None:
    for path in (EXAMPLE, STANDALONE):
        protocol = load_protocol(path)
        assert protocol.metadata.example is True
        assert protocol.counts()["duties"] == 10


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "  closures: [2024-12-27, 2025-12-29]", "  closures: [2024-12-27, 2025-12-29")
    problem = only(problems(path))
    assert "YAML syntax error" in problem.message and "expected" in problem.message
    assert problem.line == position_of(text, "agencies:")[0]  # where the parser noticed the open bracket


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing but a comment\n\n", encoding="utf-8")
    assert "file is empty" in only(problems(path)).message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        TEXT.replace("Anytown Youth Justice Service\n", "Anytown Youth Justice Servic\xe9\n").encode("latin-1")
    )
    problem = only(problems(path))
    assert "not UTF-8" in problem.message
    line, col = position_of(TEXT, "Anytown Youth Justice Service\n")
    assert (problem.line, problem.col) == (line, col + len("Anytown Youth Justice Servic"))


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert "binary file" in only(problems(path)).message


def test_file_not_found(tmp_path: Path) -> None:
    problem = only(problems(tmp_path / "missing.yaml"))
    assert problem.message.startswith("file not found") and problem.file.endswith("missing.yaml")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert "expected a protocol mapping" in only(problems(path)).message


def test_unknown_key_suggests_the_near_one(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        "    modality: should\n    when: {legal_status: [section_20, care_order]}\n    produces",
        "    modality: should\n    wehn: {legal_status: [section_20, care_order]}\n    produces",
    )
    problem = only(problems(path))
    assert "unknown key 'wehn'" in problem.message and "did you mean 'when'?" in problem.message
    assert (problem.line, problem.col) == position_of(text, "wehn")


def test_wrong_type(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "range: [10, 17]", "range: [10, seventeen]")
    problem = only(problems(path))
    assert "wrong type for 'range'" in problem.message and "expected a whole number" in problem.message
    assert (problem.line, problem.col) == position_of(text, "seventeen")


def test_boolean_is_not_a_number(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "{within: {amount: 4, unit: hours}}", "{within: {amount: true, unit: hours}}")
    problem = only(problems(path))
    assert "not a whole number" in problem.message
    assert (problem.line, problem.col) == position_of(text, "true, unit: hours")


def test_missing_required_field(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "    action: find a placement for the remanded child\n", "")
    problem = only(problems(path))
    assert "missing required field 'action'" in problem.message
    assert (problem.line, problem.col) == position_of(text, "id: find_remand_placement")


@pytest.mark.parametrize(
    ("old", "new", "fragment", "kind"),
    [
        (
            "actor: yjs_court_officer\n    action: notify",
            "actor: yjs_court_oficer\n    action: notify",
            "yjs_court_oficer",
            "agency, role or person",
        ),
        (
            "recipient: csc\n    trigger: {event: remanded_to_la}",
            "recipient: cssc\n    trigger: {event: remanded_to_la}",
            "cssc",
            "agency, role or person",
        ),
        ("trigger: {enter: remanded}", "trigger: {enter: remandd}", "remandd", "state"),
        ("trigger: {event: remanded_to_la}", "trigger: {event: remanded_to_lau}", "remanded_to_lau", "event"),
        ("when: {justice: rilaa}", "when: {justise: rilaa}", "justise", "attribute or lifecycle"),
        ("dimension: placement", "dimension: placements", "placements", "dimension"),
        (
            "trigger: {duty: notify_csc_of_remand}",
            "trigger: {duty: notify_csc_of_remands}",
            "notify_csc_of_remands",
            "duty",
        ),
        ("needs: [bail_remand_assessment]", "needs: [bail_remand_asessment]", "bail_remand_asessment", "artefact"),
    ],
    ids=["agency-or-role", "recipient", "state", "event", "attribute", "dimension", "duty", "artefact"],
)
@pytest.mark.slow
def test_unknown_reference(tmp_path: Path, old: str, new: str, fragment: str, kind: str) -> None:
    path, text = broken(tmp_path, old, new)
    problem = only(problems(path))
    assert f"unknown {kind} '{fragment}'" in problem.message, problem.message
    assert "did you mean" in problem.message
    assert (problem.line, problem.col) == position_of(text, fragment)


def test_unquoted_clause_number(tmp_path: Path) -> None:
    path, text = broken(tmp_path, 'clause: "3.2"\n    actor: csc', "clause: 3.20\n    actor: csc")
    problem = only(problems(path))
    assert "clause 3.2 is a number; expected it in quotes" in problem.message
    assert (problem.line, problem.col) == position_of(text, "3.20")


def test_duplicate_ids(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "id: joint_planning_meeting", "id: visit_in_custody")
    problem = only(problems(path))
    assert "duplicate id 'visit_in_custody'" in problem.message and "already used for a duty" in problem.message
    assert (problem.line, problem.col) == position_of(text, "visit_in_custody", 2)


def test_duplicate_id_across_kinds(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "{id: child, name: the child", "{id: csc, name: the child")
    first, *rest = problems(path)
    assert "duplicate id 'csc' (already used for an agency)" in first.message
    assert (first.line, first.col) == position_of(text, "csc, name: the child")
    assert rest and all("unknown agency, role or person 'child'" in p.message for p in rest)  # child is gone


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        "    modality: should\n    when: {legal_status: [section_20, care_order]}\n    produces",
        "    modality: should\n    modality: must\n    when: {legal_status: [section_20, care_order]}\n    produces",
    )
    problem = only(problems(path))
    assert 'duplicate key "modality"' in problem.message
    assert problem.line == position_of(text, "modality: should\n    modality: must")[0] + 1


def test_transition_to_undefined_state(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "to: licence, clause", "to: license, clause")
    problem = only(problems(path))
    assert "unknown state 'license' in lifecycle 'justice' (a transition to an undefined state)" in problem.message
    assert "did you mean 'licence'" in problem.message
    assert (problem.line, problem.col) == position_of(text, "license")


@pytest.mark.parametrize("amount", ["0", "-3"])
def test_zero_or_negative_timescale(tmp_path: Path, amount: str) -> None:
    path, text = broken(tmp_path, "{amount: 10, unit: working_days}", f"{{amount: {amount}, unit: working_days}}")
    problem = only(problems(path))
    assert "zero or negative timescale" in problem.message and "at least 1" in problem.message
    assert (problem.line, problem.col) == position_of(text, f"{amount}, unit: working_days")


def test_unknown_unit(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "{amount: 4, unit: hours}", "{amount: 4, unit: fortnights}")
    problem = only(problems(path))
    assert "unknown value 'fortnights' for 'unit'" in problem.message and "'working_days'" in problem.message
    assert (problem.line, problem.col) == position_of(text, "fortnights")


def test_condition_value_outside_declared_range(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "guard: {age: {gte: 12}}", "guard: {age: {gte: 21}}")
    problem = only(problems(path))
    assert "21 is outside the range of 'age' (10..17)" in problem.message
    assert (problem.line, problem.col) == position_of(text, "21}}")


def test_condition_value_not_among_enum_values(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "guard: {legal_status: section_20}", "guard: {legal_status: section20}")
    problem = only(problems(path))
    assert (
        "unknown value 'section20' of 'legal_status'" in problem.message
        and "did you mean 'section_20'" in problem.message
    )
    assert (problem.line, problem.col) == position_of(text, "section20")


def test_condition_unknown_operator(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "guard: {age: {gte: 12}}", "guard: {age: {gtee: 12}}")
    problem = only(problems(path))
    assert "unknown operator 'gtee'" in problem.message
    assert (problem.line, problem.col) == position_of(text, "12}}")


def test_several_problems_are_all_reported_in_file_order(tmp_path: Path) -> None:
    text = TEXT.replace("dimension: placement", "dimension: placements", 1).replace(
        "to: licence, clause", "to: license, clause"
    )
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert [p.line for p in found] == sorted(p.line for p in found) and len(found) == 2


@pytest.mark.slow
def test_cli_prints_located_errors_and_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "to: licence, clause", "to: license, clause")
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "validate", str(path)], capture_output=True, text=True
    )
    line, col = position_of(text, "license")
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}:{line}:{col}: unknown state")
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
def test_cli_validates_the_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "validate", str(EXAMPLE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "10 duties (1 with no named actor, 2 with no timescale, 2 vague)" in result.stdout


def test_event_id_reserved_by_the_statechart_engine(tmp_path: Path) -> None:
    text = TEXT.replace("{id: bailed, name:", "{id: send, name:").replace("event: bailed,", "event: send,")
    path = tmp_path / "reserved.yaml"
    path.write_text(text, encoding="utf-8")
    problem = only(problems(path))
    assert "event id 'send' is a name the statechart engine uses itself" in problem.message
    assert (problem.line, problem.col) == position_of(text, "send, name:")


@pytest.mark.slow
def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]  # 9**9 values once expanded
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "expands to more than" in only(problems(path)).message


@pytest.mark.slow
@pytest.mark.parametrize("depth", [80, 5000])
def test_deep_nesting_is_refused_without_a_traceback(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("protoverify: 1\nmetadata: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    assert "nest" in only(problems(path)).message


def test_event_lifecycle_must_take_the_event(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        '{id: bailed, name: bailed by the court, clause: "3.1"}',
        '{id: bailed, name: bailed by the court, clause: "3.1", lifecycle: care}',
    )
    problem = only(problems(path))
    assert "event 'bailed' happens in lifecycle 'care', which has no transition on it" in problem.message
    assert (problem.line, problem.col) == position_of(text, "care}")


# --- event order, parts of duties, the clause table, external artefacts -------------------------

ADDITIONS = """
order:
  - {first: adjourned_for_report, then: sentencing_hearing, clause: "3.4"}
  - {first: sentenced_to_custody, then: released_on_licence, clause: "4.3"}
clauses:
  "3.4": When the court adjourns for a report
  front: Anytown joint working protocol
"""


def with_additions(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    text = TEXT.replace(
        "  - id: send_care_history\n", "  - id: send_care_history\n    part_of: {duty: visit_in_custody, as: item}\n"
    ).replace(
        '  - {id: care_history, name: the child\'s care history, clause: "4.2"}',
        '  - {id: care_history, name: the child\'s care history, clause: "4.2",'
        " external: {document: national_aa_guidance}}",
    )
    text += ADDITIONS
    for old, new in edits:
        assert old in text, f"test setup: {old!r} is not in the text"
        text = text.replace(old, new, 1)
    path = tmp_path / "protocol.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_order_parts_clause_table_and_external_artefacts_load(tmp_path: Path) -> None:
    protocol = load_protocol(with_additions(tmp_path)[0])
    assert [(o.first, o.then, o.clause) for o in protocol.order][0] == (
        "adjourned_for_report",
        "sentencing_hearing",
        ("3.4",),
    )
    part = {d.id: d for d in protocol.duties}["send_care_history"].part_of
    assert (part.duty, part.part) == ("visit_in_custody", "item")
    assert protocol.clauses["front"] == "Anytown joint working protocol"
    history = {a.id: a for a in protocol.artefacts}["care_history"]
    assert history.external is not None and history.external.document == "national_aa_guidance"


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "then: sentencing_hearing",
            "then: sentencing_hearin",
            "sentencing_hearin,",
            "unknown event 'sentencing_hearin'; did you mean 'sentencing_hearing'?",
        ),
        (
            "then: sentencing_hearing",
            "then: adjourned_for_report",
            "adjourned_for_report, clause",
            "ordered after itself",
        ),
        (
            "{first: sentenced_to_custody, then: released_on_licence",
            "{first: sentencing_hearing, then: adjourned_for_report",
            "{first: sentencing_hearing",
            "the event order is a circle (adjourned_for_report before sentencing_hearing before adjourned_for_report)",
        ),
        (
            "{duty: visit_in_custody, as: item}",
            "{duty: visit_in_custdy, as: item}",
            "visit_in_custdy",
            "unknown duty 'visit_in_custdy'; did you mean 'visit_in_custody'?",
        ),
        (
            "{duty: visit_in_custody, as: item}",
            "{duty: send_care_history, as: item}",
            "send_care_history, as",
            "is part of itself",
        ),
        (
            "{duty: visit_in_custody, as: item}",
            "{duty: visit_in_custody, as: chapter}",
            "chapter",
            "unknown value 'chapter' for 'as'; expected 'item' or 'content'",
        ),
        (
            '"3.4": When the court',
            '"3.5": When the court',
            '"3.5"',
            "clause '3.5' is in the clause table but no element of the file cites it",
        ),
        (
            "When the court adjourns for a report",
            "When the court adjourns for a report of any kind",
            "When the court",
            "10 words; expected at most 8",
        ),
        ('"3.4": When', "3.4: When", "3.4: When", "clause 3.4 is a number; expected it in quotes"),
        (
            "{document: national_aa_guidance}",
            "{document: national_guidance}",
            "national_guidance}",
            "unknown document 'national_guidance'",
        ),
        (
            '      - {id: licence, name: on licence in the community, clause: "4.3"}',
            '      - {id: licence, name: on licence in the community, clause: "4.3"}\n    omit: [licence]',
            "[licence]",
            "'omit' leaves states of a library lifecycle out; expected it only in a protocol that uses a library",
        ),
    ],
    ids=[
        "unknown-event",
        "self-order",
        "order-circle",
        "unknown-whole",
        "part-of-itself",
        "kind-of-part",
        "uncited-clause",
        "too-many-words",
        "number-key",
        "external-document",
        "omit-without-library",
    ],
)
def test_additions_are_checked_with_located_errors(tmp_path: Path, old: str, new: str, at: str, message: str) -> None:
    path, text = with_additions(tmp_path, (old, new))
    problem = only(problems(path))
    assert message in problem.message
    assert (problem.line, problem.col) == position_of(text, at)


def test_a_circle_of_parts_is_refused(tmp_path: Path) -> None:
    path, text = with_additions(
        tmp_path,
        (
            "  - id: visit_in_custody\n",
            "  - id: visit_in_custody\n    part_of: {duty: send_care_history, as: content}\n",
        ),
    )
    assert "duties are parts of each other in a circle" in only(problems(path)).message


# --- issue 20: keys that are lists, huge files, inputs that cannot be read ------------------------


def test_a_key_that_is_a_list_or_a_mapping_is_located(tmp_path: Path) -> None:
    """Once a traceback (a list cannot be a dict key), found by the attack run and by make fuzz."""
    path = tmp_path / "protocol.yaml"
    path.write_text("protoverify: 1\n[a, [b]]: 1\n", encoding="utf-8")
    expected = "expected a key written as text, such as 'id'"
    assert str(only(problems(path))) == f"{path}:2:1: a key that is a list; {expected}"
    path.write_text("protoverify: 1\nmetadata:\n  ? {a: 1}\n  : 2\n", encoding="utf-8")
    assert str(only(problems(path))) == f"{path}:3:5: a key that is a mapping; {expected}"


@pytest.mark.slow
def test_a_million_list_items_are_refused_early_for_what_they_are(tmp_path: Path) -> None:
    """4.8 MB of 1.2 million list items (under the 5 MB limit) once took 41 s of processor time and
    900 MB before a refusal that blamed YAML aliases the file does not have."""
    import resource

    path = tmp_path / "protocol.yaml"
    path.write_text("protoverify: 1\nitems:\n" + "- a\n" * 1_200_000, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # what earlier child processes of this run used
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "validate", str(path)], capture_output=True, text=True, timeout=300
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode == 2
    assert result.stderr == f"{path}: the file has more than 500,000 values; expected a protocol of ordinary size\n"
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert cpu < 20  # processor seconds, not wall time: about 3 s; the 41 s of old is the fault this guards
    assert after.ru_maxrss < 400_000 or after.ru_maxrss == before.ru_maxrss  # kilobytes: about 220 MB


def _without_root_powers() -> None:
    """For a child process: as root, give up the powers to read and search any file, so that a file
    of mode 000 cannot be read, as for any other user (PR_CAPBSET_DROP of CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH)."""
    import ctypes

    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):
            if libc.prctl(24, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _unreadable(tmp_path: Path, case: str) -> tuple[list[str], str]:
    """The command line of one case and the path its error must name."""
    import shutil

    fixtures = Path(__file__).parent / "fixtures" / "simulate"
    protocol = tmp_path / "ex.yaml"
    shutil.copy(EXAMPLE, protocol)
    if case == "protocol of mode 000":
        protocol.chmod(0)
        return ["validate", str(protocol)], str(protocol)
    if case == "folder that may not be searched":
        folder = tmp_path / "closed"
        folder.mkdir()
        shutil.copy(EXAMPLE, folder / "ex.yaml")
        folder.chmod(0o600)
        return ["check", str(folder / "ex.yaml")], str(folder / "ex.yaml")
    if case == "/proc/self/mem":
        return ["validate", "/proc/self/mem"], "/proc/self/mem"
    if case == "scenario's protocol of mode 000":
        shutil.copy(fixtures / "remand.yaml", tmp_path / "remand.yaml")
        shutil.copy(fixtures / "remand-scenario.yaml", tmp_path / "scenario.yaml")
        os.chmod(tmp_path / "remand.yaml", 0)
        return ["simulate", str(tmp_path / "scenario.yaml"), "--workers", "1"], str(tmp_path / "remand.yaml")
    if case == "judgements of mode 000":
        judgements = tmp_path / "ex.judgements.yaml"
        judgements.write_text("accepted: []\n", encoding="utf-8")
        judgements.chmod(0)
        return ["check", str(protocol), "--timeout", "1"], str(judgements)
    source = tmp_path / "source.txt"
    source.write_text("1. Something.\n", encoding="utf-8")
    source.chmod(0)
    return ["coverage", str(protocol), "--source", str(source)], str(source)


@pytest.mark.parametrize(
    "case",
    [
        "protocol of mode 000",
        "folder that may not be searched",
        "/proc/self/mem",
        "scenario's protocol of mode 000",
        "judgements of mode 000",
        "source document of mode 000",
    ],
)
def test_an_input_that_cannot_be_read_is_a_located_error(tmp_path: Path, case: str) -> None:
    """Each was a traceback (exit 1, which check uses for 'open errors')."""
    args, named = _unreadable(tmp_path, case)
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_without_root_powers,
        env={**os.environ, "COLUMNS": "500"},  # (a usage error's box does not wrap the path)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    if "Usage:" in result.stderr:  # the command line's own check of a file named on it: a usage error
        assert f"path '{named}' is not readable" in result.stderr, result.stderr
        return
    reason = "Input/output error" if named == "/proc/self/mem" else "Permission denied"
    assert result.stderr.startswith(f"{named}: cannot be read ({reason}); expected a readable "), result.stderr
    assert len(result.stderr.splitlines()) == 1
