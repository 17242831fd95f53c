"""The same office on SQLite and on PostgreSQL: look-ups, list pages, claim-next, the capaian recap.

    python bench/bench_engines.py --pg postgresql://postgres@127.0.0.1:54330/postgres
        [--residents 1000000] [--listing PATH] [--queries 200] [--seconds 10] [--runs 3] [--keep]

``--pg`` is a maintenance URL (a superuser or a role allowed to create databases): the benchmark
creates its own database ``bench_engines_<N>`` there and drops it at the end (``--keep`` keeps it,
and the next run reuses it). Both offices are made the same way, as an office moving to the
server would be: an empty office (``init_office``), the SIAK listing ``siak_<N>.csv`` (written by
``bench_import.py`` from the demo database; ``--listing`` names another) loaded by the app's own
``dukcapil import residents`` (``COPY`` on PostgreSQL), then ``bench_reports.scale_up``'s
printing backlog (100,000 cards, 5,000 open Suket, a 100,000-row named list). The SQLite office
is kept as ``engines_<N>.sqlite3`` under ``DUKCAPIL_BENCH_OUT`` (or ``bench/out``) and reused.

Measured on each engine, in this process through the services (``bench_residents.Bench``):
NIK lookup, name and NIK prefix searches, first and deep pages of the resident list (all, per
kecamatan, per desa), each query's plan checked (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``). Then
counter processes calling ``queue.claim_next`` back to back (``bench_claim_wait``'s: a ticket two
counters held at once is a failure), 4 and then 16 of them, the ticket events checked against the
claims; one counter
claiming every 20 ms while ``dukcapil export capaian`` runs; and the capaian recap (its queries
and the whole export) at N residents.

Budgets (exit status 1 when one is missed): NIK lookup under 1 ms at the 95th percentile on
SQLite (issue 14), under 20 ms on PostgreSQL (DESIGN §4's look-up budget: a network round trip is
in it); every list page under 100 ms on both (DESIGN §4); no claim waiting more than 1 s and
none failing or doubled, on both; the capaian export within 10 s (DESIGN §4).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import benchlib
from bench_claim_wait import STOP, collect, start, tickets
from bench_import import PASSWORD, command, empty_office, listing, measured
from bench_reports import CAPAIAN_BUDGET_S, scale_up
from bench_residents import Bench
from benchlib import OUT_DIR, Result

SQLITE_LOOKUP_MS = 1.0  # issue 14
PG_LOOKUP_MS = 20.0  # DESIGN §4 (bench_residents.LOOKUP_MS)
MAX_WAIT_S = 1.0
COUNTERS = (4, 16)
LIST_ROWS = 100_000
MARK = "bench_engines"
PG_INDEX = {"sqlite_autoindex_resident_2": "resident_nik_key"}  # the UNIQUE (nik) constraint's index

# --- the two offices ------------------------------------------------------------------------

def pg_url(maintenance: str, name: str) -> str:
    parts = urlsplit(maintenance)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_admin(maintenance: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql)


def marked(location: str, csv_path: Path) -> bool:
    """Whether the office at ``location`` is complete (imported and scaled up) from this listing."""
    from dukcapil_tui import db as dbmod

    if not dbmod.is_url(location) and not Path(location).exists():
        return False
    try:
        dbmod.open_database(location)
        row = dbmod.database.execute_sql("SELECT value FROM setting WHERE key = ?", (MARK,)).fetchone()
    except Exception:
        return False
    finally:
        dbmod.database.close()
    return row is not None and row[0] == _mark(csv_path)


def _mark(csv_path: Path) -> str:
    return f"{csv_path.name}:{csv_path.stat().st_size}:{LIST_ROWS}"


def build_office(location: str, csv_path: Path, password_file: Path) -> float:
    """An empty office, the listing loaded by ``dukcapil import residents``, the backlog added.
    Returns the import's seconds."""
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.services import catalog
    from dukcapil_tui.services.context import system_actor

    empty_office(location)
    seconds, _peak, code = command(location, csv_path, password_file)
    if code:
        raise SystemExit(f"the import into {dbmod.shown(location)} failed (exit status {code})")
    dbmod.open_database(location)
    scale_up(LIST_ROWS)
    actor = system_actor("BENCH")
    for number in range(1, max(COUNTERS) + 1):
        if catalog.Counter.get_or_none(catalog.Counter.number == number) is None:
            catalog.save_counter(actor, number, f"Loket {number}", [])
    with dbmod.database.atomic():
        dbmod.database.execute_sql("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                   "DO UPDATE SET value = excluded.value", (MARK, _mark(csv_path)))
    if dbmod.on_postgres():
        dbmod.database.execute_sql("ANALYZE")  # as autovacuum would soon; the plans below rely on it
    dbmod.database.close()
    tickets(location, 200)
    return seconds


# --- query plans on PostgreSQL --------------------------------------------------------------

_SORT = re.compile(r"^\s*(->\s+)?(Incremental )?Sort\b")
# Where PostgreSQL's plan is not SQLite's: kind -> (index, may sort). A NIK prefix within a
# kecamatan: the planner weighs the NIK and kecamatan indexes itself (often both, BitmapAnd, then
# sorts the page's matches). Within a desa: the desa is sorted, as on SQLite (search() keeps the
# planner off the NIK index there).
PG_PLANS = {
    "kecamatan + NIK prefix (own)": ("resident_nik_key", True),
    "kecamatan + NIK prefix (other)": ("resident_nik_key", True),
    "desa + NIK prefix": ("resident_desa_name", True),
}


class PgBench(Bench):
    """bench_residents' queries; plans read with PostgreSQL's EXPLAIN."""

    def deep_cursor(self, where: str, params: tuple, order: str, depth: float) -> tuple | None:
        # PostgreSQL 15 takes no LIKE on a nondeterministic collation (the names' nocase): the
        # same rows as a range, as search() asks for them.
        if where == "WHERE name LIKE ?":
            prefix = params[0][:-1].upper()
            where, params = "WHERE name >= ? AND name < ?", (prefix, prefix + "\uffff")
        return super().deep_cursor(where, params, order, depth)

    def measure(self, kind, calls, budget_ms, index=None, note="", sorts=False) -> Result:
        index, sorts = PG_PLANS.get(kind, (index, sorts))
        return super().measure(kind, calls, budget_ms, index, note, sorts)

    def plan_problems(self, call, index: str, sorts: bool = False) -> list[str]:
        from dukcapil_tui.db import database

        with benchlib.captured_sql() as statements:
            call()
        sql, params = statements[-1]
        plan = [row[0] for row in database.execute_sql("EXPLAIN " + sql, params)]
        index = PG_INDEX.get(index, index)
        problems = []
        if not any(re.search(rf"\b(using|on) {index}\b", line) for line in plan):
            problems.append(f"plan does not use {index}: {plan}")
        if not sorts and any(_SORT.match(line) for line in plan):
            problems.append(f"plan sorts: {plan}")
        return problems


# --- measuring ------------------------------------------------------------------------------

def residents(location: str, queries: int) -> list[Result]:
    from dukcapil_tui import db as dbmod

    dbmod.open_database(location)
    bench = (PgBench if dbmod.on_postgres() else Bench)(queries)
    bench.run()
    bench.results[0].budget_ms = PG_LOOKUP_MS if dbmod.on_postgres() else SQLITE_LOOKUP_MS
    dbmod.database.close()
    return bench.results


def claims(location: str, counters: int, seconds: float) -> dict:
    """``counters`` counters claiming back to back; the ticket events must match the claims."""
    from dukcapil_tui import db as dbmod

    def calls() -> int:
        dbmod.open_database(location)
        try:
            return dbmod.database.execute_sql("SELECT count(*) FROM ticket_event WHERE event = 'call'").fetchone()[0]
        finally:
            dbmod.database.close()

    before = calls()
    started = time.perf_counter()
    report = collect(start(location, list(range(1, counters + 1)), seconds, 0.0))
    report["seconds"] = time.perf_counter() - started
    recorded = calls() - before
    if recorded != report["claims"]:
        report["failed"] += 1
        report["errors"].append(f"{recorded:,} call events for {report['claims']:,} claims")
    return report


def claims_during_export(location: str, password_file: Path) -> dict:
    """One counter claiming every 20 ms while ``dukcapil export capaian`` runs."""
    workers = start(location, [1], 3600.0, 0.02)
    seconds, _peak, code = measured([sys.executable, "-m", "dukcapil_tui", "--db", location, "--user", "admin",
                                     "--password-file", str(password_file), "export", "capaian",
                                     "--out", str(OUT_DIR / "exports")])
    STOP.touch()
    report = collect(workers)
    STOP.unlink(missing_ok=True)
    report["seconds"] = seconds
    if code:
        report["failed"] += 1
        report["errors"].append(f"the export failed (exit status {code})")
    return report


def capaian(location: str, runs: int) -> list[Result]:
    from dukcapil_tui import db as dbmod
    from dukcapil_tui import reports
    from dukcapil_tui.reports import capaian as recap
    from dukcapil_tui.services import settings
    from dukcapil_tui.services.context import system_actor

    dbmod.open_database(location)
    period = reports.parse_period("capaian", today=settings.office_today())
    actor = system_actor("BENCH")
    out = OUT_DIR / "exports"

    def timed(call) -> list[float]:
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - started)
        return seconds

    data = recap.collect(period)
    note = f"{data.total.wajib:,} wajib KTP, {data.total.not_printed:,} cards not printed"
    results = [
        Result("capaian SQL (collect)", timed(lambda: recap.collect(period)), CAPAIAN_BUDGET_S * 1000,
               note=note, held_to="median"),
        Result("capaian export (SQL + xlsx)", timed(lambda: reports.export("capaian", period, out, actor)),
               CAPAIAN_BUDGET_S * 1000, held_to="median"),
    ]
    dbmod.database.close()
    return results


