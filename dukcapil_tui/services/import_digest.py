"""Which rows of a resident listing an import may skip: the rows it stored before, unchanged.

The import keeps, per resident, a 64-bit digest of the listing row it stored the resident's
values from (``resident.import_hash``, migration 15). The digest covers the row's cells as the
file holds them and, as its key, everything else that gives them their meaning: the file's
columns (which values are read, which the register keeps), the register's desa codes (a row
naming a desa taken out since must be refused again) and the import's rules themselves (a
fingerprint of the code that reads and checks a row: after an upgrade that changes it, every
row is checked again once).
Any other write to the resident clears it (migration 15's trigger). So a row whose digest
equals the stored one would be read, checked and compared into exactly the values the resident
holds: the import counts it unchanged without checking it again.

Only a row the import stored has a digest: a rejected row never does, nor a row whose stored
values depend on the day of the import (a resident who died or moved away without the date:
the import's day is stored), which is checked and compared every time, as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from dukcapil_tui.db import database
from dukcapil_tui.domain import residents as rules

# The code that reads a listing row into a resident's values and checks it: the domain rules,
# the row readers, the file reader. A change to any of them changes every digest's key.
RULE_SOURCES = ("domain", "services/import_rows.py", "services/import_digest.py", "services/resident_import.py",
                "services/listing_rows.py", "services/listing_cards.py", "tabular.py")
_SEPARATOR = "\x1f"  # never inside a cell: tabular removes control characters from cells


def key(columns: list[str], desa_codes: Iterable[str]) -> bytes:
    """The digest key of one import: what the same cells mean in this file and register. (The
    known kecamatan only give warnings, which an import does not keep.)"""
    text = _SEPARATOR.join([rules_fingerprint(), ",".join(columns), ",".join(sorted(desa_codes))])
    return hashlib.blake2b(text.encode(), digest_size=32).digest()


@cache
def rules_fingerprint() -> str:
    """A digest of the source of ``RULE_SOURCES`` (read once a process): no version to raise by
    hand when a rule or an alias changes."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for name in RULE_SOURCES:
        found = sorted((package / name).rglob("*.py")) if (package / name).is_dir() else [package / name]
        for path in found:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def row_digest(row: dict, digest_key: bytes) -> int:
    """A signed 64-bit integer (what SQLite's and PostgreSQL's integers hold) of the row's cells
    in the file's column order; a number or date cell of a workbook is told apart from the
    same text."""
    values = row.values()
    try:
        text = _SEPARATOR.join(values)
    except TypeError:  # a workbook's cells: numbers, dates, empty
        text = _SEPARATOR.join(v if type(v) is str else f"\x1e{type(v).__name__}:{v!r}" for v in values)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8, key=digest_key).digest()
    return int.from_bytes(digest, "big", signed=True)


def nik_of(value: object) -> str | None:
    """The NIK a row's cell gives, as the import stores it; None when it is not 16 digits (the
    row cannot name a stored resident)."""
    if type(value) is str and len(value) == 16 and value.isascii() and value.isdigit():
        return value
    nik = rules.stored_nik(value)
    return nik if len(nik) == 16 and nik.isascii() and nik.isdigit() else None


def stored(niks: list[str]) -> dict[str, int]:
    """NIK -> the digest stored for that resident, for the residents among ``niks`` that have one."""
    found: dict[str, int] = {}
    for start in range(0, len(niks), 900):
        part = niks[start:start + 900]
        found.update(database.execute_sql(
            f"SELECT nik, import_hash FROM resident WHERE nik IN ({','.join('?' * len(part))})"
            " AND import_hash IS NOT NULL", part).fetchall())
    return found


def depends_on_the_day(raw: dict, cleaned: rules.ResidentInput) -> bool:
    """Whether the values stored from this row depend on the day of the import: a resident who
    is not HIDUP without the date it happened is stored with the import's day."""
    return cleaned.life_status != rules.ALIVE and not str(raw.get("life_status_on") or "").strip()
