"""What a redraft changes: two versions of a protocol compared, in plain English, clause by clause.

`compare(old, new)` lists what the encoding itself changes: duties added, removed or renamed, who
does them, their timescales (tightened, loosened, or changed in a way that is neither), their force
(must, should, may), their other fields; the responsibilities and the ownership rules that give them
to someone; the metadata and calendar. `compare_findings(old, new)` lists what the checks find in
the new version that they did not in the old (each version with its own judgements applied), and
what they no longer find. `diff` is the two together; its exit code is 1 when the new version
brings in an open error-severity finding, so an author can use it as a gate before sign-off.

Duties are matched by id. Where a redraft renamed one, a removed and an added duty are paired if
they have the same type and share a clause, else the same action, else the same clauses, and only
where the pairing is one to one. Ownership rules are matched by id, then by the same dimension and
situations. Timescales are compared on the working-day calendar (`properties.timescales`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..model.calendar import Calendar, Unit
from ..model.conditions import describe
from ..model.schema import Duty, Metadata, OwnershipRule, Protocol, Timescale, Trigger, clause_sort_key
from ..properties import timescales
from ..properties.check import Report
from ..properties.context import WINDOW
from ..properties.deadlines import deadline_words, moment_words, party_name
from ..properties.findings import SEVERITY_ORDER, Finding, Severity
from ..properties.timeline import Limit

ChangeKind = Literal[
    "duty-added",
    "duty-removed",
    "duty-renamed",
    "owner-changed",
    "timescale-tightened",
    "timescale-loosened",
    "timescale-changed",
    "modality-changed",
    "duty-changed",
    "responsibility-added",
    "responsibility-removed",
    "responsibility-changed",
    "ownership-rule-added",
    "ownership-rule-removed",
    "ownership-rule-renamed",
    "ownership-rule-changed",
    "metadata-changed",
    "finding-introduced",
    "finding-severity-changed",
    "finding-resolved",
]
CHANGE_KINDS: tuple[str, ...] = ChangeKind.__args__  # type: ignore[attr-defined]
HEADINGS = {
    "duty-added": "Duties added",
    "duty-removed": "Duties removed",
    "duty-renamed": "Duties renamed (matched to their old version)",
    "owner-changed": "Owners changed (who does a duty, who holds a responsibility)",
    "timescale-tightened": "Timescales tightened",
    "timescale-loosened": "Timescales loosened",
    "timescale-changed": "Timescales changed, neither simply tighter nor looser",
    "modality-changed": "Force changed (must, should, may)",
    "duty-changed": "Other changes to duties",
    "responsibility-added": "Responsibilities added",
    "responsibility-removed": "Responsibilities removed",
    "responsibility-changed": "Responsibilities changed",
    "ownership-rule-added": "Ownership rules added",
    "ownership-rule-removed": "Ownership rules removed",
    "ownership-rule-renamed": "Ownership rules renamed (matched to their old version)",
    "ownership-rule-changed": "Ownership rules changed",
    "metadata-changed": "Metadata changed",
    "finding-introduced": "Findings introduced",
    "finding-severity-changed": "Findings whose severity changed",
    "finding-resolved": "Findings resolved",
}
ARTICLE = {"limit": "a", "interval": "an"}
VERDICTS: dict[str, tuple[ChangeKind, str]] = {  # how a timescale changes -> the kind of change, the verdict in words
    "tightened": ("timescale-tightened", "tighter"),
    "loosened": ("timescale-loosened", "looser"),
    "changed": ("timescale-changed", "changed, not comparable"),
    "same": ("timescale-changed", "the same in effect"),
}
FORCE = {"must": 2, "should": 1, "may": 0}
DUTY_FIELDS = {  # compared on a matched duty, besides actor, timescale and modality
    "action": "action",
    "type": "type",
    "recipient": "recipients",
    "trigger": "trigger",
    "when": "situations it applies in",
    "unless": "exceptions",
    "produces": "artefacts produced",
    "needs": "artefacts needed",
    "items": "listed items",
    "cites": "clauses cited",
    "documents": "documents referred to",
    "clause": "clauses",
}
METADATA_FIELDS = {
    "id": "protocol id",
    "title": "title",
    "authority": "authority",
    "agreed": "date agreed",
    "review": "review date",
    "version": "version",
    "source": "source document",
    "example": "marked as an invented example",
}


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a protocol: its kind, what changed (a duty, a rule, a
    field, a finding), the clauses it concerns, the change in words, and the old and new values in
    words (None where there is no old or new one). `severity` is a finding's: in the new version, or
    in the old one for a finding resolved."""

    kind: ChangeKind
    subject: str
    clauses: tuple[str, ...]
    message: str
    old: str | None = None
    new: str | None = None
    severity: Severity | None = None