def claim_lines(engine: str, reports: list[tuple[str, dict]]) -> tuple[list[str], bool]:
    lines, ok = [], True
    for name, report in reports:
        good = report["max"] <= MAX_WAIT_S and report["failed"] == 0
        ok &= good
        rate = report["claims"] / report["seconds"] if report["seconds"] else 0.0
        lines.append(f"{engine:<10} {name:<34} claims {report['claims']:>6} ({rate:6.0f}/s)  "
                     f"p99 {report['p99'] * 1000:8.1f} ms  max {report['max'] * 1000:8.1f} ms  "
                     f"failed {report['failed']}  {'yes' if good else 'NO'}")
        lines += [f"    ! {error}" for error in report["errors"][:5]]
    return lines, ok


def side_by_side(sqlite: list[Result], pg: list[Result]) -> None:
    """Medians and 95th percentiles of the two engines, one line per measure."""
    print(f"{'measure':<34} {'SQLite p50':>11} {'p95':>9} {'max':>9}   {'PostgreSQL p50':>14} {'p95':>9} {'max':>9}")
    others = {r.kind: r for r in pg}
    for r in sqlite:
        o = others.get(r.kind)
        if o is None:
            continue
        print(f"{r.kind:<34} {r.median_ms:>8.2f} ms {r.p95_ms:>6.2f} ms {r.max_ms:>6.2f} ms   "
              f"{o.median_ms:>11.2f} ms {o.p95_ms:>6.2f} ms {o.max_ms:>6.2f} ms")


