"""What a redraft changes: two versions of a protocol compared, clause by clause.

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
situations. Timescales are compared on the working-day calendar (`timescales.timescale_change`).
The renderers are in `reports.diff`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..model.conditions import describe
from ..model.names import names, parties_words, start_words, timescale_change_words
from ..model.schema import Duty, Metadata, OwnershipRule, Protocol, clause_sort_key
from ..model.timescales import trigger_start
from ..model.wording import joined
from .check import Report
from .findings import SEVERITY_ORDER, Finding, Severity
from .timescales import timescale_change

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
                f"type {o.type} and clause {_clauses(sorted(set(o.clause) & set(n.clause), key=clause_sort_key))}"
            ),
        ),
        (lambda o, n: o.action == n.action, lambda o, n: "the same action"),
        (lambda o, n: set(o.clause) == set(n.clause), lambda o, n: f"clause {_clauses(o.clause)}"),
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
    timescale = timescale_change(old, o, new, n)
    if timescale is not None:
        direction, reason = timescale
        kind, verdict = VERDICTS[direction]
        was, now = timescale_change_words(old, o), timescale_change_words(new, n)
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
        subject = f"{names(new).dimension(n.dimension)}, when {_condition(n.when)} (rule {n.id})"
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


def _clauses(clauses: Iterable[str]) -> str:
    return joined(clauses, "comma")


def _union(*clauses: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({c for group in clauses for c in group}, key=clause_sort_key))


def _duty_words(protocol: Protocol, duty: Duty) -> str:
    when = f", when {_condition(duty.when)}" if duty.when is not None else ""
    return (
        f"{_actor_words(protocol, duty)} {duty.modality} {duty.action}, {timescale_change_words(protocol, duty)}{when}"
    )


def _actor_words(protocol: Protocol, duty: Duty) -> str:
    return parties_words(protocol, duty.actor, nobody="short", how="and", lead=duty.lead)


def _owner_words(protocol: Protocol, rule: OwnershipRule) -> str:
    return parties_words(protocol, rule.owner, nobody="short", how="and", lead=rule.lead)


def _rule_words(protocol: Protocol, rule: OwnershipRule) -> str:
    dimension = names(protocol).dimension(rule.dimension)
    return f"{dimension} belongs to {_owner_words(protocol, rule)} when {_condition(rule.when)}"


def _rule_scope(protocol: Protocol, rule: OwnershipRule) -> str:
    return f"{names(protocol).dimension(rule.dimension)} when {_condition(rule.when)}"


def _applies(condition) -> str:
    return "wherever it arises" if condition is None else f"where {_condition(condition)}"


def _condition(condition) -> str:
    return "always" if condition is None else describe(condition)


def _words(protocol: Protocol, field: str, value: object) -> str:
    """A duty field's value in words, for a reader comparing two versions."""
    if value is None or value == ():
        return "none"
    if field == "trigger":
        return start_words(protocol, trigger_start(value), "change")  # type: ignore[arg-type]
    if field == "when":
        return _condition(value)
    if field == "items":
        return "; ".join(f"{item.clause} {item.what}" for item in value)  # type: ignore[attr-defined]
    if field == "recipient":
        return joined((names(protocol).party(p) for p in value), "comma")  # type: ignore[attr-defined]
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)