@dataclass(frozen=True)
class Diff:
    """Two versions of a protocol, checked as of the same day, and what changes between them."""

    old: Report
    new: Report
    changes: tuple[Change, ...]

    @property
    def introduced_errors(self) -> list[Change]:
        """Open error-severity findings of the new version that the old one had not as open errors."""
        return [
            c
            for c in self.changes
            if c.kind in ("finding-introduced", "finding-severity-changed") and c.severity == "error"
        ]

    @property
    def exit_code(self) -> int:
        return 1 if self.introduced_errors else 0

    def to_json(self) -> dict[str, Any]:
        """The diff as data: both versions, the changes in reading order, and counts by kind."""

        def version(report: Report) -> dict[str, Any]:
            meta = report.protocol.metadata
            dates = {k: getattr(meta, k).isoformat() if getattr(meta, k) else None for k in ("agreed", "review")}
            return {"id": meta.id, "title": meta.title, "version": meta.version, **dates, "findings": report.summary()}

        return {
            "old": version(self.old),
            "new": version(self.new),
            "checked_as_of": self.new.today.isoformat(),
            "changes": [asdict(c) for c in self.changes],
            "summary": {
                "by_kind": dict(sorted(Counter(c.kind for c in self.changes).items())),
                "introduced_errors": len(self.introduced_errors),
                "exit_code": self.exit_code,
            },
        }


# --- running it ----------------------------------------------------------------------------------


def diff(old: Report, new: Report) -> Diff:
    """What changes from the old version to the new, each checked (`properties.check.check`)."""
    text = compare(old.protocol, new.protocol)
    renamed = [
        c for change in text if change.kind in ("duty-renamed", "ownership-rule-renamed") for c in change.clauses
    ]
    return Diff(old, new, ordered(text + compare_findings(old, new, renamed)))


