"""Writing files the office keeps: never over an earlier one.

A report exported twice for the same period, or an import's rejected-rows report written twice
in one second, keeps the first file: the second gets the next free numbered name
(``…_v2.xlsx``, ``…_v3.xlsx``). The name is reserved with an exclusive create, so two
workstations exporting into one shared folder at the same moment cannot take the same name.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MAX_VERSIONS = 999

_REASONS = {
    errno.ENOENT: "os.no_such", errno.EACCES: "os.no_permission", errno.EPERM: "os.no_permission",
    errno.EROFS: "os.read_only", errno.ENOSPC: "os.disk_full", errno.ENOTDIR: "os.not_a_folder",
    errno.EISDIR: "os.is_a_folder", errno.EEXIST: "os.exists", errno.EDQUOT: "os.disk_full",
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the user's language (not the system's English)."""
    from dukcapil_tui import private
    from dukcapil_tui.i18n import t

    if isinstance(exc, private.MissingParent):
        return t("os.no_parent", parent=exc.parent)
    key = _REASONS.get(exc.errno or 0)
    return t(key) if key else (exc.strerror or t("os.unknown"))


def ensure_folder(folder: Path | str, *, own: bool = False) -> Path:
    """The folder an output goes to, created (private, 0700) if need be; a ServiceError that
    names it and says why when it cannot be (a file in its place, no permission, a full or
    read-only disk). ``own``: one of the app's folders, tightened when it exists already."""
    from dukcapil_tui import private
    from dukcapil_tui.i18n import t
    from dukcapil_tui.domain.problems import ServiceError

    folder = Path(folder).expanduser()
    try:
        private.ensure_dir(folder, own=own)
    except FileExistsError:
        raise ServiceError(t("report.bad_folder", path=folder, reason=t("report.file_not_folder"))) from None
    except OSError as exc:
        raise ServiceError(t("report.bad_folder", path=folder, reason=os_reason(exc))) from None
    if not folder.is_dir():
        raise ServiceError(t("report.bad_folder", path=folder, reason=t("report.file_not_folder")))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ServiceError(t("report.bad_folder", path=folder, reason=t("report.not_writable")))
    return folder


def reserve(target: Path) -> Path:
    """Create an empty placeholder at ``target`` or at its first free numbered name, and return
    it; the caller then ``os.replace``s its finished file onto it (or removes it on failure)."""
    target = Path(target)
    for number in range(1, MAX_VERSIONS + 1):
        candidate = target if number == 1 else target.with_name(f"{target.stem}_v{number}{target.suffix}")
        try:
            handle = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(handle)
        return candidate
    raise FileExistsError(f"{target}: {MAX_VERSIONS} versions exist already")


def write_new(target: Path, write: Callable[[Path], T],
              during: Callable[[Path, T], AbstractContextManager] | None = None) -> tuple[Path, T]:
    """Write a new file at ``target`` or at its first free numbered name (``reserve``), never
    over an earlier file and never half-written: ``write(partial)`` writes it under a temporary
    name in the same folder; then the name is reserved and the file, made private, renamed onto
    it, inside ``during(final, written)`` when given (a context the rename belongs to: an
    export's audit entry, so that both stand or fall together). Returns the final path and what
    ``write`` returned; on any failure neither the temporary file nor the reserved name is left."""
    from contextlib import nullcontext

    from dukcapil_tui import private

    target = Path(target)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        written = write(partial)
        final = reserve(target)
        try:
            with during(final, written) if during else nullcontext():
                private.secure(partial)
                os.replace(partial, final)
        except BaseException:
            final.unlink(missing_ok=True)
            raise
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final, written
