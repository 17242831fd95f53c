"""Files only the account running the app may read: folders 0700, files 0600, whatever the umask.

The register holds the NIK, name, birth date and address of a whole regency (UU 27/2022).
Every file the app writes goes through these helpers or is chmodded right after SQLite or
openpyxl created it; ``loose_modes`` lists what is not private any more (for ``dukcapil check``).
On a file system without POSIX modes (a FAT-formatted USB disk, Windows) the chmod calls are
best effort and the check says nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
POSIX = os.name == "posix"


def tighten_umask() -> None:
    """Make every file this process creates private from now on (process start-up)."""
    if POSIX:
        os.umask(os.umask(0) | 0o077)


class MissingParent(FileNotFoundError):
    """A folder the user chose (``--out``, ``--to``) lies in a folder that does not exist: most
    often a flash drive or network share not mounted, whose mount point would otherwise quietly
    receive the file on the local disk."""

    def __init__(self, parent: Path) -> None:
        super().__init__(2, "parent folder missing", str(parent))
        self.parent = parent


def ensure_dir(path: Path | str, *, own: bool = True, parents: bool | None = None) -> Path:
    """Create ``path`` (and, for the app's own folders, missing parents) as private folders. An
    existing folder is tightened when it is one of the app's own (``own``), never when the user
    chose it (``--out``, ``--to``); a folder the user chose may be created, its parent not
    (``MissingParent``) unless ``parents`` says otherwise."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    if not (own if parents is None else parents) and len(missing) > 1:
        raise MissingParent(path.parent)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass
        _chmod(folder, DIR_MODE)
    if own and not missing:
        _chmod(path, DIR_MODE)
    return path


def secure(path: Path | str, mode: int = FILE_MODE) -> None:
    """chmod an existing file to ``mode`` (nothing when it is missing)."""
    path = Path(path)
    if path.exists():
        _chmod(path, mode)


def secure_database(path: Path | str) -> None:
    """The database and the WAL and shared-memory files SQLite keeps beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        secure(Path(str(path) + suffix))


def create_empty(path: Path | str) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (before SQLite opens it: SQLite gives
    its -wal and -shm files the database's own mode)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
    _chmod(path, FILE_MODE)


@contextmanager
def open_private(path: Path | str, mode: str = "w", **kwargs) -> Iterator:
    """``open()`` for writing, the file created (or truncated) with mode 0600."""
    path = Path(path)
    ensure_dir(path.parent, own=False, parents=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    _chmod(path, FILE_MODE)
    with os.fdopen(fd, mode, **kwargs) as handle:
        yield handle


def write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` into a private file atomically (temporary name, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open_private(tmp, "w", encoding=encoding) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def _chmod(path: Path, mode: int) -> None:
    if not POSIX:
        return
    try:
        os.chmod(path, mode)
    except OSError:  # a file system without modes (vfat on a USB disk): nothing to do
        pass


def loose_modes(paths: Iterable[Path], *, recurse: Iterable[Path] = ()) -> list[tuple[Path, int]]:
    """(path, mode) for each existing file readable by others than its owner, or folder they
    may enter. ``recurse`` folders are walked (one level of sub-folders is enough for ours)."""
    if not POSIX:
        return []
    found: list[tuple[Path, int]] = []
    seen: set[Path] = set()

    def look(path: Path) -> None:
        if path in seen:
            return
        seen.add(path)
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
        except OSError:
            return
        if mode & 0o077:
            found.append((path, mode))

    for path in paths:
        look(Path(path))
    for folder in recurse:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        look(folder)
        for entry in _walk(folder):
            look(entry)
    return found


def _walk(folder: Path, depth: int = 2) -> Iterator[Path]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        yield entry
        if depth > 1 and entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry, depth - 1)