def ordered(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Changes in reading order: by kind, then findings by severity, then by first clause and subject."""

    def key(c: Change) -> tuple:
        first = clause_sort_key(c.clauses[0]) if c.clauses else (9,)
        return (CHANGE_KINDS.index(c.kind), SEVERITY_ORDER.get(c.severity or "", 3), first, c.subject)

    return tuple(sorted(changes, key=key))


# --- the encoding --------------------------------------------------------------------------------


def compare(old: Protocol, new: Protocol) -> list[Change]:
    """What the new version of the protocol changes from the old, findings aside."""
    return _duties(old, new) + _ownership(old, new) + _metadata(old, new)


def match_duties(old: Protocol, new: Protocol) -> tuple[list[tuple[Duty, Duty, str]], list[Duty], list[Duty]]:
    """The duties of both versions paired (old, new, how they were matched), then those removed and added."""
    kept = {d.id: d for d in new.duties}
    pairs = [(d, kept[d.id], "id") for d in old.duties if d.id in kept]
    removed = [d for d in old.duties if d.id not in kept]
    added = [d for d in new.duties if d.id not in {o.id for o in old.duties}]
    rules: list[tuple[Callable[[Duty, Duty], bool], Callable[[Duty, Duty], str]]] = [
        (
            lambda o, n: o.type is not None and o.type == n.type and bool(set(o.clause) & set(n.clause)),
            lambda o, n: (
                f"type {o.type} and clause {_listing(sorted(set(o.clause) & set(n.clause), key=clause_sort_key))}"
            ),
        ),
        (lambda o, n: o.action == n.action, lambda o, n: "the same action"),
        (lambda o, n: set(o.clause) == set(n.clause), lambda o, n: f"clause {_listing(o.clause)}"),
    ]
    for same, how in rules:
        for o in list(removed):
            candidates = [n for n in added if same(o, n)]
            if len(candidates) == 1 and [r for r in removed if same(r, candidates[0])] == [o]:
                pairs.append((o, candidates[0], how(o, candidates[0])))
                removed.remove(o)
                added.remove(candidates[0])
    return pairs, removed, added


def _duties(old: Protocol, new: Protocol) -> list[Change]:
    pairs, removed, added = match_duties(old, new)
    changes = [
        Change(
            "duty-removed", d.id, d.clause, f"duty {d.id} is removed: {_duty_words(old, d)}.", old=_duty_words(old, d)
        )
        for d in removed
    ] + [
        Change("duty-added", d.id, d.clause, f"new duty {d.id}: {_duty_words(new, d)}.", new=_duty_words(new, d))
        for d in added
    ]
    for o, n, how in pairs:
        changes += _duty_changes(old, o, new, n, how)
    return changes


def _duty_changes(old: Protocol, o: Duty, new: Protocol, n: Duty, how: str) -> list[Change]:
    clauses = _union(o.clause, n.clause)
    name = f"{n.action} (duty {n.id})"
    changes = []
    if how != "id":
        changes.append(
            Change("duty-renamed", n.id, clauses, f"duty {o.id} is now {n.id} (matched by {how}).", old=o.id, new=n.id)
        )
    if (o.actor, o.lead) != (n.actor, n.lead):
        was, now = _actor_words(old, o), _actor_words(new, n)
        changes.append(Change("owner-changed", n.id, clauses, f"{name}: now {now} (was {was}).", old=was, new=now))
    timescale = compare_timescales(old, o, new, n)
    if timescale is not None:
        kind, verdict, reason = timescale
        was, now = _timescale_words(old, o), _timescale_words(new, n)
        changes.append(
            Change(
                kind,
                n.id,
                clauses,
                f"{name}: {now} (was {was}): {verdict}{'; ' + reason if reason else ''}.",
                old=was,
                new=now,
            )
        )
    if o.modality != n.modality:
        force = "stronger" if FORCE[n.modality] > FORCE[o.modality] else "weaker"
        changes.append(
            Change(
                "modality-changed",
                n.id,
                clauses,
                f"{name}: {n.modality} (was {o.modality}): {force}.",
                old=o.modality,
                new=n.modality,
            )
        )
    for field, label in DUTY_FIELDS.items():
        was, now = getattr(o, field), getattr(n, field)
        if was != now:
            was, now = _words(old, field, was), _words(new, field, now)
            changes.append(
                Change("duty-changed", n.id, clauses, f"{name}: {label}: {now} (was {was}).", old=was, new=now)
            )
    return changes


# --- timescales ----------------------------------------------------------------------------------


Reading = tuple[object, Limit | None]  # what a limit counts from, and the limit (None: at the moment itself)
Calendars = tuple[Calendar, Calendar]  # the old version's and the new one's


def compare_timescales(old: Protocol, o: Duty, new: Protocol, n: Duty) -> tuple[ChangeKind, str, str] | None:
    """How a duty's timescale changes: the kind of change, the verdict in words (tighter, looser,
    changed but not comparable, the same in effect) and the reason; None if it does not change (the
    phrase as printed, `words`, aside)."""
    if _bare(o.timescale) == _bare(n.timescale):
        return None
    calendars = (old.calendar.to_calendar(), new.calendar.to_calendar())
    ot, nt = o.timescale, n.timescale
    main_o, main_n = _main(o), _main(n)
    verdicts = [_compare_main(main_o, main_n, calendars, old.calendar != new.calendar)]
    also_o, also_n = (t.also if t else None for t in (ot, nt))
    if also_o != also_n:
        if also_o and also_n and main_o and main_n and main_o[0] == main_n[0] and main_o[1] is not None:
            before = main_o[1].before
            verdicts.append(
                _compare_limits(
                    Limit(also_o.amount, also_o.unit, before),
                    Limit(also_n.amount, also_n.unit, before),
                    calendars,
                    True,
                    "second reading",
                )
            )
        else:
            verdicts.append(
                (
                    "changed",
                    "the second reading of the limit is "
                    + ("dropped" if also_n is None else "added" if also_o is None else "changed"),
                )
            )
    every_o, every_n = (("every", Limit(t.every.amount, t.every.unit)) if t and t.every else None for t in (ot, nt))
    verdicts.append(_compare_main(every_o, every_n, calendars, True, "interval"))
    if (ot and ot.lasting) != (nt and nt.lasting):
        verdicts.append(("changed", "how long each occurrence lasts changes"))
    verdicts.append(_compare_vague(ot.vague if ot else None, nt.vague if nt else None))
    verdicts = [v for v in verdicts if v is not None]
    directions = {d for d, _ in verdicts} - {"same"} or {"same"}
    direction = directions.pop() if len(directions) == 1 else "changed"
    kind, verdict = VERDICTS[direction]
    return kind, verdict, "; ".join(reason for _, reason in verdicts if reason)


def _bare(timescale: Timescale | None) -> Timescale | None:
    """A timescale without the phrase as printed, which says nothing the other fields do not."""
    return None if timescale is None else timescale.model_copy(update={"words": None})


def _main(duty: Duty) -> Reading | None:
    """A duty's limit: what it counts from (its trigger, or the event it is before or at) and the limit."""
    t = duty.timescale
    if t is None:
        return None
    if t.within is not None:
        return duty.trigger, Limit(t.within.amount, t.within.unit)
    if t.before is not None:
        return ("before", t.before.event), Limit(t.before.amount, t.before.unit, before=True)
    if t.at is not None:
        return ("at", t.at), None
    return None


