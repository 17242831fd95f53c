"""The printing backlog at scale: importing a SIAK status listing, backlog counts and pages.

    python bench/bench_cetak.py [--residents 150000] [--cards 100000] [--queries 30] [--rebuild]

Builds (or reuses) the demo database with ``dukcapil demo --build-only`` under ``bench/out/``,
copies it and writes ``--cards`` cards onto its residents with ``executemany`` (a realistic mix
of office statuses, ages, reasons and priorities), then measures:

(a) ``services.status_import.import_statuses`` of a CSV listing with one row per card (a few unknown
    NIKs, impossible moves, unknown texts and duplicates among them), then the same file again
    (which must change nothing). Target: "quick", well under 30 s for 100,000 rows.
(a2) the same import of a listing of ``--cards`` NIKs recorded elsewhere: residents of the
    register with no card, each row creating its card (with a recording day and site, as SIAK
    lists the kecamatan UPTs' records). Budget (issue 11): within 2x the 4.4 s the status import
    of 100,000 rows took at 1,000,000 residents before cards could be created (8.8 s); then the
    same file again (nothing created).
(b) ``services.cards.backlog_counts`` and the first ``backlog_page`` unfiltered and filtered by
    kecamatan, status, reason and age, plus a page deep in the list. Budget (DESIGN §4): a first
    page under 100 ms (95th percentile), and under 50 ms by kecamatan (issue 14). The counts run
    in a worker thread in the TUI; their time is reported, held to no budget. Each page query's
    plan is checked: it must read ``card`` through an index, in list order (no temporary B-tree
    for the ORDER BY; by kecamatan through ``card_kecamatan``, the card's own kecamatan).

Exits non-zero when a budget or a check fails.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import benchlib
from benchlib import OUT_DIR, Result

IMPORT_TARGET_S = 30.0
CREATE_BUDGET_S = 2 * 4.4
PAGE_MS = 100.0
KECAMATAN_PAGE_MS = 50.0  # issue 14

# office status -> (share, central statuses it may carry)
MIX = {
    "waiting_prr": (0.33, ("BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "SENT_FOR_ENROLLMENT", "ADJUDICATE_RECORD")),
    "ready_to_print": (0.37, ("PRINT_READY_RECORD",)),
    "printed": (0.12, ("PRINT_READY_RECORD", "CARD_PRINTED")),
    "needs_rerecording": (0.03, ("DUPLICATE_RECORD", "ENROLL_FAILURE_AT_CENTRAL", "ENROLL_FAILURE_AT_REGIONAL")),
    "handed_over": (0.15, ("CARD_ISSUED",)),
}
REASONS = (("baru", 0.62), ("rusak", 0.14), ("hilang", 0.12), ("perubahan_data", 0.08), ("pindah_datang", 0.04))
# what the next SIAK listing says, given what the card's central status is now
NEXT = {
    "BIO_CAPTURED": ("SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD", "BIO_CAPTURED"),
    "SENT_FOR_ENROLLMENT": ("PRINT_READY_RECORD", "PRINT_READY_RECORD", "SENT_FOR_ENROLLMENT", "DUPLICATE_RECORD"),
    "ADJUDICATE_RECORD": ("PRINT_READY_RECORD", "ADJUDICATE_RECORD"),
    "PRINT_READY_RECORD": ("PRINT_READY_RECORD", "CARD_PRINTED"),
    "CARD_PRINTED": ("CARD_PRINTED", "CARD_ISSUED"),
    "DUPLICATE_RECORD": ("DUPLICATE_RECORD",),
    "ENROLL_FAILURE_AT_CENTRAL": ("ENROLL_FAILURE_AT_CENTRAL",),
    "ENROLL_FAILURE_AT_REGIONAL": ("ENROLL_FAILURE_AT_REGIONAL",),
    "CARD_ISSUED": ("CARD_ISSUED",),
}


def _pick(rng: random.Random, weighted) -> str:
    roll, total = rng.random(), 0.0
    for value, share in weighted:
        total += share
        if roll < total:
            return value
    return weighted[-1][0]


def add_cards(path: Path, count: int, today: date, seed: int) -> dict[str, int]:
    """Write ``count`` cards onto random residents of the (closed) database at ``path``."""
    from dukcapil_tui import db as dbmod

    rng = random.Random(seed)
    db = dbmod.open_database(path)
    # one card per resident at most (the demo's own backlog already holds some): the app never
    # keeps two cards of one resident on their way
    resident_ids = [r[0] for r in db.execute_sql(
        "SELECT id FROM resident r WHERE NOT EXISTS (SELECT 1 FROM card c WHERE c.resident_id = r.id)")]
    chosen = rng.sample(resident_ids, count)
    statuses = [(office, share) for office, (share, _) in MIX.items()]
    rows, tally = [], {}
    for _number, resident_id in enumerate(chosen):
        office = _pick(rng, statuses)
        central = rng.choice(MIX[office][1])
        tally[office] = tally.get(office, 0) + 1
        age_days = int(rng.expovariate(1 / 150)) % 900  # most cards are recent, a tail is years old
        recorded = datetime(today.year, today.month, today.day, 1) - timedelta(days=age_days,
                                                                            minutes=rng.randrange(600))
        at = recorded.strftime("%Y-%m-%d %H:%M:%S")
        changed = (recorded + timedelta(days=rng.randrange(max(1, age_days) + 1))).strftime("%Y-%m-%d %H:%M:%S")
        rows.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), resident_id, _pick(rng, REASONS), at,
                     "Disdukcapil (BENCH)", central, office, int(rng.random() < 0.02), changed, "BENCH", at, at))
    started = time.perf_counter()
    with db.atomic():
        db.cursor().executemany(
            "INSERT INTO card (uuid, resident_id, reason, recorded_at, recorded_where, central_status, office_status,"
            " priority, status_changed_at, workstation, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows)
        db.execute_sql("UPDATE resident SET recording_status = 'sudah' WHERE id IN "
                       "(SELECT resident_id FROM card WHERE office_status != 'needs_rerecording')")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"  {count:,} cards written in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in tally.items()), flush=True)
    db.close()
    return tally


def write_listing(path: Path, target: Path, seed: int) -> dict[str, int]:
    """One row per card (newest card per NIK), as SIAK would list them, with a few bad rows."""
    import sqlite3

    rng = random.Random(seed)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    cards = connection.execute(  # the cards this benchmark wrote (the demo's own backlog is not listed)
        "SELECT r.nik, c.central_status FROM card c JOIN resident r ON r.id = c.resident_id "
        "WHERE c.workstation = 'BENCH' ORDER BY c.id").fetchall()
    connection.close()
    kinds: dict[str, int] = {}
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["NIK", "STATUS_KTP", "KETERANGAN"])
        for nik, central in cards:
            roll = rng.random()
            if roll < 0.005:
                kind, row = "unknown_nik", [f"52{rng.randrange(10**13, 10**14)}", "PRR", ""]
            elif roll < 0.010:
                kind, row = "bad_text", [nik, "SUDAH JADI", ""]
            elif roll < 0.015 and central in ("PRINT_READY_RECORD", "CARD_PRINTED"):
                kind, row = "backwards", [nik, "BIO_CAPTURED", ""]
            else:
                kind, row = "listed", [nik, rng.choice(NEXT.get(central, (central,))).replace("_", " ").lower(), ""]
            writer.writerow(row)
            kinds[kind] = kinds.get(kind, 0) + 1
            if rng.random() < 0.003:
                writer.writerow(row)
                kinds["duplicate"] = kinds.get("duplicate", 0) + 1
    return kinds


# --- (a) import ---------------------------------------------------------------------------------

def bench_import(base: Path, listing: Path) -> list[Result]:
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.services.status_import import import_statuses
    from dukcapil_tui.services.context import system_actor

    target = OUT_DIR / "cetak_import_target.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(base, target)
    dbmod.open_database(target)
    actor = system_actor("BENCH")
    results = []
    for label in ("import statuses, first", "import statuses, again"):
        before = dbmod.database.execute_sql("SELECT count(*) FROM card_event").fetchone()[0]
        started = time.perf_counter()
        outcome = import_statuses(actor, listing)
        elapsed = time.perf_counter() - started
        events = dbmod.database.execute_sql("SELECT count(*) FROM card_event").fetchone()[0] - before
        note = (f"{outcome.total:,} rows: {outcome.applied:,} applied, {outcome.unchanged:,} unchanged, "
                f"{len(outcome.rejected):,} rejected; {outcome.total / elapsed:,.0f} rows/s")
        result = Result(label, [elapsed], IMPORT_TARGET_S * 1000, note=note)
        expected = outcome.applied + outcome.created + outcome.replaced
        if events != expected:
            result.problems.append(f"{events:,} card events for {outcome.applied:,} applied rows, "
                                   f"{outcome.created:,} cards created, {outcome.replaced:,} replaced")
        if label.endswith("again") and outcome.applied:
            result.problems.append(f"the second import changed {outcome.applied:,} cards")
        results.append(result)
        print(f"  {label}: {elapsed:.2f} s, {note}", flush=True)
    dbmod.database.close()
    return results


# --- (a2) a listing that creates the cards recorded elsewhere ----------------------------------------

CREATE_MIX = (("BIO_CAPTURED", 0.15), ("SENT_FOR_ENROLLMENT", 0.10), ("PROCESSING", 0.03), ("ADJUDICATE_RECORD", 0.02),
              ("DUPLICATE_RECORD", 0.02), ("PRINT_READY_RECORD", 0.50), ("CARD_PRINTED", 0.15),
              ("SEARCH_FAILURE_AT_CENTRAL", 0.03))


def write_creating_listing(path: Path, target: Path, count: int, today: date, seed: int) -> int:
    """``count`` rows for residents with no card, spelled as SIAK shows them, with a recording
    day and one of the demo's sites."""
    import sqlite3

    rng = random.Random(seed + 2)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    free = [r[0] for r in connection.execute(
        "SELECT nik FROM resident r WHERE life_status = 'hidup' AND birth_date < '2005-01-01' "
        "AND NOT EXISTS (SELECT 1 FROM card c WHERE c.resident_id = r.id)")]
    sites = [r[0] for r in connection.execute("SELECT code FROM recording_site")]
    connection.close()
    chosen = rng.sample(free, min(count, len(free)))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["NIK", "CURRENT_STATUS", "TGL_REKAM", "LOKASI_REKAM", "KETERANGAN"])
        for nik in chosen:
            day = today - timedelta(days=int(rng.expovariate(1 / 60)) % 700)
            writer.writerow([nik, _pick(rng, CREATE_MIX).replace("_", " "), day.strftime("%d-%m-%Y"),
                             rng.choice(sites), ""])
    return len(chosen)


