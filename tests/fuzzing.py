"""Hypothesis strategies for fuzzing protoverify's inputs, and the rule every run must keep.

Three sources of cases:
- `protocols()`: small protocols that load (one or two lifecycles, a few agencies, duties,
  ownership rules), so the checks, exports and reports run on shapes no one wrote by hand;
- `mutated(data)`: a protocol or scenario with one to three faults put into its data: a key deleted
  or renamed, a value's type swapped, a reference broken, a huge or non-finite number, deep nesting,
  a long string, unicode, an item repeated (duplicate ids);
- `damaged(text)`: YAML text with faults no data can carry: a duplicate key, anchors and aliases
  (a merge key, an alias bomb), a tag, a truncated file, junk characters, nesting thousands deep,
  bytes that are not UTF-8, a NUL byte, a byte-order mark, CRLF line ends.

`assert_clean` is the rule: a run ends in success, or exits 2 with each problem on its own line as
`file:line:col: what is wrong; what was expected` (`file: ...` when the whole file is meant), never a
traceback, never a run past its time cap, and never a partial output file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from protoverify.model import vocabulary

SCALE = 20 if os.environ.get("PROTOVERIFY_FUZZ") == "thousands" else 1
"""How many times more cases each fuzz test runs: 1 in CI, 20 under `make fuzz`."""

CASES: Counter[str] = Counter()
"""Cases run so far in this session, by command (printed by `make fuzz`)."""

CLAUSES = ("1", "1.2", "2.1", "3.4(b)", "front", "5.6.1")
UNITS = ("hours", "days", "working_days", "weeks")
WORDS = st.sampled_from(["as soon as", "promptly", "in a timely manner", "at the earliest opportunity"])


# --- small protocols that load -------------------------------------------------------------------


def _subset(draw, items: list[str], low: int = 1) -> list[str]:
    return draw(st.lists(st.sampled_from(items), min_size=low, max_size=min(3, len(items)), unique=True))


def _date_or_silence(draw) -> Any:
    return draw(st.one_of(st.just("unspecified"), st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31))))


def _duration(draw, big: bool = True) -> dict[str, Any]:
    amounts = st.integers(1, 40) | (st.integers(41, 2000) if big else st.nothing())
    return {"amount": draw(amounts), "unit": draw(st.sampled_from(UNITS))}


@st.composite
def protocols(draw) -> dict[str, Any]:
    """A small protocol that loads: its data, ready to be written as YAML."""
    clause = st.sampled_from(CLAUSES)
    agencies, parties = [], []
    for i in range(draw(st.integers(1, 3))):
        roles = [
            {"id": f"r{i}_{j}", "name": f"role {i}.{j}", "clause": draw(clause)} for j in range(draw(st.integers(0, 2)))
        ]
        agency = {"id": f"a{i}", "name": f"agency {i}", "clause": draw(clause), "roles": roles}
        if draw(st.booleans()):
            agency["kind"] = draw(st.sampled_from(list(vocabulary.BODY)))
        agencies.append(agency)
        parties += [agency["id"], *(r["id"] for r in roles)]
    events = [{"id": f"e{i}", "name": f"event {i}", "clause": draw(clause)} for i in range(draw(st.integers(1, 4)))]
    event_ids = [e["id"] for e in events]
    attributes = []
    if draw(st.booleans()):
        attributes.append({"id": "age", "name": "age", "type": "int", "range": [10, 17], "clause": draw(clause)})
    if draw(st.booleans()):
        attributes.append({"id": "flag", "name": "a flag", "type": "bool", "clause": draw(clause)})

    def condition(lifecycle_states: dict[str, list[str]]) -> dict[str, Any]:
        options = [{lc: _subset(draw, states)} for lc, states in lifecycle_states.items()]
        if any(a["id"] == "age" for a in attributes):
            options.append({"age": {draw(st.sampled_from(["gte", "lt", "ne"])): draw(st.integers(10, 17))}})
        if any(a["id"] == "flag" for a in attributes):
            options.append({"flag": draw(st.booleans())})
        chosen = draw(st.lists(st.sampled_from(options), min_size=1, max_size=2))
        return (
            chosen[0]
            if len(chosen) == 1
            else draw(st.sampled_from([{"all": chosen}, {"any": chosen}, {"not": chosen[0]}]))
        )

    lifecycles, states_of = [], {}
    for k in range(draw(st.integers(1, 2))):
        ids = [f"l{k}s{j}" for j in range(draw(st.integers(2, 4)))]
        states = [{"id": s, "name": f"state {s}", "clause": draw(clause)} for s in ids]
        if draw(st.booleans()):
            states[-1]["states"] = [{"id": f"{ids[-1]}c{c}", "clause": draw(clause)} for c in range(2)]
            ids += [f"{ids[-1]}c{c}" for c in range(2)]
        if draw(st.booleans()):
            states[0]["kind"] = draw(st.sampled_from(list(vocabulary.SITUATION)))
        if draw(st.integers(0, 4)) == 0 and "states" not in states[1]:
            states[1]["final"] = True
        states_of[f"l{k}"] = ids
        lifecycles.append({"id": f"l{k}", "name": f"lifecycle {k}", "clause": draw(clause), "states": states})
    for lifecycle in lifecycles:
        ids = states_of[lifecycle["id"]]
        transitions = []
        for _ in range(draw(st.integers(1, 5))):
            transition = {
                "event": draw(st.sampled_from(event_ids)),
                "from": _subset(draw, ids),
                "to": draw(st.sampled_from(ids)),
                "clause": draw(clause),
            }
            if draw(st.integers(0, 3)) == 0:
                transition["guard"] = condition({}) if attributes else condition(states_of)
            transitions.append(transition)
        lifecycle["transitions"] = transitions
    if len(events) > 1 and draw(st.booleans()):
        events[-1]["scheduled"] = {"after": event_ids[0], "delay": _duration(draw)}
    all_states = [s for ids in states_of.values() for s in ids]
    artefacts = [
        {"id": f"art{i}", "name": f"artefact {i}", "clause": draw(clause)} for i in range(draw(st.integers(0, 2)))
    ]
    dimensions = []
    for i in range(draw(st.integers(0, 2))):
        dimension = {"id": f"d{i}", "name": f"dimension {i}", "clause": draw(clause)}
        if draw(st.booleans()):
            dimension["applies"] = condition(states_of)
        dimensions.append(dimension)
    ownership = []
    for i in range(draw(st.integers(0, 3)) if dimensions else 0):
        owners = _subset(draw, parties)
        rule = {
            "id": f"own{i}",
            "dimension": draw(st.sampled_from([d["id"] for d in dimensions])),
            "owner": draw(st.sampled_from([owners, "unspecified"])),
            "clause": draw(clause),
        }
        if draw(st.booleans()):
            rule["when"] = condition(states_of)
        if rule["owner"] != "unspecified" and len(owners) > 1 and draw(st.booleans()):
            rule["lead"] = owners[0]
        ownership.append(rule)
    duties = []
    for i in range(draw(st.integers(0, 4))):
        trigger_kind = draw(
            st.sampled_from(["event", "enter", "exit", "duty", None] if duties else ["event", "enter", "exit", None])
        )
        trigger = (
            None
            if trigger_kind is None
            else {
                trigger_kind: draw(
                    st.sampled_from(
                        {
                            "event": event_ids,
                            "enter": all_states,
                            "exit": all_states,
                            "duty": [d["id"] for d in duties],
                        }[trigger_kind]
                    )
                )
            }
        )
        shapes = ["unspecified", "vague", "before", "every"] + (["within", "within_also"] if trigger else [])
        shape = draw(st.sampled_from(shapes))
        timescale: Any = {
            "unspecified": "unspecified",
            "vague": {"vague": draw(WORDS)},
            "before": {"before": {"event": draw(st.sampled_from(event_ids)), **_duration(draw)}},
            "every": {"every": _duration(draw, big=False)},
            "within": {"within": _duration(draw)},
            "within_also": {"within": _duration(draw), "also": _duration(draw), "words": "two readings"},
        }[shape]
        duty = {
            "id": f"duty{i}",
            "clause": draw(clause),
            "actor": draw(st.sampled_from([_subset(draw, parties), "unspecified"])),
            "action": f"do thing {i}",
            "timescale": timescale,
            "modality": draw(st.sampled_from(["must", "should", "may"])),
        }
        if trigger is not None:
            duty["trigger"] = trigger
        if draw(st.booleans()):
            duty["when"] = condition(states_of)
        if artefacts and draw(st.booleans()):
            duty[draw(st.sampled_from(["produces", "needs"]))] = [draw(st.sampled_from([a["id"] for a in artefacts]))]
        if draw(st.booleans()):
            duty["kind"] = draw(st.sampled_from(list(vocabulary.DUTY_KIND)))
        duties.append(duty)
    protocol: dict[str, Any] = {
        "protoverify": 1,
        "metadata": {
            "id": "fuzzed",
            "title": "a generated protocol",
            "authority": "unspecified",
            "agreed": _date_or_silence(draw),
            "review": _date_or_silence(draw),
            "version": "unspecified",
            "source": "generated by the fuzz tests",
            "clause": "front",
            "example": True,
        },
        "agencies": agencies,
        "attributes": attributes,
        "events": events,
        "lifecycles": lifecycles,
        "artefacts": artefacts,
        "dimensions": dimensions,
        "ownership": ownership,
        "duties": duties,
    }
    if draw(st.booleans()):
        protocol["escalation"] = [
            {
                "id": "route",
                "about": "disputes",
                "clause": draw(clause),
                "steps": [
                    {"parties": draw(st.sampled_from([_subset(draw, parties), "unspecified"])), "words": "managers"}
                ],
            }
        ]
    if draw(st.booleans()):
        protocol["narrative"] = [{"clause": draw(clause), "reason": "a statement of principle"}]
    return protocol


# --- faults put into data ------------------------------------------------------------------------

Path_ = tuple[Any, ...]
ODD_KEY = st.one_of(
    st.from_regex(r"[a-z_]{1,12}", fullmatch=True), st.text(max_size=8), st.integers(), st.none(), st.booleans()
)
HUGE = st.sampled_from(
    [10**20, -(10**20), 2**63, -(2**63) - 1, 10**400, 1e308, -1e308, float("inf"), float("-inf"), float("nan"), 0, -1]
)
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    HUGE,
    st.floats(),
    st.text(max_size=12),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.just([]),
    st.just({}),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.sampled_from(["a", "id", "amount"]), st.integers(0, 3), max_size=2),
)
UNICODE = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)


def nodes(data: Any, at: Path_ = ()) -> Iterator[Path_]:
    """The path of every value in `data` (not the root)."""
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        yield (*at, key)
        yield from nodes(value, (*at, key))


def _parent(data: Any, path: Path_) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def _nested(value: Any, depth: int, as_list: bool) -> Any:
    for _ in range(depth):
        value = [value] if as_list else {"x": value}
    return value


FAULTS = (
    "delete",
    "swap_type",
    "break_reference",
    "huge_number",
    "deep",
    "long_string",
    "unicode",
    "repeat_item",
    "rename_key",
)


@st.composite
def mutated(draw, data: dict[str, Any], faults: int = 3) -> tuple[dict[str, Any], list[str]]:
    """`data` with one to `faults` faults put into it, and what was done (for the failure message)."""
    data, done = _copy(data), []
    for _ in range(draw(st.integers(1, faults))):
        paths = list(nodes(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        value = parent[key]
        fault = draw(st.sampled_from(FAULTS))
        if fault == "delete":
            del parent[key]
        elif fault == "swap_type":
            parent[key] = draw(ANY_VALUE.filter(lambda v, value=value: type(v) is not type(value)))
        elif fault == "break_reference":
            parent[key] = (
                draw(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)) if isinstance(value, str) else "nowhere"
            )
        elif fault == "huge_number":
            parent[key] = draw(HUGE)
        elif fault == "deep":
            parent[key] = _nested(value, draw(st.integers(1, 70)), draw(st.booleans()))
        elif fault == "long_string":
            parent[key] = draw(st.sampled_from(["x", "é", "🙂", "word "])) * draw(st.sampled_from([1_000, 100_000]))
        elif fault == "unicode":
            parent[key] = draw(UNICODE)
        elif fault == "repeat_item":
            if isinstance(parent, list):
                parent.insert(key, _copy(value))
            else:
                parent[key] = [_copy(value), _copy(value)]
        elif fault == "rename_key" and isinstance(parent, dict):
            new = draw(ODD_KEY)
            items = [(new if k == key else k, v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)
        done.append(f"{fault} at {'.'.join(map(str, path))}")
    return data, done


# --- faults put into text ------------------------------------------------------------------------


def to_yaml(data: Any) -> str:
    """`data` as block-style YAML."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    stream = StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


