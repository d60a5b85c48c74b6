"""YAML text as plain Python data, with the line and column of every value, read by ruamel's C parser.

`compose(text)` reads the events of ruamel.yaml's C parser (`ruamel.yaml.clib`) and builds plain
values (dict, list, str, int, float, bool, None, date, datetime) and, beside them, a tree of
`Place`s: where each value, and each mapping key, was written. Scalars are resolved and built as
ruamel's round-trip loader builds them (YAML 1.2 unless the file says `%YAML 1.1`), so the data is
what the pure-Python loader gave, about twenty times faster.

Limits are kept while parsing, so that a hostile file is refused early and for the right reason:
more than `MAX_VALUES` values (counting each use of a YAML alias as a copy of what it names), or
nesting deeper than `MAX_DEPTH`. A value no protoverify file has (a tag other than the standard
ones, a set, binary data, a control character, a key that is a list or a mapping) is `Unusable`
where it stands. A fault of YAML itself (syntax, a duplicate key, an undefined alias, a second
document) is a `ruamel.yaml.error.YAMLError`; `model.source.read` words it.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from _ruamel_yaml import CParser
from ruamel.yaml import events
from ruamel.yaml.comments import CommentedOrderedMap, CommentedSet, TaggedScalar
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarbool import ScalarBoolean

MAX_VALUES = 500_000  # counting the copies YAML aliases make: refuses "billion laughs" files
MAX_DEPTH = 64

Key = Any
_YAML = "tag:yaml.org,2002:"
_STR = f"{_YAML}str"
_PLAIN = "expected plain text, numbers, dates, lists and mappings (protoverify files use no YAML tags)"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters no report can carry (XML, spreadsheets): every control character but tab, newline, carriage return."""


@dataclass(slots=True)
class Place:
    """Where a value was written (line and column from 0), and for a mapping or a list the places of
    its items: `recorded[key]` is (key line, key column, value line, value column) for a mapping,
    (line, column) for a list; `children[key]` the item's own `Place`. A key brought in by a YAML
    merge key has a child but no recorded position."""

    line: int
    col: int
    recorded: dict[Key, tuple[int, ...]] | None = None  # (None for a scalar)
    children: dict[Key, Place] | None = None
    is_list: bool = False


class TooLarge(Exception):
    """The data nests too deeply, or has (through YAML aliases, expands to) too many values."""


class Unusable(Exception):
    """A value no protoverify file has, at `line`, `col` (from 0)."""

    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.line, self.col = line, col


class NotADate(ConstructorError):
    """A value written like a date that names no day of the calendar (2019-02-30)."""


class NotANumber(ConstructorError):
    """A whole number too long to read."""


class Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, refusing impossible dates and over-long numbers with their
    position instead of raising a bare ValueError."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError) as err:
            raise NotADate(None, None, f"{node.value!r} is not a real date ({err})", node.start_mark) from None

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise NotANumber(None, None, f"a number of {len(str(node.value)):,} characters", node.start_mark) from None


Constructor.add_constructor(f"{_YAML}timestamp", Constructor.construct_yaml_timestamp)
Constructor.add_constructor(f"{_YAML}int", Constructor.construct_yaml_int)


class Duplicate(MarkedYAMLError):
    """A key given twice in one mapping, or another fault of the YAML itself found while composing."""


def compose(text: str) -> tuple[Any, Place]:
    """The single document in `text` as plain data, and where each part of it was written. Raises
    `TooLarge`, `Unusable`, `NotADate`, `NotANumber`, or a `YAMLError` for a fault of YAML itself."""
    return _Composer(text).document()


