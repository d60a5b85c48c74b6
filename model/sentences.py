"""The sentences of a clause that state a duty: the modal words that give its force, the party it
falls on, the action, and a short quote.

`modal(sentence)` finds the words that make a sentence a duty (`MODAL_FORMS`); `actor` reads the
party from the subject before them (or after "it is the responsibility of", or after "by" in a
passive); `action` takes the words after the verb; `quote` at most eight words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .parties import Mention, mentions

Modality = Literal["must", "should", "may"]

QUOTE_WORDS = 8
ACTION_WORDS = 10
SUBJECT_GAP_WORDS = 6  # at most this many words between the named party and the modal verb


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
    r"[,;:(]|(?<!\be\.g)(?<!\bi\.e)\.(?:\s|$)"
    r"|\s(?:where|when|whenever|unless|if|whilst|in order to|so that|to ensure|and where)\b",
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


def has_modal(text: str) -> bool:
    """Whether the text has any modal words at all (in a question or a pointer too)."""
    return _MODAL.search(text) is not None


def modal(sentence: str) -> re.Match[str] | None:
    """The words that make the sentence a duty, or None: no modal verb, a question, or a pointer."""
    if sentence.rstrip().endswith("?"):
        return None
    excluded = [(m.start(), m.end()) for m in _NOT_DUTY.finditer(sentence)]
    found = [
        m
        for m in _MODAL.finditer(sentence)
        if not any(a <= m.start() < b for a, b in excluded) and not descriptive(sentence, m)
    ]
    if not found:
        return None
    comma = sentence.find(",")
    if SUBORDINATE_OPENING.match(sentence.lstrip()) and comma >= 0:
        main = [m for m in found if m.start() > comma]
        if main:
            return main[0]
    return found[0]


DESCRIBING_VERBS = frozenset(
    {
        "arise",
        "occur",
        "happen",
        "create",
        "cause",
        "save",
        "mean",
        "vary",
        "differ",
        "depend",
        "exist",
        "emerge",
        "result",
        "seem",
        "appear",
        "cover",
        "help",
        "benefit",
        "affect",
        "lead",
        "become",
        "change",
        "reduce",
        "increase",
        "improve",
    }
)
"""Verbs that describe what happens, not what someone must do: "these objectives will create tensions"."""
DESCRIBING_AFTER_BE = frozenset(
    {"a", "an", "dependent", "difficult", "complex", "helpful", "useful", "beneficial", "likely", "unlikely"}
)
"""Words after "be" that describe: "this can be a turbulent time", "will be dependent upon"."""
_VERB_AFTER = re.compile(
    r"^\s+(?:(?:not|also|only|often|sometimes|always|then|well|\w+ly)\s+)*(?P<verb>[a-z]+)(?:\s+(?P<next>[a-z]+))?",
    re.IGNORECASE,
)


def descriptive(sentence: str, match: re.Match[str]) -> bool:
    """Whether a modal verb describes rather than obliges: no party is the subject of its clause, and the
    verb after it is one that describes ("may arise", "can save work", "will create tensions") or "be"
    with a description after it ("can be a turbulent time")."""
    if not MODAL_FORMS[int(match.lastgroup[1:])].verb:  # type: ignore[index]
        return False
    subject = re.split(r"[,;:(]", sentence[: match.start()])[-1]
    words = _VERB_AFTER.match(sentence[match.end() :])
    if any(m.party.kind != "person" for m in mentions(subject)) or words is None:
        return False
    verb, following = words["verb"].lower(), (words["next"] or "").lower()
    return verb in DESCRIBING_VERBS or (verb == "be" and following in DESCRIBING_AFTER_BE)


def form(match: re.Match[str]) -> ModalForm:
    """The modal form a match of `modal` is."""
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
    found = form(match)
    if found.actor == "after":
        rest = sentence[match.end() :]
        to = _TO.search(rest)
        named = _groups(mentions(rest[: to.start() if to else len(rest)]), rest)
        return Actor(_ids(named[0])) if named else Actor((), f"no party recognised after '{match.group(0)}'")
    passive = _PASSIVE.match(sentence[match.end() :]) if found.verb else None
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
    if form(match).actor == "after":
        to = _TO.search(sentence, start)
        start = to.end() if to else start
    words = sentence[start:stop]
    end = _ACTION_END.search(words)
    words = " ".join(words[: end.start() if end else len(words)].split()[:ACTION_WORDS])
    return words or "TODO"


def entry_action(text: str, stop: int, verb: str = "") -> str:
    """The action an entry of a list states: its words up to a comma, a condition or a time phrase, after
    the lead-in's own verb if it has one ("ensure that")."""
    words = text[:stop]
    end = _ACTION_END.search(words)
    words = " ".join(words[: end.start() if end else len(words)].split()[:ACTION_WORDS])
    words = re.sub(r"^(?:to|that)\s+", "", words, flags=re.IGNORECASE)
    return " ".join(filter(None, (verb, words))) or "TODO"


