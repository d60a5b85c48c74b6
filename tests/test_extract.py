"""Drafting an encoding from plain text: duties, actors, timescales, agencies, metadata; drafts that load;
the `extract` command's located errors; and the measured figures held as floors."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import operator
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS
from ruamel.yaml import YAML

from protoverify.model.extract import NO_DUTY, NO_MODAL, draft, dump
from protoverify.model.frontmatter import parse_date
from protoverify.model.loader import load_protocol
from protoverify.model.parties import mentions
from protoverify.model.sourcetext import openings
from protoverify.reports.files import MANIFEST

SEED_FILES = ("stockport-yos-csc-principles-2019.txt", "warwickshire-yjs-childrens-services-protocol.txt")
BENCH = Path(__file__).resolve().parents[1] / "bench" / "extraction_figures.py"


def drafted(text: str) -> dict[str, Any]:
    """The draft of `text`, read back as plain data."""
    return YAML(typ="safe").load(dump(draft(text, "invented.txt")))


def duties(text: str) -> list[dict[str, Any]]:
    return drafted(text)["duties"]


def loads(tmp_path: Path, text: str) -> None:
    """The draft of `text` passes `load_protocol` as it stands."""
    path = tmp_path / "draft.yaml"
    path.write_text(dump(draft(text, "invented.txt")), encoding="utf-8")
    load_protocol(path)


# --- duties and their actors ---------------------------------------------------------------------


def test_passive_duty_has_no_actor_and_says_why() -> None:
    text = "4.2 Where a risk is identified a member of the YOS team must be invited to statutory reviews.\n"
    (duty,) = duties(text)
    assert duty["actor"] == "unspecified" and duty["modality"] == "must" and duty["clause"] == "4.2"
    assert "actor: unspecified  # passive: no actor named" in dump(draft(text, "invented.txt"))


def test_passive_duty_with_by_takes_the_party_after_by() -> None:
    (duty,) = duties("3.2 The local children's team will be notified by the YOS of the outcome.\n")
    assert duty["actor"] == "yjs"


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("The YOS must notify CSC.", "must"),
        ("The YOS will notify CSC.", "must"),
        ("The YOS shall notify CSC.", "must"),
        ("It is the responsibility of the YOS to notify CSC.", "must"),
        ("The YOS has a responsibility to notify CSC.", "must"),
        ("The YOS is required to notify CSC.", "must"),
        ("The YOS will be responsible for notifying CSC.", "must"),
        ("The YOS should notify CSC.", "should"),
        ("The YOS may notify CSC.", "may"),
        ("The YOS can notify CSC.", "may"),
    ],
)
def test_modal_words_map_to_modality_and_the_subject_is_the_actor(sentence: str, modality: str) -> None:
    (duty,) = duties(f"2.1 {sentence}\n")
    assert (duty["modality"], duty["actor"]) == (modality, "yjs")


def test_parties_joined_by_and_share_a_duty() -> None:
    (duty,) = duties("4.5 The Police and CPS must refer to the 10 Point Plan.\n")
    assert duty["actor"] == ["police", "cps"]


def test_a_party_after_a_preposition_is_not_the_subject() -> None:
    (duty,) = duties("5.9 The YOS Officer in court will request an adjournment.\n")
    assert duty["actor"] == "yjs_practitioner"


def test_an_unrecognised_subject_is_unspecified_with_its_words() -> None:
    text = "2.7 All staff must be aware of the guidance.\n"
    assert duties(text)[0]["actor"] == "unspecified"
    assert "no party recognised in 'All staff'" in dump(draft(text, "invented.txt"))


def test_one_duty_per_sentence_with_a_quote_of_at_most_eight_words_around_the_verb() -> None:
    text = "2.6 Changes must be shared by YOS. Consultation must take place between the agencies if needed.\n"
    first, second = duties(text)
    assert (first["id"], second["id"]) == ("duty_2_6", "duty_2_6_2")
    assert second["quote"] == "Consultation must take place between the agencies if needed."[: len(second["quote"])]
    assert len(second["quote"].split()) <= 8 and "must" in second["quote"]


def test_questions_and_pointers_are_not_duties() -> None:
    text = "8.1 Will it be in the child's best interests?\n8.2 The guidance can be found at the link.\n8.3 The plan is agreed.\n"
    assert "duties" not in drafted(text)
    assert drafted(text)["narrative"] == [
        {"clause": "8.1", "reason": NO_DUTY},
        {"clause": "8.2", "reason": NO_DUTY},
        {"clause": "8.3", "reason": NO_MODAL},
    ]


def test_unnumbered_paragraph_takes_its_sections_id() -> None:
    text = "5.9.1 YOS Responsibilities\n\nThe PSR writer will provide the Social Worker with a copy of the PSR.\n"
    (duty,) = duties(text)
    assert duty["clause"] == "5.9.1(a)" and duty["actor"] == "yjs_practitioner"


# --- timescales ----------------------------------------------------------------------------------


def test_vague_timescale_keeps_its_words() -> None:
    (duty,) = duties("5.6.1 The YOS must notify CSC as soon as possible.\n")
    assert duty["timescale"] == {"vague": "as soon as possible"} and duty["action"] == "notify CSC"


def test_dual_units_are_within_and_also() -> None:
    (duty,) = duties("5.9 The YOS officer will request a 3 weeks (15 working days) adjournment.\n")
    assert duty["timescale"] == {
        "within": {"amount": 3, "unit": "weeks"},
        "also": {"amount": 15, "unit": "working_days"},
    }


def test_within_of_a_statutory_event_binds_the_event(tmp_path: Path) -> None:
    text = "8.8 The child must be visited by their Social Worker within 10 working days of them entering custody.\n"
    data = drafted(text)
    (duty,) = data["duties"]
    assert duty["timescale"] == {"within": {"amount": 10, "unit": "working_days"}}
    assert duty["trigger"] == {"event": "detained"} and duty["actor"] == "social_worker"
    assert data["events"] == [{"id": "detained", "name": "detained in custody", "clause": "8.8"}]
    loads(tmp_path, text)


def test_within_of_other_words_names_a_placeholder_trigger_event(tmp_path: Path) -> None:
    text = "4.1 CSC will send the minutes within 2 days of the strategy meeting.\n"
    data = drafted(text)
    assert data["duties"][0]["trigger"] == {"event": "strategy_meeting"}
    assert data["events"] == [{"id": "strategy_meeting", "name": "strategy meeting", "clause": "4.1"}]
    loads(tmp_path, text)


def test_before_counts_back_from_a_placeholder_event(tmp_path: Path) -> None:
    text = "5.9.2 The Social Worker will provide the assessment at least 2 days prior to the sentencing hearing.\n"
    (duty,) = duties(text)
    assert duty["timescale"] == {"before": {"event": "sentencing_hearing", "amount": 2, "unit": "days"}}
    loads(tmp_path, text)


def test_several_time_phrases_are_kept_where_the_format_allows_and_commented() -> None:
    text = "8.15 As soon as possible and no later than 14 days before release, the child must be advised of the plan.\n"
    (duty,) = duties(text)
    assert duty["timescale"] == {
        "vague": "As soon as possible",
        "before": {"event": "released", "amount": 14, "unit": "days"},
    }
    assert duty["actor"] == "unspecified"
    assert "time phrases: 'As soon as possible', 'no later than 14 days before'" in dump(draft(text, "invented.txt"))


def test_recurring_and_per_week_timescales() -> None:
    assert duties("3.1 Cases will be discussed at the hub every Tuesday.\n")[0]["timescale"] == {
        "every": {"amount": 1, "unit": "weeks"},
        "words": "every Tuesday",
    }
    assert duties("7.2 The YOS will second a worker for two days per week.\n")[0]["timescale"] == {
        "every": {"amount": 1, "unit": "weeks"},
        "lasting": {"amount": 2, "unit": "days"},
    }


def test_no_time_phrase_is_unspecified() -> None:
    assert duties("2.2 YOS staff will share minutes.\n")[0]["timescale"] == "unspecified"


# --- procedure pages: lists, joined duties, descriptive modals, triggers ----------------------------


def test_a_lead_in_that_leaves_its_verb_to_the_list_gives_a_duty_per_entry(tmp_path: Path) -> None:
    text = (
        "Joint Protocol\n\nDuties\n\nIn particular, the YOT will:\n"
        "- Check CSC records when an order starts;\n- Refer safeguarding concerns to CSC.\n\n"
        "The social worker must ensure that:\n- the YOT is told of a move by the next working day;\n"
        "- the plan is shared.\n"
    )
    data = drafted(text)
    assert [(d["clause"], d["actor"], d["modality"]) for d in data["duties"]] == [
        (["duties(b)", "duties(a)"], "yjs", "must"),
        (["duties(c)", "duties(a)"], "yjs", "must"),
        (["duties(e)", "duties(d)"], "social_worker", "must"),
        (["duties(f)", "duties(d)"], "social_worker", "must"),
    ]
    assert data["duties"][0]["action"] == "Check CSC records"
    assert data["duties"][2]["action"] == "ensure that the YOT is told of a move"
    assert data["duties"][2]["timescale"]["within"] == {"amount": 1, "unit": "working_days"}
    assert "narrative" not in data  # the lead-ins are cited by the duties of their entries
    loads(tmp_path, text)


def test_a_lead_in_that_names_its_verb_leads_into_contents_not_duties() -> None:
    data = drafted("Anytown Protocol\n\nReports\n\nThe report will include:\n- the care history;\n- the health plan.\n")
    assert [d["clause"] for d in data["duties"]] == ["reports(a)"]
    assert [n["clause"] for n in data["narrative"]] == ["reports(b)", "reports(c)"]


def test_and_each_will_gives_a_second_duty_of_the_same_parties() -> None:
    first, second = duties("3.1 The YOT and CSC will share their systems, and each will make records available.\n")
    assert first["actor"] == second["actor"] == ["yjs", "csc"]
    assert second["action"] == "make records available"


@pytest.mark.parametrize(
    "sentence",
    [
        "In some cases these aims will create tensions.",
        "Disagreements may arise.",
        "Joint work can save effort.",
        "This can be a turbulent time.",
        "Children's views will vary.",
    ],
)
def test_descriptive_modals_are_not_duties(sentence: str) -> None:
    assert "duties" not in drafted(f"2.1 {sentence}\n")


def test_a_party_doing_a_describing_verb_is_still_a_duty() -> None:
    assert duties("2.1 The YOT will create a plan.\n")[0]["actor"] == "yjs"


@pytest.mark.parametrize(
    ("sentence", "event"),
    [
        ("The YJS must notify CSC on the child entering custody.", "detained"),
        ("When a child is remanded to youth detention accommodation the social worker will visit.", "remanded_to_yda"),
        ("On release, the social worker will meet the child.", "released"),
        ("CSC will tell the YOT when a child it works with is arrested.", "arrested"),
    ],
)
def test_trigger_phrases_bind_to_statutory_events(tmp_path: Path, sentence: str, event: str) -> None:
    data = drafted(f"5.1 {sentence}\n")
    assert data["duties"][0]["trigger"] == {"event": event}
    assert event in [e["id"] for e in data["events"]]
    loads(tmp_path, f"5.1 {sentence}\n")


def test_a_day_named_in_words_is_kept_as_words_and_never_before_the_verb() -> None:
    (duty,) = duties("5.4 The YOS will tell the social worker on the same day.\n")
    assert duty["timescale"] == {"same_day": True, "words": "on the same day"}  # a limit: due by that day's close
    assert "trigger" in duty, "a same-day limit counts from what starts the duty"
    (duty,) = duties("4.1 Where a child must attend court the following day, a transfer should be considered.\n")
    assert duty["timescale"] == "unspecified"


def test_months_and_recurring_periods_are_drafted_with_their_units() -> None:
    assert duties("6.1 The YOT will check records at three monthly intervals.\n")[0]["timescale"] == {
        "every": {"amount": 3, "unit": "months"},
        "words": "at three monthly intervals",
    }
    assert duties("6.2 CSC will visit within one month of sentence.\n")[0]["timescale"] == {
        "within": {"amount": 1, "unit": "months"}
    }


def test_a_page_amendment_note_becomes_the_version_and_chrome_is_no_clause() -> None:
    text = (
        "Skip to content\nEastborough Logo\nhttps://example.org/chapter\n\nProtocol between the YOS and CSC\n\n"
        "AMENDMENT\n\nIn March 2024 this chapter was updated.\n\nRELATED CHAPTERS\n\nRemands Procedure\n\n"
        "Duties\n\nThe YOS will notify CSC of every remand.\n"
    )
    data = drafted(text)
    assert data["metadata"]["title"] == "Protocol between the YOS and CSC"
    assert data["metadata"]["version"] == "updated March 2024"
    assert data["metadata"]["clause"] == ["front(a)", "amendment(a)"]
    assert [d["clause"] for d in data["duties"]] == ["duties(a)"] and "narrative" not in data


def test_openings_give_each_clause_its_first_words() -> None:
    text = "1 Intro\n1.1 The YOS will notify CSC as soon as possible after any remand to youth detention.\n"
    assert openings(text) == {"1.1": "The YOS will notify CSC as soon as"}
    assert "  # 'The services share a commitment.'" in dump(draft("2.1 The services share a commitment.\n", "x.txt"))


# --- agencies and metadata -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "party"),
    [
        ("YOS", "yjs"),
        ("YOT", "yjs"),
        ("YJS", "yjs"),
        ("WYJS", "yjs"),
        ("Youth Offending Service", "yjs"),
        ("Youth Offending Team", "yjs"),
        ("Youth Justice Service", "yjs"),
        ("Children's Social Care", "csc"),
        ("Children’s Social Care", "csc"),
        ("CSC", "csc"),
        ("Children's Services", "csc"),
        ("local children's team", "local_childrens_team"),
        ("social worker", "social_worker"),
        ("police", "police"),
        ("CPS", "cps"),
        ("court", "court"),
        ("IRO", "iro"),
        ("Virtual School", "virtual_school"),
        ("housing department", "housing"),
        ("Leaving Care Team", "leaving_care"),
        ("Personal Advisor", "personal_advisor"),
        ("Appropriate Adult", "appropriate_adult"),
        ("EDT", "edt"),
        ("CAFCASS", "cafcass"),
        ("National Probation Service", "probation"),
        ("NPS", "probation"),
        ("CRC", "probation"),
        ("YCS", "secure_estate"),
        ("secure estate", "secure_estate"),
        ("YOS Officers", "yjs_practitioner"),
    ],
)
def test_agency_names_and_abbreviations(words: str, party: str) -> None:
    assert [m.party.id for m in mentions(f"Then {words} agreed.")] == [party]


def test_words_that_contain_a_name_but_do_not_name_the_party() -> None:
    assert mentions("Remanded to Local Authority accommodation") == []
    assert mentions("the yos and cps") == []  # abbreviations only in capitals


def test_agencies_are_declared_with_their_roles_and_first_clause() -> None:
    data = drafted("1.1 The YOS and CSC agree.\n2.1 The social worker will visit.\n")
    assert [(a["id"], a["clause"]) for a in data["agencies"]] == [("yjs", "1.1"), ("csc", "1.1")]
    assert data["agencies"][1]["roles"] == [{"id": "social_worker", "name": "social worker", "clause": "2.1"}]


def test_metadata_title_and_dates_from_front_matter() -> None:
    text = "Anytown Youth Offending Service and Children's Social Care\n\nJoint Protocol\n\nAgreed: 20th March 2019\n\nReview date: March 2021\n\n1.1 The YOS will help.\n"
    meta = drafted(text)["metadata"]
    assert meta["title"] == "Anytown Youth Offending Service and Children's Social Care: Joint Protocol"
    assert (meta["agreed"], meta["review"], meta["version"]) == (dt.date(2019, 3, 20), "unspecified", "unspecified")
    assert meta["source"] == "invented.txt" and meta["clause"] == ["front(a)", "front(b)", "front(c)", "front(d)"]
    assert "review: unspecified  # 'March 2021' is not a full date" in dump(draft(text, "invented.txt"))


@pytest.mark.parametrize("words", ["20th March 2019", "20 March 2019", "March 20, 2019", "20/03/2019", "2019-03-20"])
def test_dates_in_the_ways_protocols_write_them(words: str) -> None:
    assert parse_date(words) == dt.date(2019, 3, 20)


def test_a_text_with_no_agency_still_drafts_valid_yaml() -> None:
    data = drafted("1.1 Everyone should be kind.\n")
    assert data["agencies"] == [] and data["duties"][0]["actor"] == "unspecified"


def test_invented_protocol_draft_loads(tmp_path: Path) -> None:
    loads(
        tmp_path,
        (
            "Anytown YOS and CSC Protocol\n\nAgreed: 1 April 2024\n\n1 Introduction\n\n"
            "1.1 The YOS will notify CSC within 24 hours of a remand.\n1.2 The YOS will notify CSC within 2 days of a remand.\n"
            "1.3 The child must be advised of the plan no later than 14 days before release.\n"
            "1.4 A visit should be made within 7 days. Another visit will be made within 7 days.\n"
            "Signed:\n\nDate: March 2024\n"
        ),
    )


# --- the seeds -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEED_FILES)
def test_seed_draft_is_yaml_and_loads(tmp_path: Path, seed: str) -> None:
    if not (SEEDS / seed).exists():
        pytest.skip(f"seed documents not found at {SEEDS} (they live outside the repository)")
    text = (SEEDS / seed).read_text(encoding="utf-8")
    data = drafted(text)
    assert data["protoverify"] == 1 and data["duties"] and data["narrative"]
    loads(tmp_path, text)


# --- the command ---------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "protoverify", "extract", *args], capture_output=True, text=True)


@pytest.mark.slow
def test_extract_prints_the_draft_or_writes_it_once(tmp_path: Path) -> None:
    source = tmp_path / "protocol.txt"
    source.write_text("1.1 The YOS must notify CSC as soon as possible.\n", encoding="utf-8")
    printed = run(str(source))
    assert printed.returncode == 0 and "protoverify: 1" in printed.stdout
    target = tmp_path / "out" / "draft.yaml"
    assert run(str(source), "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8") == printed.stdout
    target.write_text("kept", encoding="utf-8")
    refused = run(str(source), "-o", str(target))
    assert refused.returncode == 2 and refused.stderr.startswith(f"{target}: file exists")
    assert target.read_text(encoding="utf-8") == "kept"
    assert run(str(source), "-o", str(target), "--force").returncode == 0
    assert target.read_text(encoding="utf-8") == printed.stdout
    assert [p.name for p in target.parent.iterdir() if p.name != MANIFEST] == [
        "draft.yaml"
    ]  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"1.1 The YOS\x00 will", "binary file"),
        (b"1.1 The caf\xe9 will", ":1:12: not UTF-8 text"),
        (b"  \n", "empty file"),
    ],
)
@pytest.mark.slow
def test_extract_of_an_unreadable_document_is_located(tmp_path: Path, content: bytes | None, message: str) -> None:
    source = tmp_path / "protocol.txt"
    if content is not None:
        source.write_bytes(content)
    result = run(str(source), "-o", str(tmp_path / "draft.yaml"))
    assert result.returncode == 2 and result.stderr.startswith(str(source)) and message in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "draft.yaml").exists()


# --- the figures ---------------------------------------------------------------------------------

FLOORS: dict[str, dict[str, float]] = {
    # measured against the re-encoding on the library (branch reencode-stockport): the draft is unchanged, but
    # the hand encoding now names the actors and limits the text gives in context (5 unspecified actors, not
    # 22; 25 timescale parts) and makes principles narrative, so the draft's unspecified actors and timescales
    # match less of it; the old floors were measured against the encoding's own mistakes
    "stockport-2019": {
        "duty precision": 0.903,
        "duty recall": 0.888,
        "timescale precision": 0.750,
        "timescale recall": 0.240,
        "unspecified actor precision": 0.238,
        "unspecified actor recall": 1.000,
        "modality equal": 0.910,
    },
    "warwickshire": {
        "duty precision": 0.685,
        "duty recall": 0.960,
        "timescale precision": 1.000,
        "timescale recall": 0.526,
        "unspecified actor precision": 0.096,
        "unspecified actor recall": 1.000,
        "modality equal": 0.833,
    },
}
"""The figures reported in docs/extraction.md (rounded down to three decimals): seed -> measure -> floor.
Re-measure and update both together when the extractor or a hand encoding changes."""

PAGE_FLOORS: dict[str, dict[str, float]] = {
    "all": {
        "duties precision": 0.955,
        "duties recall": 0.955,
        "list_actor recall": 1.000,
        "descriptive recall": 1.000,
        "phrases recall": 1.000,
        "timescales recall": 0.956,
        "triggers recall": 1.000,
    },
    "held-out-guidance": {"duties recall": 1.000, "list_actor recall": 1.000, "descriptive recall": 1.000},
}
"""The procedure-page figures in docs/extraction.md, as floors. The targets of issue 17 are 0.8 for
list entries drafted with the right actor, and 1.0 for descriptive modals left out and time phrases parsed."""


def test_page_figures_meet_the_targets_and_do_not_fall() -> None:
    bench = _bench()
    results = bench.pages_measured()
    results["all"] = functools.reduce(operator.add, results.values())
    assert len(results) >= 5
    assert results["all"].list_actor.recall >= 0.8 and results["all"].descriptive.recall == 1.0
    assert results["all"].phrases.recall == 1.0
    for name, floors in PAGE_FLOORS.items():
        for measure, floor in floors.items():
            field_name, kind = measure.split()
            value = getattr(getattr(results[name], field_name), kind)
            assert bench.down(value) >= floor, f"{name} {measure}: {value:.3f} < {floor}"


def _bench():
    spec = importlib.util.spec_from_file_location("extraction_figures", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up here
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.slow
def test_figures_do_not_fall_below_those_reported() -> None:
    bench = _bench()
    for seed, encoding in bench.PAIRS.values():
        if not (SEEDS / seed).exists():
            pytest.skip(f"seed documents not found at {SEEDS} (they live outside the repository)")
        if not encoding.exists():
            pytest.skip(f"hand encoding {encoding.name} not written yet")
    results = bench.measured()
    for name, floors in FLOORS.items():
        result = results[name]
        values = {
            "duty precision": result.duties.precision,
            "duty recall": result.duties.recall,
            "timescale precision": result.timescales.precision,
            "timescale recall": result.timescales.recall,
            "unspecified actor precision": result.unspecified_actor.precision,
            "unspecified actor recall": result.unspecified_actor.recall,
            "modality equal": result.modality.equal / result.modality.clauses,
        }
        for measure, floor in floors.items():
            assert bench.down(values[measure]) >= floor, f"{name} {measure}: {values[measure]:.3f} < {floor}"
