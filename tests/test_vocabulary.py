"""The shared vocabulary: its terms, their documentation, the loader's check of `kind:` and the tags on
the seed encodings."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, STANDALONE

from protoverify import LoadError, load_protocol
from protoverify.model import vocabulary
from protoverify.model.schema import json_schema

TERMS = {
    "duty kind": [k.id for k in vocabulary.DUTY_KINDS],
    "situation": [s.id for s in vocabulary.SITUATIONS],
    "body": [b.id for b in vocabulary.BODIES],
}


@pytest.mark.parametrize("what", sorted(TERMS))
def test_terms_are_unique_snake_case_ids(what: str) -> None:
    ids = TERMS[what]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_topics_and_relations_name_known_terms() -> None:
    assert {k.topic for k in vocabulary.DUTY_KINDS} == set(vocabulary.TOPICS)
    for situation in vocabulary.SITUATIONS:
        assert situation.broader is None or situation.broader in vocabulary.SITUATION
        assert set(situation.implied_by) <= set(vocabulary.SITUATION) - {situation.id}


def test_the_documentation_lists_every_term_and_no_other() -> None:
    text = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.M))
    assert listed == {i for ids in TERMS.values() for i in ids}


@pytest.mark.parametrize(
    ("present", "wanted", "dealt_with"),
    [
        ({"care_leaver"}, "relevant", True),  # a broader kind covers the narrower one
        ({"looked_after_remand"}, "looked_after", True),  # and the other way round
        ({"looked_after", "sentenced_custody"}, "ceased_looked_after_detained", True),  # implied together
        ({"looked_after"}, "ceased_looked_after_detained", False),  # one of the two is not enough
        ({"sentenced_custody"}, "ceased_looked_after_detained", False),
        ({"remanded_local_authority"}, "remanded_yda", False),
        ({"relevant"}, "former_relevant", False),  # siblings are not related
    ],
)
def test_which_protocols_deal_with_a_kind_of_case(present: set[str], wanted: str, dealt_with: bool) -> None:
    assert bool(vocabulary.dealt_with_by(present, wanted)) is dealt_with


def test_the_json_schema_completes_kinds_in_an_editor() -> None:
    definitions = json_schema()["$defs"]
    assert definitions["Duty"]["properties"]["kind"]["anyOf"][0]["enum"] == TERMS["duty kind"]
    assert definitions["State"]["properties"]["kind"]["anyOf"][0]["enum"] == TERMS["situation"]
    assert definitions["Agency"]["properties"]["kind"]["anyOf"][0]["enum"] == TERMS["body"]


# --- the loader -----------------------------------------------------------------------------------


def with_edit(tmp_path: Path, old: str, new: str) -> Path:
    text = STANDALONE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "    action: notify children's social care of the remand\n",
            "    action: notify children's social care of the remand\n    kind: notify_remnd\n",
            "kind: notify_remnd",
            "unknown duty kind 'notify_remnd'; did you mean 'notify_remand'?",
        ),
        (
            "    action: notify children's social care of the remand\n",
            "    action: notify children's social care of the remand\n    kind: [notify_remand, visit_in_prison]\n",
            "visit_in_prison",
            "unknown duty kind 'visit_in_prison'",
        ),
        (
            '{id: yda, name: remanded to youth detention accommodation, clause: "3.3"}',
            '{id: yda, name: remanded to youth detention accommodation, clause: "3.3", kind: remand_yda}',
            "kind: remand_yda",
            "unknown situation 'remand_yda'; did you mean 'remanded_yda'?",
        ),
        (
            "    name: Anytown Youth Justice Service\n",
            "    name: Anytown Youth Justice Service\n    kind: youth_offending_service\n",
            "youth_offending_service",
            "unknown body 'youth_offending_service'; did you mean 'youth_offending_team'?",
        ),
        (
            "    action: notify children's social care of the remand\n",
            "    action: notify children's social care of the remand\n    statute: {document: laspo, provision: s104}\n",
            "document: laspo",
            "unknown document 'laspo'",
        ),
    ],
)
@pytest.mark.slow
def test_an_unknown_term_is_a_located_error_with_a_suggestion(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    path = with_edit(tmp_path, old, new)
    with pytest.raises(LoadError) as raised:
        load_protocol(path)
    [problem] = raised.value.problems
    assert problem.line == line_of(path, needle) and message in problem.message and "expected" in problem.message
    result = subprocess.run(
        [sys.executable, "-m", "protoverify", "validate", str(path)], capture_output=True, text=True
    )
    assert (
        result.returncode == 2
        and result.stderr.startswith(f"{path}:{problem.line}:")
        and "Traceback" not in result.stderr
    )


def test_a_kind_may_be_one_term_or_a_list(tmp_path: Path) -> None:
    path = with_edit(
        tmp_path,
        "    action: notify children's social care of the remand\n",
        "    action: notify children's social care of the remand\n    kind: notify_remand\n    statute: {document: national_aa_guidance, provision: para 1, confidence: unconfirmed}\n",
    )
    duty = next(d for d in load_protocol(path).duties if d.id == "notify_csc_of_remand")
    assert duty.kind == ("notify_remand",)
    assert duty.statute[0].document == "national_aa_guidance" and duty.statute[0].confidence == "unconfirmed"


# --- the seeds ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["stockport-2019", "warwickshire"])
def test_the_seeds_are_tagged(name: str) -> None:
    protocol = load_protocol(ROOT / "protocols" / f"{name}.yaml")
    assert {s.kind for s in protocol.states() if s.kind} >= {
        "police_custody",
        "remanded_local_authority",
        "remanded_yda",
        "sentenced_custody",
        "looked_after",
    }
    assert {a.id: a.kind for a in protocol.agencies if a.id in ("yjs", "csc")} == {
        "yjs": "youth_offending_team",
        "csc": "local_authority",
    }
    tagged = {k for d in protocol.duties for k in d.kind} | {k for d in protocol.dimensions for k in d.kind}
    assert {"provide_appropriate_adult", "attend_court", "notify_remand"} <= tagged


def test_tagging_keeps_the_same_duty_stated_twice() -> None:
    # `type` still groups one duty stated in two clauses (the deadline-divergence check reads it)
    protocol = load_protocol(ROOT / "protocols" / "warwickshire.yaml")
    typed = {d.id for d in protocol.duties if d.type == "visit_in_custody"}
    assert typed == {
        "visit_within_7_days_of_sentence",
        "joint_visit_after_sentence",
        "visit_within_10_working_days_of_custody",
    }
