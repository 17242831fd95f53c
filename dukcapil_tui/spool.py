"""openpyxl's spool files in the app's private folder, and what a killed process left behind.

openpyxl writes every worksheet into a temporary file before zipping the workbook; by default
that file lands in the system temp folder, readable there while the export runs and left
behind when the process is killed. ``install`` sends them into ``paths.spool_dir()/<pid>``
(folder 0700, files 0600); ``clean_leftovers`` (at every start) removes the folders of processes
that are gone, partial exports and partial backups.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from dukcapil_tui import paths, private

PARTIAL_AGE_S = 3600  # a partial export file older than this belongs to no running export

_installed = False


def process_dir() -> Path:
    return private.ensure_dir(private.ensure_dir(paths.spool_dir()) / str(os.getpid()))


def install() -> None:
    """Route openpyxl's temporary files into this process's private spool folder (idempotent)."""
    global _installed
    if _installed:
        return
    from tempfile import NamedTemporaryFile

    from openpyxl.worksheet import _writer

    def create_temporary_file(suffix: str = "") -> str:
        folder = process_dir()
        with NamedTemporaryFile(mode="w+", suffix=suffix, prefix="openpyxl.", delete=False, dir=folder) as handle:
            name = handle.name
        _writer.ALL_TEMP_FILES.append(name)
        return name

    _writer.create_temporary_file = create_temporary_file
    _installed = True


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_leftovers() -> list[Path]:
    """Remove spool folders of dead processes, partial exports in the exports folder and partial
    backups in the backups folders. Returns what was removed (names only go to the log)."""
    removed: list[Path] = []
    spool = paths.spool_dir()
    if spool.is_dir():
        for entry in spool.iterdir():
            if entry.is_dir() and entry.name.isdigit() and not _alive(int(entry.name)):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    now = time.time()
    for folder in (paths.export_dir(), paths.backup_dir(), paths.kept_backup_dir()):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            base = _strip_sqlite_suffix(entry.name)
            if not (base.startswith(".") and base.endswith((".tmp", ".partial"))):
                continue
            try:
                old = now - entry.stat().st_mtime > PARTIAL_AGE_S
            except OSError:
                continue
            owner = _owner_pid(base)
            if (owner is not None and not _alive(owner)) or (owner is None and old):
                entry.unlink(missing_ok=True)
                removed.append(entry)
    if removed:
        from dukcapil_tui.logs import get

        get("files").info("removed %d leftover temporary file(s) of a stopped export or backup", len(removed))
    return removed


def _strip_sqlite_suffix(name: str) -> str:
    for suffix in ("-wal", "-shm", "-journal"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _owner_pid(name: str) -> int | None:
    """Partial backups carry their writer's pid: ``.<name>.<pid>.partial``."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[-1] == "partial" and parts[-2].isdigit():
        return int(parts[-2])
    return None
