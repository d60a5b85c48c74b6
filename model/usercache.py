"""The user cache: values protoverify can always compute again, kept between runs because computing
them is slow (the bank holidays of a year: `calendar`).

A value is stored as JSON under a name, with the key it was computed for (the versions and inputs it
depends on), in the user's cache folder: `$XDG_CACHE_HOME/protoverify`, or `~/.cache/protoverify`.
Reading never fails: a missing, unreadable or corrupt file, or one stored for another key, is a miss,
and the caller computes the value (and checks the shape of what it read: anything unexpected is a
miss too). Writing replaces the file in one step (a temporary file renamed over it), so a reader sees
the old file or the new one, never half of one; a folder that cannot be written is left alone. What
the cache holds never changes an output: it is the value the caller would have computed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FOLDER = "protoverify"


def folder() -> Path:
    """The folder the cache is kept in (`$XDG_CACHE_HOME/protoverify`; an unset or relative
    XDG_CACHE_HOME means `~/.cache`, as the XDG base directory specification says)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / FOLDER


def load(name: str, key: str) -> Any | None:
    """The value stored under `name` for `key`, or None (a miss) if there is none or it cannot be read."""
    try:
        stored = json.loads((folder() / f"{name}.json").read_bytes())
    except (OSError, RuntimeError, ValueError):  # (RuntimeError: no home folder to find the cache in)
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("value")


def store(name: str, key: str, value: Any) -> None:
    """Keep `value` (JSON data) under `name` for `key`, replacing what was there; nothing if the
    cache folder cannot be made or written."""
    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=where)
    except (OSError, RuntimeError):
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"key": key, "value": value}, file, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, where / f"{name}.json")
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
