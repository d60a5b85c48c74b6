"""Conditions are data: parsed into a tree, evaluated without eval, errors located inside them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from protoverify.model import conditions
from protoverify.model.conditions import All, AnyOf, Comparison, Not, holds, parse

CASE = {"age": 15, "known_to_csc": True, "legal_status": "care_order", "justice": ("remanded", "yda")}


def value_of(test: Comparison):
    return CASE[test.key]


def check(raw: dict) -> bool:
    return holds(parse(raw), value_of)


EVALUATED = [
    ({"age": 15}, True),
    ({"age": 14}, False),
    ({"age": {"gte": 13}}, True),
    ({"age": {"gte": 13, "lt": 15}}, False),
    ({"age": [10, 11, 15]}, True),
    ({"age": {"not_in": [15, 16]}}, False),
    ({"known_to_csc": False}, False),
    ({"legal_status": ["section_20", "care_order"]}, True),
    ({"justice": "remanded"}, True),  # a compound state holds while a state inside it is active
    ({"justice": "yda"}, True),
    ({"justice": "rilaa"}, False),
    ({"justice": {"ne": "remanded"}}, False),
    ({"justice": {"not_in": ["rilaa", "custody"]}}, True),
    ({"age": {"gte": 13}, "justice": "rilaa"}, False),
    ({"any": [{"justice": "rilaa"}, {"age": 15}]}, True),
    ({"all": [{"justice": "yda"}, {"known_to_csc": True}]}, True),
    ({"not": {"known_to_csc": True}}, False),
    ({"not": {"any": [{"age": 10}, {"age": 11}]}, "justice": ["yda"]}, True),
]


@pytest.mark.parametrize(("raw", "expected"), EVALUATED)
def test_evaluation(raw: dict, expected: bool) -> None:
    assert check(raw) is expected


def states_of(test: Comparison):
    """The lifecycle `justice` decided, every other test left to the attributes."""
    return CASE["justice"] if test.key == "justice" else None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"justice": "yda", "age": 15}, Comparison("age", "eq", 15)),
        ({"justice": "rilaa", "age": 15}, False),
        ({"any": [{"justice": "yda"}, {"age": 15}]}, True),
        (
            {"any": [{"justice": "rilaa"}, {"age": 15}, {"known_to_csc": True}]},
            AnyOf((Comparison("age", "eq", 15), Comparison("known_to_csc", "eq", True))),
        ),
        ({"not": {"justice": "yda"}}, False),
        ({"not": {"justice": "rilaa", "age": 15}}, True),
        ({"not": {"justice": "yda", "age": 15}}, Not(Comparison("age", "eq", 15))),
        ({"justice": {"ne": "rilaa"}}, True),
    ],
)
def test_decide_leaves_only_what_the_attributes_decide(raw: dict, expected) -> None:
    assert conditions.decide(parse(raw), states_of) == expected


@pytest.mark.parametrize(("raw", "expected"), EVALUATED)
def test_deciding_first_changes_no_answer(raw: dict, expected: bool) -> None:
    decided = conditions.decide(parse(raw), states_of)
    assert (decided if isinstance(decided, bool) else holds(decided, value_of)) is expected


def test_parse_builds_a_tree() -> None:
    tree = parse({"age": {"gte": 13}, "any": [{"justice": "yda"}, {"not": {"known_to_csc": False}}]})
    assert tree == All(
        (
            Comparison("age", "gte", 13),
            AnyOf((Comparison("justice", "eq", "yda"), Not(Comparison("known_to_csc", "eq", False)))),
        )
    )
    assert [t.key for t in conditions.comparisons(tree)] == ["age", "justice", "known_to_csc"]


@pytest.mark.parametrize(
    ("raw", "path", "words"),
    [
        ({"age": {"gtee": 13}}, ("age", "gtee"), "unknown operator 'gtee'"),
        ({"age": {"in": 13}}, ("age", "in"), "'in' needs a non-empty list"),
        ({"any": {"age": 13}}, ("any",), "'any' is given a mapping; expected a non-empty list"),
        ({"all": [{"age": 13}, 5]}, ("all", 1), "a condition must be a mapping"),
        ({"age": {}}, ("age",), "empty comparison"),
        ({}, (), "empty condition"),
        ({"age": None}, ("age",), "cannot compare 'age'"),
        ({"age": [[1]]}, ("age", 0), "a list item is a list; expected"),
        ({"age": {"gte": 1.5}}, ("age", "gte"), "'gte' is given the number 1.5; expected"),
    ],
)
def test_parse_errors_say_where_inside_the_condition(raw: dict, path: tuple, words: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        parse(raw)
    assert caught.value.context == {"path": path}
    assert words in caught.value.message()


def test_text_is_never_evaluated_as_code() -> None:
    raw = {"legal_status": "__import__('os').system('false')"}
    assert check(raw) is False  # compared as a plain string, never run


ages = st.integers(min_value=10, max_value=17)


@given(age=ages, low=ages, high=ages)
def test_comparisons_agree_with_python(age: int, low: int, high: int) -> None:
    def at(test: Comparison) -> int:
        return age

    assert holds(parse({"age": {"gte": low, "lte": high}}), at) is (low <= age <= high)
    assert holds(parse({"not": {"age": {"gte": low, "lte": high}}}), at) is not (low <= age <= high)
    assert holds(parse({"any": [{"age": {"lt": low}}, {"age": {"gt": high}}]}), at) is (age < low or age > high)
