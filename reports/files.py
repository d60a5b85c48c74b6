"""Writing output files safely: all or nothing, and never over a file protoverify did not write.

`write_atomic` writes through a temporary file in the target's folder, flushed to disk, then renamed
into place: a reader sees the old file or the new one, never part of one, and a failed run leaves
no temporary file behind. `write_folder` writes a report's files into a staging folder first and
moves them into the output folder only once every one is written (a new folder is moved as a whole):
a full disk leaves the folder as it was. A new file gets the permissions any new file gets (0666 less
the umask); a file replaced by `write_atomic` keeps its own.

Overwriting. An existing file is replaced only if protoverify wrote it and it has not changed since,
or when the user says `--force`. What protoverify wrote is recorded in each folder it writes to, in
`.protoverify-written.json`: the name of each file and the SHA-256 of its content as written. So a
report an author has edited since, or a file some other program put there, is refused with a
located error naming it. A command checks all its outputs (`check_outputs`) before it starts work,
and claims them (`claim`) just before it writes the first, so a refusal writes nothing; with `force`,
claiming records the files there as protoverify's to replace. A file written into a folder by hand
with the same content as the record is treated as protoverify's: the content is what is protected.

The record is updated before a file is moved into place, listing both the old content and the new
as protoverify's ("pending"), and again after, listing the new: a run killed between the two, or a
disk too full to update the record after the move, leaves a file the next run still knows as its own.
Temporary files and staging folders are named `.NAME.PID-XXXXXXXX.tmp`; those of a process that has
ended (or, named without a process id, older than `STALE_SECONDS`) are removed by the next run that
writes into the folder. Every refusal, and every path that cannot be written, is an `OutputError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..model.errors import Located, OutputError

MANIFEST = ".protoverify-written.json"
NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)
STALE_SECONDS = 600
_TEMPORARY = re.compile(r"^\..+\.(?:(?P<pid>\d+)-)?[a-z0-9_]{8}\.tmp$")
"""The name of a temporary file or staging folder of protoverify's (`tempfile.mkstemp`'s eight characters)."""

Record = dict[str, list[str | None]]
"""A folder's record: file name -> the SHA-256 of each content protoverify wrote there and may replace
(None: a link it may replace)."""


def check_outputs(paths: Iterable[str | Path], *, force: bool = False) -> list[Path]:
    """The paths among `paths` that hold a file protoverify did not write (or that changed since),
    which only `force` may replace. Raises `OutputError` naming each path that may not be written:
    one of those without `force`, a folder, a name too long, a path that cannot be looked at, or the
    name of the record itself. Changes nothing."""
    problems, taken = [], []
    for path in map(Path, paths):
        try:
            problem = _unusable(path)
            if problem is None and not replaceable(path):
                taken.append(path)
        except OSError as error:
            problem = f"cannot be written ({_reason(error)}); expected a path that can be written"
        if problem is not None:
            problems.append(Located(str(path), 0, 0, problem))
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


def _unusable(path: Path) -> str | None:
    """Why `path` can never be an output, or None."""
    longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
    if longest > NAME_MAX:
        return f"a name in the path is {longest:,} bytes long; expected names of at most {NAME_MAX} bytes"
    if path.name == MANIFEST:
        return "is protoverify's record of the files it wrote; expected another file name"
    if path.is_dir():
        return "is a folder; expected the path of a file to write"
    return None


def _reason(problem: OSError) -> str:
    return problem.strerror or os.strerror(problem.errno or 0) or type(problem).__name__


def claim(paths: Iterable[str | Path], *, force: bool = False) -> None:
    """`check_outputs`, then, with `force`, record the files there as protoverify's, so that
    `write_atomic` replaces them. Call it just before writing."""
    for path in check_outputs(paths, force=force):
        digest = _digest(path.read_bytes()) if path.is_file() and not path.is_symlink() else None
        _update(path.parent, {path.name: [digest]})


def replaceable(path: str | Path) -> bool:
    """Whether writing to `path` loses nothing: there is no file there, or there is a file
    protoverify wrote there, unchanged."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return True
    recorded = _written(path.parent).get(path.name, [])
    if path.is_symlink() or not path.is_file():
        return None in recorded
    return _digest(path.read_bytes()) in recorded


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write `content` (text as UTF-8) to `path`, creating its folder, through a temporary file
    renamed into place; record it as protoverify's. Raises `OutputError` if a file protoverify did not
    write is there (see `claim`), or if the path cannot be written."""
    target = Path(path)
    check_outputs([target])
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tidy(target.parent)
        keep = target.is_file() and not target.is_symlink()
        mode = stat.S_IMODE(target.stat().st_mode) if keep else 0o666 & ~_umask()
        staged = _staged_file(target.parent, target.name, data, mode)
        try:
            _move([(staged, target, _digest(data))])
        finally:
            staged.unlink(missing_ok=True)
    except OSError as problem:
        raise OutputError(
            [Located(str(target), 0, 0, f"cannot write ({_reason(problem)}); expected a writable path")]
        ) from None
    return target


def write_folder(out: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write every file into the folder `out` (created if need be): all of them, or, if one cannot be
    written, none. Raises `OutputError` before writing anything if a name would put a file outside
    the folder (a report's files are named by its protocol's id) or may not be replaced."""
    try:
        if out.exists() and not out.is_dir():
            raise OutputError([Located(str(out), 0, 0, "is a file; expected a folder to write the reports into")])
        folder = out.resolve()
    except OSError as problem:
        raise OutputError(
            [Located(str(out), 0, 0, f"cannot be used ({_reason(problem)}); expected a folder that can be written")]
        ) from None
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
    check_outputs([out / name for name in files])
    try:
        _write_staged(out, files)
    except OSError as problem:
        raise OutputError(
            [Located(str(out), 0, 0, f"cannot write ({_reason(problem)}); expected a writable folder")]
        ) from None
    return [out / name for name in files]


