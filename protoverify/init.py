"""A working folder for an author starting an encoding: what `protoverify init DOCUMENT [DIR]` makes.

`init(document, folder)` reads the document (plain text, .docx or .pdf, `model.reading`) and writes
four files named after it (`NAME` is the document's stem in lower case with dashes):

- `NAME.yaml`: `extract`'s draft, written on the England library (`uses: england`), listing the
  library lifecycles its events belong to (always `justice`), each citing the clauses that name them;
- `NAME.judgements.yaml`: the judgements file `check` reads beside it, naming the protocol, with no
  assumptions and nothing accepted yet;
- `NAME.scenario.yaml`: a caseload scenario naming the protocol, every figure a placeholder marked
  `TODO` for the author to replace with the area's own;
- `README.md`: the next steps, with the exact commands for this folder.

The draft and the scenario are loaded before anything is put in place: the folder is built in a
temporary folder beside it and moved in whole, so an error leaves no half-written folder. A folder
that exists and holds anything is refused, unless `force` (then the four files replace theirs).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shlex
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .model.errors import LoadError, Located, OutputError
from .model.extract import draft, dump
from .model.reading import read_document
from .properties.judgements import SUFFIX as JUDGEMENTS

if TYPE_CHECKING:
    from .model.schema import Protocol

LIBRARY = "england"
ALWAYS = ("justice",)
"""The library lifecycles every draft lists: a protocol between youth justice and children's social
care is about children in the justice system, and the scenario's flows move through it."""

STAFFED = ("yjs", "csc")
"""The drafted agencies (extract's ids) the scenario gives a staff pool of their own, with their roles:
the two services a protocol is between. Every other actor of a duty is `external`."""

PLACEHOLDER = "TODO placeholder"
NO_AGENCY = "todo_agency"
NO_AGENCY_NOTE = (
    "the document names no agency protoverify recognises: add the services it is between to the draft's "
    "'agencies', then name them in the staff pool of {scenario} (it does not load until then)"
)


@dataclass(frozen=True)
class Folder:
    """A working folder as made: where it is and the files in it, by role."""

    path: Path
    protocol: Path
    judgements: Path
    scenario: Path
    readme: Path
    document: str  # the document's path relative to the folder, as the README's commands give it
    notes: tuple[str, ...] = ()  # what the author must do before a file is usable

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.protocol, self.judgements, self.scenario, self.readme)


def name_of(document: Path) -> str:
    """The name the folder and its files take from the document: its stem in lower case, with dashes."""
    return re.sub(r"[^a-z0-9]+", "-", document.stem.lower()).strip("-") or "protocol"


def init(document: str | Path, folder: str | Path | None = None, force: bool = False) -> Folder:
    """Make the working folder for `document` at `folder` (default: `NAME` beside the working
    directory); a located `LoadError` if the document cannot be read, an `OutputError` if the folder
    exists and holds anything (without `force`) or cannot be written."""
    source = Path(document)
    name = name_of(source)
    target = Path(folder) if folder is not None else Path(name)
    _free(target, force)
    text = read_document(source)
    building = target.parent / f".{target.name}.{secrets.token_hex(4)}.init"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        building.mkdir()  # (with the user's usual permissions, unlike a temporary folder's)
        made = _build(building, name, source, text, target)
        _move(building, target)
    except LoadError as problem:  # (a fault of the draft or scenario made: said where it would have been)
        raise LoadError(
            [replace(p, file=p.file.replace(str(building), str(target))) for p in problem.problems]
        ) from None
    except OSError as problem:
        raise OutputError(
            [Located(str(target), 0, 0, f"cannot be written ({problem.strerror}); expected a folder you can write")]
        ) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return replace(_at(target, name, made.document), notes=made.notes)


