"""Excel recaps at scale: the capaian recap at 1,000,000 residents, a 100,000-row named list.

    python bench/bench_reports.py [--residents 1000000] [--list-rows 100000] [--runs 3]

Works on its own copy, ``bench/out/reports_<N>.sqlite3``: copied (SQLite backup API, read
only) from ``bench/out/residents_<N>.sqlite3`` when that demo database is there, else built
with ``demo.builder.build_demo``. The copy gets a printing backlog at DESIGN §4's scale
(100,000 cards, each with its events, and 5,000 open Suket), and exactly ``--list-rows``
wajib KTP residents marked not recorded, so the named list has that many rows.

Measured: the capaian recap today (card table) and for a past day (card events), SQL and the
whole export, side by side with its floor (``floor_capaian``: the same aggregates as raw
GROUP BY queries through the stdlib ``sqlite3``, the resident table scanned); every recap's
query work (``reports.preview``) today and for a day 40 days back; the named list's export
time, and its memory while it streams (tracemalloc sampled every 2,000 rows, in a second run)
plus the process's peak RSS. Budgets: the capaian export within 1.5x its floor and every
recap's queries under 0.5 s (issue 14); 100,000-row list under 15 s with flat memory (DESIGN
§4) and within 1.2x a bare openpyxl write-only loop over the same rows (``floor_named_list``).
Exits non-zero when a budget fails.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import sys
import time
import tracemalloc
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import benchlib
from benchlib import OUT_DIR, Result

LIST_BUDGET_S = 15.0
LIST_FLOOR_RATIO = 1.2  # the named list against a bare openpyxl write-only loop over the same rows
CAPAIAN_FLOOR_RATIO = 1.5
RECAP_QUERY_S = 0.5
# the recaps whose preview is a count (the named lists stream their rows: measured above)
RECAPS = ("capaian", "belum-rekam", "backlog", "menunggu-kartu", "blangko", "harian", "gangguan", "alat")
BACKLOG_CARDS = 100_000
OPEN_SUKET = 5_000
MARK = "bench_reports_v2"  # v2: the list's residents are alive (the wajib KTP condition)


def prepare(residents: int, list_rows: int) -> Path:
    """The benchmark's own database, made once and reused."""
    from dukcapil_tui.db import database, open_database
    from dukcapil_tui.demo.builder import build_demo, demo_is_current

    target = OUT_DIR / f"reports_{residents}.sqlite3"
    if not target.exists():
        source = benchlib.default_demo_path(residents)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        if source.exists():
            print(f"copying {source.name} -> {target.name} (SQLite backup, source opened read-only) ...", flush=True)
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            dst = sqlite3.connect(str(target))
            src.backup(dst)
            dst.close()
            src.close()
        if not demo_is_current(target):
            print(f"building {target.name} with {residents:,} residents (build_demo) ...", flush=True)
            started = time.perf_counter()
            build_demo(target, residents=residents, seed=benchlib.SEED)
            print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    open_database(target)
    marked = database.execute_sql("SELECT value FROM setting WHERE key = ?", (MARK,)).fetchone()
    if marked is None or marked[0] != str(list_rows):
        print("adding the printing backlog and setting the named list's size ...", flush=True)
        started = time.perf_counter()
        scale_up(list_rows)
        print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
    return target


