"""The parties protocols name: agencies, roles in them and people, and where a text names them.

`PARTIES` lists each party with the names it goes by (matched in any case, with a plural or
possessive ending) and its abbreviations (matched in capitals only); `mentions(text)` finds them.
A table entry is data: adding a name is a one-line change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Party:
    """A party protocols name, the ways they name it, and what it is: an agency, a role in one, a person."""

    id: str
    name: str
    kind: Literal["agency", "role", "person"]
    names: tuple[str, ...] = ()  # matched in any case, with a plural or possessive ending
    abbreviations: tuple[str, ...] = ()  # matched in capitals only
    agency: str | None = None  # the agency a role belongs to


PARTIES: tuple[Party, ...] = (
    Party(
        "yjs",
        "youth justice service",
        "agency",
        ("youth offending service", "youth offending team", "youth justice service", "youth justice team"),
        ("YOS", "YOT", "YOTS", "YJS", "WYJS"),
    ),
    Party(
        "yjs_practitioner",
        "youth justice practitioner",
        "role",
        (
            "YOS officer",
            "YOT officer",
            "YJS officer",
            "YOS practitioner",
            "YOT practitioner",
            "YJS practitioner",
            "WYJS practitioner",
            "WYJS case manager",
            "case manager",
            "PSR writer",
            "youth justice practitioner",
        ),
        agency="yjs",
    ),
    Party(
        "csc",
        "children's social care",
        "agency",
        ("children's social care", "social care", "children's services", "children services"),
        ("CSC",),
    ),
    Party(
        "local_childrens_team",
        "local children's team",
        "role",
        ("local children's team", "children's team"),
        agency="csc",
    ),
    Party("social_worker", "social worker", "role", ("social worker",), agency="csc"),
    Party("iro", "independent reviewing officer", "role", ("independent reviewing officer",), ("IRO",), agency="csc"),
    Party(
        "leaving_care",
        "leaving care team",
        "role",
        ("leaving care team", "leaving care worker", "leaving care"),
        agency="csc",
    ),
    Party("personal_advisor", "personal advisor", "role", ("personal advisor", "personal adviser"), agency="csc"),
    Party("local_authority", "local authority", "agency", ("local authority", "corporate parent"), ("LA",)),
    Party("police", "police", "agency", ("police", "police officer")),
    Party("cps", "Crown Prosecution Service", "agency", ("crown prosecution service",), ("CPS",)),
    Party("court", "court", "agency", ("court", "youth court", "crown court", "magistrates' court", "magistrates")),
    Party("virtual_school", "virtual school", "agency", ("virtual school", "virtual school team"), ("VST",)),
    Party(
        "housing",
        "housing authority",
        "agency",
        ("local housing authority", "housing authority", "housing department", "housing service"),
    ),
    Party(
        "appropriate_adult", "appropriate adult service", "agency", ("appropriate adult", "appropriate adult service")
    ),
    Party("edt", "emergency duty team", "agency", ("emergency duty team",), ("EDT",)),
    Party("cafcass", "Cafcass", "agency", ("cafcass",)),
    Party(
        "probation",
        "probation service",
        "agency",
        ("national probation service", "probation service", "community rehabilitation company", "probation officer"),
        ("NPS", "CRC"),
    ),
    Party(
        "secure_estate",
        "secure estate",
        "agency",
        (
            "youth custody service",
            "youth custodial service",
            "secure estate",
            "secure establishment",
            "custodial establishment",
        ),
        ("YCS",),
    ),
    Party(
        "mash",
        "multi-agency safeguarding hub",
        "agency",
        ("multi-agency safeguarding hub", "multi-agency support and safeguarding hub"),
        ("MASH", "MASSH"),
    ),
    Party("early_help", "early help", "agency", ("early help", "early help hub")),
    Party("yjb", "Youth Justice Board", "agency", ("youth justice board",), ("YJB",)),
    Party(
        "child",
        "the child",
        "person",
        ("child", "children", "young person", "young people", "child or young person", "children and young people"),
    ),
    Party(
        "parents",
        "parents or carers",
        "person",
        ("parent", "carer", "parent / carer", "guardian", "person with parental responsibility"),
    ),
)

NOT_PARTIES = (
    "local authority accommodation",
    "local authority secure",
    "social care system",
    "appropriate adult role",
)
"""Phrases that contain a party's name but do not name the party: "Remanded into Local Authority accommodation"."""

_ENDING = r"(?:s|es)?(?:['’]s?)?(?!\w)"


def _phrase(words: str) -> str:
    return r"\s*/\s*".join(
        r"\s+".join(re.escape(w).replace("'", "['’]") for w in part.split()) for part in words.split("/")
    )


def _pattern(names: tuple[str, ...], abbreviations: tuple[str, ...] = ()) -> re.Pattern[str]:
    spoken = "|".join(_phrase(n) for n in sorted(names, key=len, reverse=True))
    short = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    either = "|".join(filter(None, (f"(?i:{spoken})" if spoken else "", short)))
    return re.compile(rf"(?<!\w)(?:{either}){_ENDING}")


_PARTY_PATTERNS = [(party, _pattern(party.names, party.abbreviations)) for party in PARTIES]
_NOT_PARTY_PATTERN = _pattern(NOT_PARTIES)
PARTY_BY_ID = {party.id: party for party in PARTIES}


@dataclass(frozen=True)
class Mention:
    """Words in the text that name a party."""

    start: int
    end: int
    party: Party
    words: str


def mentions(text: str) -> list[Mention]:
    """The parties a piece of text names, in order; where names overlap, the one starting first wins,
    then the longest."""
    found: list[tuple[int, int, Party | None]] = [(m.start(), m.end(), None) for m in _NOT_PARTY_PATTERN.finditer(text)]
    found += [(m.start(), m.end(), party) for party, pattern in _PARTY_PATTERNS for m in pattern.finditer(text)]
    kept: list[Mention] = []
    taken_until = -1
    for start, end, party in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if start >= taken_until:
            taken_until = end
            if party is not None:
                kept.append(Mention(start, end, party, text[start:end]))
    return kept