class _Composer:
    """Plain values built from the C parser's events, one node at a time."""

    def __init__(self, text: str):
        self.parser = CParser(text)
        self.anchors: dict[str, tuple[Any, Place, int]] = {}  # anchor -> value, place, values it holds
        self.count = 0
        self.copied = False
        self.constructor = Constructor(loader=SimpleNamespace(_resolver=VersionedResolver(), comment_handling=None))
        self.implicit = self.constructor.loader._resolver.versioned_resolver  # first character -> [(tag, pattern)]

    def document(self) -> tuple[Any, Place]:
        self.parser.get_event()  # the stream's start
        if isinstance(self.parser.peek_event(), events.StreamEndEvent):
            return None, Place(0, 0)
        start = self.parser.get_event()
        if start.version is not None:
            self.constructor.loader._resolver = VersionedResolver(version=start.version)
            self.implicit = self.constructor.loader._resolver.versioned_resolver
        value, place, _ = self.node(0)
        self.parser.get_event()  # the document's end
        following = self.parser.get_event()
        if not isinstance(following, events.StreamEndEvent):
            raise Duplicate(
                "expected a single document in the stream", None, "but found another document", following.start_mark
            )
        return value, place

    def node(self, depth: int) -> tuple[Any, Place, int]:
        """The next node's value, place, and how many values it holds."""
        event = self.parser.get_event()
        mark = event.start_mark
        if isinstance(event, events.AliasEvent):
            if event.anchor not in self.anchors:
                raise Duplicate(None, None, f"found undefined alias {event.anchor!r}", mark)
            value, place, size = self.anchors[event.anchor]
            self.counted(size, copy=True)
            return copy.deepcopy(value), place, size
        if depth > MAX_DEPTH:
            raise TooLarge(f"the file nests more than {MAX_DEPTH} levels deep")
        before = self.count
        self.count += 1  # (`counted(1)`, written out: this runs for every value of the file)
        if self.count > MAX_VALUES:
            self.counted(0)
        if isinstance(event, events.ScalarEvent):
            if event.anchor is None:  # (most values: nothing more to record)
                return self.scalar(event), Place(mark.line, mark.column), 1
            value, place = self.scalar(event), Place(mark.line, mark.column)
        elif isinstance(event, events.SequenceStartEvent):
            self.collection_tag(event)
            value, place = self.sequence(depth, Place(mark.line, mark.column, {}, {}, is_list=True))
        else:
            self.collection_tag(event)
            value, place = self.mapping(depth, Place(mark.line, mark.column, {}, {}), mark)
        size = self.count - before
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, place, size)
        return value, place, size

    def counted(self, size: int, copy: bool = False) -> None:
        self.count += size
        self.copied = self.copied or copy
        if self.count > MAX_VALUES:
            how = ("expands to", " through YAML aliases") if self.copied else ("has", "")
            raise TooLarge(f"the file {how[0]} more than {MAX_VALUES:,} values{how[1]}")

    def sequence(self, depth: int, place: Place) -> tuple[list[Any], Place]:
        items = []
        while not isinstance(self.parser.peek_event(), events.SequenceEndEvent):
            value, child, _ = self.node(depth + 1)
            place.recorded[len(items)] = (child.line, child.col)
            place.children[len(items)] = child
            items.append(value)
        self.parser.get_event()
        return items, place

    def mapping(self, depth: int, place: Place, mark: Any) -> tuple[dict[Key, Any], Place]:
        items: dict[Key, Any] = {}
        merged: list[tuple[dict[Key, Any], Place]] = []
        while not isinstance(head := self.parser.peek_event(), events.MappingEndEvent):
            key_mark = head.start_mark
            if isinstance(head, events.ScalarEvent) and head.value == "<<" and head.tag is None and head.implicit[0]:
                self.parser.get_event()
                self.counted(1)
                value, child, _ = self.node(depth + 1)
                merged += self.merging(value, child, mark)
                continue
            key, _, _ = self.node(depth + 1)
            value, child, _ = self.node(depth + 1)
            if isinstance(key, (dict, list)):
                what = "a mapping" if isinstance(key, dict) else "a list"
                words = f"a key that is {what}; expected a key written as text, such as 'id'"
                raise Unusable(words, key_mark.line, key_mark.column)
            if key in items:
                raise Duplicate("while constructing a mapping", mark, f"found duplicate key {key!r}", key_mark)
            items[key] = value
            place.recorded[key] = (key_mark.line, key_mark.column, child.line, child.col)
            place.children[key] = child
        self.parser.get_event()
        for extra, where in merged:  # a merge key adds the keys the mapping does not give itself
            for key, value in extra.items():
                if key not in items:
                    items[key] = copy.deepcopy(value)
                    place.children[key] = where.children[key]
        return items, place

    @staticmethod
    def merging(value: Any, place: Place, mark: Any) -> list[tuple[dict[Key, Any], Place]]:
        """The mappings a merge key (`<<: *base` or `<<: [*a, *b]`) brings in, first first."""
        if isinstance(value, dict):
            return [(value, place)]
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return [(v, place.children[i]) for i, v in enumerate(value)]
        words = "expected a mapping or list of mappings for merging"
        raise Duplicate("while constructing a mapping", mark, words, mark)

    @staticmethod
    def collection_tag(event: Any) -> None:
        tag = event.tag
        if tag in (None, "!", f"{_YAML}map", f"{_YAML}seq"):
            return
        mark = event.start_mark
        if tag == f"{_YAML}set":
            raise Unusable(f"a set (!!set); {_PLAIN}", mark.line, mark.column)
        raise Unusable(f"a value tagged {tag.replace(_YAML, '!!')}; {_PLAIN}", mark.line, mark.column)

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag not in (None, "!", _STR, f"{_YAML}binary"):  # every tag but !!str where it stands (binary: below)
            mark = event.start_mark
            raise Unusable(f"a value tagged {tag.replace(_YAML, '!!')}; {_PLAIN}", mark.line, mark.column)
        if tag is None or tag == "!":
            tag = self.resolve(event.value) if event.implicit[0] else _STR
        if tag == _STR:  # (most values: what the constructor would give, without its cost)
            return _text(event.value, event.start_mark)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style or None)
        return _plain(self.constructor.construct_non_recursive_object(node), event.start_mark)

    def resolve(self, value: str) -> str:
        """The tag of a plain scalar, as ruamel's resolver gives it (`VersionedResolver.resolve`)."""
        for tag, pattern in self.implicit.get(value[:1], ()):
            if pattern.match(value):
                return tag
        return _STR


