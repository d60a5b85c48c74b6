"""A YAML source file read with positions, and errors located in it.

`read` parses a file into plain Python data while keeping ruamel.yaml's node positions, so any
problem found later, by pydantic or by a cross-reference check, can be reported as
`file:line:col: what is wrong; what was expected`. `validate` builds a pydantic model from the data
and turns its errors into such located messages. Protocol and scenario loaders both use this.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedOrderedMap, CommentedSeq, CommentedSet, TaggedScalar
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean

from .errors import LoadError as LoadError  # (re-exported: loaders and checks raise it from here)
from .errors import Located as Located
from .wording import guess

MAX_BYTES = 5_000_000
MAX_VALUES = 500_000  # after YAML aliases are expanded: refuses "billion laughs" files
MAX_DEPTH = 64
MAX_ERRORS = 50

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """A problem found in loaded data, at a path of keys and indexes (located later by `Source.locate`)."""

    path: Path_
    message: str
    at_key: bool = False


class Source:
    """A parsed YAML file: its plain data, and the positions of its nodes."""

    def __init__(self, name: str, tree: CommentedMap):
        self.name = name
        self._tree = tree
        self.data: dict[str, Any] = _plain(tree)

    def position(self, path: Path_, at_key: bool = False) -> tuple[int, int, Path_]:
        """Line and column (from 1) of the node at `path`, and the part of the path that exists.

        Steps that name nothing in the file (pydantic's union tags, an index into a one-item
        shorthand) are skipped; a missing key points at the mapping that lacks it.
        """
        return _position(self._tree, path, at_key)

    def locate(self, problems: Iterable[Problem]) -> list[Located]:
        """Turn path-addressed problems into located ones, in file order."""
        located = []
        for problem in problems:
            line, col, _ = self.position(problem.path, problem.at_key)
            located.append(Located(self.name, line, col, problem.message))
        return sorted(set(located), key=lambda p: (p.line, p.col, p.message))


def _position(tree: CommentedMap, path: Path_, at_key: bool = False) -> tuple[int, int, Path_]:
    """`Source.position` in a parsed tree. A node whose position ruamel did not record (inside a
    tagged block, or brought in by a YAML merge key) gives the position of the nearest node above it."""
    node: Any = tree
    line, col = node.lc.line, node.lc.col
    found: list[str | int] = []
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, CommentedMap) and not isinstance(step, int) and step in node:
            recorded = (node.lc.data or {}).get(step)
            here = None if recorded is None else recorded[0:2] if (last and at_key) else recorded[2:4]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            recorded = (node.lc.data or {}).get(step)
            here = None if recorded is None else recorded[0:2]
        else:
            continue
        node = node[step]
        found.append(step)
        if here is not None:
            line, col = here
    return line + 1, col + 1, tuple(found)


def read_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of a file, or a located `LoadError`: missing, not a file, too big, binary, not UTF-8."""
    name = str(path)
    file = Path(path)

    def fail(message: str, line: int = 0, col: int = 0) -> LoadError:
        return LoadError([Located(name, line, col, message)])

    if not file.exists():
        raise fail(f"file not found; expected the path of a {what}")
    if not file.is_file():
        raise fail(f"not a file; expected the path of a {what}")
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise fail(f"file is {size:,} bytes; expected a {what} of at most {MAX_BYTES:,} bytes")
    raw = file.read_bytes()
    if b"\0" in raw:
        raise fail(f"binary file (it contains NUL bytes); expected a {what} as UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        raise fail(
            f"not UTF-8 text (byte 0x{raw[err.start]:02x}); expected a {what} saved as UTF-8", line, col
        ) from None


def read(path: str | Path, what: str = "protocol") -> Source:
    """Read and parse a YAML file whose top level is a mapping, or raise a located `LoadError`."""
    name = str(path)

    def fail(message: str, line: int = 0, col: int = 0) -> LoadError:
        return LoadError([Located(name, line, col, message)])

    text = read_text(path, f"{what} YAML file")
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise fail(f"file is empty; expected a {what} YAML mapping")
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        tree = yaml.load(text)
    except RecursionError:
        raise fail(f"nesting is too deep to read; expected a {what} nested at most {MAX_DEPTH} levels") from None
    except _NotADate as err:
        raise fail(
            f"{err.problem}; expected a real date such as 2019-03-20",
            err.problem_mark.line + 1,
            err.problem_mark.column + 1,
        ) from None
    except _NotANumber as err:
        raise fail(
            f"{err.problem}; expected a number of ordinary size", err.problem_mark.line + 1, err.problem_mark.column + 1
        ) from None
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = " ".join(part for part in (err.problem, err.context and f"({err.context})") if part)
        raise fail(f"YAML syntax error: {message}; expected valid YAML", mark.line + 1, mark.column + 1) from None
    except ReaderError as err:
        before = text[: err.position]
        line, col = before.count("\n") + 1, err.position - (before.rfind("\n") + 1) + 1
        raise fail(
            f"control character U+{err.character:04X} in the text; expected printable text (YAML allows such a "
            'character only as an escape inside double quotes, e.g. "\\t")',
            line,
            col,
        ) from None
    except YAMLError as err:
        message = " ".join(str(err).split())
        raise fail(f"YAML error: {message}; expected valid YAML") from None
    if not isinstance(tree, CommentedMap):
        kind = "empty" if tree is None else "a list" if isinstance(tree, list) else "a single value"
        raise fail(f"the top level is {kind}; expected a {what} mapping (key: value lines)", 1, 1)
    try:
        return Source(name, tree)
    except _TooLarge as problem:
        raise fail(f"{problem}; expected a {what} of ordinary size") from None
    except _Unusable as problem:
        line, col, _ = _position(tree, problem.path)
        raise fail(str(problem), line, col) from None