def quote(sentence: str, match: re.Match[str]) -> str:
    """At most eight words of the sentence, as printed, around the modal verb."""
    tokens = list(re.finditer(r"\S+", sentence))
    at = next(i for i, t in enumerate(tokens) if t.end() > match.start())
    first = max(0, at - 3)
    last = min(len(tokens), first + QUOTE_WORDS) - 1
    return sentence[tokens[first].start() : tokens[last].end()].rstrip(",;:")


# --- lists and joined duties ---------------------------------------------------------------------

_LEFT_TO_THE_LIST = re.compile(
    r"(?:(?:also|then|jointly|each|both|\w+ly)(?:\s+|$))*"
    r"(?:(?:ensure|make sure|arrange|see)(?:\s+that)?|(?:undertake|do|carry out|complete) the following(?:\s+\w+)?"
    r"|be responsible for|take responsibility for)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ListLead:
    """A lead-in that leaves its verb to the list after it: its sentence, its modal words, and the words
    each entry continues ("ensure that")."""

    sentence: str
    match: re.Match[str]
    verb: str


def list_lead(text: str) -> ListLead | None:
    """The lead-in a text ending in ":" is, if each entry of its list is a duty of its actor: "In
    particular, the YOT will:", "the social worker must ensure that:", "it is the responsibility of
    CSC to:". A lead-in that names its verb ("the report will include:") leads into contents, not duties."""
    if not text.rstrip().endswith(":"):
        return None
    last = sentences(text)[-1].text
    match = modal(last)
    if match is None:
        return None
    rest = last[match.end() :].strip().rstrip(":").strip()
    if form(match).actor == "after":
        to = re.search(r"\bto\b", rest)
        if to is None:
            return None
        rest = rest[to.end() :].strip()
    if not _LEFT_TO_THE_LIST.fullmatch(rest):
        return None
    verb = re.search(r"(?:ensure|make sure|arrange|see)(?:\s+that)?$", rest, re.IGNORECASE)
    return ListLead(last, match, verb[0] if verb else "")


_JOINED_DUTY = re.compile(
    r"[,;]\s+(?:and|but|while|whilst)\s+(?P<subject>(?:each|both|they|all|the|[A-Z])[\w’'/-]*(?:\s+[\w’'/-]+){0,4}?)"
    r"\s+(?P<modal>will|must|shall|should)\b"
)
_INHERITING = frozenset({"each", "both", "they", "all"})


def joined_duties(sentence: Sentence) -> list[tuple[Sentence, bool]]:
    """A sentence as the duties joined in it: "The YOT and CSC will share records, and each will make
    information available" is two. Each part comes with whether its actor is the first part's ("each",
    "both", "they" name no party of their own)."""
    match = modal(sentence.text)
    second = _JOINED_DUTY.search(sentence.text, match.end()) if match else None
    if second is None:
        return [(sentence, False)]
    subject = second["subject"]
    inherits = subject.split()[0].lower() in _INHERITING and not mentions(subject)
    if not inherits and not mentions(subject):
        return [(sentence, False)]
    cut, start = second.start(), second.start("subject")
    first = Sentence(sentence.start, sentence.start + cut, sentence.text[:cut])
    rest = Sentence(sentence.start + start, sentence.end, sentence.text[start:])
    return [(first, False), (rest, inherits)]