def _compare_main(
    old: Reading | None, new: Reading | None, calendars: Calendars, show_dates: bool, what: str = "limit"
) -> tuple[str, str] | None:
    """How one reading of a limit changes, as (direction, reason); None if it does not."""
    if old == new:
        return None
    if old is None:
        return "tightened", f"it now sets {ARTICLE[what]} {what} where it set none"
    if new is None:
        return "loosened", f"it no longer sets {ARTICLE[what]} {what}"
    if old[0] != new[0] or old[1] is None or new[1] is None:
        return "changed", f"the {what} counts from a different moment, so the two cannot be compared"
    return _compare_limits(old[1], new[1], calendars, show_dates or old[1].unit != new[1].unit, what)


def _compare_limits(old: Limit, new: Limit, calendars: Calendars, show_dates: bool, what: str) -> tuple[str, str]:
    """Two limits counted from the same moment, compared on each version's calendar: (direction, reason)."""
    result = timescales.compare(old, new, *calendars)
    if result.verdict == "same":
        return "same", f"restated, the same deadline on every date from {WINDOW[0].year} to {WINDOW[1].year}"
    direction = {"tighter": "tightened", "looser": "loosened", "neither": "changed"}[result.verdict]
    if result.verdict == "neither":
        shown = f"{_example_words(result.earlier, old, new)}; {_example_words(result.later, old, new)}"  # type: ignore[arg-type]
        return (
            direction,
            f"on the working-day calendar the new {what} is earlier on some dates and later on others: {shown}",
        )
    if not show_dates:
        return direction, ""
    example = result.earlier or result.later
    return (
        direction,
        f"on the working-day calendar it is never {'later' if result.earlier else 'earlier'}, and differs most {_example_words(example, old, new)}",
    )  # type: ignore[arg-type]


