"""The JSON Schema: generated from the model, committed under docs/, and in agreement with the loader."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import jsonschema
import pytest
from conftest import EXAMPLE, ROOT
from ruamel.yaml import YAML

from protoverify.model.schema import json_schema

COMMITTED = ROOT / "docs" / "protocol.schema.json"


def as_json(value: object) -> object:
    """YAML data as a JSON document would hold it (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_current() -> None:
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == json_schema(), (
        "run `make schema` and commit docs/protocol.schema.json"
    )


def test_cli_prints_the_schema() -> None:
    result = subprocess.run([sys.executable, "-m", "protoverify", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == json_schema()


@pytest.mark.parametrize(
    "path",
    [
        EXAMPLE,
        ROOT / "protocols" / "baseline" / "england.yaml",
        ROOT / "protocols" / "library" / "england.yaml",
        ROOT / "tests" / "fixtures" / "library" / "warwickshire-sections.yaml",
    ],
    ids=["example", "baseline", "library", "trial"],
)
def test_schema_accepts_the_bundled_files(validator: jsonschema.Draft202012Validator, path) -> None:
    """Written against the library or not: refinements give only what they change."""
    data = as_json(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("modality: should", "modality: shall"),
        ("unit: working_days", "unit: fortnights"),
        ("{within: {amount: 4, unit: hours}}", "{within: {amount: 0, unit: hours}}"),
        ("  - id: find_remand_placement\n", "  - id: find_remand_placement\n    colour: red\n"),
        ("id: yjs\n", "id: Youth Justice\n"),
        ('clause: "3.2"', "clause: 3.2"),
    ],
    ids=["literal", "unit", "zero-amount", "unknown-key", "id-pattern", "unquoted-clause"],
)
def test_schema_rejects_what_the_loader_rejects(validator: jsonschema.Draft202012Validator, old: str, new: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    data = as_json(YAML(typ="safe").load(text.replace(old, new, 1)))
    assert list(validator.iter_errors(data)), f"the schema accepted {new!r}"
