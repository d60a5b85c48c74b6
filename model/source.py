"""A YAML source file read with positions, and errors located in it.

`read` parses a file into plain Python data while keeping the position of every value
(`yamltree.compose`, on ruamel.yaml's C parser), so any problem found later, by pydantic or by a
cross-reference check, can be reported as `file:line:col: what is wrong; what was expected`.
`validate` builds a pydantic model from the data and turns its errors into such located messages.
`read_bytes` is the one way an input file is read: every failure (missing, a folder, unreadable, too
big) is a located `LoadError`. Protocol, scenario, judgements and source-document loaders all use these.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import types
import typing
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from . import yamltree
from .errors import LoadError as LoadError  # (re-exported: loaders and checks raise it from here)
from .errors import Located as Located
from .wording import guess
from .yamltree import MAX_DEPTH as MAX_DEPTH
from .yamltree import MAX_VALUES as MAX_VALUES

MAX_BYTES = 5_000_000
MAX_ERRORS = 50
PURE_WORDING = 200_000
"""Up to this many characters, a fault of YAML syntax is worded by ruamel's pure-Python parser (as
protoverify always worded it); beyond, by the C parser, whose words differ a little."""

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """A problem found in loaded data, at a path of keys and indexes (located later by `Source.locate`)."""

    path: Path_
    message: str
    at_key: bool = False


class Source:
    """A parsed YAML file: its plain data, and the positions of its values."""

    def __init__(self, name: str, data: dict[str, Any], tree: yamltree.Place):
        self.name = name
        self._tree = tree
        self.data = data

    def position(self, path: Path_, at_key: bool = False) -> tuple[int, int, Path_]:
        """Line and column (from 1) of the node at `path`, and the part of the path that exists.

        Steps that name nothing in the file (pydantic's union tags, an index into a one-item
        shorthand) are skipped; a missing key points at the mapping that lacks it.
        """
        return yamltree.position(self._tree, path, at_key)

    def locate(self, problems: Iterable[Problem]) -> list[Located]:
        """Turn path-addressed problems into located ones, in file order."""
        located = []
        for problem in problems:
            line, col, _ = self.position(problem.path, problem.at_key)
            located.append(Located(self.name, line, col, problem.message))
        return sorted(set(located), key=lambda p: (p.line, p.col, p.message))


def read_bytes(path: str | Path, what: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a file, or a located `LoadError`: missing, not a file, unreadable, over `limit` bytes."""
    name = str(path)

    def fail(message: str) -> LoadError:
        return LoadError([Located(name, 0, 0, message)])

    try:
        file = Path(path)
        if not file.exists():
            raise fail(f"file not found; expected the path of a {what}")
        if not file.is_file():
            raise fail(f"not a file; expected the path of a {what}")
        with file.open("rb") as stream:
            raw = stream.read(limit + 1)  # (a file in /proc may say it is empty and never end)
    except OSError as problem:
        raise fail(f"cannot be read ({_reason(problem)}); expected a readable {what}") from None
    if len(raw) > limit:
        size = max(len(raw), _size(file))
        raise fail(
            f"file is {'over ' if size <= limit else ''}{size:,} bytes; expected a {what} of at most {limit:,} bytes"
        )
    return raw


def present(path: str | Path) -> bool:
    """Whether there is a file at `path`, or something there that `read_bytes` will explain (a
    folder on the way that may not be searched): unlike `Path.is_file`, never an `OSError`."""
    try:
        return Path(path).is_file()
    except OSError:
        return True


def _reason(problem: OSError) -> str:
    return problem.strerror or os.strerror(problem.errno or 0) or type(problem).__name__


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def read_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of a file, or a located `LoadError`: missing, not a file, unreadable, too big,
    binary, not UTF-8."""
    name = str(path)

    def fail(message: str, line: int = 0, col: int = 0) -> LoadError:
        return LoadError([Located(name, line, col, message)])

    raw = read_bytes(path, what)
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
    try:
        data, tree = yamltree.compose(text)
    except (yamltree.TooLarge, yamltree.Unusable, YAMLError) as problem:
        raise _refusal(problem, text, what, fail) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else "a list" if isinstance(data, list) else "a single value"
        raise fail(f"the top level is {kind}; expected a {what} mapping (key: value lines)", 1, 1)
    return Source(name, data, tree)


def _refusal(problem: Exception, text: str, what: str, fail) -> LoadError:
    """Why the text cannot be read, as a located `LoadError`. A fault of YAML itself is said first,
    worded as ruamel's pure-Python loader words it (for a text of at most PURE_WORDING characters)."""
    pure = _pure_error(text)
    if pure is not None:
        return _worded(pure, text, fail)
    if isinstance(problem, yamltree.TooLarge):
        return fail(f"{problem}; expected a {what} of ordinary size")
    if isinstance(problem, yamltree.Unusable):
        return fail(str(problem), problem.line + 1, problem.col + 1)
    return _worded(problem, text, fail)