def _example_words(example: timescales.Example, old: Limit, new: Limit) -> str:
    start = "if the event falls on" if old.before else "if the clock starts on"
    shown = old if old.unit is Unit.HOURS else new
    return f"{start} {moment_words(example.anchor, shown)}: it ends {deadline_words(example.new_due, new)}, not {deadline_words(example.old_due, old)}"


def _compare_vague(was: str | None, now: str | None) -> tuple[str, str] | None:
    """Words such as "as soon as" set no limit that can be counted: any change to them is not comparable."""
    if was == now:
        return None
    if was is None:
        return "changed", f'it now says "{now}", words that cannot be compared with a limit'
    if now is None:
        return "changed", f'the words "{was}" are dropped, and words cannot be compared with a limit'
    return "changed", f'the words "{was}" become "{now}"'


# --- responsibilities and ownership --------------------------------------------------------------


def _ownership(old: Protocol, new: Protocol) -> list[Change]:
    changes = []
    old_dims, new_dims = ({d.id: d for d in p.dimensions} for p in (old, new))
    for d in old_dims.values():
        if d.id not in new_dims:
            changes.append(
                Change(
                    "responsibility-removed",
                    d.id,
                    d.clause,
                    f"{d.name} is no longer a responsibility anyone must hold.",
                    old=d.name,
                )
            )
    for d in new_dims.values():
        o = old_dims.get(d.id)
        if o is None:
            changes.append(
                Change(
                    "responsibility-added",
                    d.id,
                    d.clause,
                    f"new responsibility: {d.name}, {_applies(d.applies)}.",
                    new=d.name,
                )
            )
        elif (o.name, o.applies) != (d.name, d.applies):
            was, now = f"{o.name}, {_applies(o.applies)}", f"{d.name}, {_applies(d.applies)}"
            changes.append(
                Change(
                    "responsibility-changed", d.id, _union(o.clause, d.clause), f"{now} (was {was}).", old=was, new=now
                )
            )
    pairs, removed, added = _match_rules(old, new)
    for r in removed:
        changes.append(
            Change(
                "ownership-rule-removed",
                r.id,
                r.clause,
                f"rule {r.id} is removed: {_rule_words(old, r)}.",
                old=_rule_words(old, r),
            )
        )
    for r in added:
        changes.append(
            Change(
                "ownership-rule-added",
                r.id,
                r.clause,
                f"new rule {r.id}: {_rule_words(new, r)}.",
                new=_rule_words(new, r),
            )
        )
    for o, n in pairs:
        clauses = _union(o.clause, n.clause)
        subject = f"{_dimension_name(new, n.dimension)}, when {_condition(n.when)} (rule {n.id})"
        if o.id != n.id:
            changes.append(
                Change(
                    "ownership-rule-renamed",
                    n.id,
                    clauses,
                    f"rule {o.id} is now {n.id} (matched by responsibility and situations).",
                    old=o.id,
                    new=n.id,
                )
            )
        if (o.owner, o.lead) != (n.owner, n.lead):
            was, now = _owner_words(old, o), _owner_words(new, n)
            changes.append(
                Change("owner-changed", n.id, clauses, f"{subject}: now {now} (was {was}).", old=was, new=now)
            )
        if (o.dimension, o.when) != (n.dimension, n.when):
            was, now = _rule_scope(old, o), _rule_scope(new, n)
            changes.append(
                Change("ownership-rule-changed", n.id, clauses, f"rule {n.id}: {now} (was {was}).", old=was, new=now)
            )
    return changes


