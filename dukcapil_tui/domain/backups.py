"""Backup file names and which copies rotation keeps (pure: no files, no database).

A backup is named ``<stem>_<YYYYmmddTHHMMSSffffffZ>_<kind>.sqlite3`` (UTC). Rotation keeps the
newest copy of each of the 7 most recent days that have one, of the 4 most recent ISO weeks
and of the 12 most recent months; a copy kept by any rule stays. Copies made before a restore
or a migration live in their own folder and are never rotated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
STAMP = "%Y%m%dT%H%M%S%fZ"
KINDS = ("daily", "day-close", "manual")  # rotated; "pre-restore", "pre-migration-vN" are kept apart
_NAME = re.compile(r"^(?P<stem>.+)_(?P<stamp>\d{8}T\d{12}Z)_(?P<kind>[a-z0-9-]+)\.sqlite3$")


@dataclass(frozen=True)
class BackupName:
    name: str
    stem: str
    at: datetime  # naive UTC
    kind: str


def make_name(stem: str, at: datetime, kind: str) -> str:
    return f"{stem}_{at.strftime(STAMP)}_{kind}.sqlite3"


def parse(name: str) -> BackupName | None:
    match = _NAME.match(name)
    if not match:
        return None
    try:
        at = datetime.strptime(match.group("stamp"), STAMP)
    except ValueError:
        return None
    return BackupName(name, match.group("stem"), at, match.group("kind"))


def to_remove(names: list[BackupName]) -> list[BackupName]:
    """The copies rotation removes: those no daily, weekly or monthly rule keeps."""
    newest_first = sorted(names, key=lambda b: b.at, reverse=True)
    keep: set[str] = set()
    for period, count in ((lambda b: b.at.date(), KEEP_DAILY),
                          (lambda b: tuple(b.at.isocalendar())[:2], KEEP_WEEKLY),
                          (lambda b: (b.at.year, b.at.month), KEEP_MONTHLY)):
        seen: list[object] = []
        for backup in newest_first:
            key = period(backup)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(backup.name)
    return [b for b in newest_first if b.name not in keep]