def _write_staged(out: Path, files: dict[str, str | bytes]) -> None:
    """Every file written into a staging folder, then moved into `out`: the staging folder itself when
    `out` is new, else each file (the record listing each as pending first)."""
    mode = 0o666 & ~_umask()  # readable as an ordinary file, not only by its owner
    new = not out.exists()
    parent = out.parent if new else out
    parent.mkdir(parents=True, exist_ok=True)
    tidy(parent)
    staging = Path(
        tempfile.mkdtemp(dir=parent, prefix=f".{out.name if new else 'staging'}.{os.getpid()}-", suffix=".tmp")
    )
    try:
        moves = []
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            _write_file(staging / name, data, mode)
            moves.append((staging / name, out / name, _digest(data)))
        if new:
            _write_file(staging / MANIFEST, _record_text({m[1].name: [m[2]] for m in moves}), mode)
            staging.chmod(0o777 & ~_umask())
            try:
                os.rename(staging, out)
                return
            except OSError:  # the folder appeared meanwhile: move the files one by one
                out.mkdir(parents=True, exist_ok=True)
        _move(moves)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move(moves: list[tuple[Path, Path, str]]) -> None:
    """Rename each staged file onto its target, recording the new content as pending first (so that
    the record never disowns a file protoverify wrote), then as the content there."""
    folder = moves[0][1].parent
    record = _written(folder)
    _update(folder, {target.name: [*record.get(target.name, []), digest] for _, target, digest in moves})
    for staged, target, _ in moves:
        os.replace(staged, target)
    try:
        _update(folder, {target.name: [digest] for _, target, digest in moves})
    except OSError:
        pass  # the pending record already lists the new content as protoverify's


def _staged_file(folder: Path, name: str, data: bytes, mode: int) -> Path:
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.{os.getpid()}-", suffix=".tmp")
    os.close(handle)
    try:
        _write_file(Path(temporary), data, mode)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def _write_file(path: Path, data: bytes, mode: int) -> None:
    """`data` written to `path` and flushed to disk, with `mode`."""
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, mode)


def tidy(folder: Path) -> None:
    """Remove the temporary files and staging folders protoverify left in `folder` when a run was
    killed: those named by a process that has ended, or named without one and older than STALE_SECONDS."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = _TEMPORARY.match(entry.name)
        if found is None or not _stale(entry, found["pid"]):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass  # (another run tidied it first, or it cannot be removed: it stays harmless)


def _stale(entry: os.DirEntry, pid: str | None) -> bool:
    if pid is not None:
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError):
            return False
        return False
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _written(folder: Path) -> Record:
    """The folder's record (see `Record`); empty if there is none or it cannot be read."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        if not isinstance(files, dict):
            return {}
        return {
            str(k): [d for d in (v if isinstance(v, list) else [v]) if d is None or isinstance(d, str)]
            for k, v in files.items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no record, or one that cannot be read: nothing there counts as protoverify's


def _record_text(files: Record) -> bytes:
    shown = {name: digests[0] if len(digests) == 1 else digests for name, digests in sorted(files.items())}
    return (json.dumps({"written by": "protoverify", "files": shown}, indent=2) + "\n").encode("utf-8")


def _update(folder: Path, changes: Record) -> None:
    """The folder's record with `changes` (file name -> the contents now protoverify's), written atomically."""
    files = _written(folder) | {name: list(dict.fromkeys(digests)) for name, digests in changes.items()}
    manifest = folder / MANIFEST
    mode = stat.S_IMODE(manifest.stat().st_mode) if manifest.is_file() else 0o666 & ~_umask()
    staged = _staged_file(folder, MANIFEST, _record_text(files), mode)
    try:
        os.replace(staged, manifest)
    finally:
        staged.unlink(missing_ok=True)