def _free(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError([Located(str(target), 0, 0, "is a file; expected a folder to make, or an empty one")])
    if target.is_dir() and any(target.iterdir()) and not force:
        raise OutputError(
            [
                Located(
                    str(target),
                    0,
                    0,
                    "folder exists and is not empty; expected a new or empty folder (--force writes the four files "
                    "into it, replacing theirs)",
                )
            ]
        )


def _move(building: Path, target: Path) -> None:
    """Put the built files in place: the whole folder at once where there is none yet."""
    if not target.exists():
        os.replace(building, target)
        return
    for path in sorted(building.iterdir()):
        os.replace(path, target / path.name)


def _build(folder: Path, name: str, source: Path, text: Any, target: Path) -> Folder:
    from .model.loader import load_protocol
    from .simulate.loader import load_scenario

    made = _at(folder, name, _from(target, source))
    drafted = on_library(draft(text, str(source)))
    _write(made.protocol, dump(drafted))
    protocol = load_protocol(made.protocol)
    _write(made.judgements, judgements_text(protocol.metadata.id, made.protocol.name))
    _write(made.scenario, dump(scenario(protocol, made.protocol.name, name)))
    if protocol.agencies:
        load_scenario(made.scenario)
    else:
        made = replace(made, notes=(NO_AGENCY_NOTE.format(scenario=made.scenario.name),))
    _write(made.readme, readme(made, protocol.metadata.title, source.name))
    return made


def _from(folder: Path, document: Path) -> str:
    """The document's path as the folder's commands give it: relative where that is short, else absolute."""
    relative = os.path.relpath(document.resolve(), folder.resolve())
    return relative if relative.count("..") <= 2 else str(document.resolve())


def _at(folder: Path, name: str, document: str) -> Folder:
    return Folder(
        folder,
        folder / f"{name}.yaml",
        folder / f"{name}{JUDGEMENTS}",
        folder / f"{name}.scenario.yaml",
        folder / "README.md",
        document,
    )


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# --- the draft, on the library --------------------------------------------------------------------


def on_library(document: CommentedMap) -> CommentedMap:
    """Extract's draft written on the England library: `uses: england`, and the library lifecycles its
    events belong to, each citing the clauses of the draft's events in it (`justice` always: where no
    clause names one of its events, it cites the front matter, with a TODO)."""
    from .model import library

    world = library.load(LIBRARY, ".")
    assert not isinstance(world, str), world  # (the bundled library is installed with protoverify)
    metadata = document["metadata"]
    if metadata["id"] in world.describe():  # a document called "care.docx": the protocol's id is not the library's
        metadata["id"] = f"{metadata['id']}_protocol"
    _renamed(document, _clashes(document, world.describe()))
    lifecycle_of = {event.id: event.lifecycle for event in world.protocol.events if event.lifecycle}
    cited: dict[str, list[str]] = {}
    for event in document.get("events", ()):
        lifecycle = lifecycle_of.get(event["id"])
        if lifecycle is not None:
            clauses = cited.setdefault(lifecycle, [])
            clauses += [c for c in _clauses(event["clause"]) if c not in clauses]
    lifecycles = CommentedSeq()
    front = _clauses(document["metadata"]["clause"])[0]
    for lifecycle in [*ALWAYS, *(name for name in cited if name not in ALWAYS)]:
        clauses = cited.get(lifecycle) or [front]
        entry = CommentedMap(id=lifecycle, clause=[DoubleQuotedScalarString(c) for c in clauses])
        entry.fa.set_flow_style()
        lifecycles.append(entry)
        note = (
            f"the library's '{lifecycle}' lifecycle, whole: cite every clause that touches it"
            if lifecycle in cited
            else f"TODO: no drafted clause names an event of the library's '{lifecycle}' lifecycle: "
            "cite the clauses that touch it"
        )
        lifecycles.yaml_add_eol_comment(note, len(lifecycles) - 1)
    document.insert(1, "uses", LIBRARY, comment="the England library: see docs/library.md")
    position = list(document).index("events") if "events" in document else len(document)
    document.insert(position, "lifecycles", lifecycles)
    return document


DRAFTED = {"agencies": "agency", "people": "person", "artefacts": "artefact", "events": "event"}
"""The sections of a draft whose ids may be the library's: the same kind of element refines it; another
kind would clash (a drafted agency 'housing' and the library's 'housing' lifecycle)."""


def _clashes(document: CommentedMap, library: dict[str, str]) -> dict[str, str]:
    """The drafted ids that name something else in the library, each with a new id of its own."""
    renamed = {}
    for section, what in DRAFTED.items():
        for element in document.get(section) or ():
            said = library.get(element.get("id", ""))
            if said is not None and said != f"{'an' if what[0] in 'aeiou' else 'a'} {what}":
                renamed[element["id"]] = f"{element['id']}_{what}"
    return renamed


def _renamed(value: Any, renamed: dict[str, str]) -> None:
    """Every id in `renamed`, wherever the draft uses it as a value (an element's id, an actor), renamed."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in list(items):
        if isinstance(item, str) and item in renamed:
            value[key] = renamed[item]
        else:
            _renamed(item, renamed)


def _clauses(value: Any) -> list[str]:
    return [str(c) for c in value] if isinstance(value, list) else [str(value)]


# --- the judgements file --------------------------------------------------------------------------


def judgements_text(protocol_id: str, protocol_file: str) -> str:
    """An empty judgements file for the protocol: nothing assumed, nothing accepted yet."""
    return (
        f"# Judgements on {protocol_file}: `protoverify check` reads this file beside it.\n"
        "# Accept a finding you have read and agree is not a defect by its id (as `check` prints it), with a\n"
        "# reason; state a fact of the domain the protocol takes for granted as an assumption.\n"
        "# See docs/checks.md#judgements-findings-accepted-and-assumptions-made.\n"
        "protoverify-judgements: 1\n"
        f"protocol: {protocol_id}\n"
        "assumptions: []\n"
        "#  - id: relevant_are_16_or_over\n"
        "#    when: {care: relevant}\n"
        "#    then: {age: {gte: 16}}\n"
        "#    reason: a relevant child is 16 or 17\n"
        "accepted: []\n"
        '#  - id: "ownership-conflict:3f1c2a9b0d"\n'
        "#    reason: joint release planning is deliberate; the plan names an owner for each part\n"
    )


# --- the scenario ---------------------------------------------------------------------------------

SCENARIO_HEADER = """\
A caseload scenario for {protocol}, made by `protoverify init`. EVERY FIGURE IS A PLACEHOLDER: it runs
as it stands, so that you can see the simulation work, but its results mean nothing until each number
marked `{placeholder}` is your area's (`grep -n TODO` lists them). National figures are in the
project's domain notes; the bundled scenarios show how to scale them by population and say where each
number comes from. The format: docs/simulation.md (`protoverify schema --scenario` gives its JSON Schema).
"""

FLOWS = {
    "charged_in_custody": {
        "hearing": {"sittings": "any"},
        "next": {"bailed": 0.82, "remanded_to_yda": 0.11, "remanded_to_la": 0.07},
    },
    "bail": {
        "stay": {"dist": "lognormal", "mean": 90, "sd": 60, "unit": "days"},
        "next": {"community_sentence_imposed": 0.55, "sentenced_to_custody": 0.08, "proceedings_ended": 0.37},
    },
    "remanded": {
        "stay": {"dist": "lognormal", "mean": 68, "sd": 45, "unit": "days"},
        "next": {"sentenced_to_custody": 0.34, "community_sentence_imposed": 0.48, "proceedings_ended": 0.18},
    },
    "community_sentence": {"stay": {"dist": "lognormal", "mean": 365, "sd": 120, "unit": "days"}},
    "custody": {"stay": {"dist": "lognormal", "mean": 180, "sd": 90, "unit": "days"}},
    "licence": {"stay": {"dist": "lognormal", "mean": 180, "sd": 90, "unit": "days"}},
}
"""How a case moves through the library's justice lifecycle: placeholders of the shape the bundled
scenarios use (what follows a hearing, how long each stay lasts)."""
ENDS = {"community_sentence": "order_ended", "custody": "released_from_custody", "licence": "order_ended"}


def scenario(protocol: Protocol, protocol_file: str, name: str) -> CommentedMap:
    """A scenario skeleton for the (loaded) draft: the library's justice lifecycle as flows, a staff pool
    for each of the two services, every other actor external, each vague timescale read as a
    placeholder; every figure marked as a placeholder."""
    from .simulate import duties

    root = CommentedMap()
    root.yaml_set_start_comment(SCENARIO_HEADER.format(protocol=protocol_file, placeholder=PLACEHOLDER))
    _put(root, "protoverify_scenario", 1)
    _put(root, "id", re.sub(r"[^a-z0-9]+", "_", name) + "_scenario")
    _put(root, "title", f"{protocol.metadata.title} (placeholder figures)")
    _put(root, "protocol", protocol_file)
    _put(root, "start", dt.date(2026, 4, 1), "assumption: a financial year; choose yours")
    _put(root, "warm_up_days", 180, "assumption: long enough for caseloads to settle")
    _put(root, "horizon_days", 365, "one year measured")
    _put(root, "replications", 20, "enough for a first look; 50 for intervals of a few points")
    _put(root, "seed", 1, "any fixed number: results are reproducible from it")
    root["demand"] = _demand(protocol)
    pools, external = _staff(protocol, duties.parties(protocol))
    root["staff"] = pools
    if external:
        root["external"] = external
    first = next(iter(pools))
    root["court"] = _court(first)
    _put(pools[first], "on_call", 1, f"{PLACEHOLDER}: staff on the weekend court rota")
    root["effort"] = _map(default=_flow(dist="lognormal", mean=2, sd=1))
    root.yaml_add_eol_comment(f"{PLACEHOLDER}: working hours per task", "effort")
    root["rilaa"] = _map(state="rilaa", availability=_flow(dist="lognormal", mean=6, sd=4, unit="hours"))
    root["rilaa"].yaml_add_eol_comment(f"{PLACEHOLDER}: time for a placement to be offered", "availability")
    root["yda"] = _yda()
    _put(root, "budget", _map(yda_per_year=300000))
    root["budget"].yaml_add_eol_comment(f"{PLACEHOLDER}: your remand budget (£ a year)", "yda_per_year")
    root["interpretations"] = _interpretations(protocol)
    return root


def _map(**values: Any) -> CommentedMap:
    return CommentedMap(values)


def _flow(**values: Any) -> CommentedMap:
    return _flow_of(values)


def _flow_of(values: dict[Any, Any]) -> CommentedMap:
    mapping = CommentedMap(values)
    mapping.fa.set_flow_style()
    return mapping


def _put(mapping: CommentedMap, key: str, value: Any, note: str | None = None) -> None:
    mapping[key] = value
    if note:
        mapping.yaml_add_eol_comment(note, key)


def _demand(protocol: Protocol) -> CommentedMap:
    demand = CommentedMap()
    _put(demand, "remands_per_year", 50, f"{PLACEHOLDER}: children before a court for a bail or remand decision")
    _put(demand, "entry", _flowseq(["arrested", "charged"]), "each arrival is arrested and charged")
    _put(demand, "looked_after_share", 0, f"{PLACEHOLDER}: share already looked after on arrival")
    ages = _flow_of(dict(zip(range(10, 18), (1, 1, 3, 6, 12, 20, 27, 30))))
    _put(demand, "ages", ages, f"{PLACEHOLDER}: relative weights by age")
    attributes = CommentedMap()
    for attribute in protocol.attributes:
        if attribute.type == "bool":
            _put(attributes, attribute.id, _flow_of({True: 0.5, False: 0.5}), PLACEHOLDER)
        elif attribute.type == "enum":
            values = [v.id for v in attribute.values]
            shares = [round(1 / len(values), 6)] * len(values)
            shares[0] = round(1 - sum(shares[1:]), 6)  # (so that they add up to 1)
            _put(attributes, attribute.id, _flow_of(dict(zip(values, shares))), PLACEHOLDER)
    if attributes:
        demand["attributes"] = attributes
    flows = CommentedMap()
    for state, flow in FLOWS.items():
        entry = CommentedMap()
        if "stay" in flow:
            _put(entry, "stay", _flow(**flow["stay"]), f"{PLACEHOLDER}: how long a case stays")
        if "hearing" in flow:
            _put(entry, "hearing", _flow(**flow["hearing"]), "held for the next court sitting")
        outcomes = flow.get("next") or {ENDS[state]: 1.0}
        _put(entry, "next", _flow(**outcomes), f"{PLACEHOLDER}: what happens next, with probabilities")
        flows[state] = entry
    demand["flows"] = flows
    return demand


def _flowseq(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _staff(protocol: Protocol, parties: Any) -> tuple[CommentedMap, CommentedMap]:
    """A pool for each of the two services the draft names (each with its roles), and every other actor
    of a duty as external."""
    pools = CommentedMap()
    covered: set[str] = set()
    for agency in protocol.agencies:
        if agency.id in STAFFED:
            actors = [agency.id, *(role.id for role in agency.roles)]
            covered.update(actors)
            pool = _map(count=5, actors=_flowseq(actors), hours=_flowseq([9, 17]), absence=0.12, other_work=0.8)
            pool.yaml_add_eol_comment(f"{PLACEHOLDER}: staff in post who do this work", "count")
            pool.yaml_add_eol_comment("assumption: leave and sickness", "absence")
            pool.yaml_add_eol_comment(
                f"{PLACEHOLDER}: share of time on work the protocol does not govern", "other_work"
            )
            pools[agency.id] = pool
    if not pools:
        first = protocol.agencies[0] if protocol.agencies else None
        actors = [first.id, *(role.id for role in first.roles)] if first else [NO_AGENCY]
        covered.update(actors)
        pool = first.id if first else "staff"
        pools[pool] = _map(count=5, actors=_flowseq(actors), hours=_flowseq([9, 17]), absence=0.12)
        pools.yaml_add_eol_comment(f"{PLACEHOLDER}: no youth justice or social care service recognised", pool)
    external = CommentedMap()
    for duty in protocol.duties:
        for actor in duty.actor or ():
            if actor in parties and actor not in covered and actor not in external:
                _put(external, actor, _flow(dist="lognormal", mean=24, sd=12), f"{PLACEHOLDER}: hours it takes")
    return pools, external


def _court(pool: str) -> CommentedMap:
    court = CommentedMap()
    _put(court, "pool", pool, "who attends court")
    _put(court, "weekdays", _flowseq(["mon", "tue", "wed", "thu", "fri"]), f"{PLACEHOLDER}: your remand court's days")
    _put(court, "saturday", True, PLACEHOLDER)
    _put(court, "bank_holidays", True, PLACEHOLDER)
    _put(court, "start_hour", 10, PLACEHOLDER)
    _put(court, "session_hours", 4, PLACEHOLDER)
    return court


def _yda() -> CommentedMap:
    yda = CommentedMap(state="yda")
    establishments = CommentedMap()
    for kind, share, nightly in (("yoi", 0.7, 329), ("stc", 0.1, 921), ("sch", 0.2, 887)):
        _put(
            establishments,
            kind,
            _flow(share=share, nightly=nightly),
            f"{PLACEHOLDER}: the mix; nightly charges of April 2024: check the current ones",
        )
    yda["establishments"] = establishments
    return yda


def _interpretations(protocol: Protocol) -> CommentedMap:
    from .simulate import duties

    found = CommentedMap()
    vague = CommentedMap()
    for words in sorted({duties.vague_words(d.timescale) for d in protocol.duties} - {None}):  # type: ignore[type-var]
        _put(vague, words, _flow(amount=1, unit="working_days"), f"{PLACEHOLDER}: how your services read it")
    if vague:
        found["vague"] = vague
    _put(found, "no_timescale", "none", "a duty with no timescale is worked but never late")
    _put(found, "no_actor", "nobody", "a duty with no named actor is done by nobody: the silence is counted")
    _put(found, "at_event_hours", 1, "assumption: present within an hour of the event")
    _put(found, "dual_reading", "first", "a limit stated two ways is read the first way")
    _put(found, "modalities", _flowseq(["must", "should"]), "'may' duties are permissions, not tasks")
    return found


# --- the README -------------------------------------------------------------------------------------


def readme(made: Folder, title: str, document_name: str) -> str:
    """The folder's next steps, with the exact commands (run inside the folder)."""
    protocol, scenario = made.protocol.name, made.scenario.name
    source = shlex.quote(made.document)
    first = "".join(f"**First**: {note}.\n\n" for note in made.notes)
    return f"""# {title}

Made by `protoverify init` from `{document_name}`. Run every command below inside this folder.
The guide is docs/getting-started.md in protoverify.

| file | what it is |
|---|---|
| `{protocol}` | the draft encoding, on the England library: finish it clause by clause |
| `{made.judgements.name}` | your judgements on the findings (nothing accepted yet) |
| `{scenario}` | a caseload scenario; every figure is a placeholder (`grep -n TODO {scenario}`) |

{first}## Next steps

1. **Validate** after every few clauses you encode (it says exactly what is wrong, and where):

       protoverify validate {protocol}

2. **Coverage**: every clause encoded or narrative with a reason; the draft's "review" narrative
   counts as unreviewed until you replace it:

       protoverify coverage {protocol} --source {source}

3. **Check**: the findings, by harm (exit 1 while an error is open):

       protoverify check {protocol}

   Judge each finding: fix the encoding where it misread the text; accept one that is not a defect
   in `{made.judgements.name}` with its id and a reason.

4. **Report**: a gap report to share (HTML, Markdown and JSON in `report/`):

       protoverify report {protocol} --source {source} -o report

5. **Simulate** (optional), once the scenario's figures are your area's:

       protoverify simulate {scenario}
"""