def _match_rules(
    old: Protocol, new: Protocol
) -> tuple[list[tuple[OwnershipRule, OwnershipRule]], list[OwnershipRule], list[OwnershipRule]]:
    """Ownership rules paired by id, then by the same dimension and situations (one to one); the rest."""
    kept = {r.id: r for r in new.ownership}
    pairs = [(r, kept[r.id]) for r in old.ownership if r.id in kept]
    removed = [r for r in old.ownership if r.id not in kept]
    added = [r for r in new.ownership if r.id not in {o.id for o in old.ownership}]
    for o in list(removed):
        candidates = [n for n in added if (n.dimension, n.when) == (o.dimension, o.when)]
        if len(candidates) == 1 and sum((r.dimension, r.when) == (o.dimension, o.when) for r in removed) == 1:
            pairs.append((o, candidates[0]))
            removed.remove(o)
            added.remove(candidates[0])
    return pairs, removed, added


# --- metadata ------------------------------------------------------------------------------------


def _metadata(old: Protocol, new: Protocol) -> list[Change]:
    clauses = _union(old.metadata.clause, new.metadata.clause)
    changes = []
    for field, label in METADATA_FIELDS.items():
        was, now = (_metadata_words(p.metadata, field) for p in (old, new))
        if was != now:
            changes.append(Change("metadata-changed", field, clauses, f"{label}: {now} (was {was}).", old=was, new=now))
    for field, label in (("region", "calendar region"), ("closures", "local closure days")):
        was, now = (getattr(p.calendar, field) for p in (old, new))
        if was != now:
            was, now = (", ".join(map(str, v)) or "none" if isinstance(v, tuple) else str(v) for v in (was, now))
            changes.append(
                Change(
                    "metadata-changed",
                    field,
                    clauses,
                    f"{label}: {now} (was {was}); working-day limits are now counted on this calendar.",
                    old=was,
                    new=now,
                )
            )
    return changes


