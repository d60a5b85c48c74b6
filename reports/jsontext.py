"""JSON as protoverify writes it, everywhere: indented by two, UTF-8 as is, no NaN (an undefined
statistic is null), a final newline; keys in the order the result gives them."""

from __future__ import annotations

import json
from typing import Any


def json_text(data: Any) -> str:
    """`data` as protoverify writes JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_json(result: Any, **_options: Any) -> str:
    """A result that knows its JSON form (`to_json()`: a check report, a diff, a comparison, a
    coverage, a gap report) as JSON text; the options the command's other formats take change nothing."""
    return json_text(result.to_json())