def _pure_error(text: str) -> YAMLError | None:
    """The error ruamel's pure-Python loader finds in `text` (short texts only), for its wording."""
    if len(text) > PURE_WORDING:
        return None
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = yamltree.Constructor
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yaml.load(text)
    except YAMLError as err:
        return err
    except (RecursionError, TypeError, ValueError):  # (deep nesting; a key it cannot hold: ours to word)
        return None
    return None


def _worded(err: YAMLError, text: str, fail) -> LoadError:
    """A YAML error as a located `LoadError`."""
    if isinstance(err, yamltree.NotADate):
        mark = err.problem_mark
        return fail(f"{err.problem}; expected a real date such as 2019-03-20", mark.line + 1, mark.column + 1)
    if isinstance(err, yamltree.NotANumber):
        mark = err.problem_mark
        return fail(f"{err.problem}; expected a number of ordinary size", mark.line + 1, mark.column + 1)
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        message = " ".join(part for part in (err.problem, err.context and f"({err.context})") if part)
        return fail(f"YAML syntax error: {message}; expected valid YAML", mark.line + 1, mark.column + 1)
    if isinstance(err, ReaderError):
        before = text[: err.position]
        line, col = before.count("\n") + 1, err.position - (before.rfind("\n") + 1) + 1
        return fail(
            f"control character U+{err.character:04X} in the text; expected printable text (YAML allows such a "
            'character only as an escape inside double quotes, e.g. "\\t")',
            line,
            col,
        )
    message = " ".join(str(err).split())
    return fail(f"YAML error: {message}; expected valid YAML")


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
    """The one problem pydantic's errors at `path` come to: what is wrong, and what was expected."""
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
    found = _of_value(kind, path, first, name) or _wrong_type(model, path, errors, name)
    if found is not None:
        return found
    message = first["msg"].removeprefix("Value error, ")
    if len(errors) > 1:  # a union whose every branch failed: the most specific message is the custom one
        custom = [e for e in errors if e["type"] not in _EXPECTED]
        message = (custom or errors)[0]["msg"].removeprefix("Value error, ")
    return Problem(path, message)


def _of_value(kind: str, path: Path_, first: dict[str, Any], name: str) -> Problem | None:
    """A problem with the value itself (a malformed id or clause, an empty or over-long list, a number
    too long to read, a key that is not text), or None."""
    context = first.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        if "\\d" in context.get("pattern", ""):
            expected = "a clause number as printed, such as 5.6.1, 8.15 or 5.9.1(b)"
        else:
            expected = "a snake_case id such as yos_officer"
        return Problem(path, f"{_shown(first['input'])} is not a valid {name}; expected {expected}")
    if kind == "too_short":
        return Problem(path, f"'{name}' is empty; expected at least one item")
    if kind == "too_long":
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
    return None


def _wrong_type(model: type[BaseModel], path: Path_, errors: list[dict[str, Any]], name: str) -> Problem | None:
    """A value of the wrong type, with what each accepted type would be, or None."""
    expectations = [_EXPECTED[e["type"]] for e in errors if _EXPECTED.get(e["type"])]
    if not expectations:
        return None
    got = _shown(errors[0]["input"])
    described = _fields_at(model, path[:-1]).get(name, "") if path and isinstance(path[-1], str) else ""
    about = f" ({described})" if described and not described.startswith(("a ", "text", "true")) else ""
    return Problem(
        path, f"wrong type for '{name}': got {got}; expected {' or '.join(dict.fromkeys(expectations))}{about}"
    )


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