def scale_up(list_rows: int) -> None:
    """Give the open office database the printing backlog and a named list of ``list_rows``
    rows; on either engine (bench_engines.py does the same to its PostgreSQL office)."""
    from dukcapil_tui.db import database, insert_rows
    from dukcapil_tui.domain.residents import WAJIB_KTP_AGE, years_ago

    rng = random.Random(benchlib.SEED)
    today = date.today()
    cut = years_ago(today, WAJIB_KTP_AGE).isoformat()
    wajib = "life_status = 'hidup' AND (birth_date <= ? OR marital_status != 'belum_kawin')"
    with database.atomic():
        if not database.execute_sql("SELECT EXISTS (SELECT 1 FROM card)").fetchone()[0]:
            ids = [r[0] for r in database.execute_sql(
                f"SELECT id FROM resident WHERE recording_status = 'sudah' AND {wajib} ORDER BY id", (cut,))]
            chosen = rng.sample(ids, min(BACKLOG_CARDS, len(ids) // 2))
            statuses = (("waiting_prr", "BIO_CAPTURED", 0.3), ("ready_to_print", "PRINT_READY_RECORD", 0.4),
                        ("printed", "PRINT_READY_RECORD", 0.2), ("needs_rerecording", "DUPLICATE_RECORD", 0.05),
                        ("handed_over", "CARD_ISSUED", 0.05))
            cards, events = [], []
            for number, resident_id in enumerate(chosen, start=1):
                office, central, _ = rng.choices(statuses, weights=[s[2] for s in statuses])[0]
                recorded = datetime.combine(today - timedelta(days=rng.randint(0, 365)), datetime.min.time()) \
                    + timedelta(hours=rng.randint(0, 8))
                stamp = str(recorded)
                cards.append((number, str(uuid.UUID(int=rng.getrandbits(128), version=4)), resident_id, "baru",
                              stamp, "BENCH", central, office, "BENCH", stamp, stamp, stamp))
                events.append((number, stamp, "BIO_CAPTURED", "waiting_prr", "bench", "bench"))
                if office != "waiting_prr":
                    later = str(recorded + timedelta(days=rng.randint(1, 20)))
                    events.append((number, later, central, office, "bench", "bench"))
            insert_rows("card", ("id", "uuid", "resident_id", "reason", "recorded_at", "recorded_where",
                                 "central_status", "office_status", "workstation", "created_at", "updated_at",
                                 "status_changed_at"), cards)
            insert_rows("card_event", ("card_id", "at", "central_status", "office_status", "username", "source"),
                        events)
            waiting = [c for c in cards if c[7] in ("waiting_prr", "ready_to_print")][:OPEN_SUKET]
            insert_rows("suket", ("uuid", "number", "year", "seq", "resident_id", "card_id", "issued_at", "username",
                                  "status"),
                        [(f"bench-{i}", f"470/{i:05d}/BENCH", today.year, i, c[2], c[0], c[4], "bench", "open")
                         for i, c in enumerate(waiting, start=1)])
        current = database.execute_sql(
            f"SELECT count(*) FROM resident WHERE recording_status = 'belum' AND {wajib}", (cut,)).fetchone()[0]
        if current < list_rows:
            database.execute_sql(
                f"UPDATE resident SET recording_status = 'belum' WHERE id IN (SELECT id FROM resident "
                f"WHERE recording_status = 'sudah' AND {wajib} AND id NOT IN (SELECT resident_id FROM card) "
                f"ORDER BY id DESC LIMIT ?)", (cut, list_rows - current))
        elif current > list_rows:
            database.execute_sql(
                f"UPDATE resident SET recording_status = 'sudah' WHERE id IN (SELECT id FROM resident "
                f"WHERE recording_status = 'belum' AND {wajib} ORDER BY id LIMIT ?)", (cut, current - list_rows))
        database.execute_sql("INSERT INTO setting (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (MARK, str(list_rows)))


def floor_capaian(path: Path, day: date) -> None:
    """The capaian recap's aggregates at their rawest: the stdlib ``sqlite3``, one GROUP BY per
    figure (wajib KTP and recorded per desa from a scan of the resident table; cards per desa
    and status; open Suket per desa), nothing built from the rows."""
    from dukcapil_tui.domain.residents import WAJIB_KTP_AGE, years_ago

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute("PRAGMA cache_size = -32768")  # the application's page cache (db.PRAGMAS)
    cut, alive_on, end = years_ago(day, WAJIB_KTP_AGE).isoformat(), day.isoformat(), str(day + timedelta(days=1))
    connection.execute(
        "SELECT desa_code, SUM(sex = 'L'), SUM(sex = 'P'), SUM(recording_status = 'sudah') FROM resident NOT INDEXED "
        "WHERE (life_status = 'hidup' OR life_status_on > ?) AND (birth_date <= ? OR marital_status != 'belum_kawin') "
        "GROUP BY desa_code", (alive_on, cut)).fetchall()
    connection.execute(
        "SELECT r.desa_code, c.origin, c.office_status, COUNT(*) FROM card c JOIN resident r ON r.id = c.resident_id "
        "GROUP BY r.desa_code, c.origin, c.office_status").fetchall()
    connection.execute(
        "SELECT r.desa_code, COUNT(*) FROM suket k JOIN resident r ON r.id = k.resident_id "
        "WHERE k.issued_at < ? AND (k.closed_at IS NULL OR k.closed_at >= ?) GROUP BY r.desa_code",
        (end, end)).fetchall()
    connection.close()


def floor_named_list(path: Path, day: date, target: Path) -> int:
    """The named list at its rawest: the same rows read with the stdlib ``sqlite3`` (the table
    scanned, sorted by desa and name) appended to an openpyxl write-only workbook, a sheet per
    kecamatan; no heading, styles, formulas or summary."""
    from openpyxl import Workbook

    from dukcapil_tui.domain.residents import WAJIB_KTP_AGE, years_ago

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute("PRAGMA cache_size = -32768")
    cut = years_ago(day, WAJIB_KTP_AGE).isoformat()
    wb = Workbook(write_only=True)
    ws, kecamatan, written = None, None, 0
    for nik, name, sex, birth, marital, address, rt, rw, desa in connection.execute(
            "SELECT nik, name, sex, birth_date, marital_status, address, rt, rw, desa_code FROM resident NOT INDEXED "
            "WHERE (life_status = 'hidup' OR life_status_on > ?) AND (birth_date <= ? OR marital_status != "
            "'belum_kawin') AND recording_status = 'belum' ORDER BY desa_code, name, id", (day.isoformat(), cut)):
        if desa[:8] != kecamatan:
            kecamatan, ws, number = desa[:8], wb.create_sheet(desa[:8]), 0
        number += 1
        born = date.fromisoformat(birth[:10])
        ws.append([number, nik, name, sex, born, day.year - born.year, marital, address, f"{rt}/{rw}", desa])
        written += 1
    wb.save(target)
    connection.close()
    return written


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--list-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each measure (median reported)")
    args = parser.parse_args()

    print(benchlib.machine())
    db_path = prepare(args.residents, args.list_rows)

    from dukcapil_tui import reports
    from dukcapil_tui.reports import capaian
    from dukcapil_tui.services import settings
    from dukcapil_tui.services.context import system_actor

    actor = system_actor("BENCH")
    today = settings.office_today()
    out = OUT_DIR / "exports"
    this_month = reports.parse_period("capaian", today=today)
    past_day = reports.parse_period("capaian", date_text=(today - timedelta(days=40)).isoformat(), today=today)
    list_period = reports.parse_period("belum-rekam", today=today)
    results: list[Result] = []
    problems: list[str] = []

    cpu: dict[int, list[float]] = {}

    def timed(call, runs: int = args.runs) -> list[float]:
        """Wall-clock seconds per run; the process's CPU seconds go to ``cpu[id(list)]``."""
        seconds, used = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            seconds.append(time.perf_counter() - started)
            used.append(time.process_time() - started_cpu)
        cpu[id(seconds)] = used
        return seconds

    def cpu_note(seconds: list[float]) -> str:
        return f"cpu {statistics.median(cpu[id(seconds)]):.2f} s"

    data = capaian.collect(this_month)
    print(f"capaian: {data.total.wajib:,} wajib KTP, {data.total.recorded:,} recorded, "
          f"{data.total.not_printed:,} cards not printed, {data.total.suket:,} Suket", flush=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    today_s = timed(lambda: capaian.collect(this_month))
    results.append(Result("capaian SQL, today", today_s, RECAP_QUERY_S * 1000, note=cpu_note(today_s)))
    capaian.collect(past_day)  # warmed once, as today's is above: its pages (the events) are others
    past_s = timed(lambda: capaian.collect(past_day))
    results.append(Result("capaian SQL, day 40 days ago", past_s, RECAP_QUERY_S * 1000,
                          note=cpu_note(past_s) + ", card states from events"))
    # the export and its floor alternate, so that both meet the same machine
    export_s, floor_s = [], []
    for _ in range(args.runs):
        export_s += timed(lambda: reports.export("capaian", this_month, out, actor), runs=1)
        floor_s += timed(lambda: floor_capaian(db_path, today), runs=1)
    ratio = statistics.median(export_s) / statistics.median(floor_s)
    results.append(Result("capaian floor (raw GROUP BY scans)", floor_s, None, note="stdlib sqlite3",
                          held_to="median"))
    results.append(Result("capaian export (SQL + xlsx)", export_s, CAPAIAN_FLOOR_RATIO * statistics.median(floor_s)
                          * 1000, note=f"{ratio:.2f}x the floor (budget {CAPAIAN_FLOOR_RATIO}x)", held_to="median"))
    back = today - timedelta(days=40)
    for kind in RECAPS:
        by_day = "date" in reports.report_info(kind).kinds
        past = (reports.parse_period(kind, date_text=back.isoformat(), today=today) if by_day
                else reports.parse_period(kind, month_text=back.strftime("%Y-%m"), today=today))
        for label, period in (("now", reports.default_period(kind, today)), ("40 days back", past)):
            seconds = timed(lambda kind=kind, period=period: reports.preview(kind, period))
            results.append(Result(f"{kind} queries, {label}", seconds, RECAP_QUERY_S * 1000,
                                  note="reports.preview"))

    expected = reports.preview("belum-rekam", list_period).rows
    if expected != args.list_rows:
        problems.append(f"the list holds {expected:,} rows, expected {args.list_rows:,}")
    rss_before = peak_rss_mb()
    list_seconds, list_floor = [], []
    floor_file = out / "floor_named_list.xlsx"
    for _ in range(args.runs):  # alternating, so that both meet the same machine
        list_seconds += timed(lambda: reports.export("belum-rekam", list_period, out, actor), runs=1)
        list_floor += timed(lambda: floor_named_list(db_path, today, floor_file), runs=1)
    rss_after = peak_rss_mb()

    samples: list[tuple[int, int]] = []
    tracemalloc.start()
    reports.export("belum-rekam", list_period, out, actor,
                   progress=lambda done, total: samples.append((done, tracemalloc.get_traced_memory()[0])))
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    early_rows, at_10k = next(((done, m) for done, m in samples if done >= 10_000), samples[0])
    at_end = samples[-1][1]
    growth = (at_end - at_10k) / 1e6
    if growth > 20:
        problems.append(f"memory grew by {growth:.1f} MB between {early_rows:,} rows and the end")
    path = out / reports.file_name("belum-rekam", list_period)
    list_ratio = statistics.median(list_seconds) / statistics.median(list_floor)
    if list_ratio > LIST_FLOOR_RATIO:
        problems.append(f"{list_ratio:.2f}x the bare openpyxl loop (budget {LIST_FLOOR_RATIO}x)")
    results.append(Result("named list floor (bare openpyxl loop)", list_floor, None, held_to="median",
                          note="stdlib sqlite3 + write-only workbook"))
    results.append(Result(f"named list {expected:,} rows", list_seconds, LIST_BUDGET_S * 1000,
                          note=f"{list_ratio:.2f}x the floor; {path.stat().st_size / 1e6:.1f} MB file",
                          problems=problems))
    print()
    ok = benchlib.print_table(results)
    print()
    print(f"named list memory (tracemalloc): {at_10k / 1e6:.1f} MB at {early_rows:,} rows, {at_end / 1e6:.1f} MB at "
          f"{samples[-1][0]:,} rows, peak {traced_peak / 1e6:.1f} MB")
    print(f"process peak RSS: {rss_before:.0f} MB before the list exports, {rss_after:.0f} MB after")
    print(f"load average after: {os.getloadavg()[0]:.2f} (2 cores; above 2, other work shared the CPU)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
