"""The building blocks of the protocol model: the base of every element, names and clause ids, dates,
terms of the shared vocabulary, values the source may leave `unspecified`, conditions, and the
document order of clause ids. The parts of a protocol are in `agencies`, `situations`, `duties` and
`responsibility`; `schema` assembles them into a `Protocol`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from . import conditions, vocabulary

FORMAT_VERSION = 1
UNSPECIFIED = "unspecified"

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
CLAUSE_PATTERN = r"^([a-z][a-z0-9_]*:)?(\d+(\.\d+)*|[a-z][a-z-]*)(\([a-z0-9]+\))?$"
LIBRARY_MARK = ":"
"""Joins a library's name to its own clause ids in a protocol that uses it ('england:3.1'): the
clauses of library elements the protocol never touches. A protocol file never writes one."""

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN, description="A name in snake_case, unique in the protocol: agency, role, state, duty ..."
    ),
]
ClauseId = Annotated[
    str,
    Field(
        pattern=CLAUSE_PATTERN,
        description=(
            "A clause number as printed in the source ('5.6.1', '8.15'); an unnumbered paragraph takes its "
            "section's number and a letter ('5.9.1(b)'); front matter uses a name ('front', 'front(a)'). "
            "In a protocol that uses a library, 'england:3.1' is clause 3.1 of the library (never written in a file)."
        ),
    ),
]


def listed_names(value: object) -> object:
    """Accept one name where a list is expected: `owner: csc` means `owner: [csc]`."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise PydanticCustomError("names", f"not a name or a list of names: {value!r}; expected e.g. csc or [csc, yos]")
    return value


def _clauses(value: object) -> object:
    """Accept one clause id where a list is expected; refuse numbers, which YAML may have altered."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            raise PydanticCustomError(
                "clause",
                f'clause {item!r} is a number; expected it in quotes, e.g. "8.10" (unquoted, YAML reads 8.10 as 8.1)',
            )
    return tuple(items)


def _unspecified_to_none(value: object) -> object:
    if value == UNSPECIFIED:
        return None
    if value is None:
        raise PydanticCustomError(
            "empty", f"empty value; expected a value, or '{UNSPECIFIED}' where the source gives none"
        )
    return value


def _date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", f"not a date: {value!r}; expected a date such as 2019-03-20")


Clauses = Annotated[
    tuple[ClauseId, ...],
    BeforeValidator(_clauses, json_schema_input_type=ClauseId | list[ClauseId]),
    Field(min_length=1, description="The clause id, or several, this element is encoded from."),
]
Ids = Annotated[tuple[Id, ...], BeforeValidator(listed_names, json_schema_input_type=Id | list[Id])]
Date = Annotated[dt.date, BeforeValidator(_date, json_schema_input_type=dt.date)]


def _term(what: str, known: dict[str, Any], description: str) -> Any:
    """A term of the shared vocabulary (model/vocabulary.py); an unknown one is refused with a "did you mean"."""

    def known_term(value: str) -> str:
        if value not in known:
            raise PydanticCustomError("vocabulary", vocabulary.unknown(what, value, known))
        return value

    return Annotated[
        str,
        AfterValidator(known_term),
        WithJsonSchema({"type": "string", "enum": list(known), "description": description}),
    ]


DutyKind = _term("duty kind", vocabulary.DUTY_KIND, "A duty kind from the shared vocabulary (docs/vocabulary.md).")
SituationKind = _term(
    "situation", vocabulary.SITUATION, "A kind of case status from the shared vocabulary (docs/vocabulary.md)."
)
BodyKind = _term("body", vocabulary.BODY, "A kind of statutory body from the shared vocabulary (docs/vocabulary.md).")
DutyKinds = Annotated[
    tuple[DutyKind, ...],
    BeforeValidator(listed_names, json_schema_input_type=DutyKind | list[DutyKind]),
    Field(
        description=(
            "What the element is about, from the shared vocabulary (docs/vocabulary.md): one kind or a list. "
            "Matches it with the statutory baseline and with other protocols."
        )
    ),
]


def stated(inner: Any, description: str) -> Any:
    """A value the source may leave out: the file writes `unspecified`, the model holds None."""
    return Annotated[
        inner | None,
        BeforeValidator(_unspecified_to_none, json_schema_input_type=inner | Literal["unspecified"]),
        Field(description=description),
    ]


class Element(BaseModel):
    """Base of every model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, defer_build=True)


ConditionField = Annotated[
    conditions.Condition,
    BeforeValidator(conditions.parse, json_schema_input_type=dict),
    WithJsonSchema(conditions.JSON_SCHEMA),
]


def clause_sort_key(clause: str) -> tuple:
    """Order clause ids as a reader of the document would: front matter, then 1, 1.1, 1.2, 2 ..., 10."""
    if LIBRARY_MARK in clause:  # a library's clause, after every clause of the protocol's own
        library, _, own = clause.partition(LIBRARY_MARK)
        return (3, library, clause_sort_key(own))
    head, _, letter = clause.partition("(")
    if head[0].isdigit():
        return (1, tuple(int(part) for part in head.split(".")), letter)
    return (0 if head == "front" else 2, (), head + letter)


OPENING_WORDS = 8
"""The most words a clause's opening words may have: enough to find the sentence, never a copy of it."""


def _opening_words(value: str) -> str:
    words = len(value.split())
    if not words:
        raise PydanticCustomError("words", "no words; expected the clause's first few words")
    if words > OPENING_WORDS:
        raise PydanticCustomError(
            "words",
            f"{words} words; expected at most {OPENING_WORDS} (the clause's opening words, to find it by, not the "
            "clause)",
        )
    return value


def _clause_table(value: object) -> object:
    """Refuse clause numbers written as numbers (YAML reads the key 8.10 as 8.1)."""
    if isinstance(value, dict):
        _clauses(list(value))
    return value


OpeningWords = Annotated[str, AfterValidator(_opening_words)]
ClauseTable = Annotated[
    dict[ClauseId, OpeningWords],
    BeforeValidator(_clause_table, json_schema_input_type=dict[ClauseId, str]),
    Field(
        description=(
            f"Each clause id the file cites, with its opening words in the source (at most {OPENING_WORDS}), so that "
            "reports can show a clause's words beside its id."
        )
    ),
]
