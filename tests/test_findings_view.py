"""The findings as a reader sees them: a grouped finding as a compact table (a row per member) in the
page, the Markdown and the terminal; a finding's detail folded in the page; statutory findings shown
once; and what to fix first, a short list of specific findings in the order to deal with them."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLE, TODAY
from markupsafe import escape

from protoverify import load_protocol
from protoverify.properties.check import Report
from protoverify.properties.findings import Member, Pattern, grouped, make
from protoverify.reports.findings import to_markdown as findings_markdown
from protoverify.reports.findings import to_text
from protoverify.reports.html import to_html, to_markdown
from protoverify.reports.report import assemble
from protoverify.reports.triage import FIX_LEAST, FIX_MOST, GIST, fix_first, gist, tasks_a_year, where
from protoverify.simulate.summary import MetricSummary, Summary

NOTICE = Pattern(id="notice", several="{n} invitations give no notice period", suggestion="Give a notice period.")
ROWS = (
    Member(clause="2.4", opening="The social worker will invite", who="social worker", what="invite YOS staff"),
    Member(clause="2.5", who="YOS practitioner", what="invite social workers", when="before the meeting"),
    Member(clause="4.4.4", what="invite the personal adviser"),
)


def finding(kind: str, severity: str, clause: str = "1", *, accepted: str | None = None, message: str = ""):
    found = make(
        kind, f"{kind} {severity} {clause}", severity, [clause], message or f"{kind} at {clause}", suggestion="fix"
    )
    return found.model_copy(update={"accepted": accepted})


def members() -> list:
    """Three findings of one minor pattern, which `grouped` makes one finding with three rows."""
    return [
        make(
            "vague-deadline",
            f"notice {m.clause}",
            "info",
            [m.clause],
            f"Clause {m.clause} gives no notice period.",
            pattern=NOTICE,
            member=m,
        )
        for m in ROWS
    ]


STATUTORY = "The protocol does not say who must visit a detained child (a statute, s1)."


@pytest.fixture(scope="module")
def report():
    """The example protocol's report, with a grouped finding, a finding with a detail and a statutory
    finding of its own added."""
    protocol = load_protocol(EXAMPLE)
    extra = [
        *grouped(members()),
        make("statutory-gap", "visit", "warning", ["3.1"], STATUTORY, detail="The law counts from the first day."),
    ]
    base = assemble(protocol, "example.yaml", Report(protocol, TODAY, []), dated=True)
    checked = Report(protocol, TODAY, [*base.check.findings, *extra])
    return assemble(protocol, "example.yaml", checked, dated=True)


def _group(report):
    return next(f for f in report.check.findings if f.members)


# --- a grouped finding as a table -------------------------------------------------------------------


def test_a_grouped_finding_shows_in_the_page_as_one_table_with_a_row_per_member(report) -> None:
    group = _group(report)
    page = to_html(report)
    anchor = "f-" + group.id.replace(":", "-")
    article = re.search(rf'<article [^>]*id="{anchor}".*?</article>', page, re.S)
    assert article is not None and page.count(f'id="{anchor}"') == 1
    table = re.search(r'<table class="members">(.*?)</table>', article.group(0), re.S)
    assert table is not None
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1))
    assert [r[0].split(" ")[0] for r in rows] == ["2.4", "2.5", "4.4.4"]
    assert "&ldquo;The social worker will invite&rdquo;" in rows[0][0]
    assert rows[1][1:] == ("YOS practitioner", "invite social workers", "before the meeting")
    assert rows[2][1] == "not named" and rows[2][3] == "not said"
    assert "<th>clause</th><th>who</th><th>what</th><th>by when</th>" in table.group(1)


def test_a_grouped_finding_shows_in_markdown_and_the_terminal_as_a_table(report) -> None:
    group = _group(report)
    text = to_markdown(report)
    assert "  | clause | who | what | by when |" in text
    assert '  | 2.4 "The social worker will invite" | social worker | invite YOS staff | not said |' in text
    assert "  | 4.4.4 | not named | invite the personal adviser | not said |" in text
    document = findings_markdown(report.check)
    assert '| 2.4 ("The social worker will invite") | social worker | invite YOS staff | not said |' in document
    lines = to_text(report.check).splitlines()
    head = next(i for i, line in enumerate(lines) if f"({group.id})" in line)
    end = next(i for i in range(head, len(lines)) if lines[i].startswith("    Suggestion"))
    table = lines[head + 2 : end]
    assert table[0].split() == ["clause", "who", "what", "by", "when"] and set(table[1]) <= {" ", "-"}
    starts = [line for line in table[2:] if line[6] != " "]  # a row's first line; the rest are indented
    assert [line.split()[0] for line in starts] == ["2.4", "2.5", "4.4.4"]
    assert "before the meeting" in starts[1] and "The social" in starts[0]


def test_a_long_cell_wraps_within_its_column_in_the_terminal() -> None:
    protocol = load_protocol(EXAMPLE)
    long = Member(clause="9.9", what="do " + "a great many things " * 8, when="not later than " + "x" * 30)
    rows = [*ROWS[:2], long]
    found = grouped(
        [make("vague-deadline", f"q {m.clause}", "info", [m.clause], "m", pattern=NOTICE, member=m) for m in rows]
    )
    lines = to_text(Report(protocol, TODAY, found)).splitlines()
    table = [line for line in lines if line.startswith("      ")]
    assert len(table) > 5 and max(len(line) for line in table) <= 120
    assert sum("a great many things" in line for line in lines) >= 2  # wrapped over several lines


# --- detail, statutory findings ---------------------------------------------------------------------


def test_a_detail_unfolds_in_the_page_and_is_listed_in_markdown(report) -> None:
    page = to_html(report)
    assert re.search(r'<details class="more"><summary>[^<]+</summary><p>The law counts from the first day\.</p>', page)
    assert "  - More: The law counts from the first day." in to_markdown(report)


def test_a_statutory_finding_is_shown_once_and_the_baseline_section_links_to_it(report) -> None:
    statutory = next(f for f in report.check.findings if f.kind == "statutory-gap")
    page, text = to_html(report), to_markdown(report)
    page, text = page[page.index('<section id="findings">') :], text[text.index("## Findings") :]  # after fix first
    assert page.count(str(escape(STATUTORY))) == 1 and text.count(STATUTORY) == 1
    section = page[page.index('<section id="statute">') : page.index('<section id="lifecycles">')]
    assert f'href="#f-{statutory.id.replace(":", "-")}"' in section and "<table" not in section
    assert f"`{statutory.id}`" in text[text.index("## Statutory baseline") :]
    assert report.to_json()["baseline"]["open"] == 1


# --- what to fix first ------------------------------------------------------------------------------


def test_fix_first_names_every_error_up_to_ten_and_at_least_five_findings() -> None:
    errors = [finding("ownership-gap", "error", str(i)) for i in range(1, 13)]
    warnings = [finding("vague-deadline", "warning", str(i)) for i in range(1, 9)]
    infos = [finding("numbering", "info", str(i)) for i in range(1, 4)]
    assert len(fix_first(errors + warnings)) == FIX_MOST == 10
    assert [i.severity for i in fix_first(errors[:7] + warnings)] == ["error"] * 7
    assert [i.severity for i in fix_first(errors[:2] + warnings)] == ["error"] * 2 + ["warning"] * 3
    assert [i.severity for i in fix_first(warnings[:1] + infos)] == ["warning", "info", "info", "info"]
    assert len(fix_first(warnings)) == FIX_LEAST == 5 and fix_first([]) == []
    for found in (errors, errors[:3] + infos, warnings[:2], errors + warnings + infos):
        assert min(FIX_LEAST, len(found)) <= len(fix_first(found)) <= FIX_MOST


def test_fix_first_ranks_by_severity_then_kind_then_clause_and_skips_accepted() -> None:
    found = [
        finding("vague-deadline", "warning", "2"),
        finding("deadline-conflict", "error", "5"),
        finding("ownership-gap", "error", "3"),
        finding("ownership-gap", "error", "1"),
        finding("dangling-reference", "error", "4", accepted="made elsewhere"),
        finding("numbering", "info"),
    ]
    items = fix_first(found)
    assert [(i.severity, i.kind, i.clauses) for i in items] == [
        ("error", "ownership-gap", ("1",)),
        ("error", "ownership-gap", ("3",)),
        ("error", "deadline-conflict", ("5",)),
        ("warning", "vague-deadline", ("2",)),
        ("info", "numbering", ("1",)),
    ]
    assert items[0].id == found[3].id and all(i.work is None for i in items)


def test_with_a_simulation_the_work_under_a_clause_ranks_findings_within_a_severity() -> None:
    found = [
        finding("ownership-gap", "error", "1"),
        finding("deadline-conflict", "error", "5"),
        make("ownership-gap", "both", "error", ["2", "7"], "Clauses 2 and 7 disagree."),
        finding("vague-deadline", "warning", "9"),
    ]
    work = {"1": 3.0, "2": 10.0, "5": 40.0, "7": 25.0, "9": 500.0}
    items = fix_first(found, work=work)
    assert [(i.clauses, i.work, i.busiest) for i in items] == [
        (("5",), 40.0, "5"),
        (("2", "7"), 25.0, "7"),  # the busiest of its clauses, not their sum
        (("1",), 3.0, "1"),
        (("9",), 500.0, "9"),  # a warning comes after every error, however busy
    ]
    unsimulated = fix_first(found, work={})
    assert [i.clauses for i in unsimulated][:3] == [("1",), ("2", "7"), ("5",)]
    assert [i.work for i in unsimulated] == [0.0] * 4 and unsimulated[0].busiest is None


def test_the_work_is_read_from_the_simulations_task_counts_per_clause_as_a_year() -> None:
    def stats(mean: float) -> MetricSummary:
        return MetricSummary(3, 0, mean, 0.0, mean, mean, mean, mean)

    summary = Summary(3, 1, {"tasks/clause/2.5": stats(120.0), "tasks/clause/3": stats(0.0), "tasks/raised": stats(9)})
    assert tasks_a_year(summary, 365) == {"2.5": 120.0, "3": 0.0}
    assert tasks_a_year(summary, 73) == {"2.5": 600.0, "3": 0.0}


def test_each_item_is_one_line_its_clause_with_opening_words_the_gist_and_the_id() -> None:
    message = (
        "Clause 5.6.1 says someone must tell CSC, e.g. by phone, but not who or by when. "
        "A second sentence the line leaves out."
    )
    found = make("ownership-gap", "tell", "error", ["5.6.1"], message)
    (item,) = fix_first([found], {"5.6.1": "As soon as a RiLAA has"})
    assert item.where == 'clause 5.6.1 ("As soon as a RiLAA has")' and item.follows
    assert item.gist == "says someone must tell CSC, e.g. by phone, but not who or by when."
    assert where(found, {}) == "clause 5.6.1"
    long = "Clause 1 says " + "very " * 80 + "long. Next."
    assert len(gist(long)) <= GIST and gist(long).endswith("...") and "\n" not in gist(long)
    quoted = make("ownership-gap", "q", "error", ["4.1"], 'Clause 4.1 ("where a child is") says someone must act.')
    assert fix_first([quoted])[0].gist == "says someone must act."  # the opening words go with the number
    short = make("waiting-no-limit", "w", "error", ["5.6.4"], "A child can be waiting (clause 5.6.4). No limit is set.")
    assert fix_first([short])[0].gist == "A child can be waiting (clause 5.6.4). No limit is set."  # too short alone
    other = make("ownership-gap", "nobody", "error", ["3", "1", "2", "8", "9"], "No clause says who holds it.")
    (item,) = fix_first([other])
    assert item.where == "clauses 1, 2, 3 and 2 more" and not item.follows and item.gist == other.message


def test_the_page_and_markdown_list_each_item_on_one_line_with_its_id(report) -> None:
    page, text = to_html(report), to_markdown(report)
    section = page[page.index('<section id="fix-first">') : page.index('<section id="findings">')]
    items = re.findall(r"<li data-finding=\"([^\"]+)\">(.*?)</li>", section, re.S)
    assert [i for i, _ in items] == [i.id for i in report.fix_first]
    assert min(FIX_LEAST, len(report.check.open)) <= len(items) <= FIX_MOST
    for (ident, body), item in zip(items, report.fix_first):
        assert f'<a href="#f-{ident.replace(":", "-")}">' in body and f'<span class="id">{ident}</span>' in body
        assert str(escape(item.gist)) in body
    listed = text[text.index("## What to fix first") : text.index("## Findings")].strip().splitlines()[2:]
    assert [line.rsplit("`", 2)[1] for line in listed] == [i.id for i in report.fix_first]
    assert all(line.startswith(f"{n}. **") for n, line in enumerate(listed, 1))