def _metadata_words(meta: Metadata, field: str) -> str:
    value = getattr(meta, field)
    return (
        "not stated"
        if value is None
        else value.isoformat()
        if isinstance(value, dt.date)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


# --- findings ------------------------------------------------------------------------------------


def compare_findings(old: Report, new: Report, renamed: Iterable[str] = ()) -> list[Change]:
    """Open findings of the new version the old did not have open (introduced, or with another
    severity), and open findings of the old version the new no longer has open (resolved).

    A finding's id is made from the ids of the duties or rules it concerns, so renaming one gives
    its findings new ids. `renamed` are the clauses of duties and rules the redraft renamed: a
    finding that appears and one that disappears, of the same kind and on the same clauses, one of
    them `renamed`, are taken to be the same finding, where that pairing is one to one."""
    old_all = {f.id: f for f in old.findings}
    new_all = {f.id: f for f in new.findings}
    same = _renamed_findings(
        [f for f in old.findings if f.id not in new_all], [f for f in new.findings if f.id not in old_all], set(renamed)
    )
    was = {new_id: old_all[old_id] for new_id, old_id in same.items()}
    now = {old_id: new_all[new_id] for new_id, old_id in same.items()}
    changes = []
    for f in new.open:
        before = was.get(f.id, old_all.get(f.id))
        if before is None or before.accepted is not None:
            note = "" if before is None else " (accepted in the old version's judgements, not in the new one's)"
            changes.append(_finding_change("finding-introduced", f, f"{_finding_words(f)}{note}", new=f.severity))
        elif before.severity != f.severity:
            words = f"{_finding_words(f)} (now {f.severity}, was {before.severity})"
            changes.append(_finding_change("finding-severity-changed", f, words, old=before.severity, new=f.severity))
    for f in old.open:
        after = now.get(f.id, new_all.get(f.id))
        if after is None or after.accepted is not None:
            note = (
                "no longer found"
                if after is None
                else f"still found, but accepted in the new version's judgements: {after.accepted}"
            )
            changes.append(_finding_change("finding-resolved", f, f"{_finding_words(f)} ({note})", old=f.severity))
    return changes


def _renamed_findings(gone: list[Finding], appeared: list[Finding], renamed: set[str]) -> dict[str, str]:
    """New finding id -> old finding id, for findings whose id changed only with a renamed duty or rule."""

    def same(a: Finding, b: Finding) -> bool:
        return a.kind == b.kind and set(a.clauses) == set(b.clauses) and bool(set(a.clauses) & renamed)

    return {
        f.id: matches[0].id
        for f in appeared
        if len(matches := [g for g in gone if same(g, f)]) == 1
        and sum(same(matches[0], other) for other in appeared) == 1
    }


def _finding_change(
    kind: ChangeKind, f: Finding, message: str, old: str | None = None, new: str | None = None
) -> Change:
    return Change(kind, f.id, f.clauses, message, old=old, new=new, severity=f.severity)


def _finding_words(f: Finding) -> str:
    undecided = " [undecided: the solver could not answer]" if not f.decided else ""
    return f"{f.severity} {f.kind}{undecided}: {f.message}"


# --- words ---------------------------------------------------------------------------------------


def _listing(items: Iterable[str]) -> str:
    return ", ".join(items)


def _union(*clauses: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({c for group in clauses for c in group}, key=clause_sort_key))


def _duty_words(protocol: Protocol, duty: Duty) -> str:
    when = f", when {_condition(duty.when)}" if duty.when is not None else ""
    return f"{_actor_words(protocol, duty)} {duty.modality} {duty.action}, {_timescale_words(protocol, duty)}{when}"


def _actor_words(protocol: Protocol, duty: Duty) -> str:
    if duty.actor is None:
        return "no one named"
    lead = f" ({party_name(protocol, duty.lead)} leading)" if duty.lead else ""
    return " and ".join(party_name(protocol, a) for a in duty.actor) + lead


def _owner_words(protocol: Protocol, rule: OwnershipRule) -> str:
    if rule.owner is None:
        return "no one named"
    lead = f" ({party_name(protocol, rule.lead)} leading)" if rule.lead else ""
    return " and ".join(party_name(protocol, a) for a in rule.owner) + lead


def _rule_words(protocol: Protocol, rule: OwnershipRule) -> str:
    return f"{_dimension_name(protocol, rule.dimension)} belongs to {_owner_words(protocol, rule)} when {_condition(rule.when)}"


def _rule_scope(protocol: Protocol, rule: OwnershipRule) -> str:
    return f"{_dimension_name(protocol, rule.dimension)} when {_condition(rule.when)}"


def _dimension_name(protocol: Protocol, dimension: str) -> str:
    return next((d.name for d in protocol.dimensions if d.id == dimension), dimension.replace("_", " "))


def _applies(condition) -> str:
    return "wherever it arises" if condition is None else f"where {_condition(condition)}"


def _condition(condition) -> str:
    return "always" if condition is None else describe(condition)


def _event_name(protocol: Protocol, event: str) -> str:
    return f"'{next((e.name for e in protocol.events if e.id == event), event.replace('_', ' '))}'"


def _state_name(protocol: Protocol, state: str) -> str:
    return next((s.name or s.id.replace("_", " ") for s in protocol.states() if s.id == state), state.replace("_", " "))


def _trigger_words(protocol: Protocol, trigger: Trigger | None) -> str:
    if trigger is None:
        return "none (a standing duty)"
    if trigger.event is not None:
        return _event_name(protocol, trigger.event)
    if trigger.enter is not None:
        return f"entering '{_state_name(protocol, trigger.enter)}'"
    if trigger.exit is not None:
        return f"leaving '{_state_name(protocol, trigger.exit)}'"
    return f"duty {trigger.duty} being done"


def _timescale_words(protocol: Protocol, duty: Duty) -> str:
    t = duty.timescale
    if t is None:
        return "no timescale given"
    parts = []
    if t.within is not None:
        parts.append(Limit(t.within.amount, t.within.unit).words(_trigger_words(protocol, duty.trigger)))
    if t.before is not None:
        parts.append(Limit(t.before.amount, t.before.unit, before=True).words(_event_name(protocol, t.before.event)))
    if t.at is not None:
        parts.append(f"at {_event_name(protocol, t.at)}")
    if t.also is not None:
        parts.append(f"also stated as {Limit(t.also.amount, t.also.unit).size()}")
    if t.vague is not None:
        parts.append(f'"{t.vague}"')
    if t.every is not None:
        lasting = f", lasting {Limit(t.lasting.amount, t.lasting.unit).size()}" if t.lasting else ""
        parts.append(f"at least every {Limit(t.every.amount, t.every.unit).size()}{lasting}")
    return ", ".join(parts)


def _words(protocol: Protocol, field: str, value: object) -> str:
    """A duty field's value in words, for a reader comparing two versions."""
    if value is None or value == ():
        return "none"
    if field == "trigger":
        return _trigger_words(protocol, value)  # type: ignore[arg-type]
    if field == "when":
        return _condition(value)
    if field == "items":
        return "; ".join(f"{item.clause} {item.what}" for item in value)  # type: ignore[attr-defined]
    if field == "recipient":
        return ", ".join(party_name(protocol, p) for p in value)  # type: ignore[attr-defined]
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


# --- rendering -----------------------------------------------------------------------------------


def _title(d: Diff) -> list[str]:
    old, new = d.old.protocol.metadata, d.new.protocol.metadata
    counts = Counter(c.kind for c in d.changes)
    findings = counts["finding-introduced"] + counts["finding-severity-changed"] + counts["finding-resolved"]
    verdict = (
        f"the new version brings in {len(d.introduced_errors)} open error{'s' if len(d.introduced_errors) != 1 else ''} (exit 1)"
        if d.introduced_errors
        else "the new version brings in no open error (exit 0)"
    )
    return [
        f"{old.id} (version {old.version or 'not stated'}, review {old.review or 'not stated'}) -> "
        f"{new.id} (version {new.version or 'not stated'}, review {new.review or 'not stated'})",
        f"checked as of {d.new.today.isoformat()}: {len(d.changes) - findings} changes to the text, "
        f"{findings} changes in findings; {verdict}",
    ]


def _groups(d: Diff) -> list[tuple[str, list[Change]]]:
    return [
        (kind, [c for c in d.changes if c.kind == kind])
        for kind in CHANGE_KINDS
        if any(c.kind == kind for c in d.changes)
    ]


def _clause_words(change: Change) -> str:
    return f"clause {', '.join(change.clauses)}" if change.clauses else "no clause"


def to_text(d: Diff) -> str:
    """The diff for a terminal: changes grouped by kind, each naming its clauses."""
    lines = [d.new.protocol.metadata.title, *_title(d), ""]
    if not d.changes:
        lines.append("No changes: the two versions say the same, and the checks find the same.")
    for kind, changes in _groups(d):
        lines += [f"== {HEADINGS[kind]} ({len(changes)})", ""]
        for change in changes:
            lines += [f"  {_clause_words(change)}: {change.message}", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(d: Diff) -> str:
    """The diff as a Markdown document, for a review pack or a pull request."""
    head = _title(d)
    lines = [
        f"# What the redraft changes: {d.new.protocol.metadata.title}",
        "",
        head[0],
        "",
        f"**{head[1][0].upper()}{head[1][1:]}.**",
        "",
    ]
    if not d.changes:
        lines += ["No changes: the two versions say the same, and the checks find the same.", ""]
    for kind, changes in _groups(d):
        lines += [f"## {HEADINGS[kind]} ({len(changes)})", ""]
        lines += [f"- **{_clause_words(change)}**: {change.message}" for change in changes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