def server_settings(url: str) -> str:
    import psycopg

    names = ("server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem",
             "effective_cache_size")
    with psycopg.connect(url) as connection:
        return ", ".join(f"{n}={connection.execute(f'SHOW {n}').fetchone()[0]}" for n in names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", required=True, help="maintenance URL of the PostgreSQL server (creates a database)")
    parser.add_argument("--residents", type=int, default=1_000_000, help="residents in the listing (default 1,000,000)")
    parser.add_argument("--listing", type=Path, help="SIAK listing to load (default siak_<N>.csv)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per kind (default 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the counters claim back to back")
    parser.add_argument("--runs", type=int, default=3, help="runs of the capaian recap (median reported)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (reused by the next run)")
    args = parser.parse_args()

    print(benchlib.machine())
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    csv_path = args.listing or OUT_DIR / f"siak_{args.residents}.csv"
    if not csv_path.exists():
        source, _built = benchlib.demo_db(args.residents, None)
        csv_path = listing(source, args.residents)
    password_file = OUT_DIR / "bench-password"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)

    name = f"bench_engines_{args.residents}"
    offices = {"SQLite": str(OUT_DIR / f"engines_{args.residents}.sqlite3"), "PostgreSQL": pg_url(args.pg, name)}
    print(f"PostgreSQL: {server_settings(args.pg)}", flush=True)
    results: dict[str, list[Result]] = {}
    claim_reports: dict[str, list[tuple[str, dict]]] = {}
    try:
        for engine, location in offices.items():
            if not marked(location, csv_path):
                if engine == "PostgreSQL":
                    pg_admin(args.pg, f"DROP DATABASE IF EXISTS {name}")
                    pg_admin(args.pg, f"CREATE DATABASE {name}")
                print(f"{engine}: loading {csv_path.name} with dukcapil import residents ...", flush=True)
                seconds = build_office(location, csv_path, password_file)
                print(f"{engine}: imported in {seconds:.1f} s", flush=True)
            print(f"{engine}: resident queries ...", flush=True)
            results[engine] = residents(location, args.queries)
            print(f"{engine}: capaian ...", flush=True)
            results[engine] += capaian(location, args.runs)
            print(f"{engine}: claim-next ...", flush=True)
            claim_reports[engine] = [(f"{n} counters back to back", claims(location, n, args.seconds))
                                     for n in COUNTERS]
            claim_reports[engine].append(("1 counter during export capaian", claims_during_export(location,
                                                                                                 password_file)))
    finally:
        if not args.keep:
            pg_admin(args.pg, f"DROP DATABASE IF EXISTS {name}")

    ok = True
    for engine, engine_results in results.items():
        print(f"\n{engine}")
        ok &= benchlib.print_table(engine_results)
    print()
    for engine, reports in claim_reports.items():
        lines, good = claim_lines(engine, reports)
        ok &= good
        print("\n".join(lines))
    print()
    side_by_side(results["SQLite"], results["PostgreSQL"])
    print(f"load average after: {os.getloadavg()[0]:.2f} (2 cores; above 2, other work shared the CPU)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