KEYED = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):( .*)?$")
BOMB = "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 9))
JUNK = st.sampled_from(
    [
        "\t",
        ":",
        "- ",
        "{",
        "}",
        "[",
        "]",
        "&",
        "*",
        "!",
        "%",
        "@",
        "`",
        "|",
        ">",
        "'",
        '"',
        "#",
        "? ",
        "\\",
        "\x85",
        "\u2028",
        "\x07",
        "\ufeff",
    ]
)
TAGS = (
    "!!python/object/apply:os.system ['echo pwned']",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!custom x",
    "!!timestamp 2019-02-30",
    "!!float nan",
    "!!int 0x1F",
)
BAD_DATES = ("2019-13-45", "2019-02-30", "0000-01-01", "2019-00-10", "99999-01-01")


@st.composite
def damaged(draw, text: str) -> tuple[bytes, str]:
    """YAML `text` with a fault of its own kind, as the bytes of a file, and what was done."""
    lines = text.splitlines(keepends=True)
    keyed = [i for i, line in enumerate(lines) if KEYED.match(line.rstrip("\n"))]
    fault = draw(
        st.sampled_from(
            [
                "duplicate_key",
                "anchor_alias",
                "merge_key",
                "alias_bomb",
                "tag",
                "bad_date",
                "truncate",
                "junk",
                "very_deep",
                "not_utf8",
                "nul",
                "bom",
                "crlf",
                "tabs",
                "many_documents",
            ]
        )
    )
    if fault == "duplicate_key" and keyed:
        i = draw(st.sampled_from(keyed))
        lines.insert(i + 1, lines[i])
    elif fault == "anchor_alias" and len(keyed) > 1:
        i, j = sorted(draw(st.lists(st.sampled_from(keyed), min_size=2, max_size=2, unique=True)))
        indent, key, value = KEYED.match(lines[i].rstrip("\n")).groups()
        lines[i] = f"{indent}{key}: &anchor{value or ''}\n"
        indent, key, _ = KEYED.match(lines[j].rstrip("\n")).groups()
        lines[j] = f"{indent}{key}: *anchor\n"
    elif fault == "merge_key" and keyed:
        i = draw(st.sampled_from(keyed))
        indent, key, value = KEYED.match(lines[i].rstrip("\n")).groups()
        lines[i] = f"{indent}{key}:{value or ''}\n"
        lines.insert(0, "base: &base {id: merged, name: merged, clause: '1'}\n")
        lines.insert(i + 2, f"{' ' * (len(indent) + 2)}<<: *base\n")
    elif fault == "alias_bomb":
        lines.append("b0: &b0 [x, x, x, x, x, x, x, x, x]\n" + BOMB)
    elif fault == "tag" and keyed:
        i = draw(st.sampled_from(keyed))
        indent, key, _ = KEYED.match(lines[i].rstrip("\n")).groups()
        lines[i] = f"{indent}{key}: {draw(st.sampled_from(TAGS))}\n"
    elif fault == "bad_date" and keyed:
        i = draw(st.sampled_from(keyed))
        indent, key, _ = KEYED.match(lines[i].rstrip("\n")).groups()
        lines[i] = f"{indent}{key}: {draw(st.sampled_from(BAD_DATES))}\n"
    elif fault == "truncate":
        joined = "".join(lines)
        lines = [joined[: draw(st.integers(0, len(joined)))]]
    elif fault == "junk":
        joined = "".join(lines)
        at = draw(st.integers(0, len(joined)))
        lines = [joined[:at] + draw(JUNK) + joined[at:]]
    elif fault == "very_deep":
        depth = draw(st.sampled_from([65, 200, 1_000, 20_000]))
        lines.append(
            f"deep: {'[' * depth}{']' * depth}\n" if draw(st.booleans()) else f"deep: {'{a: ' * depth}1{'}' * depth}\n"
        )
    elif fault == "many_documents":
        lines.append("---\nanother: document\n")
    joined = "".join(lines)
    if fault == "crlf":
        joined = joined.replace("\n", "\r\n")
    elif fault == "tabs":
        joined = joined.replace("  ", "\t", draw(st.integers(1, 3)))
    raw = joined.encode("utf-8")
    if fault == "not_utf8":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"])) + raw[at:]
    elif fault == "nul":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b"\0" + raw[at:]
    elif fault == "bom":
        raw = b"\xef\xbb\xbf" + raw
    return raw, fault


