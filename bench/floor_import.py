"""The stdlib floor of a resident import: what loading a SIAK-like CSV costs with nothing but
``csv`` and ``sqlite3``, for ``bench_import.py`` to compare the project's import against.

    python bench/floor_import.py LISTING.csv TARGET.sqlite3 [--before-12]

Reads the listing with ``csv.reader``, turns each row into the stored values with the least
work possible (no checks: dates reordered by slicing, codes by dictionary), and inserts every
row with ``executemany`` in ONE transaction into the project's ``resident`` table as the
migrations leave it (its NIK and UUID UNIQUE indexes kept as rows arrive); the three name
indexes and the recap index are created after the load. ``--before-12``: the table and its
three name indexes as they were before migrations 12 and 14 (the floor measured until then).
WAL and ``synchronous=FULL``, as the application runs. Prints the seconds taken and the rows.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
import time
import uuid
from pathlib import Path

_FIRST_COLUMNS = """    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    nik TEXT NOT NULL UNIQUE CHECK (length(nik) = 16),
    name TEXT NOT NULL COLLATE NOCASE,
    birth_place TEXT NOT NULL DEFAULT '',
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    desa_code TEXT NOT NULL,
    kecamatan_code TEXT NOT NULL CHECK (kecamatan_code = substr(desa_code, 1, 8)),
    address TEXT NOT NULL DEFAULT '',
    rt TEXT NOT NULL DEFAULT '',
    rw TEXT NOT NULL DEFAULT '',
"""
# The resident table as the migrations leave it today (migrations 1, 8, 11, 12 and 15: the same
# columns, CHECKs and types; without the trigger of migration 15, which no INSERT fires, and the
# foreign key to the region table, which the floor does not have), and its four non-unique
# indexes, built after the load as a first import builds them.
TABLE = """CREATE TABLE resident (
""" + _FIRST_COLUMNS + """    marital_status TEXT NOT NULL
        CHECK (marital_status IN ('belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati')),
    recording_status TEXT NOT NULL CHECK (recording_status IN ('belum', 'sudah')),
    workstation TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    life_status TEXT NOT NULL DEFAULT 'hidup' CHECK (life_status IN ('hidup', 'mati', 'pindah', 'hilang')),
    life_status_on DATE,
    name_protected INTEGER NOT NULL DEFAULT 0,
    religion TEXT NOT NULL DEFAULT '' CHECK (length(religion) <= 40),
    occupation TEXT NOT NULL DEFAULT '' CHECK (length(occupation) <= 60),
    citizenship TEXT NOT NULL DEFAULT '' CHECK (citizenship IN ('', 'WNI', 'WNA')),
    marital_known INTEGER NOT NULL DEFAULT 1 CHECK (marital_known IN (0, 1)),
    import_hash BIGINT
)"""
INDEXES = (
    "CREATE INDEX resident_name ON resident (name, id)",
    "CREATE INDEX resident_kecamatan_name ON resident (kecamatan_code, name, id)",
    "CREATE INDEX resident_desa_name ON resident (desa_code, name, id)",
    "CREATE INDEX resident_capaian ON resident "
    "(desa_code, sex, recording_status, life_status, birth_date, marital_status, life_status_on)",
)
# The floor as it was measured before migrations 12 and 14 (``--before-12``): the table without
# the columns added since and three name indexes. Kept to compare with earlier measurements.
TABLE_BEFORE_12 = """CREATE TABLE resident (
""" + _FIRST_COLUMNS + """    marital_status TEXT NOT NULL,
    recording_status TEXT NOT NULL,
    life_status TEXT NOT NULL DEFAULT 'hidup',
    workstation TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
)"""
INDEXES_BEFORE_12 = INDEXES[:3]
SEX = {"LAKI-LAKI": "L", "PEREMPUAN": "P"}
MARITAL = {"BELUM KAWIN": "belum_kawin", "KAWIN": "kawin", "CERAI HIDUP": "cerai_hidup", "CERAI MATI": "cerai_mati"}
RECORDING = {"BELUM REKAM": "belum", "SUDAH REKAM": "sudah"}


def load(listing: Path, target: Path, before_12: bool = False) -> int:
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute(TABLE_BEFORE_12 if before_12 else TABLE)
    now = "2026-11-30 00:00:00"

    def rows():
        with listing.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for nik, name, place, birth, sex, desa, address, rt, rw, marital, recording in reader:
                yield (str(uuid.uuid4()), nik, name, place, f"{birth[6:]}-{birth[3:5]}-{birth[:2]}", SEX[sex],
                       desa, desa[:8], address, rt, rw, MARITAL[marital], RECORDING[recording], "BENCH", now, now)

    connection.execute("BEGIN")
    cursor = connection.executemany(
        "INSERT INTO resident (uuid, nik, name, birth_place, birth_date, sex, desa_code, kecamatan_code, address,"
        " rt, rw, marital_status, recording_status, workstation, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    count = cursor.rowcount
    for statement in INDEXES_BEFORE_12 if before_12 else INDEXES:
        connection.execute(statement)
    connection.execute("COMMIT")
    connection.close()
    return count


def main() -> int:
    listing, target = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    count = load(listing, target, before_12="--before-12" in sys.argv[3:])
    print(f"{time.perf_counter() - started:.3f} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
