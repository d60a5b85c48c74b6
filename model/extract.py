"""A first draft of a protocol encoding, read from the protocol's plain text.

`draft(text, source)` reads the text as clauses (`sourcetext.segments`) and drafts, for an author
starting a new encoding, what a reader could find by looking at the words alone:

- **metadata**: a title from the front matter, the `Agreed:` and `Review date:` dates;
- **agencies, roles and people** the text names, found with the `PARTIES` table;
- **candidate duties**: one for each sentence with a modal verb (`MODAL_FORMS`), with the modality,
  the actor named as the subject before the verb (`unspecified`, and a comment, for a passive with
  no "by ..."), the timescale from the sentence's time phrases (`sourcetext.time_phrases`), the
  clause id and a quote of at most eight words around the verb;
- **narrative** for every clause, item or paragraph with no duty drafted.

A draft is not an encoding: the actions are the words after the verb, the triggers and events are
placeholders named from the words after "of" or "before", and comments mark what to check. The draft
loads with `load_protocol` as it stands, so an author can validate as they work through it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .calendar import Unit
from .reserved import RESERVED_EVENT_IDS
from .schema import FORMAT_VERSION, UNSPECIFIED
from .source import LoadError, Located, read_text
from .sourcetext import HEADING_WORDS, Segment, TimePhrase, segments, time_phrases

Modality = Literal["must", "should", "may"]

NO_MODAL = "no modal verb found — review"
NO_DUTY = "modal verb only in a question or a pointer to another document — review"
QUOTE_WORDS = 8
ACTION_WORDS = 10
SUBJECT_GAP_WORDS = 6  # at most this many words between the named party and the modal verb


# --- parties ------------------------------------------------------------------------------------


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
    """The parties a piece of text names, in order; where names overlap, the one starting first wins, then the longest."""
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


# --- modal verbs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModalForm:
    """Words that make a sentence a duty, its force, and where the actor is named: the subject before
    the words, or after them ("it is the responsibility of the YOS to ...")."""

    words: str  # a regular expression
    modality: Modality
    actor: Literal["before", "after"] = "before"
    verb: bool = False  # a bare modal verb, which may open a passive ("will be invited")


MODAL_FORMS: tuple[ModalForm, ...] = (  # earlier forms win where two start at the same word
    ModalForm(r"\b(?:it\s+)?is\s+the\s+responsibility\s+of\b", "must", "after"),
    ModalForm(r"\b(?:duty|responsibility)\s+on\b", "must", "after"),  # "introduces a new duty on YOS to notify"
    ModalForm(r"\b(?:will|shall|must)\s+be\s+responsible\s+for\b", "must"),
    ModalForm(r"\b(?:is|are)\s+responsible\s+for\b", "must"),
    ModalForm(r"\b(?:has|have)\s+(?:a\s+|an\s+)?(?:\w+\s+)?(?:responsibility|duty)\s+to\b", "must"),
    ModalForm(r"['’]s?\s+(?:\([^)]*\)\s+)?responsibility\s+to\b", "must"),
    ModalForm(r"\b(?:will\s+be|is|are)\s+required\s+to\b", "must"),
    ModalForm(r"\bmust\b", "must", verb=True),
    ModalForm(r"\bwill\b", "must", verb=True),
    ModalForm(r"\bshall\b", "must", verb=True),
    ModalForm(r"\bshould\b", "should", verb=True),
    ModalForm(r"\bmay\b", "may", verb=True),
    ModalForm(r"\bcan\b", "may", verb=True),
)

NOT_DUTIES = (
    r"(?i:\bcan\s+be\s+(?:found|obtained|accessed)\b)",  # a pointer to another document
    r"\bMay\s+\d{4}\b",  # the month
    r"(?i:\bthere\s+(?:will|may|can)\s+be\b)",  # a prediction: "there will be issues that arise"
)

SUBORDINATE_OPENING = re.compile(
    r"^(?:where|if|when|whenever|whilst|while|once|although|following|upon|unless|in cases where|in the event)\b",
    re.IGNORECASE,
)
"""A sentence that opens with a condition: its modal verb after the first comma is the duty's."""

