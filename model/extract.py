"""A first draft of a protocol encoding, read from the protocol's text.

`draft(text, source)` reads the text as clauses (`sourcetext.segments`) and drafts, for an author
starting a new encoding, what a reader could find by looking at the words alone:

- **metadata**: a title from the front matter, the `Agreed:` and `Review date:` dates
  (`frontmatter`);
- **agencies, roles and people** the text names, found with the `PARTIES` table (`parties`);
- **candidate duties**: one for each sentence with a modal verb (`sentences.MODAL_FORMS`), with the
  modality, the actor named as the subject before the verb (`unspecified`, and a comment, for a
  passive with no "by ..."), the timescale from the sentence's time phrases (`drafttimes`), the
  clause id and a quote of at most eight words around the verb;
- **narrative** for every clause, item or paragraph with no duty drafted.

A draft is not an encoding: the actions are the words after the verb, the triggers and events are
placeholders named from the words after "of" or "before", and comments mark what to check. The draft
loads with `load_protocol` as it stands, so an author can validate as they work through it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .document import Document
from .drafttimes import DraftTimescale, Placed, Trigger, placed, timescale, trigger
from .frontmatter import Metadata, metadata
from .parties import PARTIES, PARTY_BY_ID, mentions
from .reading import read_document
from .reserved import RESERVED_EVENT_IDS
from .schema import FORMAT_VERSION, UNSPECIFIED
from .sentences import (
    QUOTE_WORDS,
    Actor,
    ListLead,
    Modality,
    Sentence,
    action,
    actor,
    entry_action,
    form,
    has_modal,
    joined_duties,
    list_lead,
    modal,
    quote,
    sentences,
)
from .sourcetext import Segment, opening, segments
from .timephrases import time_phrases

NO_MODAL = "no modal verb found — review"
NO_DUTY = "modal verb only in a question or a pointer to another document — review"
PLACEHOLDERS = frozenset({NO_MODAL, NO_DUTY})
"""The narrative reasons a draft writes for a person to replace: coverage counts them as unreviewed."""


# --- duties -------------------------------------------------------------------------------------


@dataclass
class DraftDuty:
    """A candidate duty found in one sentence of one segment, or in one entry of a list."""

    clause: str
    modality: Modality
    actor: Actor
    action: str
    quote: str
    timescale: DraftTimescale
    trigger: Trigger | None = None  # the statutory event the sentence names as what starts the duty
    lead: str | None = None  # for an entry of a list: the lead-in clause its actor and force come from


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", words.lower().replace("'", "").replace("’", "")).strip("_")


def duties(segment: Segment, lead: Segment | None = None) -> tuple[list[DraftDuty], bool]:
    """The candidate duties of one segment, and whether it has a modal verb at all: one duty for each
    sentence with a modal verb, or each part of a sentence that joins two ("..., and each will ..."); an
    entry of a list whose lead-in leaves its verb to the list ("the YOT will:") is one duty of the
    lead-in's actor and force. A time phrase in a sentence with no duty goes to the duty before it, or
    the first."""
    listed = list_lead(lead.text) if lead is not None else None
    if lead is not None and listed is not None:
        return [_entry_duty(segment, lead.id, listed)], True
    text = segment.text
    found_time = placed(text, time_phrases(text, segment.id))
    candidates, any_modal = _candidates(text)
    owners = [
        max((i for i, (s, _, _) in enumerate(candidates) if s.start <= place.start), default=0) for place in found_time
    ]
    drafted: list[DraftDuty] = []
    for i, (sentence, match, inherits) in enumerate(candidates):
        mine = [place for place, owner in zip(found_time, owners) if owner == i]
        duty = _sentence_duty(segment, sentence, match, mine)
        if inherits and drafted:
            first = sentence.text.split()[0]
            duty.actor = Actor(drafted[-1].actor.ids, f"actor from '{first}': the parties of the duty before")
        drafted.append(duty)
    return drafted, any_modal


def _candidates(text: str) -> tuple[list[tuple[Sentence, re.Match[str], bool]], bool]:
    """The sentences (or parts of one) with a modal verb, each with whether its actor is the one before;
    and whether the text has a modal verb at all."""
    candidates = []
    any_modal = False
    for sentence in sentences(text):
        any_modal = any_modal or has_modal(sentence.text)
        for part, inherits in joined_duties(sentence):
            match = modal(part.text)
            if match is not None:
                candidates.append((part, match, inherits))
    return candidates, any_modal


def _sentence_duty(segment: Segment, sentence: Sentence, match: re.Match[str], mine: list[Placed]) -> DraftDuty:
    """The duty one sentence states, with the time phrases given to it."""
    text = segment.text
    opening = [p for p in mine if p.phrase.relation == "day" and p.start < sentence.start + match.start()]
    mine = [p for p in mine if p not in opening]  # "needs to attend court the following day, X must": when
    inside = [p for p in mine if sentence.start <= p.start < sentence.end]
    time = timescale(text, inside, [p for p in mine if p not in inside])
    time.notes += [f"'{p.phrase.words}' says when, before the duty: a condition?" for p in opening]
    after = [
        p.start - sentence.start
        for p in mine
        if p.start - sentence.start >= match.end() and p.phrase.relation != "duration"
    ]
    named = trigger(sentence.text)
    if named is not None and named.start >= match.end():
        after.append(named.start)
    return DraftDuty(
        clause=segment.id,
        modality=form(match).modality,
        actor=actor(sentence.text, match),
        action=action(sentence.text, match, min(after, default=len(sentence.text))),
        quote=quote(sentence.text, match),
        timescale=time,
        trigger=named or trigger(text[: sentence.start]),
    )


def _entry_duty(segment: Segment, lead: str, listed: ListLead) -> DraftDuty:
    """The duty an entry of a list gives, with the actor and force of the lead-in it follows."""
    text = segment.text
    found_time = placed(text, time_phrases(text, segment.id))
    stop = min((p.start for p in found_time if p.phrase.relation != "duration"), default=len(text))
    return DraftDuty(
        clause=segment.id,
        modality=form(listed.match).modality,
        actor=actor(listed.sentence, listed.match),
        action=entry_action(text, stop, listed.verb),
        quote=" ".join(text.split()[:QUOTE_WORDS]).rstrip(",;:"),
        timescale=timescale(text, found_time),
        trigger=trigger(text),
        lead=lead,
    )


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
    mapping["version"] = meta.version or UNSPECIFIED
    mapping["source"] = Path(source).name
    mapping["clause"] = [_clause(c) for c in meta.clauses] if meta.clauses else _clause("front")
    _comment(mapping, "title", [] if meta.title else ["TODO: no title recognised in the front matter"])
    _comment(mapping, "authority", ["TODO: the local authority or partnership"])
    if meta.amendment:
        _comment(mapping, "version", [f"from the amendment note '{opening(meta.amendment)}'"])
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
    mapping["clause"] = [_clause(duty.clause), _clause(duty.lead)] if duty.lead else _clause(duty.clause)
    mapping["actor"] = (
        (list(duty.actor.ids) if len(duty.actor.ids) > 1 else duty.actor.ids[0]) if duty.actor.ids else UNSPECIFIED
    )
    notes = [duty.actor.note] if duty.actor.note else []
    _comment(mapping, "actor", notes + ([f"from the lead-in {duty.lead}"] if duty.lead else []))
    mapping["action"] = duty.action
    _comment(mapping, "action", ["TODO: the words after the verb; put the action in your own words"])
    _trigger(mapping, duty_id, duty, ids, events, "within" in spec or "same_day" in spec)
    if "before" in spec:
        spec["before"] = {"event": _before_event(duty_id, duty, ids, events), **spec["before"]}  # type: ignore[dict-item]
    mapping["timescale"] = (
        _flow(**{k: _flow(**v) if isinstance(v, dict) else v for k, v in spec.items()}) if spec else UNSPECIFIED
    )
    _comment(mapping, "timescale", drafted.notes)
    mapping["modality"] = duty.modality
    mapping["quote"] = duty.quote
    return mapping


def _trigger(
    mapping: CommentedMap, duty_id: str, duty: DraftDuty, ids: _Ids, events: CommentedSeq, clock: bool
) -> None:
    """The duty's trigger: the statutory event its words name ("on release", "of them entering custody"),
    else, for a limit counted from something, a placeholder event named from the words after "of"."""
    words = duty.timescale.trigger_words
    named = (trigger(f"of {words}") if words else None) or duty.trigger
    if named is not None:
        ids.kinds.setdefault(named.event, "event")
        _declare(events, named.event, named.name, duty.clause, STATUTORY_EVENT)
        mapping["trigger"] = _flow(event=named.event)
        _comment(mapping, "trigger", [f"TODO: from '{named.words}': check"])
    elif clock:
        name = ids.event(words, f"{duty_id}_start")
        _declare(events, name, words or f"TODO: what starts the clock of {duty_id}", duty.clause)
        mapping["trigger"] = _flow(event=name)
        _comment(mapping, "trigger", [f"TODO: drafted from '{words}'" if words else "TODO: the text names no trigger"])


def _before_event(duty_id: str, duty: DraftDuty, ids: _Ids, events: CommentedSeq) -> str:
    """The event a `before` limit counts back from: a statutory one its words name ("release"), or a
    placeholder named from them."""
    words = duty.timescale.before_words
    named = trigger(f"of {words}") if words else None
    if named is not None:
        ids.kinds.setdefault(named.event, "event")
        _declare(events, named.event, named.name, duty.clause, STATUTORY_EVENT)
        return named.event
    name = ids.event(words, f"{duty_id}_deadline")
    _declare(events, name, words or f"TODO: the event {duty_id} counts back from", duty.clause)
    return name


STATUTORY_EVENT = "an event of the statutory world (the baseline's id): use the library's"
PLACEHOLDER_EVENT = "TODO: a placeholder: check, merge or rename"


def _declare(events: CommentedSeq, name: str, words: str, clause: str, note: str = PLACEHOLDER_EVENT) -> None:
    if all(e["id"] != name for e in events):
        events.append(_flow(id=name, name=words, clause=_clause(clause)))
        events.yaml_add_eol_comment(note, len(events) - 1)


HEADER = """\
Drafted by `protoverify extract` from {source}.
A DRAFT, NOT AN ENCODING. It lists what the words alone suggest: agencies named, a candidate duty for each
sentence with a modal verb, narrative for each clause without one. Every value needs a human check:
actions are the words after the verb, triggers and events are placeholders, actors are guesses from the
subject of the sentence. Comments say what to check; `grep -n TODO` lists the gaps. Lifecycles,
ownership rules, escalation routes, items and conditions are not drafted at all.
"""


def draft(text: str | Document, source: str) -> CommentedMap:
    """The draft encoding of a protocol (plain text or a read document), as ruamel.yaml round-trip
    data with comments."""
    found = [s for s in segments(text) if s.kind != "heading"]
    meta = metadata(found)
    agencies, people = _parties(found)
    ids = _Ids()
    by_id = {segment.id: segment for segment in found}
    drafts = [(segment, *duties(segment, by_id.get(segment.lead or ""))) for segment in found]
    leads = {duty.lead for _, drafted, _ in drafts for duty in drafted if duty.lead}
    drafts = [(segment, [] if segment.id in leads else drafted, any_modal) for segment, drafted, any_modal in drafts]
    named = [[ids.claim(f"duty_{_slug(d.clause)}", "duty") for d in drafted] for _, drafted, _ in drafts]
    events, duty_maps, narrative = CommentedSeq(), CommentedSeq(), CommentedSeq()
    for (segment, drafted, any_modal), duty_ids in zip(drafts, named):
        duty_maps.extend(_duty_map(duty_id, duty, ids, events) for duty_id, duty in zip(duty_ids, drafted))
        if not drafted and segment.id not in meta.clauses and segment.id not in leads:
            _narrative(narrative, segment, any_modal)
    return _document(source, meta, (agencies, people, events, duty_maps, narrative))


def _narrative(narrative: CommentedSeq, segment: Segment, any_modal: bool) -> None:
    """A clause with no duty drafted, as narrative waiting for review, with its opening words."""
    narrative.append(_flow(clause=_clause(segment.id), reason=NO_DUTY if any_modal else NO_MODAL))
    notes = [f"'{opening(segment.text)}'"] + [f"time phrase: '{p.words}'" for p in time_phrases(segment.text)]
    _comment(narrative, len(narrative) - 1, notes)


def _document(source: str, meta: Metadata, parts: tuple[CommentedSeq, ...]) -> CommentedMap:
    agencies, people, events, duty_maps, narrative = parts
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
    """The draft encoding of the protocol document at `path` (plain text, .docx or .pdf), as YAML; a
    located `LoadError` if the file is missing, damaged, encrypted, or holds no text."""
    return dump(draft(read_document(path), str(path)))
