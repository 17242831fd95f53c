"""The queue (antrian) at scale: 4 counters calling the next ticket at once, over 5 years of history.

    python bench/bench_queue.py [--years 5] [--per-day 300] [--waiting 300] [--counters 4]
                                [--rounds 3] [--db PATH] [--rebuild]

Builds (once, then reuses) an office database with ``--years`` of past tickets, ``--per-day``
a day, each with realistic events (take, call, start, finish; some no-shows with their
recalls), inserted with ``executemany`` as a benchmark fixture. Then, per round, ``--waiting``
tickets are taken for today through ``take_ticket`` (first round) or put back to waiting,
and ``--counters`` processes call ``claim_next`` for their own counter until nobody waits.

Reports claims/s, latency per claim (median, p95), duplicates and "database is locked"
errors, which must both be 0 (DESIGN §4); and the time of ``take_ticket``,
``day_summary`` of a past day, ``board()`` and ``queue_version()``. Exits non-zero when a
budget or a check fails.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter as Tally
from datetime import date, datetime, timedelta
from pathlib import Path

import benchlib
from benchlib import OUT_DIR, Result

TODAY = date(2026, 11, 23)  # a Monday; the clock is frozen at 10:00 WITA that day
NOW = datetime(2026, 11, 23, 2, 0, 0)
CLAIM_BUDGET_MS = 100.0  # p95 per claim with every counter pressing at once
TAKE_BUDGET_MS = 100.0
SUMMARY_BUDGET_MS = 100.0  # a day's statistics (300 tickets, ~1,300 events)
BOARD_BUDGET_MS = 50.0  # polled every couple of seconds by the waiting-room display
VERSION_BUDGET_MS = 5.0
MARKER = "bench_queue_history"

# service code -> (share of the day's tickets, outcomes with their weights)
MIX = {
    "rekam_baru": (0.30, {"recorded": 88, "failed_device": 4, "failed_biometric": 5, "referred": 3}),
    "cetak_ulang": (0.15, {"recorded": 95, "failed_biometric": 3, "referred": 2}),
    "perubahan": (0.10, {"recorded": 94, "failed_biometric": 3, "referred": 3}),
    "pindah_datang": (0.05, {"served": 95, "referred": 5}),
    "pengambilan": (0.20, {"served": 100}),
    "suket": (0.08, {"served": 100}),
    "kia": (0.07, {"served": 97, "referred": 3}),
    "konsultasi": (0.05, {"served": 100}),
}
NO_SHOW_SHARE = 0.05

WORKER = r"""
import json, sys, time
from datetime import datetime

from dukcapil_tui.db import open_database
from dukcapil_tui.services import context, queue
from dukcapil_tui.services.context import Actor

path, counter, frozen = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
context.now_utc = lambda: frozen
open_database(path)
actor = Actor(None, f"loket{counter}", "loket", f"BENCH-{counter}")
print("ready", flush=True)
sys.stdin.readline()
claimed, latencies, errors = [], [], []
started = time.time()
while True:
    before = time.perf_counter()
    try:
        ticket = queue.claim_next(actor, counter)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
        if len(errors) > 20:
            break
        continue
    latencies.append(time.perf_counter() - before)
    if ticket is None:
        break
    claimed.append(ticket.id)
print(json.dumps({"claimed": claimed, "latencies": latencies, "errors": errors,
                  "started": started, "ended": time.time()}), flush=True)
