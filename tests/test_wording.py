"""The one place for names and phrases (model/wording.py, model/names.py): each phrase as the outputs
say it, the protocol's short names, a clause with its opening words, a child in a situation, and no
copy of them elsewhere."""

from __future__ import annotations

import ast
import datetime as dt

from conftest import EXAMPLE, ROOT

from protoverify import load_protocol
from protoverify.model import names, wording
from protoverify.model.calendar import Calendar, Limit, Unit
from protoverify.model.timescales import Start

PACKAGES = ("model", "properties", "simulate", "reports", "protoverify")


def sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in (ROOT / package).glob("*.py")
    }


def test_did_you_mean_is_built_once() -> None:
    assert wording.did_you_mean("custdy", {"custody", "community"}) == "custody"
    assert wording.did_you_mean("xyz", {"custody"}) is None
    assert wording.guess("custdy", ["custody"]) == "; did you mean 'custody'?"
    assert wording.guess("xyz", ["custody"]) == ";" and wording.guess("xyz", ["custody"], "") == ""
    message = wording.unknown("state", "custdy", {f"s{i}" for i in range(20)} | {"custody"}, " in lifecycle 'j'")
    assert message.startswith("unknown state 'custdy' in lifecycle 'j'; did you mean 'custody'? expected one of: ")
    assert message.endswith(" ...") and message.count(",") == 11
    assert wording.unknown("event", "x", set()) == "unknown event 'x'; expected one of: (none declared)"
    built = [file for file, text in sources().items() if "get_close_matches" in text]
    assert built == ["model/wording.py"], built


def strings(text: str) -> set[str]:
    """The string constants of a module's code (its docstrings left out), f-strings' parts included."""
    tree = ast.parse(text)
    documented = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documented
    }


def test_no_one_named_is_phrased_in_one_table() -> None:
    phrases = set(wording.NO_ONE.values())
    copies = {file for file, text in sources().items() if any(p in s for s in strings(text) for p in phrases)}
    assert copies == {"model/wording.py"}, copies


def test_lists_and_clauses() -> None:
    assert wording.listing(["a"]) == "a" and wording.listing(["a", "b", "c"]) == "a, b and c"
    assert wording.joined(["a", "b", "c"], "and") == "a and b and c"
    assert wording.joined(["a", "b"], "comma") == "a, b"
    assert wording.clause_words(["5.6", "5.6"]) == "clause 5.6"
    assert wording.clause_words(["5.6", "7.1", "8"]) == "clauses 5.6, 7.1 and 8"


def test_who_by_full_and_short_names() -> None:
    example = load_protocol(EXAMPLE)
    named = names.names(example)
    assert names.names(example) is named, "looked up once per protocol"
    both = ("yjs", "csc")
    assert names.parties_words(example, both) == f"{named.party('yjs')} and {named.party('csc')}"
    assert names.parties_words(example, None) == "no one named"
    assert names.parties_words(example, None, nobody="cell") == "(not named)"
    led = names.parties_words(example, both, how="and", lead="csc")
    assert led.endswith(f" ({named.party('csc')} leading)")
    assert named.party("not_declared") == "not declared"
    assert names.who(example, both) == "YJS and CSC" and names.who(example, None) == ""
    assert names.who(example, ("yjs_court_officer",), lead=None) == "the YJS officer in court"  # in a sentence
    assert names.who(example, ("yjs_court_officer",), cell=True) == "YJS officer in court"  # in a table
    assert names.who(example, ("yjs_court_officer", "csc")) == "the YJS officer in court and CSC"


def test_short_names_clauses_and_children() -> None:
    assert names.short_name("Stockport Youth Offending Service (YOS; also called the YOT)") == "YOS"
    assert names.short_name("Warwickshire Children's Services") == "Warwickshire Children's Services"
    assert names.short_name("the police (police station)") == "the police"
    assert names.short_name("the police (police station)", "police") == "police"
    example = load_protocol(EXAMPLE)
    assert names.clause_ref(example, "4.3") == "clause 4.3", "no opening words in this file"
    assert names.clauses_ref(example, ["3.4", "3.4(b)"]) == "clauses 3.4 and 3.4(b)"
    child = names.child_words(example, {"justice": "police_custody", "care": "not_looked_after", "known_to_csc": False})
    assert child == "a child (in police custody; not looked after; not: known to children's social care)"
    assert names.child_words(example, {"age": 15, "legal_status": "section_20"}) == (
        "a child (age in years 15; looked-after legal status before the offence: section 20)"
    )


