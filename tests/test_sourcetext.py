"""Reading a plain-text protocol: clause ids as DESIGN.md prescribes, and the time phrases in them."""

from __future__ import annotations

from protoverify.model.sourcetext import clause_ids, segments
from protoverify.model.timephrases import time_phrases

TEXT = """\
Anytown Youth Justice Protocol

Agreed: 1st April 2024

1 INTRODUCTION

- 1.1 This agreement sets out how the services work together.
- 1.2 The services are committed to:
- Working in partnership,
- Reducing offending.

2. Remands

2.1 Remands to Local Authority Accommodation

- 2.1.1 The YJS officer in court will notify CSC as soon as a remand is ordered.
- 2.1.2 CSC will identify a placement and report back
within 4 hours of notification.

2.2 YRO with accommodation requirement

If the court considers such an order the officer will ask for a 3 week adjournment (15 working days).

The social worker will provide the assessment at least 2 days prior to the hearing.
- 2.3 The following must be sent within 24 hours:
- 2.3.1 The care history
 - 2.3.2 The health plan
- 2.4 Workers will meet to:
- i) Share information
- ii) Avoid duplication

OFFICIAL

- 2.5 Young people aged 13 years and over may be placed in secure accommodation.

Signed:

A. Person, Head of Service
"""


def test_clause_ids_follow_the_printed_numbering_and_letter_the_rest() -> None:
    assert clause_ids(TEXT) == [
        "front(a)",
        "front(b)",
        "1.1",
        "1.2",
        "1.2(a)",
        "1.2(b)",
        "2.1.1",
        "2.1.2",
        "2.2(a)",
        "2.2(b)",
        "2.3",
        "2.3.1",
        "2.3.2",
        "2.4",
        "2.4(i)",
        "2.4(ii)",
        "2.5",
        "signatures(a)",
        "signatures(b)",
    ]


def test_headings_are_structure_not_clauses() -> None:
    headings = [(s.id, s.text) for s in segments(TEXT) if s.kind == "heading"]
    assert headings == [
        ("1", "INTRODUCTION"),
        ("2", "Remands"),
        ("2.1", "Remands to Local Authority Accommodation"),
        ("2.2", "YRO with accommodation requirement"),
    ]


def test_a_line_broken_by_a_page_joins_its_paragraph_and_markings_are_dropped() -> None:
    by_id = {s.id: s for s in segments(TEXT)}
    assert by_id["2.1.2"].text.endswith("report back within 4 hours of notification.")
    assert all("OFFICIAL" not in s.text for s in segments(TEXT))


def test_items_know_the_clause_they_are_listed_under() -> None:
    by_id = {s.id: s for s in segments(TEXT)}
    assert (by_id["2.3.2"].kind, by_id["2.3.2"].parent) == ("item", "2.3")
    assert (by_id["2.4(ii)"].kind, by_id["2.4(ii)"].parent) == ("item", "2.4")
    misnumbered = segments("- 8.4 A clause.\n- 8.6 Send these:\n- 8.4.1 First thing\n")
    assert [(s.id, s.kind, s.parent) for s in misnumbered][-1] == ("8.4.1", "item", "8.6")  # kept as printed


def test_time_phrases() -> None:
    found = [
        (p.relation, p.amount, p.unit, p.words)
        for p in time_phrases(
            "notify as soon as possible and no later than 14 days before release; visit within 10 working days of "
            "custody; a 3 week adjournment (15 working days); within five working days; two days per week; "
            "held every Tuesday; at the earliest opportunity; in a timely manner; accommodated immediately before sentence;"
            " aged 13 years and over"
        )
    ]
    assert found == [
        ("vague", None, None, "as soon as possible"),
        ("before", 14, "days", "no later than 14 days before"),
        ("within", 10, "working_days", "within 10 working days of"),
        ("duration", 3, "weeks", "3 week"),
        ("duration", 15, "working_days", "15 working days"),
        ("within", 5, "working_days", "within five working days"),
        ("per", 2, "days", "two days per week"),
        ("every", 1, "weeks", "every Tuesday"),
        ("vague", None, None, "at the earliest opportunity"),
        ("vague", None, None, "in a timely manner"),
    ]


PAGE = """\
Skip to content
Anytown Logo
https://anytown.example.org/chapters/yjs.html

Protocol between Anytown YJS and Children's Services

SCOPE OF THIS CHAPTER

This chapter says how the two services work together for children known to both.

RELEVANT GUIDANCE

Remands Procedure

Looked After Reviews Procedure

AMENDMENT

In May 2024 this chapter was updated.

Contents

1. Referrals
2. Custody

1. Referrals

The YJS will check CSC records for every new referral.

Responsibilities of the YJS

In particular, the YJS will:
- share its assessment;
- attend reviews.
2. Custody
Both services will plan for release together.
"""


def test_a_page_leaves_out_chrome_and_names_sections_from_headings() -> None:
    assert [(s.id, s.kind, s.lead) for s in segments(PAGE)] == [
        ("front(a)", "front", None),
        ("scope-of-this-chapter", "heading", None),
        ("scope-of-this-chapter(a)", "paragraph", None),
        ("amendment", "heading", None),
        ("amendment(a)", "paragraph", None),
        ("1", "heading", None),
        ("1(a)", "paragraph", None),
        ("responsibilities-of-the-yjs", "heading", None),
        ("responsibilities-of-the-yjs(a)", "paragraph", None),
        ("responsibilities-of-the-yjs(b)", "paragraph", "responsibilities-of-the-yjs(a)"),
        ("responsibilities-of-the-yjs(c)", "paragraph", "responsibilities-of-the-yjs(a)"),
        ("2", "heading", None),
        ("2(a)", "paragraph", None),
    ]


def test_a_heading_glued_to_the_paragraph_before_is_split() -> None:
    found = segments("Anytown Procedure\nThe services work together.1. Aims\nThe YOS will act.\n")
    assert [(s.id, s.text) for s in found] == [
        ("front(a)", "Anytown Procedure"),
        ("front(b)", "The services work together."),
        ("1", "Aims"),
        ("1(a)", "The YOS will act."),
    ]


def test_repeated_headings_get_distinct_readable_ids() -> None:
    text = "Anytown Protocol\n\nReferrals\n\nThe YJS will refer.\n\nReferrals\n\nCSC will refer.\n"
    assert clause_ids(text) == ["front(a)", "referrals(a)", "referrals-b(a)"]


def test_new_time_phrases() -> None:
    found = [
        (p.words, p.relation, p.amount, p.unit)
        for p in time_phrases(
            "checked at three monthly intervals, reviewed quarterly and every 3 months, met fortnightly, "
            "sent by the next working day, told on the same day, placed the following day, visited within a month of"
        )
    ]
    assert found == [
        ("at three monthly intervals", "every", 3, "months"),
        ("quarterly", "every", 3, "months"),
        ("every 3 months", "every", 3, "months"),
        ("fortnightly", "every", 2, "weeks"),
        ("by the next working day", "within", 1, "working_days"),
        ("on the same day", "day", 1, "days"),
        ("the following day", "day", 1, "days"),
        ("within a month of", "within", 1, "months"),
    ]