"""


# --- the fixture: years of history ---------------------------------------------------------------

def _stamp(day: date, seconds: int) -> str:
    """``day`` at 08:00 WITA plus ``seconds``, as stored (naive UTC; 08:00 WITA is 00:00 UTC)."""
    hours, rest = divmod(seconds, 3600)
    return f"{day.isoformat()} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def build_history(path: Path, years: int, per_day: int, rebuild: bool) -> tuple[int, int, float | None]:
    """The office database with the past tickets (reused when it already holds them).
    Returns (tickets, events, build seconds or None)."""
    from dukcapil_tui.db import database, open_database
    from dukcapil_tui.services.office import init_office

    wanted = f"{years}:{per_day}:{TODAY.isoformat()}"
    if path.exists() and not rebuild:
        open_database(path)
        row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (MARKER,)).fetchone()
        if row and row[0] == wanted:
            tickets = database.execute_sql(
                "SELECT count(*) FROM ticket WHERE day < ?", (TODAY.isoformat(),)
            ).fetchone()[0]
            events = database.execute_sql("SELECT max(id) FROM ticket_event").fetchone()[0] or 0
            return tickets, events, None
        database.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path}: {years} years x {per_day} tickets/day ...", flush=True)
    started = time.perf_counter()
    init_office(path, office_name="Disdukcapil Kabupaten Lombok Tengah (benchmark)", region_code="52.02",
                timezone="Asia/Makassar", admin_username="admin", admin_full_name="Benchmark",
                admin_password="benchmark-123", workstation="BENCH")
    services = dict(database.execute_sql("SELECT code, id FROM service").fetchall())
    rng = random.Random(benchlib.SEED)
    codes = list(MIX)
    shares = [MIX[c][0] for c in codes]
    first_day = TODAY - timedelta(days=round(365.25 * years))
    tickets: list[tuple] = []
    events: list[tuple] = []
    ticket_id = event_id = 0
    connection = database.connection()
    day = first_day
    ticket_sql = (
        "INSERT INTO ticket (id, uuid, service_id, day, number, visitor_name, priority, channel, status, counter,"
        " recalls, queued_at, outcome, device, created_at, workstation) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    event_sql = ("INSERT INTO ticket_event (id, ticket_id, at, event, from_status, to_status, username, counter,"
                 " detail) VALUES (?,?,?,?,?,?,?,?,?)")
    with database.atomic():
        while day < TODAY:
            numbers: Tally = Tally()
            arrivals = sorted(rng.randint(0, 7 * 3600) for _ in range(per_day))  # 08:00-15:00 WITA
            for arrival in arrivals:
                code = rng.choices(codes, shares)[0]
                numbers[code] += 1
                ticket_id += 1
                counter = rng.randrange(4)
                called = arrival + int(rng.triangular(60, 120 * 60, 25 * 60))
                priority = "lansia" if rng.random() < 0.06 else None
                user = f"loket{counter + 1}"
                take = (event_id + 1, ticket_id, _stamp(day, arrival), "take", None, "waiting", "admin", None, "{}")
                call = (
                    event_id + 2,
                    ticket_id,
                    _stamp(day, called),
                    "call",
                    "waiting",
                    "called",
                    user,
                    counter + 1,
                    "{}",
                )
                if rng.random() < NO_SHOW_SHARE:
                    status, outcome, device = "no_show", None, ""
                    trail = [take, call] + [
                        (event_id + 3 + n, ticket_id, _stamp(day, called + 60 * (n + 1)), "recall", "called", "called",
                         user, counter + 1, json.dumps({"recalls": n + 1})) for n in range(3)]
                    trail.append((event_id + 6, ticket_id, _stamp(day, called + 240), "no_show", "called", "no_show",
                                  user, counter + 1, "{}"))
                else:
                    outcomes = MIX[code][1]
                    outcome = rng.choices(list(outcomes), list(outcomes.values()))[0]
                    device = "alat perekam loket 2" if outcome == "failed_device" else ""
                    started_at = called + rng.randint(30, 90)
                    finished = started_at + rng.randint(4 * 60, 25 * 60)
                    status = "done"
                    trail = [take, call,
                             (event_id + 3, ticket_id, _stamp(day, started_at), "start", "called", "serving", user,
                              counter + 1, "{}"),
                             (event_id + 4, ticket_id, _stamp(day, finished), "finish", "serving", "done", user,
                              counter + 1, json.dumps({"outcome": outcome}))]
                events.extend(trail)
                event_id += len(trail)
                tickets.append(
                    (
                        ticket_id,
                        f"bench-{ticket_id}",
                        services[code],
                        day.isoformat(),
                        numbers[code],
                        "PENGUNJUNG",
                        priority,
                        "langsung",
                        status,
                        counter + 1,
                        3 if status == "no_show" else 0,
                        _stamp(day, arrival),
                        outcome,
                        device,
                        _stamp(day, arrival),
                        "BENCH",
                    )
                )
            if len(events) > 200_000:
                connection.executemany(ticket_sql, tickets)
                connection.executemany(event_sql, events)
                tickets.clear()
                events.clear()
            day += timedelta(days=1)
        connection.executemany(ticket_sql, tickets)
        connection.executemany(event_sql, events)
        database.execute_sql("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (MARKER, wanted))
    database.execute_sql("ANALYZE")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return ticket_id, event_id, time.perf_counter() - started


# --- today's queue --------------------------------------------------------------------------------

def fill_today(waiting: int, first_round: bool) -> list[float]:
    """Today's waiting tickets: taken one by one through the service (timed) in the first
    round, put back to waiting afterwards. Returns the take_ticket latencies."""
    from dukcapil_tui.db import database
    from dukcapil_tui.services import queue
    from dukcapil_tui.services.context import system_actor

    day = TODAY.isoformat()
    if not first_round:
        with database.atomic("IMMEDIATE"):
            database.execute_sql("DELETE FROM ticket_event WHERE event = 'call' AND ticket_id IN "
                                 "(SELECT id FROM ticket WHERE day = ?)", (day,))
            database.execute_sql("UPDATE ticket SET status = 'waiting', counter = NULL WHERE day = ?", (day,))
        return []
    with database.atomic("IMMEDIATE"):
        database.execute_sql(
            "DELETE FROM ticket_event WHERE ticket_id IN (SELECT id FROM ticket WHERE day >= ?)", (day,)
        )
        database.execute_sql("DELETE FROM ticket WHERE day >= ?", (day,))
    actor = system_actor("BENCH")
    rng = random.Random(benchlib.SEED + 1)
    codes = list(MIX)
    latencies = []
    for number in range(waiting):
        code = codes[number % len(codes)]  # round robin stays inside every daily quota
        priority = "lansia" if rng.random() < 0.08 else None
        before = time.perf_counter()
        queue.take_ticket(actor, code, visitor_name=f"Warga {number}", priority=priority)
        latencies.append(time.perf_counter() - before)
    return latencies


def claim_round(path: Path, counters: int, expected: int) -> dict:
    """``counters`` processes claim until nobody waits; what they saw."""
    from dukcapil_tui.db import database

    database.close()  # the workers own the file now
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(number), NOW.isoformat()],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for number in range(1, counters + 1)
    ]
    try:
        for worker in workers:
            line = worker.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"worker did not start: {line} {worker.stderr.read()}")
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = []
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            if worker.returncode != 0:
                raise RuntimeError(f"worker failed: {err}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    database.connect(reuse_if_open=True)
    claimed = [ticket for report in reports for ticket in report["claimed"]]
    tally = Tally(claimed)
    errors = [error for report in reports for error in report["errors"]]
    return {
        "claims": len(claimed),
        "per_counter": [len(report["claimed"]) for report in reports],
        "seconds": max(r["ended"] for r in reports) - min(r["started"] for r in reports),
        "latencies": [s for report in reports for s in report["latencies"]],
        "duplicates": sum(n - 1 for n in tally.values() if n > 1),
        "lost": expected - len(tally),
        "locked": sum("database is locked" in error for error in errors),
        "errors": errors,
    }


# --- the rest of the queue at scale -------------------------------------------------------------

def read_side(years: int, repeat: int = 30) -> list[Result]:
    from dukcapil_tui.db import database
    from dukcapil_tui.services import context, queue, queue_stats

    context.now_utc = lambda: NOW
    days = [
        TODAY - timedelta(days=n) for n in random.Random(benchlib.SEED).sample(range(1, int(365 * years)), repeat + 3)
    ]
    sizes = []

    def summary(day):
        def call():
            sizes.append(sum(row.tickets for row in queue_stats.day_summary(day)))
        return call

    summary_s = benchlib.timed(summary(day) for day in days)
    problems = [] if sizes and min(sizes) > 0 else ["day_summary found no tickets on a past day"]
    board_s = benchlib.timed(lambda: queue_stats.board(TODAY) for _ in range(repeat + 3))
    version_s = benchlib.timed(queue_stats.queue_version for _ in range(repeat + 3))
    service_ids = [row[0] for row in database.execute_sql("SELECT id FROM service").fetchall()]
    with benchlib.captured_sql() as statements:
        queue.queue_order(service_ids, TODAY)
    plan = benchlib.query_plan(*statements[0])
    plan_problems = [] if any("ticket_day_status" in step for step in plan) else [f"queue seek without index: {plan}"]
    return [
        Result("day_summary (a past day)", summary_s, SUMMARY_BUDGET_MS, note=f"{sizes[-1]} tickets",
               problems=problems),
        Result("board()", board_s, BOARD_BUDGET_MS, problems=plan_problems),
        Result("queue_version()", version_s, VERSION_BUDGET_MS),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=5, help="years of past tickets (default 5)")
    parser.add_argument("--per-day", type=int, default=300, help="past tickets per day (default 300)")
    parser.add_argument("--waiting", type=int, default=300, help="tickets waiting today (default 300)")
    parser.add_argument("--counters", type=int, default=4, help="counters calling at once (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="claim rounds (default 3)")
    parser.add_argument("--db", type=Path, default=OUT_DIR / "queue_history.sqlite3", help="benchmark database")
    parser.add_argument("--rebuild", action="store_true", help="build the history anew")
    args = parser.parse_args()

    from dukcapil_tui.services import context

    print(benchlib.machine())
    tickets, events, built = build_history(args.db, args.years, args.per_day, args.rebuild)
    if built is not None:
        print(f"history built in {built:.1f} s")
    print(f"{args.db}: {tickets:,} past tickets, {events:,} events, {args.db.stat().st_size / 1e6:,.0f} MB")
    context.now_utc = lambda: NOW

    take_s: list[float] = []
    claim_s: list[float] = []
    problems: list[str] = []
    rates = []
    for number in range(args.rounds):
        take_s += fill_today(args.waiting, number == 0)
        round_ = claim_round(args.db, args.counters, args.waiting)
        claim_s += round_["latencies"]
        rate = round_["claims"] / round_["seconds"] if round_["seconds"] else float("inf")
        rates.append(rate)
        print(f"round {number + 1}: {round_['claims']} claims by {args.counters} processes "
              f"{round_['per_counter']} in {round_['seconds'] * 1000:,.0f} ms = {rate:,.0f} claims/s; "
              f"duplicates {round_['duplicates']}, lost {round_['lost']}, "
              f"'database is locked' {round_['locked']}, other errors {len(round_['errors']) - round_['locked']}",
              flush=True)
        if round_["duplicates"]:
            problems.append(f"round {number + 1}: {round_['duplicates']} ticket(s) claimed twice")
        if round_["lost"]:
            problems.append(f"round {number + 1}: {round_['lost']} waiting ticket(s) never claimed")
        problems += [f"round {number + 1}: {error}" for error in round_["errors"][:5]]

    results = [
        Result(f"take_ticket ({args.waiting} today)", take_s, TAKE_BUDGET_MS),
        Result(f"claim_next, {args.counters} processes", claim_s, CLAIM_BUDGET_MS,
               note=f"{sorted(rates)[len(rates) // 2]:,.0f} claims/s (median round)", problems=problems),
        *read_side(args.years),
    ]
    print()
    return 0 if benchlib.print_table(results) else 1


if __name__ == "__main__":
    sys.exit(main())