def test_what_starts_a_clock_in_each_style() -> None:
    example = load_protocol(EXAMPLE)
    named = names.names(example)
    event = next(e for e in example.events)
    state = next(iter(named.states))
    on_event, entering = Start("event", event.id), Start("enter", state)
    assert names.start_words(example, on_event, "quoted") == f"'{event.name}'"
    assert names.start_words(example, on_event, "change") == f"'{event.name}'"
    assert names.start_words(example, on_event, "id") == f"event {event.id}"
    assert names.start_words(example, entering, "quoted") == f"'{named.state(state)}' beginning"
    assert names.start_words(example, entering, "change") == f"entering '{named.state(state)}'"
    assert names.start_words(example, None, "quoted") == "its start"
    assert names.start_words(example, None, "change") == "none (a standing duty)"
    assert names.start_words(example, None, "id") == "nothing"
    assert wording.start_phrase("enter", "moment", state="in custody") == "in custody begins"
    assert wording.start_phrase("duty", "moment", action="write the report") == "write the report done"
    done = example.duties[0]
    assert names.start_words(example, Start("duty", done.id), "change") == f"duty {done.id} being done"
    assert names.start_words(example, Start("duty", done.id), "quoted") == f"'{done.action}' being done"


def test_a_timescale_in_words() -> None:
    assert wording.amount_words(1, Unit.WORKING_DAYS) == "1 working day"
    assert wording.amount_words(1, Unit.WEEKS) == "1 week"
    assert wording.amount_words(3, Unit.MONTHS) == "3 months" and wording.amount_words(1, Unit.MONTHS) == "1 month"
    assert wording.limit_words(Limit(10, Unit.WORKING_DAYS), "'sentence'") == "within 10 working days of 'sentence'"
    assert wording.limit_words(Limit(2, Unit.DAYS, True), "it") == "no later than 2 days before it"
    assert wording.limit_words(Limit(None, None, True), "'the meeting'") == "before 'the meeting'"
    assert wording.size(Limit(None, None, True)) == ""
    example = load_protocol(EXAMPLE)
    psr = next(d for d in example.duties if d.id == "write_pre_sentence_report")
    assert names.timescale_words(example, psr).startswith("within 3 weeks of '")
    assert ", within 15 working days of '" in names.timescale_words(example, psr)
    changed = names.timescale_change_words(example, psr)
    assert changed.startswith("within 3 weeks of '") and changed.endswith("also stated as 15 working days")
    weekly = next(d for d in example.duties if d.id == "case_review_meeting")
    assert names.timescale_words(example, weekly) == "at intervals of at most 1 week"
    assert names.timescale_change_words(example, weekly) == "at least every 1 week"


def test_dates() -> None:
    day = dt.date(2024, 12, 25)
    assert wording.day_words(day) == "Wed 25 Dec 2024" and wording.long_date(day) == "25 December 2024"
    assert wording.holiday_words(Calendar(), day) == " (Christmas Day)"
    assert wording.holiday_words(Calendar(), dt.date(2024, 12, 28)) == " (a Saturday)"
    close = dt.datetime(2024, 12, 28)
    assert wording.deadline_words(close, Limit(1, Unit.DAYS)) == "by the close of Fri 27 Dec 2024"
    assert wording.deadline_words(close, Limit(5, Unit.HOURS)) == "before 00:00 on Sat 28 Dec 2024"
    assert wording.moment_words(dt.datetime(2024, 12, 27, 9, 30), Limit(5, Unit.HOURS)) == "Fri 27 Dec 2024 at 09:30"
    assert wording.gap_words(dt.datetime(2024, 1, 1, 9), dt.datetime(2024, 1, 1, 14)) == "5 hours"
    assert wording.gap_words(dt.datetime(2024, 1, 1, 9), dt.datetime(2024, 1, 2, 8)) == "1 day"


def test_what_starts_a_clock_is_phrased_in_one_table() -> None:
    fragments = {"the case becoming", "ceasing to be", "none (a standing duty)", "' beginning", " becomes possible"}
    copies = {file for file, text in sources().items() if any(f in s for s in strings(text) for f in fragments)}
    assert copies == {"model/wording.py"}, copies
