"""The working-day calendar against real UK bank holidays, and its deadline semantics.

Expected dates are the gov.uk bank holiday lists (weekday dates, i.e. with substitute days in
place of the weekend ones), written out by hand rather than derived from the `holidays` package.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protoverify.model.calendar import Calendar, Region, Unit

EW = Calendar()
SCOTLAND = Calendar("scotland")
NORTHERN_IRELAND = Calendar("northern-ireland")
LONDON = ZoneInfo("Europe/London")


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


# England and Wales bank holidays that fall on a weekday (gov.uk), 2015-2030.
ENGLAND_AND_WALES = {
    2015: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2016: "01-01 03-25 03-28 05-02 05-30 08-29 12-26 12-27",
    2017: "01-02 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
    2018: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2019: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
    2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
    2028: "01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
    2029: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2030: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
}


def weekday_holidays(calendar: Calendar, year: int) -> set[date]:
    """The weekdays of a year that are not working days."""
    days = (date(year, 1, 1) + timedelta(i) for i in range(366))
    return {x for x in days if x.year == year and x.weekday() < 5 and not calendar.is_working_day(x)}


# --- bank holidays -------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(ENGLAND_AND_WALES))
def test_england_and_wales_bank_holidays_match_gov_uk(year: int) -> None:
    expected = {d(f"{year}-{md}") for md in ENGLAND_AND_WALES[year].split()}
    assert weekday_holidays(EW, year) == expected


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2015-12-28", "Boxing Day"),  # Boxing Day Saturday 26th
        ("2020-12-28", "Boxing Day"),  # Boxing Day Saturday 26th
        ("2021-12-27", "Christmas Day"),  # Christmas Saturday, Boxing Day Sunday
        ("2021-12-28", "Boxing Day"),
        ("2022-12-27", "Christmas Day"),  # Christmas Sunday, Boxing Day Monday 26th
        ("2027-12-27", "Christmas Day"),  # Christmas Saturday
        ("2027-12-28", "Boxing Day"),
        ("2017-01-02", "New Year's Day"),  # 1 January a Sunday
        ("2022-01-03", "New Year's Day"),  # 1 January a Saturday
        ("2028-01-03", "New Year's Day"),  # 1 January a Saturday
    ],
)
def test_substitute_days_are_bank_holidays(day: str, name: str) -> None:
    assert not EW.is_working_day(d(day))
    assert d(day).weekday() < 5
    assert name in EW.holiday_name(d(day))
    assert "observed" in EW.holiday_name(d(day))


def test_the_weekend_holiday_itself_keeps_its_name() -> None:
    assert EW.holiday_name(d("2015-12-26")) == "Boxing Day"
    assert EW.holiday_name(d("2022-12-25")) == "Christmas Day"


def test_2020_early_may_bank_holiday_moved_to_ve_day() -> None:
    assert not EW.is_working_day(d("2020-05-08"))  # Friday, 75th anniversary of VE Day
    assert EW.is_working_day(d("2020-05-04"))  # the first Monday of May was a working day


def test_2022_jubilee_and_state_funeral() -> None:
    assert not EW.is_working_day(d("2022-06-02"))  # spring bank holiday, moved to a Thursday
    assert "Jubilee" in EW.holiday_name(d("2022-06-03"))
    assert EW.is_working_day(d("2022-05-30"))  # the last Monday of May was a working day
    assert "Funeral" in EW.holiday_name(d("2022-09-19"))


def test_2023_coronation() -> None:
    assert "Coronation" in EW.holiday_name(d("2023-05-08"))
    assert not EW.is_working_day(d("2023-05-08"))


@pytest.mark.parametrize(
    ("good_friday", "easter_monday"),
    [
        ("2016-03-25", "2016-03-28"),
        ("2019-04-19", "2019-04-22"),
        ("2024-03-29", "2024-04-01"),
        ("2025-04-18", "2025-04-21"),
        ("2027-03-26", "2027-03-29"),
    ],
)
def test_easter(good_friday: str, easter_monday: str) -> None:
    assert EW.holiday_name(d(good_friday)) == "Good Friday"
    assert EW.holiday_name(d(easter_monday)) == "Easter Monday"
    assert SCOTLAND.is_working_day(d(easter_monday))  # no Easter Monday in Scotland
    assert not NORTHERN_IRELAND.is_working_day(d(easter_monday))


# The royal wedding; the spring bank holiday moved for the Diamond Jubilee, and the Jubilee.
@pytest.mark.parametrize("day", ["2011-04-29", "2012-06-04", "2012-06-05"])
def test_special_days_before_2015(day: str) -> None:
    assert not EW.is_working_day(d(day))


def test_wales_shares_the_england_list() -> None:
    for year in range(2010, 2041):
        england = holidays.UnitedKingdom(subdiv="ENG", years=year)
        wales = holidays.UnitedKingdom(subdiv="WLS", years=year)
        assert dict(england) == dict(wales), year


def test_scotland_differs() -> None:
    assert EW.is_working_day(d("2024-01-02"))
    assert not SCOTLAND.is_working_day(d("2024-01-02"))  # 2 January
    assert not SCOTLAND.is_working_day(d("2022-01-04"))  # 2 January substitute (1st a Saturday)
    assert not SCOTLAND.is_working_day(d("2024-12-02"))  # St Andrew's Day on a Saturday
    assert not SCOTLAND.is_working_day(d("2025-12-01"))  # St Andrew's Day on a Sunday
    assert EW.is_working_day(d("2025-12-01"))
    assert not SCOTLAND.is_working_day(d("2024-08-05"))  # summer bank holiday, first Monday
    assert SCOTLAND.is_working_day(d("2024-08-26"))
    assert EW.is_working_day(d("2024-08-05"))


def test_northern_ireland_differs() -> None:
    assert not NORTHERN_IRELAND.is_working_day(d("2025-03-17"))  # St Patrick's Day
    assert not NORTHERN_IRELAND.is_working_day(d("2024-03-18"))  # substitute (17th a Sunday)
    assert not NORTHERN_IRELAND.is_working_day(d("2024-07-12"))  # Battle of the Boyne
    assert not NORTHERN_IRELAND.is_working_day(d("2025-07-14"))  # substitute (12th a Saturday)
    assert EW.is_working_day(d("2025-03-17"))
    assert EW.is_working_day(d("2024-07-12"))


@pytest.mark.parametrize("year", range(2010, 2041))
def test_every_supported_year_has_a_plausible_number_of_working_days(year: int) -> None:
    n = EW.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
    assert 250 <= n <= 254


# --- regions and closures ------------------------------------------------------------------


def test_unknown_region_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="england-and-wales.*scotland.*northern-ireland"):
        Calendar("wales")


def test_region_is_england_and_wales_by_default() -> None:
    assert EW.region is Region.ENGLAND_AND_WALES
    assert Calendar(Region.SCOTLAND) == SCOTLAND


def test_local_closures_are_not_working_days() -> None:
    council = Calendar(closures=[d("2024-12-27"), d("2024-12-30"), d("2024-12-31")])
    assert not council.is_working_day(d("2024-12-27"))
    assert EW.is_working_day(d("2024-12-27"))
    assert council.holiday_name(d("2024-12-30")) == "local closure"
    assert EW.holiday_name(d("2024-12-30")) is None
    assert council.add_working_days(d("2024-12-20"), 5) == d("2025-01-06")


def test_a_closure_on_a_bank_holiday_keeps_the_holiday_name() -> None:
    council = Calendar(closures=[d("2024-12-25")])
    assert council.holiday_name(d("2024-12-25")) == "Christmas Day"


def test_closures_must_be_dates() -> None:
    with pytest.raises(TypeError):
        Calendar(closures=[datetime(2024, 12, 27)])


# --- working-day arithmetic ----------------------------------------------------------------


def test_add_working_days_over_christmas() -> None:
    # Fri 20 Dec 2024: Mon 23, Tue 24, (25, 26 bank holidays), Fri 27, Mon 30, Tue 31.
    assert EW.add_working_days(d("2024-12-20"), 5) == d("2024-12-31")
    assert EW.add_working_days(d("2024-12-20"), 10) == d("2025-01-08")


def test_add_working_days_over_a_bank_holiday_weekend() -> None:
    assert EW.add_working_days(d("2025-04-17"), 1) == d("2025-04-22")  # Thursday before Easter
    assert SCOTLAND.add_working_days(d("2025-04-17"), 1) == d("2025-04-21")


def test_trigger_on_a_weekend_or_holiday_counts_from_the_next_working_day() -> None:
    assert EW.add_working_days(d("2024-12-21"), 1) == d("2024-12-23")  # Saturday
    assert EW.add_working_days(d("2024-12-25"), 1) == d("2024-12-27")  # Christmas Day


def test_subtract_working_days() -> None:
    assert EW.subtract_working_days(d("2025-04-22"), 1) == d("2025-04-17")
    assert EW.subtract_working_days(d("2024-01-02"), 1) == d("2023-12-29")
    assert EW.subtract_working_days(d("2024-12-29"), 2) == d("2024-12-24")  # from a Sunday


def test_working_days_between() -> None:
    assert EW.working_days_between(d("2024-12-20"), d("2024-12-31")) == 5
    assert EW.working_days_between(d("2024-12-31"), d("2025-01-02")) == 1
    assert EW.working_days_between(d("2024-12-24"), d("2024-12-24")) == 0
    assert EW.working_days_between(d("2024-12-31"), d("2024-12-20")) == 0
    assert EW.working_days_between(d("2023-12-31"), d("2024-12-31")) == 254
    assert EW.working_days_between(d("2024-12-31"), d("2025-12-31")) == 253


def test_working_day_table() -> None:
    table = EW.working_day_table(d("2024-12-20"), d("2025-01-02"))
    # Fri 20 Dec 2024 to Thu 2 Jan 2025; W = working day.
    assert "".join("W" if w else "-" for w in table) == "W--WW--W--WW-W"
    with pytest.raises(ValueError):
        EW.working_day_table(d("2025-01-02"), d("2024-12-20"))


def test_datetimes_are_refused_where_a_date_is_meant() -> None:
    with pytest.raises(TypeError):
        EW.is_working_day(datetime(2024, 12, 25, 9))


# --- deadlines -----------------------------------------------------------------------------


def test_due_after_hours_runs_on_the_clock() -> None:
    assert EW.due_after(at("2024-06-14T17:30"), 24, Unit.HOURS) == at("2024-06-15T17:30")
    assert EW.due_after(at("2024-12-24T12:00"), 72, Unit.HOURS) == at("2024-12-27T12:00")


def test_due_after_calendar_days_ignores_holidays() -> None:
    assert EW.due_after(at("2024-12-20T15:00"), 5, Unit.DAYS) == at("2024-12-26T00:00")


def test_due_after_weeks() -> None:
    assert EW.due_after(at("2024-03-04T09:00"), 2, Unit.WEEKS) == at("2024-03-19T00:00")


def test_due_after_working_days_custodial_sentence_before_christmas() -> None:
    # Sentenced Friday 20 Dec 2024; the 10th working day after is Wednesday 8 Jan 2025.
    assert EW.due_after(at("2024-12-20T16:00"), 10, Unit.WORKING_DAYS) == at("2025-01-09T00:00")


def test_due_after_working_days_from_a_saturday() -> None:
    assert EW.due_after(at("2024-12-21T10:00"), 1, "working_days") == at("2024-12-24T00:00")


def test_due_before_hours() -> None:
    assert EW.due_before(at("2024-05-28T10:00"), 48, Unit.HOURS) == at("2024-05-26T10:00")


def test_due_before_calendar_days() -> None:
    # Release Tuesday 30 July: "no later than 14 days before" means by the close of 16 July.
    assert EW.due_before(at("2024-07-30T09:00"), 14, Unit.DAYS) == at("2024-07-17T00:00")
    # "At least 2 days prior to" a Monday hearing: by the close of the Saturday.
    assert EW.due_before(at("2024-06-10T10:00"), 2, Unit.DAYS) == at("2024-06-09T00:00")


def test_due_before_weeks() -> None:
    assert EW.due_before(at("2024-03-18T10:00"), 2, Unit.WEEKS) == at("2024-03-05T00:00")


def test_due_before_working_days_skips_bank_holidays() -> None:
    # Tuesday 28 May 2024, after the spring bank holiday: Fri 24, Thu 23 May.
    assert EW.due_before(at("2024-05-28T10:00"), 2, Unit.WORKING_DAYS) == at("2024-05-24T00:00")
    # Monday 29 Dec 2025, after Christmas: Wed 24, Tue 23 Dec.
    assert EW.due_before(at("2025-12-29T10:00"), 2, Unit.WORKING_DAYS) == at("2025-12-24T00:00")


def test_close_of_day_is_an_exclusive_bound() -> None:
    due = EW.due_after(at("2024-12-20T16:00"), 10, Unit.WORKING_DAYS)
    last_working_day = d("2025-01-08")
    assert datetime.combine(last_working_day, datetime.max.time()) < due  # 23:59:59.999999
    assert not datetime.combine(last_working_day + timedelta(1), datetime.min.time()) < due


def test_hours_are_elapsed_time_across_a_clock_change() -> None:
    spring = datetime(2024, 3, 30, 12, tzinfo=LONDON)  # clocks go forward on 31 March
    assert EW.due_after(spring, 24, Unit.HOURS) == datetime(2024, 3, 31, 13, tzinfo=LONDON)
    autumn = datetime(2024, 10, 27, 12, tzinfo=LONDON)  # clocks went back that morning
    assert EW.due_before(autumn, 24, Unit.HOURS) == datetime(2024, 10, 26, 13, tzinfo=LONDON)


def test_aware_day_deadlines_close_at_local_midnight() -> None:
    due = EW.due_after(datetime(2024, 12, 20, 16, tzinfo=LONDON), 1, Unit.DAYS)
    assert due == datetime(2024, 12, 22, tzinfo=LONDON)
    assert due.tzinfo is LONDON


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "3", None])
def test_invalid_amounts_are_refused(amount: object) -> None:
    start = at("2024-12-20T16:00")
    for call in (
        lambda: EW.due_after(start, amount, Unit.WORKING_DAYS),  # 0 calendar days is 'the same day' (below)
        lambda: EW.due_before(start, amount, Unit.WORKING_DAYS),
        lambda: EW.add_working_days(start.date(), amount),
        lambda: EW.subtract_working_days(start.date(), amount),
    ):
        with pytest.raises(ValueError):
            call()


def test_zero_days_after_is_the_close_of_the_same_day() -> None:
    start = at("2024-12-20T16:00")  # a Friday afternoon before Christmas: still due that day
    assert EW.due_after(start, 0, Unit.DAYS) == at("2024-12-21T00:00")
    with pytest.raises(ValueError):
        EW.due_after(start, 0, Unit.HOURS)


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="working_days"):
        EW.due_after(at("2024-12-20T16:00"), 1, "fortnights")
    with pytest.raises(ValueError, match="elapsed time"):
        EW.later(d("2024-12-20"), 1, Unit.HOURS)


def test_units() -> None:
    assert [u.value for u in Unit] == ["hours", "days", "working_days", "weeks", "months"]
    assert Unit("working_days") is Unit.WORKING_DAYS


# --- calendar months -----------------------------------------------------------------------


def test_a_month_after_is_the_same_day_of_the_month() -> None:
    assert EW.due_after(at("2024-06-14T17:30"), 1, Unit.MONTHS) == at("2024-07-15T00:00")
    assert EW.due_after(at("2024-11-20T09:00"), 3, "months") == at("2025-02-21T00:00")  # across the year end
    assert EW.later(d("2024-03-15"), 12, Unit.MONTHS) == d("2025-03-15")


def test_end_of_month_rule_a_shorter_month_ends_on_its_last_day() -> None:
    # 31 January + 1 month is the last day of February: 28th in 2025, 29th in the leap year 2024
    assert EW.due_after(at("2025-01-31T10:00"), 1, Unit.MONTHS) == at("2025-03-01T00:00")
    assert EW.due_after(at("2024-01-31T10:00"), 1, Unit.MONTHS) == at("2024-03-01T00:00")
    assert EW.later(d("2024-01-31"), 1, Unit.MONTHS) == d("2024-02-29")
    assert EW.later(d("2024-08-31"), 1, Unit.MONTHS) == d("2024-09-30")
    # the rule applies to each limit on its own: two one-month steps are not one two-month step
    assert EW.later(EW.later(d("2025-01-31"), 1, Unit.MONTHS), 1, Unit.MONTHS) == d("2025-03-28")
    assert EW.later(d("2025-01-31"), 2, Unit.MONTHS) == d("2025-03-31")


def test_months_before_an_event_use_the_same_rule() -> None:
    # a review "no later than 1 month before" a 31 March meeting is due by the close of 28 February
    assert EW.due_before(at("2025-03-31T10:00"), 1, Unit.MONTHS) == at("2025-03-01T00:00")
    assert EW.earlier(d("2024-05-31"), 15, Unit.MONTHS) == d("2023-02-28")
    assert EW.earlier(d("2025-01-15"), 1, Unit.MONTHS) == d("2024-12-15")


def test_months_ignore_holidays_and_weekends() -> None:
    # from Christmas Day, a month later is 25 January whatever day of the week it is
    assert EW.due_after(at("2024-12-25T12:00"), 1, Unit.MONTHS) == at("2025-01-26T00:00")


def test_later_and_earlier_agree_with_the_deadlines_for_every_unit() -> None:
    start = at("2024-12-20T16:00")
    for unit in (Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.WORKING_DAYS):
        after, before = EW.later(start.date(), 3, unit), EW.earlier(start.date(), 3, unit)
        assert EW.due_after(start, 3, unit) == datetime.combine(after + timedelta(1), datetime.min.time())
        assert EW.due_before(start, 3, unit) == datetime.combine(before + timedelta(1), datetime.min.time())


# --- properties ----------------------------------------------------------------------------

dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2039, 12, 31))
counts = st.integers(min_value=1, max_value=300)
calendars = st.builds(
    Calendar,
    st.sampled_from(list(Region)),
    st.frozensets(st.dates(min_value=date(2024, 11, 1), max_value=date(2025, 2, 28)), max_size=8),
)


@pytest.mark.slow
@given(calendars, dates, counts)
@settings(max_examples=300)
def test_add_agrees_with_stepping_day_by_day(calendar: Calendar, start: date, n: int) -> None:
    day, found = start, 0
    while found < n:
        day += timedelta(1)
        found += calendar.is_working_day(day)
    assert calendar.add_working_days(start, n) == day


@given(calendars, dates, counts)
def test_add_lands_on_the_nth_working_day(calendar: Calendar, start: date, n: int) -> None:
    end = calendar.add_working_days(start, n)
    assert end > start
    assert calendar.is_working_day(end)
    assert calendar.working_days_between(start, end) == n
    assert calendar.working_days_between(start, end - timedelta(1)) == n - 1


@given(calendars, dates, counts)
def test_subtract_inverts_add_on_working_days(calendar: Calendar, start: date, n: int) -> None:
    working = calendar.add_working_days(start, 1)
    assert calendar.subtract_working_days(calendar.add_working_days(working, n), n) == working
    assert calendar.add_working_days(calendar.subtract_working_days(working, n), n) == working
    earlier = calendar.subtract_working_days(start, n)
    assert earlier < start and calendar.is_working_day(earlier)


@given(calendars, dates, st.integers(0, 400), st.integers(0, 400))
def test_counting_is_additive_and_matches_the_table(calendar: Calendar, a: date, gap1: int, gap2: int) -> None:
    b, c = a + timedelta(gap1), a + timedelta(gap1 + gap2)
    between = calendar.working_days_between
    assert between(a, b) + between(b, c) == between(a, c)
    if gap1:
        assert sum(calendar.working_day_table(a + timedelta(1), b)) == between(a, b)


@given(dates, st.integers(1, 120))
def test_months_land_on_the_same_day_or_the_last_of_the_month(start: date, n: int) -> None:
    later = EW.later(start, n, Unit.MONTHS)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == n
    assert later.day == start.day or (later.day < start.day and (later + timedelta(1)).day == 1)
    earlier = EW.earlier(start, n, Unit.MONTHS)
    assert (start.year * 12 + start.month) - (earlier.year * 12 + earlier.month) == n
    assert earlier.day == start.day or (earlier.day < start.day and (earlier + timedelta(1)).day == 1)