def bench_create(base: Path, listing: Path, rows: int) -> list[Result]:
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.services.context import system_actor
    from dukcapil_tui.services.status_import import import_statuses

    target = OUT_DIR / "cetak_create_target.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(base, target)
    dbmod.open_database(target)
    actor = system_actor("BENCH")
    results = []
    for label in ("import creating cards, first", "import creating cards, again"):
        before = dbmod.database.execute_sql("SELECT count(*) FROM card").fetchone()[0]
        started = time.perf_counter()
        outcome = import_statuses(actor, listing)
        elapsed = time.perf_counter() - started
        made = dbmod.database.execute_sql("SELECT count(*) FROM card").fetchone()[0] - before
        note = (f"{outcome.total:,} rows: {outcome.created:,} cards created, {outcome.unchanged:,} unchanged, "
                f"{len(outcome.rejected):,} rejected; {outcome.total / elapsed:,.0f} rows/s")
        result = Result(label, [elapsed], CREATE_BUDGET_S * 1000 if label.endswith("first") else None, note=note,
                        held_to="median")
        if label.endswith("first") and (made != rows or outcome.created != rows or outcome.rejected):
            result.problems.append(f"{made:,} cards made for {rows:,} rows ({len(outcome.rejected):,} rejected)")
        if label.endswith("again") and (made or outcome.unchanged != rows):
            result.problems.append(f"the second import made {made:,} cards, {outcome.unchanged:,} unchanged")
        results.append(result)
        print(f"  {label}: {elapsed:.2f} s, {note}", flush=True)
    dbmod.database.close()
    return results


