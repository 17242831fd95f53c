"""Import of a SIAK-like resident listing (CSV) at scale, against its stdlib floor.

    python bench/bench_import.py [--residents 1000000] [--db PATH] [--runs 1] [--small 200000]

Writes ``siak_<N>.csv`` from the demo database (built first when missing) into the benchmarks'
folder (``DUKCAPIL_BENCH_OUT``, default ``bench/out``), then, side by side in one run:

- the floor, ``floor_import.py`` (csv + sqlite3 ``executemany`` in one transaction into the
  resident table as the migrations leave it, the name and recap indexes built after, WAL +
  ``synchronous=FULL``), in its own process; and, for comparison with earlier measurements
  only, the same floor into the table as it was before migrations 12 and 14 (``--before-12``);
- the project's command, ``dukcapil import residents`` into an empty office, in its own process;
- the same command again on the same file, which must change nothing.

Each process's peak memory (RSS) comes from ``wait4``. The import is run a second time on the
file's first ``--small`` rows, to show that its peak does not grow with the file. Exits
non-zero when a ratio or a check is missed:

- import ≤ 2× the floor; re-import of the unchanged file ≤ 1× the floor;
- peak memory ≤ 250 MB, and the full file's peak within 10 % (+10 MB) of the small file's.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import benchlib
from benchlib import OUT_DIR

IMPORT_RATIO = 2.0
REIMPORT_RATIO = 1.0
PEAK_MB = 250
HEADER = ["NIK", "NAMA", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA", "ALAMAT", "RT", "RW",
          "STAT_KWN", "STATUS_REKAM"]
# How SIAK listings spell the values (the import reads these through its aliases).
SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
MARITAL = {"belum_kawin": "BELUM KAWIN", "kawin": "KAWIN", "cerai_hidup": "CERAI HIDUP", "cerai_mati": "CERAI MATI"}
RECORDING = {"belum": "BELUM REKAM", "sudah": "SUDAH REKAM"}
PASSWORD = "benchmark-123"


def write_csv(source: Path, target: Path, limit: int | None = None) -> int:
    """Export the residents of ``source`` the way a SIAK listing looks; returns the row count."""
    tmp = target.with_name(target.name + ".writing")
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT nik, name, birth_place, birth_date, sex, desa_code, address, rt, rw, marital_status,"
        " recording_status FROM resident ORDER BY id" + (f" LIMIT {int(limit)}" if limit else "")
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


def listing(source: Path, rows: int) -> Path:
    path = OUT_DIR / f"siak_{rows}.csv"
    if not path.exists() or path.stat().st_mtime < source.stat().st_mtime:
        started = time.perf_counter()
        written = write_csv(source, path, rows)
        print(f"wrote {path} ({written:,} rows, {path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def empty_office(path: Path) -> None:
    """A fresh office database at ``path`` (its admin's password is PASSWORD)."""
    from dukcapil_tui.db import database
    from dukcapil_tui.services.office import init_office

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    init_office(
        path, office_name="Disdukcapil Kabupaten Lombok Tengah (benchmark)", region_code="52.02",
        timezone="Asia/Makassar", admin_username="admin", admin_full_name="Benchmark",
        admin_password=PASSWORD, workstation="BENCH",
    )
    database.close()


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of process ``pid`` and its children together (KB), from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            pending += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measured(command: list[str], together: list[float] | None = None) -> tuple[float, float, int]:
    """Run ``command``; (wall seconds, peak RSS in MB, exit status). The peak is the largest
    process's (``wait4``: the command or a process it started, e.g. the import's reader); with
    ``together``, the peak of all its processes' memory added up (sampled every 20 ms) is
    appended to it."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if together is not None:
        sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    if together is not None:
        sampler.join()
        together.append(peak[0] / 1024)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0,):
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-2000:])
    process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def floor(csv_path: Path, before_12: bool = False) -> tuple[float, float]:
    """The floor's (seconds, peak MB): into the resident table as the migrations leave it, or
    (``before_12``) as it was before migrations 12 and 14, the floor measured until then."""
    target = OUT_DIR / "floor_target.sqlite3"
    seconds, peak, code = measured([sys.executable, str(benchlib.BENCH_DIR / "floor_import.py"), str(csv_path),
                                    str(target), *(["--before-12"] if before_12 else [])])
    if code:
        raise SystemExit("the floor failed")
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    return seconds, peak


def command(target: Path, csv_path: Path, password_file: Path,
            together: list[float] | None = None) -> tuple[float, float, int]:
    """``dukcapil import residents`` as a user runs it; (seconds, peak MB, exit status)."""
    return measured([sys.executable, "-m", "dukcapil_tui", "--db", str(target), "--user", "admin",
                     "--password-file", str(password_file), "import", "residents", str(csv_path),
                     "--report-dir", str(OUT_DIR)], together)


def counts(target: Path) -> tuple:
    connection = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        residents, updated = connection.execute("SELECT count(*), max(updated_at) FROM resident").fetchone()
        # Entries of the import itself (the command's login writes one of its own).
        audit = connection.execute("SELECT count(*) FROM audit_log WHERE action LIKE 'resident.%'").fetchone()[0]
    finally:
        connection.close()
    return residents, audit, updated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000, help="rows in the listing (default 1,000,000)")
    parser.add_argument("--db", type=Path, help="demo database the listing is exported from (built when missing)")
    parser.add_argument("--runs", type=int, default=1, help="floor and import this many times each, alternating")
    parser.add_argument("--small", type=int, default=200_000, help="rows of the smaller listing (peak flatness)")
    args = parser.parse_args()

    print(benchlib.machine())
    source, built = benchlib.demo_db(args.residents, args.db)
    if built is not None:
        print(f"demo database built in {built:.1f} s")
    big = listing(source, args.residents)
    small = listing(source, min(args.small, args.residents))
    password_file = OUT_DIR / "bench-password"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    target = OUT_DIR / "import_target.sqlite3"

    problems: list[str] = []
    rows = []
    together: list[float] = []  # peak memory of the first import's processes added up
    for number in range(args.runs):
        floor_s, floor_mb = floor(big)
        old_floor_s, _mb = floor(big, before_12=True)
        empty_office(target)
        first_s, first_mb, code = command(target, big, password_file, together)
        if code:
            problems.append(f"run {number + 1}: the import failed (exit status {code})")
        residents, _audit, _updated = before = counts(target)
        if residents != args.residents:
            problems.append(f"run {number + 1}: {residents:,} residents after the import, not {args.residents:,}")
        again_s, again_mb, code = command(target, big, password_file)
        if code:
            problems.append(f"run {number + 1}: the re-import failed (exit status {code})")
        if counts(target) != before:
            problems.append(f"run {number + 1}: the re-import wrote to the database: {before} -> {counts(target)}")
        rows.append((floor_s, floor_mb, first_s, first_mb, again_s, again_mb, old_floor_s))
        print(f"run {number + 1}: floor {floor_s:.1f} s ({floor_mb:.0f} MB), import {first_s:.1f} s "
              f"({first_mb:.0f} MB) = {first_s / floor_s:.2f}x, re-import {again_s:.1f} s ({again_mb:.0f} MB) = "
              f"{again_s / floor_s:.2f}x; against the floor before migrations 12 and 14 ({old_floor_s:.1f} s): "
              f"{first_s / old_floor_s:.2f}x, {again_s / old_floor_s:.2f}x", flush=True)
    empty_office(target)
    small_together: list[float] = []
    small_s, small_mb, code = command(target, small, password_file, small_together)
    if code:
        problems.append(f"the import of {small.name} failed (exit status {code})")
    print(f"{small.name}: import {small_s:.1f} s, {small_mb:.0f} MB", flush=True)

    # The median run by the import's ratio.
    rows.sort(key=lambda r: r[2] / r[0])
    floor_s, floor_mb, first_s, first_mb, again_s, again_mb, old_floor_s = rows[len(rows) // 2]
    peak = max(max(r[3], r[5]) for r in rows)
    print(f"peak memory of the first import's processes added up (the writer and its reader): "
          f"{small.stem} {small_together[0]:.0f} MB, {big.stem} {max(together):.0f} MB")
    checks = [
        ("import / floor", first_s / floor_s, IMPORT_RATIO, f"{first_s:.1f} s / {floor_s:.1f} s"),
        ("re-import (unchanged) / floor", again_s / floor_s, REIMPORT_RATIO, f"{again_s:.1f} s / {floor_s:.1f} s"),
        ("peak memory, MB", peak, PEAK_MB, f"floor {floor_mb:.0f} MB"),
        ("peak memory, processes together, MB", max(together), PEAK_MB, ""),
        (f"peak growth {small.stem} -> {big.stem}, MB", peak - small_mb, max(10, small_mb * 0.1),
         f"{small_mb:.0f} -> {peak:.0f} MB"),
    ]
    print(f"(against the floor before migrations 12 and 14, {old_floor_s:.1f} s: import {first_s / old_floor_s:.2f}x,"
          f" re-import {again_s / old_floor_s:.2f}x; not checked)")
    print()
    print(f"{'measure':<40} {'value':>8} {'limit':>8}  ok")
    ok = not problems
    for name, value, limit, note in checks:
        good = value <= limit
        ok &= good
        print(f"{name:<40} {value:>8.2f} {limit:>8.2f}  {'yes' if good else 'NO'}  {note}")
    for problem in problems:
        print(f"  ! {problem}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