# --- running a case ------------------------------------------------------------------------------


class Hang(Exception):
    """A case ran past its time cap."""


@contextmanager
def time_cap(seconds: float) -> Iterator[None]:
    """Raise `Hang` in this process if the block runs longer than `seconds`."""

    def expire(signum, frame):
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


LOCATED = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<what>.+)$")


def assert_clean(
    result, *, command: str, ok: set[int], inputs: list[Path], outputs: list[Path] = (), case: str = ""
) -> None:
    """The rule every run keeps (see the module docstring). `result` is a `click.testing.Result`;
    `inputs` are the files an error may name; `outputs` the files the run was asked to write."""
    CASES[command] += 1
    where = f"{command} on a case made by: {case}\n--- stderr ---\n{result.stderr[-3000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"{type(result.exception).__name__}: {result.exception}\n{trace[-4000:]}\n{where}")
    assert "Traceback" not in result.stderr, where
    assert result.exit_code in ok | {2}, f"exit {result.exit_code}; {where}"
    names = {str(p) for p in inputs}
    if result.exit_code == 2:
        problems = [line for line in result.stderr.splitlines() if line.strip()]
        assert problems, f"exit 2 with nothing said; {where}"
        for line in problems:
            located = LOCATED.match(line)
            assert located and located["file"] in names, f"not located in {sorted(names)}: {line!r}; {where}"
            assert "expected" in located["what"] or "; " in located["what"], (
                f"does not say what was expected: {line!r}; {where}"
            )
        for output in outputs:
            assert not output.exists(), f"{output} written by a run that failed; {where}"
    else:
        for output in outputs:
            assert output.is_file() and output.stat().st_size > 0, f"{output} not written; {where}"
    for folder in {p.parent for p in outputs}:
        if folder.is_dir():
            left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
            assert not left, f"temporary files left behind: {left}; {where}"