def _plain(value: Any, mark: Any) -> Any:
    """A scalar built by ruamel as a plain Python value, or `Unusable`."""
    tag = getattr(getattr(value, "tag", None), "value", None)
    if isinstance(value, TaggedScalar) and tag == _STR:
        return str(value.value)
    if tag is not None or isinstance(value, (TaggedScalar, CommentedOrderedMap)):
        raise Unusable(f"a value tagged {(tag or '!!omap').replace(_YAML, '!!')}; {_PLAIN}", mark.line, mark.column)
    if isinstance(value, (bool, ScalarBoolean)) or value is None:
        return None if value is None else bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return _text(value, mark)
    if isinstance(value, dt.datetime):
        return dt.datetime(*value.timetuple()[:6])
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bytes, bytearray)):
        raise Unusable(f"binary data (!!binary); {_PLAIN}", mark.line, mark.column)
    shown = "set (!!set)" if isinstance(value, (set, frozenset, CommentedSet)) else type(value).__name__
    raise Unusable(f"a {shown}; {_PLAIN}", mark.line, mark.column)


def _text(value: str, mark: Any) -> str:
    """A text scalar as a plain `str`, or `Unusable` if it holds a control character."""
    control = _CONTROL.search(value)
    if control:
        raise Unusable(
            f"text with the control character U+{ord(control.group()):04X} (written as an escape); "
            "expected printable text",
            mark.line,
            mark.column,
        )
    return str(value)


def position(tree: Place, path: tuple[Key, ...], at_key: bool = False) -> tuple[int, int, tuple[Key, ...]]:
    """Line and column (from 1) of the value at `path` (of its key, with `at_key`), and the part of
    the path that exists. Steps that name nothing in the file are skipped; a value whose position was
    not recorded (brought in by a merge key) gives the position of the nearest value above it."""
    node, line, col = tree, tree.line, tree.col
    found: list[Key] = []
    for i, step in enumerate(path):
        if node.children is None or node.is_list != isinstance(step, int) or step not in node.children:
            continue
        recorded = node.recorded.get(step)
        if recorded is not None:
            line, col = recorded[0:2] if node.is_list or (at_key and i == len(path) - 1) else recorded[2:4]
        node = node.children[step]
        found.append(step)
    return line + 1, col + 1, tuple(found)
