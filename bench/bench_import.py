"""Import of a SIAK-like resident listing (CSV) at scale.

    python bench/bench_import.py [--residents 1000000] [--db PATH] [--runs 1]

Writes ``bench/out/siak_<N>.csv`` from the demo database (built first when missing), then
imports it with ``services.resident_import.import_residents`` into an empty office database,
and imports the same file again, which must change nothing. Budget (DESIGN §4): the first
import of 1,000,000 residents under 60 s. Exits non-zero when a budget or a check fails.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import benchlib
from benchlib import OUT_DIR, Result

IMPORT_BUDGET_S = 60.0
HEADER = ["NIK", "NAMA", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA", "ALAMAT", "RT", "RW",
          "STAT_KWN", "STATUS_REKAM"]
# How SIAK listings spell the values (the import reads these through its aliases).
SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
MARITAL = {"belum_kawin": "BELUM KAWIN", "kawin": "KAWIN", "cerai_hidup": "CERAI HIDUP", "cerai_mati": "CERAI MATI"}
RECORDING = {"belum": "BELUM REKAM", "sudah": "SUDAH REKAM"}


def write_csv(source: Path, target: Path) -> int:
    """Export every resident of ``source`` the way a SIAK listing looks; returns the row count."""
    tmp = target.with_name(target.name + ".writing")
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT nik, name, birth_place, birth_date, sex, desa_code, address, rt, rw, marital_status,"
        " recording_status FROM resident ORDER BY id"
    )
    count = 0
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for nik, name, place, birth, sex, desa, address, rt, rw, marital, recording in rows:
            y, m, d = birth.split("-")
            writer.writerow([nik, name, place, f"{d}-{m}-{y}", SEX[sex], desa, address, rt, rw,
                             MARITAL[marital], RECORDING[recording]])
            count += 1
    connection.close()
    tmp.replace(target)
    return count


def empty_office(path: Path):
    from dukcapil_tui.db import database
    from dukcapil_tui.services.office import init_office

    if database.obj is not None:
        database.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return init_office(
        path, office_name="Disdukcapil Kabupaten Lombok Tengah (benchmark)", region_code="52.02",
        timezone="Asia/Makassar", admin_username="admin", admin_full_name="Benchmark",
        admin_password="benchmark-123", workstation="BENCH",
    )


def counts() -> tuple[int, int, str]:
    from dukcapil_tui.db import database

    residents, updated = database.execute_sql("SELECT count(*), max(updated_at) FROM resident").fetchone()
    audit = database.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]
    return residents, audit, updated


def run_once(csv_path: Path, target: Path, expected: int, today: date) -> tuple[float, float, list[str]]:
    """Import into an empty office, then again; (first s, second s, problems)."""
    from dukcapil_tui.services.resident_import import import_residents

    actor = empty_office(target)
    problems = []
    started = time.perf_counter()
    first = import_residents(actor, csv_path, today=today, report_dir=OUT_DIR)
    first_s = time.perf_counter() - started
    if (first.total, first.inserted, first.updated, len(first.rejected)) != (expected, expected, 0, 0):
        problems.append(f"first import: {first.summary} (expected {expected:,} inserted)")
    before = counts()
    started = time.perf_counter()
    second = import_residents(actor, csv_path, today=today, report_dir=OUT_DIR)
    second_s = time.perf_counter() - started
    if (second.inserted, second.updated, second.unchanged, len(second.rejected)) != (0, 0, expected, 0):
        problems.append(f"re-import changed something: {second.summary}")
    if counts() != before:
        problems.append(f"re-import wrote to the database: {before} -> {counts()}")
    return first_s, second_s, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000, help="rows in the listing (default 1,000,000)")
    parser.add_argument("--db", type=Path, help="demo database the listing is exported from (built when missing)")
    parser.add_argument("--runs", type=int, default=1, help="import the listing this many times (median reported)")
    args = parser.parse_args()

    print(benchlib.machine())
    source, built = benchlib.demo_db(args.residents, args.db)
    if built is not None:
        print(f"demo database built in {built:.1f} s")
    csv_path = OUT_DIR / f"siak_{args.residents}.csv"
    if not csv_path.exists() or csv_path.stat().st_mtime < source.stat().st_mtime:
        started = time.perf_counter()
        written = write_csv(source, csv_path)
        print(f"wrote {csv_path} ({written:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
    expected = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1

    target = OUT_DIR / "import_target.sqlite3"
    firsts, seconds, problems = [], [], []
    for number in range(args.runs):
        first_s, second_s, run_problems = run_once(csv_path, target, expected, date.today())
        print(f"run {number + 1}: import {first_s:.1f} s, re-import {second_s:.1f} s", flush=True)
        firsts.append(first_s)
        seconds.append(second_s)
        problems += run_problems
    scale = args.residents / 1_000_000
    budget_ms = IMPORT_BUDGET_S * 1000 * scale
    results = [
        Result(f"import {expected:,} rows (empty db)", firsts, budget_ms,
               note=f"{expected / statistics.median(firsts):,.0f} rows/s; budget on the median run",
               problems=problems, held_to="median"),
        Result("re-import, nothing changes", seconds, None,
               note=f"{expected / statistics.median(seconds):,.0f} rows/s"),
    ]
    print()
    ok = benchlib.print_table(results)
    if scale != 1:
        print(f"(budget scaled from {IMPORT_BUDGET_S:.0f} s per 1,000,000 rows)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
