"""Protocols side by side: for each duty kind of the shared vocabulary, who does it, by when, and
under which clause, in each protocol (and, as a column, the statutory baseline if asked for).

`compare(protocols)` builds the matrix: one row per duty kind that at least one protocol addresses
(a duty or an ownership rule of that kind, see `properties.statute.kinds`), in the vocabulary's
order and grouped by topic; one column per protocol, headed by its review status. A cell lists the
protocol's duties and ownership rules of that kind. A researcher reads off where protocols differ:
who provides the appropriate adult, who pays for transport to a remand placement, how soon a child
in custody is visited, and which topics one protocol covers and another does not.

`Comparison.to_json` is the data every rendering derives from; the renderers (`to_text`,
`to_markdown`, `to_html`) are in `reports.compare`. Only what the encodings say is shown: an actor
the text does not name reads "(not named)".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import conditions, vocabulary
from ..model.conditions import All, AnyOf, Condition, Not
from ..model.names import names, parties_words, timescale_words
from ..model.schema import Duty, OwnershipRule, Protocol, clause_sort_key
from .statute import kinds, provisions_words


@dataclass(frozen=True)
class Entry:
    """One duty or ownership rule of a kind in one protocol, in words."""

    element: str  # its id in the protocol
    what: str  # "duty" or "responsibility"
    who: str
    modality: str  # must / should / may; "is responsible for" for a responsibility
    action: str
    timescale: str  # "" for a responsibility
    when: str  # the situations it applies in, "" if always
    clauses: tuple[str, ...]
    statute: str  # the provisions it cites, "" if none

    def line(self) -> str:
        """The entry on one line: 'csc must visit the child, within 7 days of ... [6.5]'."""
        timing = f", {self.timescale}" if self.timescale else ""
        when = f" (when {self.when})" if self.when else ""
        cited = f"; {self.statute}" if self.statute else ""
        return f"{self.who} {self.modality} {self.action}{timing}{when} [{', '.join(self.clauses)}{cited}]"


@dataclass(frozen=True)
class Column:
    """A protocol compared: its id, title and short name, dates, review status, how many duties it
    has, and whether it is the statutory baseline (shown for reference, not as one of the protocols)."""

    id: str
    title: str
    agreed: dt.date | None
    review: dt.date | None
    status: str  # "overdue", "due", "none"
    short: str = ""  # what readers call it where space is tight (its metadata `short`, else its title)
    duties: int = 0
    reference: bool = False  # the statutory baseline


@dataclass(frozen=True)
class Row:
    """One duty kind: its entries in each column (empty where a protocol does not address it)."""

    kind: str
    name: str
    topic: str
    cells: tuple[tuple[Entry, ...], ...]

    def covered_by(self) -> list[int]:
        return [i for i, cell in enumerate(self.cells) if cell]


@dataclass(frozen=True)
class Difference:
    """A kind the protocols do not all address: which do and which do not (by id), and whether
    statute sets a duty of it (None when no baseline is compared)."""

    row: Row
    addressed_by: list[str]
    not_addressed_by: list[str]
    statute: bool | None


@dataclass(frozen=True)
class Comparison:
    """The matrix of duty kinds by protocols, as of a date, with each protocol's untagged duties counted."""

    today: dt.date
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    untagged: tuple[int, ...]  # duties with no kind, per column: not compared
    dated: bool = True  # whether `today` was given (--today) rather than taken from the clock

    def differences(self) -> list[Difference]:
        """The kinds the protocols do not all address: some address it and others do not, or only
        statute does. Statute leaving a kind alone is no gap: it is not counted against a protocol."""
        protocols = [i for i, c in enumerate(self.columns) if not c.reference]
        reference = next((i for i, c in enumerate(self.columns) if c.reference), None)
        found = []
        for row in self.rows:
            covered = set(row.covered_by())
            if all(i in covered for i in protocols):
                continue
            found.append(
                Difference(
                    row,
                    [self.columns[i].id for i in protocols if i in covered],
                    [self.columns[i].id for i in protocols if i not in covered],
                    None if reference is None else reference in covered,
                )
            )
        return found

    def to_json(self) -> dict[str, Any]:
        """The comparison as data: protocols, rows (kind, topic, entries by protocol id), differences."""
        return {
            "as_of": self.today.isoformat(),
            "protocols": [
                {
                    "id": c.id,
                    "title": c.title,
                    "agreed": c.agreed.isoformat() if c.agreed else None,
                    "review": c.review.isoformat() if c.review else None,
                    "review_status": c.status,
                    "duties": c.duties,
                    "duties_without_kind": n,
                    "reference": c.reference,
                }
                for c, n in zip(self.columns, self.untagged)
            ],
            "rows": [
                {
                    "kind": row.kind,
                    "name": row.name,
                    "topic": row.topic,
                    "entries": {c.id: [entry_json(e) for e in cell] for c, cell in zip(self.columns, row.cells)},
                }
                for row in self.rows
            ],
            "differences": [
                {"kind": d.row.kind, "addressed_by": d.addressed_by, "not_addressed_by": d.not_addressed_by}
                | ({} if d.statute is None else {"in_statute": d.statute})
                for d in self.differences()
            ],
        }


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "element": entry.element,
        "what": entry.what,
        "who": entry.who,
        "modality": entry.modality,
        "action": entry.action,
        "timescale": entry.timescale,
        "when": entry.when,
        "clauses": list(entry.clauses),
        "statute": entry.statute,
    }