PARTICIPLES = frozenset(
    {
        "made",
        "held",
        "sent",
        "kept",
        "done",
        "met",
        "sought",
        "brought",
        "set",
        "put",
        "found",
        "told",
        "paid",
        "led",
        "left",
        "read",
        "understood",
        "spent",
        "heard",
        "built",
        "withheld",
    }
)
NOT_PARTICIPLES = frozenset({"open", "often", "even", "between"})
PREPOSITIONS = frozenset(
    {"in", "at", "to", "from", "of", "with", "for", "by", "into", "within", "about", "on", "upon", "under"}
)
"""A party named after one of these is not the subject: "the YOS Officer in court will request"."""
PRONOUNS = frozenset({"they", "it", "he", "she", "we", "this", "these", "those", "them"})
"""A pronoun between a party and the modal verb is the subject: "service users they think may be"."""
AGENT_WORDS = 6  # at most this many words between "by" and the party it names

_MODAL = re.compile("|".join(f"(?P<f{i}>{form.words})" for i, form in enumerate(MODAL_FORMS)), re.IGNORECASE)
_NOT_DUTY = re.compile("|".join(NOT_DUTIES))
_PASSIVE = re.compile(r"^\s+(?:(?:not|also|only|always|then|normally|\w+ly)\s+)*be\s+(?P<verb>[a-z]+)\b", re.IGNORECASE)
_AGENT = re.compile(r"\bby\b(?P<agent>.*)", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:]|(?<!\be\.g)(?<!\bi\.e)\.(?:\s|$)")
_JOINED = re.compile(r"^\s*(?:,\s*)?(?:and|or|&|/)\s*(?:(?:the|a|an)\s+)?$", re.IGNORECASE)
_ACTION_END = re.compile(
    r"[,;:(]|(?<!\be\.g)(?<!\bi\.e)\.(?:\s|$)|\s(?:where|when|whenever|unless|if|whilst|in order to|so that|to ensure|and where)\b",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?])\s+(?=[A-Z'\"‘“(])")
_TO = re.compile(r"\bto\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a segment, by its position in the segment's text."""

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """The sentences of a segment's text (a stop, then a capital, ends one; "e.g." does not)."""
    found, start = [], 0
    for gap in _SENTENCE_BREAK.finditer(text):
        found.append(Sentence(start, gap.start(), text[start : gap.start()]))
        start = gap.end()
    found.append(Sentence(start, len(text), text[start:]))
    return [s for s in found if s.text.strip()]


def modal(sentence: str) -> re.Match[str] | None:
    """The words that make the sentence a duty, or None: no modal verb, a question, or a pointer."""
    if sentence.rstrip().endswith("?"):
        return None
    excluded = [(m.start(), m.end()) for m in _NOT_DUTY.finditer(sentence)]
    found = [m for m in _MODAL.finditer(sentence) if not any(a <= m.start() < b for a, b in excluded)]
    if not found:
        return None
    comma = sentence.find(",")
    if SUBORDINATE_OPENING.match(sentence.lstrip()) and comma >= 0:
        main = [m for m in found if m.start() > comma]
        if main:
            return main[0]
    return found[0]


def _form(match: re.Match[str]) -> ModalForm:
    return MODAL_FORMS[int(match.lastgroup[1:])]  # type: ignore[index]


def _is_participle(word: str) -> bool:
    word = word.lower()
    if word in NOT_PARTICIPLES:
        return False
    return word in PARTICIPLES or word.endswith(("ed", "en", "wn"))


def _groups(found: list[Mention], text: str) -> list[list[Mention]]:
    """Mentions joined by "and", "or", "/" or "&" ("the Police and CPS"), as groups, in order."""
    groups: list[list[Mention]] = []
    for mention in found:
        if groups and _JOINED.match(text[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _ids(group: list[Mention]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.party.id for m in group))


@dataclass(frozen=True)
class Actor:
    """Who a drafted duty falls on (no ids: unspecified), and a note where the draft is unsure."""

    ids: tuple[str, ...]
    note: str | None = None


def actor(sentence: str, match: re.Match[str]) -> Actor:
    """The party a sentence's duty falls on: the subject just before the modal verb, the party after "it
    is the responsibility of", or, for a passive ("will be invited by ..."), the party after "by"."""
    form = _form(match)
    if form.actor == "after":
        rest = sentence[match.end() :]
        to = _TO.search(rest)
        named = _groups(mentions(rest[: to.start() if to else len(rest)]), rest)
        return Actor(_ids(named[0])) if named else Actor((), f"no party recognised after '{match.group(0)}'")
    passive = _PASSIVE.match(sentence[match.end() :]) if form.verb else None
    if passive and _is_participle(passive["verb"]):
        rest = sentence[match.end() + passive.end() :]
        agent = _AGENT.search(rest[: end.start() if (end := _CLAUSE_END.search(rest)) else len(rest)])
        if agent is None:
            return Actor((), "passive: no actor named")
        words = agent["agent"].rstrip()
        shown = " ".join(words.split()[: AGENT_WORDS + 2])
        named = _groups(mentions(words), words)
        if named and len(words[: named[0][0].start].split()) <= AGENT_WORDS:
            return Actor(_ids(named[0]), f"passive: actor from 'by {shown}'")
        return Actor((), f"passive: 'by {shown}' names no recognised party")
    before = sentence[: match.start()]
    subjects = [g for g in _groups(mentions(before), before) if not _after_preposition(before[: g[0].start])]
    if subjects:
        gap = before[subjects[-1][-1].end :].split()
        if (
            len(gap) <= SUBJECT_GAP_WORDS
            and not re.search(r"[,;:]", " ".join(gap))
            and not PRONOUNS & {w.lower() for w in gap}
        ):
            return Actor(_ids(subjects[-1]))
    subject = " ".join(re.split(r"[,;:]", before)[-1].split()[-SUBJECT_GAP_WORDS:])
    return Actor((), f"no party recognised in '{subject}'" if subject else "no subject before the modal verb")


def _after_preposition(before: str) -> bool:
    """Whether the words before a mention end in a preposition (with any article): "... in the"."""
    words = [w.lower() for w in before.split() if w.lower() not in ("the", "a", "an", "their", "its")]
    return bool(words) and words[-1] in PREPOSITIONS


def action(sentence: str, match: re.Match[str], stop: int) -> str:
    """The words after the modal verb, up to a comma, a condition or a time phrase: a draft of the action."""
    start = match.end()
    if _form(match).actor == "after":
        to = _TO.search(sentence, start)
        start = to.end() if to else start
    words = sentence[start:stop]
    end = _ACTION_END.search(words)
    words = " ".join(words[: end.start() if end else len(words)].split()[:ACTION_WORDS])
    return words or "TODO"


def quote(sentence: str, match: re.Match[str]) -> str:
    """At most eight words of the sentence, as printed, around the modal verb."""
    tokens = list(re.finditer(r"\S+", sentence))
    at = next(i for i, t in enumerate(tokens) if t.end() > match.start())
    first = max(0, at - 3)
    last = min(len(tokens), first + QUOTE_WORDS) - 1
    return sentence[tokens[first].start() : tokens[last].end()].rstrip(",;:")


# --- timescales ---------------------------------------------------------------------------------

UNITS = frozenset(unit.value for unit in Unit)
_DUAL_GAP = re.compile(r"^[\w\s-]{0,30}\(\s*$")
_EVENT_WORDS_END = re.compile(
    r"[,;:.()]|\s(?:and|or|unless|to|that|which|where|when|if|this|the|a|an)\b", re.IGNORECASE
)
_DETERMINERS = re.compile(r"^(?:(?:the|a|an|their|them|his|her|his/her|its|such|this|that)\s+)+", re.IGNORECASE)


@dataclass(frozen=True)
class Placed:
    """A time phrase and where it stands in the segment's text."""

    phrase: TimePhrase
    start: int
    end: int


def placed(text: str, phrases: list[TimePhrase]) -> list[Placed]:
    """The time phrases of a text, each with its position (they come in order of appearance)."""
    found, cursor = [], 0
    for phrase in phrases:
        start = text.find(phrase.words, cursor)
        found.append(Placed(phrase, start, start + len(phrase.words)))
        cursor = start + 1
    return found


@dataclass
class DraftTimescale:
    """A drafted timescale: the format's mapping, the events it needs, and what to check."""

    spec: dict[str, object] = field(default_factory=dict)
    trigger_words: str | None = None  # for `within`: the words naming what starts the clock, if any
    before_words: str | None = None  # for `before`: the words naming the event
    notes: list[str] = field(default_factory=list)


def _duration(phrase: TimePhrase) -> dict[str, object]:
    return {"amount": phrase.amount, "unit": phrase.unit}


def _event_words(text: str) -> str | None:
    """The words naming an event, just after "of", "before" or "prior to": "the court hearing"."""
    words = _DETERMINERS.sub("", text.lstrip())
    end = _EVENT_WORDS_END.search(words)
    words = " ".join(words[: end.start() if end else len(words)].split()[:5])
    return words or None


def timescale(text: str, own: Sequence[Placed], strays: Sequence[Placed] = ()) -> DraftTimescale:
    """The timescale the time phrases of one sentence give, in the format's terms; phrases from other
    sentences of the segment (`strays`) fill what the sentence's own phrases leave free."""
    drafted = DraftTimescale()
    spec = drafted.spec
    partners = {
        b
        for a, b in zip(own, own[1:])
        if {a.phrase.relation, b.phrase.relation} <= {"within", "duration"} and _DUAL_GAP.match(text[a.end : b.start])
    }
    found = [*own, *strays]
    if len(found) > 1:
        drafted.notes.append("time phrases: " + ", ".join(f"'{p.phrase.words}'" for p in found))
    drafted.notes += [f"'{p.phrase.words}' is from another sentence" for p in strays]
    for place in found:
        phrase, after = place.phrase, text[place.end :]
        if phrase.unit is not None and phrase.unit not in UNITS:
            drafted.notes.append(f"'{phrase.words}': {phrase.unit} is not a unit of the format")
        elif place in partners and "within" in spec and "also" not in spec:
            spec["also"] = _duration(phrase)
        elif phrase.relation in ("within", "duration") and "within" not in spec and "before" not in spec:
            spec["within"] = _duration(phrase)
            drafted.trigger_words = _event_words(after) if phrase.words.lower().endswith((" of", " after")) else None
            if phrase.relation == "duration":
                drafted.notes.append(
                    f"'{phrase.words}' is a length of time: a deadline, or the delay of a scheduled event?"
                )
        elif phrase.relation == "before" and "within" not in spec and "before" not in spec:
            spec["before"] = _duration(phrase)
            drafted.before_words = _event_words(after)
        elif phrase.relation == "per" and "every" not in spec:
            if phrase.per not in UNITS:
                drafted.notes.append(f"'{phrase.words}': {phrase.per} is not a unit of the format")
                continue
            spec["every"] = {"amount": 1, "unit": phrase.per}
            spec["lasting"] = _duration(phrase)
        elif phrase.relation == "every" and "every" not in spec:
            spec["every"] = _duration(phrase)
            spec["words"] = phrase.words
        elif phrase.relation == "vague" and "vague" not in spec:
            spec["vague"] = phrase.words
        else:
            drafted.notes.append(f"not kept: '{phrase.words}'")
    return drafted


# --- duties -------------------------------------------------------------------------------------


@dataclass
class DraftDuty:
    """A candidate duty found in one sentence of one segment."""

    clause: str
    modality: Modality
    actor: Actor
    action: str
    quote: str
    timescale: DraftTimescale


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", words.lower().replace("'", "").replace("’", "")).strip("_")


def duties(segment: Segment) -> tuple[list[DraftDuty], bool]:
    """The candidate duties of one segment (one for each sentence with a modal verb), and whether it has
    a modal verb at all. A time phrase in a sentence with no duty goes to the duty before it, or the first."""
    text = segment.text
    found_time = placed(text, time_phrases(text, segment.id))
    candidates: list[tuple[Sentence, re.Match[str]]] = []
    any_modal = False
    for sentence in sentences(text):
        any_modal = any_modal or _MODAL.search(sentence.text) is not None
        match = modal(sentence.text)
        if match is not None:
            candidates.append((sentence, match))
    owners = [
        max((i for i, (s, _) in enumerate(candidates) if s.start <= place.start), default=0) for place in found_time
    ]
    drafted = []
    for i, (sentence, match) in enumerate(candidates):
        mine = [place for place, owner in zip(found_time, owners) if owner == i]
        inside = [p for p in mine if sentence.start <= p.start < sentence.end]
        time = timescale(text, inside, [p for p in mine if p not in inside])
        after = [
            p.start - sentence.start
            for p in mine
            if p.start - sentence.start >= match.end() and p.phrase.relation != "duration"
        ]
        drafted.append(
            DraftDuty(
                clause=segment.id,
                modality=_form(match).modality,
                actor=actor(sentence.text, match),
                action=action(sentence.text, match, min(after, default=len(sentence.text))),
                quote=quote(sentence.text, match),
                timescale=time,
            )
        )
    return drafted, any_modal


# --- metadata -----------------------------------------------------------------------------------

TITLE_WORDS = re.compile(
    r"\b(?:protocol|agreement|principles|memorandum of understanding|joint working)\b", re.IGNORECASE
)
TITLE_MAX_WORDS = 25
DATE_LABELS = {
    "agreed": re.compile(r"^(?:date\s+)?(?:agreed|approved|signed\s+off)(?:\s+on)?\s*:\s*(?P<date>.+)$", re.IGNORECASE),
    "review": re.compile(
        r"^(?:review\s+date|date\s+of\s+(?:next\s+)?review|next\s+review(?:\s+date)?|review)\s*:\s*(?P<date>.+)$",
        re.IGNORECASE,
    ),
}
DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)


def parse_date(words: str) -> dt.date | None:
    """A date written as "20th March 2019", "20 March 2019", "March 20, 2019", "20/03/2019" or ISO."""
    cleaned = " ".join(_ORDINAL.sub("", words.replace(",", " ")).split()).rstrip(".")
    for layout in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, layout).date()
        except ValueError:
            continue
    return None


@dataclass
class Metadata:
    """What the front matter and signature block say about the protocol."""

    title: str | None = None
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    clauses: list[str] = field(default_factory=list)


def metadata(found: list[Segment]) -> Metadata:
    """The title and the agreed and review dates, with the segments they come from."""
    meta = Metadata()
    front = [s for s in found if s.kind == "front"]
    for i, segment in enumerate(front):
        if (
            meta.title is None
            and TITLE_WORDS.search(segment.text)
            and segment.text[:1] not in "\"'“‘"
            and len(segment.text.split()) <= TITLE_MAX_WORDS
        ):
            meta.title, meta.clauses = segment.text, [segment.id]
            previous = front[i - 1] if i else None
            if (
                not mentions(segment.text)
                and previous is not None
                and mentions(previous.text)
                and len(previous.text.split()) <= HEADING_WORDS
            ):
                meta.title, meta.clauses = f"{previous.text}: {segment.text}", [previous.id, segment.id]
    for segment in (s for s in found if s.kind in ("front", "signature")):
        for key, label in DATE_LABELS.items():
            written = label.match(segment.text)
            if written and key not in meta.dates:
                meta.dates[key] = parse_date(written["date"])
                meta.clauses.append(segment.id)
                if meta.dates[key] is None:
                    meta.notes[key] = f"'{written['date'].strip()}' is not a full date"
    return meta


# --- the draft ----------------------------------------------------------------------------------


def _flow(**values: object) -> CommentedMap:
    mapping = CommentedMap(values)
    mapping.fa.set_flow_style()
    return mapping


def _clause(clause: str) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(clause)


def _comment(node: CommentedMap | CommentedSeq, key: object, notes: list[str]) -> None:
    """Notes as one comment at the end of the line of `key` (a mapping key or a list index)."""
    if notes:
        node.yaml_add_eol_comment("; ".join(notes), key)


class _Ids:
    """The ids a draft has used, so that a new one never repeats one or takes a reserved name."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {party.id: party.kind for party in PARTIES}

    def claim(self, base: str, kind: str) -> str:
        """`base`, or `base_2`, `base_3` ... if it is taken."""
        name, n = base, 1
        while name in self.kinds or name in RESERVED_EVENT_IDS or name == UNSPECIFIED:
            n += 1
            name = f"{base}_{n}"
        self.kinds[name] = kind
        return name

    def event(self, words: str | None, fallback: str) -> str:
        """The id of the event these words name: the same words, the same event."""
        base = _slug(words or "") or fallback
        base = base if base[:1].isalpha() else f"event_{base}"
        return base if self.kinds.get(base) == "event" else self.claim(base, "event")


def _metadata_map(meta: Metadata, source: str) -> CommentedMap:
    mapping = CommentedMap()
    stem = _slug(Path(source).stem)
    mapping["id"] = stem if stem[:1].isalpha() else f"protocol_{stem}"
    mapping["title"] = meta.title or Path(source).stem
    mapping["authority"] = UNSPECIFIED
    mapping["agreed"] = meta.dates.get("agreed") or UNSPECIFIED
    mapping["review"] = meta.dates.get("review") or UNSPECIFIED
    mapping["version"] = UNSPECIFIED
    mapping["source"] = Path(source).name
    mapping["clause"] = [_clause(c) for c in meta.clauses] if meta.clauses else _clause("front")
    _comment(mapping, "title", [] if meta.title else ["TODO: no title recognised in the front matter"])
    _comment(mapping, "authority", ["TODO: the local authority or partnership"])
    for key in ("agreed", "review"):
        _comment(
            mapping, key, [meta.notes[key]] if key in meta.notes else [] if meta.dates.get(key) else ["no date found"]
        )
    return mapping


def _parties(found: list[Segment]) -> tuple[CommentedSeq, CommentedSeq]:
    """The agencies (with their roles) and the people the text names, each at the first clause naming it."""
    first: dict[str, str] = {}
    printed: dict[str, list[str]] = {}
    for segment in found:
        for mention in mentions(segment.text):
            first.setdefault(mention.party.id, segment.id)
            words = " ".join(mention.words.split())
            if words not in printed.setdefault(mention.party.id, []):
                printed[mention.party.id].append(words)
    for party_id, clause in list(first.items()):
        owner = PARTY_BY_ID[party_id].agency
        if owner is not None:
            first.setdefault(owner, clause)
    agencies, people = CommentedSeq(), CommentedSeq()
    for party in PARTIES:
        if party.id not in first or party.kind == "role":
            continue
        entry = CommentedMap(id=party.id, name=party.name, clause=_clause(first[party.id]))
        roles = [r for r in PARTIES if r.agency == party.id and r.id in first]
        if roles:
            entry["roles"] = CommentedSeq(_flow(id=r.id, name=r.name, clause=_clause(first[r.id])) for r in roles)
            for i, role in enumerate(roles):
                _comment(entry["roles"], i, ["as printed: " + ", ".join(printed[role.id][:4])])
        _comment(entry, "name", ["as printed: " + ", ".join(printed.get(party.id, ["(only its roles)"])[:4])])
        (people if party.kind == "person" else agencies).append(entry)
    return agencies, people


def _duty_map(duty_id: str, duty: DraftDuty, ids: _Ids, events: CommentedSeq) -> CommentedMap:
    drafted = duty.timescale
    spec = dict(drafted.spec)
    mapping = CommentedMap()
    mapping["id"] = duty_id
    mapping["clause"] = _clause(duty.clause)
    mapping["actor"] = (
        (list(duty.actor.ids) if len(duty.actor.ids) > 1 else duty.actor.ids[0]) if duty.actor.ids else UNSPECIFIED
    )
    _comment(mapping, "actor", [duty.actor.note] if duty.actor.note else [])
    mapping["action"] = duty.action
    _comment(mapping, "action", ["TODO: the words after the verb; put the action in your own words"])
    if "within" in spec:
        name = ids.event(drafted.trigger_words, f"{duty_id}_start")
        _declare(events, name, drafted.trigger_words or f"TODO: what starts the clock of {duty_id}", duty.clause)
        mapping["trigger"] = _flow(event=name)
        _comment(
            mapping,
            "trigger",
            [
                f"TODO: drafted from '{drafted.trigger_words}'"
                if drafted.trigger_words
                else "TODO: the text names no trigger"
            ],
        )
    if "before" in spec:
        name = ids.event(drafted.before_words, f"{duty_id}_deadline")
        _declare(events, name, drafted.before_words or f"TODO: the event {duty_id} counts back from", duty.clause)
        spec["before"] = {"event": name, **spec["before"]}  # type: ignore[dict-item]
    mapping["timescale"] = (
        _flow(**{k: _flow(**v) if isinstance(v, dict) else v for k, v in spec.items()}) if spec else UNSPECIFIED
    )
    _comment(mapping, "timescale", drafted.notes)
    mapping["modality"] = duty.modality
    mapping["quote"] = duty.quote
    return mapping


def _declare(events: CommentedSeq, name: str, words: str, clause: str) -> None:
    if all(e["id"] != name for e in events):
        events.append(_flow(id=name, name=words, clause=_clause(clause)))
        events.yaml_add_eol_comment("TODO: a placeholder: check, merge or rename", len(events) - 1)


HEADER = """\
Drafted by `protoverify extract` from {source}.
A DRAFT, NOT AN ENCODING. It lists what the words alone suggest: agencies named, a candidate duty for each
sentence with a modal verb, narrative for each clause without one. Every value needs a human check:
actions are the words after the verb, triggers and events are placeholders, actors are guesses from the
subject of the sentence. Comments say what to check; `grep -n TODO` lists the gaps. Lifecycles,
ownership rules, escalation routes, items and conditions are not drafted at all.
"""


def draft(text: str, source: str) -> CommentedMap:
    """The draft encoding of a plain-text protocol, as ruamel.yaml round-trip data with comments."""
    found = [s for s in segments(text) if s.kind != "heading"]
    meta = metadata(found)
    agencies, people = _parties(found)
    ids = _Ids()
    drafts = [(segment, *duties(segment)) for segment in found]
    named = [[ids.claim(f"duty_{_slug(d.clause)}", "duty") for d in drafted] for _, drafted, _ in drafts]
    events, duty_maps, narrative = CommentedSeq(), CommentedSeq(), CommentedSeq()
    for (segment, drafted, any_modal), duty_ids in zip(drafts, named):
        duty_maps.extend(_duty_map(duty_id, duty, ids, events) for duty_id, duty in zip(duty_ids, drafted))
        if not drafted and segment.id not in meta.clauses:
            narrative.append(_flow(clause=_clause(segment.id), reason=NO_DUTY if any_modal else NO_MODAL))
            _comment(narrative, len(narrative) - 1, [f"time phrase: '{p.words}'" for p in time_phrases(segment.text)])
    document = CommentedMap()
    document.yaml_set_start_comment(HEADER.format(source=Path(source).name))
    document["protoverify"] = FORMAT_VERSION
    document["metadata"] = _metadata_map(meta, source)
    document["agencies"] = agencies
    if not agencies:
        document.yaml_add_eol_comment("TODO: no agency recognised; the format needs at least one", "agencies")
    for key, value in (("people", people), ("events", events), ("duties", duty_maps), ("narrative", narrative)):
        if value:
            document[key] = value
    return document


def dump(document: CommentedMap) -> str:
    """A draft as YAML text."""
    yaml = YAML()
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def extract(path: str | Path) -> str:
    """The draft encoding of the plain-text protocol at `path`, as YAML; a located `LoadError` if the
    file is missing, binary, not UTF-8 or holds no text."""
    what = "plain-text protocol document"
    text = read_text(path, what)
    if not text.strip():
        raise LoadError([Located(str(path), 0, 0, f"empty file; expected a {what}")])
    return dump(draft(text, str(path)))