# --- (b) counts and pages -----------------------------------------------------------------------

class Captured:
    """The SQL and parameters ``backlog_page`` sends (it passes a dict of named parameters)."""

    def __init__(self, db) -> None:
        self.db, self.statements = db, []

    def __enter__(self):
        original = self.db.execute_sql

        def capture(sql, params=None, *args, **kwargs):
            self.statements.append((sql, params))
            return original(sql, params, *args, **kwargs)

        self.db.execute_sql = capture
        return self

    def __exit__(self, *exc):
        del self.db.execute_sql


def plan_of(db, sql: str, params) -> list[str]:
    return [row[3] for row in db.connection().execute("EXPLAIN QUERY PLAN " + sql, params or ())]


def bench_queries(base: Path, queries: int) -> list[Result]:
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.domain.cards import AGE_BUCKETS
    from dukcapil_tui.services import regions, settings
    from dukcapil_tui.services.cards import BacklogFilter, backlog_counts, backlog_page

    db = dbmod.open_database(base)
    raw = db.obj if hasattr(db, "obj") else db
    today = settings.office_today()
    kecamatan = [code for code, _ in regions.index().kecamatan]
    sites = [r[0] for r in db.execute_sql("SELECT code FROM recording_site").fetchall()]
    results = []

    from dukcapil_tui.services import unsent

    unsent_seconds = benchlib.timed(iter([lambda: unsent.counts(today)] * (5 + 3)))
    waiting = unsent.counts(today).total
    results.append(Result("unsent per site and kecamatan", unsent_seconds, None,
                          note=f"{waiting.unsent_total:,} unsent, {waiting.at_centre:,} at the centre"))
    counts_seconds = benchlib.timed(iter([lambda: backlog_counts(today)] * (5 + 3)))
    counts = backlog_counts(today)
    results.append(Result("backlog counts (4 groupings)", counts_seconds, None,
                          note=f"{sum(counts.by_status.values()):,} cards in the backlog; worker thread in the TUI"))

    filters: dict[str, list[BacklogFilter]] = {
        "page 1, unfiltered": [BacklogFilter()],
        "page 1, by kecamatan": [BacklogFilter(kecamatan_code=k) for k in kecamatan],
        "page 1, by status": [BacklogFilter(office_status=s) for s in counts.by_status],
        "page 1, by reason": [BacklogFilter(reason=r) for r, _ in REASONS],
        "page 1, by age": [BacklogFilter(age=label) for _, _, label in AGE_BUCKETS],
        "page 1, kecamatan+status+age": [BacklogFilter(kecamatan_code=k, office_status="ready_to_print", age="8–30")
                                         for k in kecamatan],
        "page 1, by central stage": [BacklogFilter(stage=s) for s in ("unsent", "at_centre")],
        "page 1, by recording site": [BacklogFilter(site_code=s) for s in sites],
    }
    for kind, variants in filters.items():
        calls = [lambda f=f: backlog_page(f, today) for f in variants]
        sequence = [calls[i % len(calls)] for i in range(queries + 3)]
        result = Result(kind, benchlib.timed(iter(sequence)),
                        KECAMATAN_PAGE_MS if kind == "page 1, by kecamatan" else PAGE_MS)
        for flt in variants:
            with Captured(raw) as cap:
                backlog_page(flt, today)
            sql, params = cap.statements[-1]
            plan = plan_of(raw, sql, params)
            # Every filter reads the cards in list order, the kecamatan through the card's own
            # kecamatan_code (card_kecamatan), never the residents' (docs/performance.md).
            if any("TEMP B-TREE" in step for step in plan):
                result.problems.append(f"{flt}: plan sorts: {plan}")
            if not any(step.startswith(("SCAN c USING", "SEARCH c USING")) for step in plan):
                result.problems.append(f"{flt}: plan reads card without an index: {plan}")
            if flt.kecamatan_code and not any("card_kecamatan" in step for step in plan):
                result.problems.append(f"{flt}: the kecamatan is not read from card_kecamatan: {plan}")
        first_plan = plan_of(raw, *cap.statements[-1])
        result.note = " | ".join(first_plan)
        results.append(result)

    # a page deep in the list: keyset paging stays flat
    after, pages = None, 0
    while pages < 400:
        rows, cursor = backlog_page(BacklogFilter(), today, after=after, limit=100)
        if cursor is None:
            break
        after, pages = cursor, pages + 1
    deep = Result(f"page {pages + 1}, unfiltered (keyset)", benchlib.timed(
        iter([lambda: backlog_page(BacklogFilter(), today, after=after)] * (queries + 3))), PAGE_MS)
    results.append(deep)
    db.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=150_000, help="demo size (default 150,000)")
    parser.add_argument("--cards", type=int, default=100_000, help="cards in the backlog table (default 100,000)")
    parser.add_argument("--queries", type=int, default=30, help="timed queries per kind (default 30)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    args = parser.parse_args()

    print(benchlib.machine())
    demo, _ = benchlib.demo_db(args.residents, None, rebuild=args.rebuild)
    base = OUT_DIR / f"cetak_{args.residents}r_{args.cards}c.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(base) + suffix).unlink(missing_ok=True)
    shutil.copyfile(demo, base)
    print(f"{base}: {args.residents:,} residents", flush=True)
    add_cards(base, args.cards, date.today(), benchlib.SEED)
    listing = OUT_DIR / f"siak_status_{args.cards}.csv"
    kinds = write_listing(base, listing, benchlib.SEED)
    print(f"  {listing.name}: " + ", ".join(f"{k} {v:,}" for k, v in kinds.items()), flush=True)

    creating = OUT_DIR / f"siak_status_create_{args.cards}.csv"
    rows = write_creating_listing(base, creating, args.cards, date.today(), benchlib.SEED)
    print(f"  {creating.name}: {rows:,} NIKs recorded elsewhere", flush=True)

    results = bench_import(base, listing)
    results += bench_create(base, creating, rows)
    results += bench_queries(base, args.queries)
    print()
    return 0 if benchlib.print_table(results) else 1


if __name__ == "__main__":
    sys.exit(main())