# --- building the matrix --------------------------------------------------------------------------


def compare(
    protocols: Sequence[Protocol], today: dt.date, *, dated: bool = True, baseline: Protocol | None = None
) -> Comparison:
    """The comparison of `protocols` (in the order given) as of `today`, with the statutory
    `baseline`, if given, as the last column, for reference."""
    compared = [*protocols, *([baseline] if baseline is not None else [])]
    columns = tuple(column(p, today, reference=p is baseline) for p in compared)
    by_kind = [{k: entries(p, k) for k in vocabulary.DUTY_KIND} for p in compared]
    rows = tuple(
        Row(k.id, k.name, k.topic, tuple(tuple(found[k.id]) for found in by_kind))
        for k in sorted(vocabulary.DUTY_KINDS, key=lambda k: vocabulary.TOPICS.index(k.topic))
        if any(found[k.id] for found in by_kind)
    )
    untagged = tuple(sum(not d.kind for d in p.duties) for p in compared)
    return Comparison(today, columns, rows, untagged, dated)


def column(protocol: Protocol, today: dt.date, *, reference: bool = False) -> Column:
    meta = protocol.metadata
    status = "none" if meta.review is None else "overdue" if meta.review < today else "due"
    return Column(
        meta.id, meta.title, meta.agreed, meta.review, status, meta.short or meta.title, len(protocol.duties), reference
    )


def entries(protocol: Protocol, kind: str) -> list[Entry]:
    """The protocol's duties and ownership rules of a kind, in words, in clause order."""
    dimensions = {d.id: d for d in protocol.dimensions}

    def who(parties: tuple[str, ...] | None) -> str:
        return parties_words(protocol, parties, nobody="cell", how="comma")

    found: list[Entry] = []
    for element in [*protocol.duties, *protocol.ownership]:
        if kind not in kinds(protocol, element):
            continue
        statute = provisions_words(protocol, element.statute) if element.statute else ""
        when = situation_words(protocol, element.when) if element.when is not None else ""
        if isinstance(element, Duty):
            found.append(
                Entry(
                    element.id,
                    "duty",
                    who(element.actor),
                    element.modality,
                    element.action,
                    timescale_words(protocol, element),
                    when,
                    element.clause,
                    statute,
                )
            )
        else:
            assert isinstance(element, OwnershipRule)
            found.append(
                Entry(
                    element.id,
                    "responsibility",
                    who(element.owner),
                    "is responsible for",
                    dimensions[element.dimension].name,
                    "",
                    when,
                    element.clause,
                    statute,
                )
            )
    return sorted(found, key=lambda e: (clause_sort_key(e.clauses[0]), e.what, e.element))


# --- a condition in words -------------------------------------------------------------------------

COMPARED = {"eq": "is ", "ne": "is not ", "lt": "under ", "lte": "at most ", "gt": "over ", "gte": "at least "}
COMPARED |= {"in": "is ", "not_in": "is not "}


def situation_words(protocol: Protocol, condition: Condition) -> str:
    """When an element applies, in the protocol's words: states by their names, a yes/no attribute as
    'its name: yes' or 'its name: no', a choice by the name of the value; parts joined by ';'."""
    match condition:
        case All(parts) if len(parts) > 1:
            return "; ".join(_bracketed(protocol, part) for part in _conjuncts(condition))
        case All(parts):
            return situation_words(protocol, parts[0]) if parts else "always"
        case AnyOf(parts):
            return " or ".join(_bracketed(protocol, part) for part in parts)
        case Not(part):
            return f"not ({situation_words(protocol, part)})"
        case conditions.Comparison():
            return _comparison_words(protocol, condition)
    raise TypeError(condition)


def _conjuncts(condition: Condition) -> list[Condition]:
    """The parts of an `all`, with the parts of an `all` inside it taken as its own."""
    if isinstance(condition, All):
        return [c for part in condition.parts for c in _conjuncts(part)]
    return [condition]


def _bracketed(protocol: Protocol, part: Condition) -> str:
    said = situation_words(protocol, part)
    return f"({said})" if isinstance(part, (All, AnyOf)) and len(part.parts) > 1 else said


def _comparison_words(protocol: Protocol, test: conditions.Comparison) -> str:
    found = names(protocol)
    values = test.value if isinstance(test.value, tuple) else (test.value,)
    attribute = next((a for a in protocol.attributes if a.id == test.key), None)
    negated = test.op in ("ne", "not_in")
    if attribute is None:  # a lifecycle: the states named
        return ("not " if negated else "") + " or ".join(found.state(str(v)) for v in values)
    if attribute.type == "bool":
        return f"{attribute.name}: {'yes' if (values[0] is True) != negated else 'no'}"
    if attribute.type == "enum":
        labels = {v.id: v.name or str(v.id).replace("_", " ") for v in attribute.values}
        said = " or ".join(labels.get(str(v), str(v).replace("_", " ")) for v in values)
        return f"{attribute.name}: {'not ' if negated else ''}{said}"
    return f"{attribute.name} {COMPARED[test.op]}{' or '.join(map(str, values))}"
