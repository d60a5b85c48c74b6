"""Writing output files safely: all or nothing, and never over a file protoverify did not write.

`write_atomic` writes through a temporary file in the target's folder, flushed to disk, then renamed
into place: a reader sees the old file or the new one, never part of one, and a failed run leaves
no temporary file behind. A new file gets the permissions any new file gets (0666 less the umask);
a file replaced keeps its own.

Overwriting. An existing file is replaced only if protoverify wrote it and it has not changed since,
or when the user says `--force`. What protoverify wrote is recorded in each folder it writes to, in
`.protoverify-written.json`: the name of each file and the SHA-256 of its content as written. So a
report an author has edited since, or a file some other program put there, is refused with a
located error naming it. A command checks all its outputs (`check_outputs`) before it starts work,
and claims them (`claim`) just before it writes the first, so a refusal writes nothing; with `force`,
claiming records the files there as protoverify's to replace.
A file written into a folder by hand with the same content as the record is treated as
protoverify's: the content is what is protected. `write_folder` writes a report's files inside one
folder, refusing any name that would land outside it. Every refusal is an `OutputError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..model.errors import Located, OutputError

MANIFEST = ".protoverify-written.json"


def check_outputs(paths: Iterable[str | Path], *, force: bool = False) -> list[Path]:
    """The paths among `paths` that hold a file protoverify did not write (or that changed since),
    which only `force` may replace. Raises `OutputError` naming each path that may not be written:
    one of those without `force`, a folder, or the name of the record itself. Changes nothing."""
    problems, taken = [], []
    for path in map(Path, paths):
        if path.name == MANIFEST:
            problems.append(
                Located(str(path), 0, 0, "is protoverify's record of the files it wrote; expected another file name")
            )
        elif path.is_dir():
            problems.append(Located(str(path), 0, 0, "is a folder; expected the path of a file to write"))
        elif not replaceable(path):
            taken.append(path)
    if not force:
        problems += [
            Located(
                str(p),
                0,
                0,
                "file exists and protoverify did not write it (or it was changed since); "
                "expected a new path, or --force to replace it",
            )
            for p in taken
        ]
    if problems:
        raise OutputError(problems)
    return taken


def claim(paths: Iterable[str | Path], *, force: bool = False) -> None:
    """`check_outputs`, then, with `force`, record the files there as protoverify's, so that
    `write_atomic` replaces them. Call it just before writing."""
    for path in check_outputs(paths, force=force):
        _record(path, _digest(path.read_bytes()) if path.is_file() and not path.is_symlink() else None)


def replaceable(path: str | Path) -> bool:
    """Whether writing to `path` loses nothing: there is no file there, or there is the file
    protoverify last wrote there, unchanged."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return True
    if path.is_symlink() or not path.is_file():
        return path.name in _written(path.parent) and _written(path.parent)[path.name] is None
    recorded = _written(path.parent).get(path.name)
    return recorded is not None and recorded == _digest(path.read_bytes())


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write `content` (text as UTF-8) to `path`, creating its folder, through a temporary file
    renamed into place; record it as protoverify's. Raises `OutputError` if a file protoverify did not
    write is there (see `claim`), or if the path cannot be written."""
    target = Path(path)
    check_outputs([target])
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = (
            stat.S_IMODE(target.stat().st_mode) if target.is_file() and not target.is_symlink() else 0o666 & ~_umask()
        )
        _replace(target, data, mode)
        _record(target, _digest(data))
    except OSError as problem:
        raise OutputError(
            [Located(str(target), 0, 0, f"cannot write ({problem.strerror or problem}); expected a writable path")]
        ) from None
    return target


def _replace(target: Path, data: bytes, mode: int) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _written(folder: Path) -> dict[str, str | None]:
    """The folder's record: file name -> SHA-256 of what protoverify wrote (None: a link it may replace)."""
    try:
        record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = record["files"]
        return (
            {str(k): v if isinstance(v, str) or v is None else "" for k, v in files.items()}
            if isinstance(files, dict)
            else {}
        )
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no record, or one that cannot be read: nothing there counts as protoverify's


def _record(target: Path, digest: str | None) -> None:
    folder = target.parent
    files = _written(folder)
    files[target.name] = digest
    text = json.dumps({"written by": "protoverify", "files": dict(sorted(files.items()))}, indent=2) + "\n"
    manifest = folder / MANIFEST
    mode = stat.S_IMODE(manifest.stat().st_mode) if manifest.is_file() else 0o666 & ~_umask()
    _replace(manifest, text.encode("utf-8"), mode)


def write_folder(out: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write every file into the folder `out` (created if need be), each atomically. Raises
    `OutputError` before writing anything if a name would put a file outside the folder (a report's
    files are named by its protocol's id)."""
    if out.exists() and not out.is_dir():
        raise OutputError([Located(str(out), 0, 0, "is a file; expected a folder to write the reports into")])
    folder = out.resolve()
    targets = []
    for name in files:
        target = folder / name
        if Path(name).name != name or name.startswith(".") or target.resolve().parent != folder:
            raise OutputError(
                [
                    Located(
                        str(out / name),
                        0,
                        0,
                        "would be written outside the output folder; expected a plain file name inside it",
                    )
                ]
            )
        targets.append(target)
    written = []
    mask = os.umask(0)
    os.umask(mask)
    for target, content in zip(targets, files.values()):
        try:
            written.append(write_atomic(target, content))
            target.chmod(0o666 & ~mask)  # readable as an ordinary file, not only by its owner
        except OSError as problem:
            raise OutputError(
                [Located(str(target), 0, 0, f"cannot write ({problem.strerror}); expected a writable folder")]
            ) from None
    return written