class _NotADate(ConstructorError):
    """A value written like a date that names no day of the calendar (2019-02-30)."""


class _NotANumber(ConstructorError):
    """A whole number too long to read."""


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, refusing impossible dates and over-long numbers with their
    position instead of raising a bare ValueError."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError) as err:
            raise _NotADate(None, None, f"{node.value!r} is not a real date ({err})", node.start_mark) from None

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise _NotANumber(None, None, f"a number of {len(str(node.value)):,} characters", node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


class _TooLarge(Exception):
    """The data nests too deeply, or expands (through YAML aliases) to too many values."""


class _Unusable(Exception):
    """A value no protoverify file has (a tagged value, a set, binary data, a control character), at `path`."""

    def __init__(self, message: str, path: Path_):
        super().__init__(message)
        self.path = path


_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN = "expected plain text, numbers, dates, lists and mappings (protoverify files use no YAML tags)"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters no report can carry (XML, spreadsheets): every control character but tab, newline, carriage return."""


def _tag(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    return getattr(tag, "value", None) if tag is not None else None


def _plain(node: Any, budget: list[int] | None = None, depth: int = 0, path: Path_ = ()) -> Any:
    """ruamel's round-trip nodes as plain Python values (dict, list, str, int, float, bool, date),
    refusing data that nests deeper than MAX_DEPTH or expands to more than MAX_VALUES values, and
    values no protoverify file has (`_Unusable`): YAML tags other than !!str, sets, binary data."""
    budget = [MAX_VALUES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge(f"the file expands to more than {MAX_VALUES:,} values (YAML aliases repeating large blocks?)")
    if depth > MAX_DEPTH:
        raise _TooLarge(f"the file nests more than {MAX_DEPTH} levels deep")
    tag = _tag(node)
    if isinstance(node, TaggedScalar) and tag == _STR_TAG:
        return str(node.value)
    if tag is not None or isinstance(node, (TaggedScalar, CommentedOrderedMap)):
        shown = tag if tag is not None else "!!omap"
        raise _Unusable(f"a value tagged {shown.replace('tag:yaml.org,2002:', '!!')}; {_PLAIN}", path)
    if isinstance(node, dict):
        plain = {}
        for k, v in node.items():
            key = _plain(k, budget, depth + 1, path)
            plain[key] = _plain(v, budget, depth + 1, (*path, key))
        return plain
    if isinstance(node, list):
        return [_plain(v, budget, depth + 1, (*path, i)) for i, v in enumerate(node)]
    if isinstance(node, (bool, ScalarBoolean)) or node is None:
        return None if node is None else bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        control = _CONTROL.search(node)
        if control:
            raise _Unusable(
                f"text with the control character U+{ord(control.group()):04X} (written as an escape); expected printable text",
                path,
            )
        return str(node)
    if isinstance(node, dt.datetime):
        return dt.datetime(*node.timetuple()[:6])
    if isinstance(node, dt.date):
        return node
    if isinstance(node, (bytes, bytearray)):
        raise _Unusable(f"binary data (!!binary); {_PLAIN}", path)
    raise _Unusable(
        f"a {'set (!!set)' if isinstance(node, (set, frozenset, CommentedSet)) else type(node).__name__}; {_PLAIN}",
        path,
    )


# --- pydantic errors as located messages --------------------------------------------------------

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "none_required": "'unspecified'",
    "date_type": "a date such as 2019-03-20",
    "literal_error": None,
    "enum": None,
}


def validate(model: type[M], source: Source) -> M:
    """Build `model` from the source's data, or raise a `LoadError` with located messages."""
    try:
        return model.model_validate(source.data)
    except ValidationError as err:
        raise LoadError(source.locate(problems_of(model, err))[:MAX_ERRORS]) from None


def problems_of(model: type[BaseModel], err: ValidationError) -> list[Problem]:
    """pydantic's errors in building `model`, as path-addressed problems in plain words (one per place)."""
    grouped: dict[Path_, list[dict[str, Any]]] = {}
    for error in err.errors():
        if error["type"] == "too_short" and len(error["input"]) >= error["ctx"]["min_length"]:
            continue  # pydantic's echo of item errors: the list was long enough before they failed
        loc = tuple(error["loc"]) + tuple((error.get("ctx") or {}).get("path", ()))
        grouped.setdefault(_clean(loc), []).append(error)
    return [_problem(model, path, errors) for path, errors in grouped.items()]


_UNION_TAGS = frozenset({"str", "int", "bool", "float", "date", "none"})


def _clean(loc: Path_) -> Path_:
    """Drop pydantic's union tags ('tuple[...]', 'none', 'function-before[...]') from a location."""
    return tuple(s for s in loc if isinstance(s, int) or ("[" not in s and s not in _UNION_TAGS))


def _name(path: Path_) -> str:
    return next((str(step) for step in reversed(path) if isinstance(step, str)), "value")


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(model: type[BaseModel], path: Path_, errors: list[dict[str, Any]]) -> Problem:
    first = errors[0]
    kind, name = first["type"], _name(path)
    if kind == "missing":
        fields = _fields_at(model, path[:-1])
        hint = fields.get(name)
        expected = f"; expected {hint}" if hint else ""
        return Problem(path[:-1], f"missing required field '{name}'{expected}")
    if kind == "extra_forbidden":
        allowed = list(_fields_at(model, path[:-1]))
        return Problem(
            path, f"unknown key '{name}'{guess(name, allowed, '')} expected one of: {', '.join(allowed)}", at_key=True
        )
    if kind in ("literal_error", "enum") and len(errors) == 1:
        expected = (first.get("ctx") or {}).get("expected", "")
        return Problem(path, f"unknown value {_shown(first['input'])} for '{name}'; expected {expected}")
    if kind == "string_pattern_mismatch":
        pattern = (first.get("ctx") or {}).get("pattern", "")
        if "\\d" in pattern:
            expected = "a clause number as printed, such as 5.6.1, 8.15 or 5.9.1(b)"
        else:
            expected = "a snake_case id such as yos_officer"
        return Problem(path, f"{_shown(first['input'])} is not a valid {name}; expected {expected}")
    if kind == "too_short":
        return Problem(path, f"'{name}' is empty; expected at least one item")
    if kind == "too_long":
        context = first.get("ctx") or {}
        return Problem(
            path,
            f"'{name}' has {context.get('actual_length', 'too many')} items; expected at most {context.get('max_length')}",
        )
    if kind == "int_parsing_size":
        return Problem(
            path, f"the number given for '{name}' has too many digits to read; expected a number of ordinary size"
        )
    if kind == "invalid_key":
        return Problem(
            path, f"key {_shown(first['input'])} is not a name; expected a key written as text, such as 'id'"
        )
    expectations = [_EXPECTED[e["type"]] for e in errors if _EXPECTED.get(e["type"])]
    if expectations:
        got = _shown(first["input"])
        described = _fields_at(model, path[:-1]).get(name, "") if path and isinstance(path[-1], str) else ""
        about = f" ({described})" if described and not described.startswith(("a ", "text", "true")) else ""
        return Problem(
            path, f"wrong type for '{name}': got {got}; expected {' or '.join(dict.fromkeys(expectations))}{about}"
        )
    message = first["msg"].removeprefix("Value error, ")
    if len(errors) > 1:  # a union whose every branch failed: the most specific message is the custom one
        custom = [e for e in errors if e["type"] not in _EXPECTED]
        message = (custom or errors)[0]["msg"].removeprefix("Value error, ")
    return Problem(path, message)


def _fields_at(model: type[BaseModel], path: Path_) -> dict[str, str]:
    """The keys (aliases) the model accepts at `path`, each with its description or type."""
    candidates: list[type[BaseModel]] = [model]
    for step in path:
        if isinstance(step, int):
            continue
        nxt: list[type[BaseModel]] = []
        for cls in candidates:
            for field_name, info in cls.model_fields.items():
                if (info.alias or field_name) == step:
                    nxt.extend(_models_in(_annotation(cls, field_name)))
        candidates = nxt or candidates
    fields: dict[str, str] = {}
    for cls in candidates:
        for field_name, info in cls.model_fields.items():
            fields[info.alias or field_name] = info.description or _type_words(_annotation(cls, field_name))
    return fields


def _annotation(model: type[BaseModel], field_name: str) -> Any:
    """A field's type, with forward references (to a model defined later in its module) resolved."""
    annotation = model.model_fields[field_name].annotation
    if any(isinstance(a, typing.ForwardRef) for a in (annotation, *typing.get_args(annotation))):
        return typing.get_type_hints(model).get(field_name, annotation)
    return annotation


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _type_words(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (tuple, list):
        return "a list"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_words(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _type_words(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " or ".join(repr(member.value) for member in annotation)
    return {str: "text", int: "a whole number", bool: "true or false", dt.date: "a date"}.get(annotation, "a value")
