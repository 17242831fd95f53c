"""How long a counter's "next ticket" waits for the database while other work writes.

    python bench/bench_claim_wait.py [--listing 200000] [--seconds 10] [--counters 4]

An office database (``init_office``) with today's tickets waiting; counter processes call
``queue.claim_next`` over and over (each claimed ticket is put back to waiting at once, in a
transaction of its own, so that there is always one to call, and only while it is still called
at this counter: a ticket two counters held at once counts as a failure), and every claim's wait
is recorded. Situations, one after the other in one run:

1. ``--counters`` counters claiming back to back, nothing else writing (``--seconds``);
2. one counter claiming every 20 ms while ``dukcapil import residents`` loads a listing of
   ``--listing`` rows (``siak_<N>.csv``, written by ``bench_import.py``) into an empty office;

then in a copy of the demo office (``--residents``, 1,000,000 by default), one counter
claiming every 20 ms while

3. ``dukcapil import residents`` changes the name and address of ``--listing`` of its residents;
4. ``dukcapil import statuses`` moves the office's backlog one central status on (a SIAK
   listing of every card waiting for PRR or ready to print);
5. ``dukcapil backup`` copies and verifies the database;
6. ``dukcapil export capaian`` writes the coverage recap.

The measure is the MAXIMUM wait of a claim (not a percentile): no claim may wait more than
1 s, and none may fail ("database is locked" or anything else). Exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import benchlib
from bench_import import PASSWORD, command, empty_office, listing, measured
from benchlib import OUT_DIR

MAX_WAIT_S = 1.0

WORKER = r"""
import json, os, sys, time

from dukcapil_tui.db import database, open_database
from dukcapil_tui.services import queue
from dukcapil_tui.services.context import Actor

path, counter, seconds, pause, stop = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
open_database(path)
actor = Actor(None, f"loket{counter}", "loket", f"BENCH-{counter}")
print("ready", flush=True)
sys.stdin.readline()
waits, errors = [], []
end = time.perf_counter() + seconds
while time.perf_counter() < end and not os.path.exists(stop):
    before = time.perf_counter()
    try:
        ticket = queue.claim_next(actor, counter)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
        continue
    waits.append(time.perf_counter() - before)
    if ticket is not None:  # back to waiting, for the next claim (not timed), if still this counter's
        with database.atomic("IMMEDIATE"):
            back = database.execute_sql(
                "UPDATE ticket SET status = 'waiting', counter = NULL WHERE id = ? AND status = 'called' "
                "AND counter = ?", (ticket.id, counter)).rowcount
        if back != 1:
            errors.append(f"ticket {ticket.id} was held by another counter too")
    if pause:
        time.sleep(pause)
print(json.dumps({"waits": waits, "errors": errors[:20], "failed": len(errors)}), flush=True)
"""


def tickets(path: Path, count: int) -> None:
    from dukcapil_tui.db import database, open_database
    from dukcapil_tui.services import queue
    from dukcapil_tui.services.catalog import Service
    from dukcapil_tui.services.context import system_actor

    open_database(path)
    actor = system_actor("BENCH")
    from dukcapil_tui.domain.problems import Refusal

    codes = []
    for service in Service.select().where(Service.active == True):  # noqa: E712
        try:  # a recording service needs a registered resident: left out
            queue.take_ticket(actor, service.code, visitor_name="Warga")
            codes.append(service.code)
        except Refusal:
            pass
    for number in range(count):
        queue.take_ticket(actor, codes[number % len(codes)], visitor_name=f"Warga {number}")
    database.close()


STOP = OUT_DIR / "claim-wait.stop"


def start(path: Path | str, counters: list[int], seconds: float, pause: float) -> list[subprocess.Popen]:
    """Counter processes (``WORKER``) at ``path`` (a file or a server's URL), started together
    once each has opened the office."""
    STOP.unlink(missing_ok=True)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(n), str(seconds), str(pause), str(STOP)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in counters]
    for worker in workers:
        line = worker.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"worker did not start: {line} {worker.stderr.read()}")
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    return workers


def collect(workers: list[subprocess.Popen]) -> dict:
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=900)
        if worker.returncode != 0:
            raise RuntimeError(f"worker failed: {err}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    waits = sorted(w for r in reports for w in r["waits"])
    return {"claims": len(waits), "max": waits[-1] if waits else 0.0,
            "p99": waits[int(0.99 * (len(waits) - 1))] if waits else 0.0,
            "failed": sum(r["failed"] for r in reports), "errors": [e for r in reports for e in r["errors"]]}


def changed_listing(listing_path: Path) -> Path:
    """The listing with every row's name and address changed: an import that rewrites rows and
    moves their entries in the name indexes."""
    target = listing_path.with_name(listing_path.stem + "_changed.csv")
    if target.exists() and target.stat().st_mtime >= listing_path.stat().st_mtime:
        return target
    with listing_path.open(encoding="utf-8", newline="") as source, \
            target.open("w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        writer.writerow(next(reader))
        for row in reader:
            row[1] = f"{row[1]} PERUBAHAN"[:100]
            row[6] = f"{row[6]} BARU"[:200]
            writer.writerow(row)
    return target


def status_listing(office: Path) -> tuple[Path, int]:
    """A SIAK status listing moving each resident's newest card waiting for PRR or ready to
    print one central status on (PRINT READY RECORD, CARD PRINTED)."""
    import sqlite3

    target = OUT_DIR / "claim_statuses.csv"
    connection = sqlite3.connect(f"file:{office}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT r.nik, c.central_status FROM card c JOIN resident r ON r.id = c.resident_id "
        "WHERE c.id IN (SELECT MAX(id) FROM card GROUP BY resident_id) "
        "AND c.central_status IN ('BIO_CAPTURED', 'SENT_FOR_ENROLLMENT', 'PRINT_READY_RECORD')").fetchall()
    connection.close()
    moves = {"BIO_CAPTURED": "SENT FOR ENROLLMENT", "SENT_FOR_ENROLLMENT": "PRINT READY RECORD",
             "PRINT_READY_RECORD": "CARD PRINTED"}
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "STATUS_KTP"])
        for nik, central in rows:
            writer.writerow([nik, moves[central]])
    return target, len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listing", type=int, default=200_000, help="rows of the listing imported meanwhile")
    parser.add_argument("--residents", type=int, default=1_000_000, help="the demo database the listing comes from")
    parser.add_argument("--db", type=Path, help="that demo database (built when missing)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the counters claim back to back")
    parser.add_argument("--counters", type=int, default=4)
    args = parser.parse_args()

    print(benchlib.machine())
    source, _built = benchlib.demo_db(args.residents, args.db)
    csv_path = listing(source, args.listing)
    password_file = OUT_DIR / "bench-password"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    target = OUT_DIR / "claim_target.sqlite3"
    empty_office(target)
    tickets(target, 200)

    results = []
    workers = start(target, list(range(1, args.counters + 1)), args.seconds, 0.0)
    results.append((f"{args.counters} counters back to back", collect(workers)))

    workers = start(target, [1], 3600.0, 0.02)  # until the import is done
    import_s, _peak, code = command(target, csv_path, password_file)
    STOP.touch()
    report = collect(workers)
    if code:
        report["failed"] += 1
        report["errors"].append(f"the import failed (exit status {code})")
    results.append((f"1 counter during the import of {args.listing:,} rows ({import_s:.0f} s)", report))
    STOP.unlink(missing_ok=True)

    big = OUT_DIR / "claim_big.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(big) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, big)
    tickets(big, 200)
    demo_password = OUT_DIR / "bench-demo-password"
    demo_password.write_text("dukcapil\n", encoding="utf-8")
    demo_password.chmod(0o600)
    changed = changed_listing(csv_path)
    statuses = status_listing(big)
    root = [sys.executable, "-m", "dukcapil_tui", "--db", str(big), "--user", "admin", "--password-file",
            str(demo_password)]
    for name, arguments in (
        (f"import changing {args.listing:,} of {args.residents:,}", ["import", "residents", str(changed),
                                                                      "--report-dir", str(OUT_DIR)]),
        (f"status import of {statuses[1]:,} cards", ["import", "statuses", str(statuses[0])]),
        ("backup", ["backup", "--to", str(OUT_DIR / "backups")]),
        ("export capaian", ["export", "capaian", "--out", str(OUT_DIR / "exports")]),
    ):
        workers = start(big, [1], 3600.0, 0.02)
        seconds, _peak, code = measured(root + arguments)
        STOP.touch()
        report = collect(workers)
        if code:
            report["failed"] += 1
            report["errors"].append(f"{name} failed (exit status {code})")
        results.append((f"1 counter during {name} ({seconds:.0f} s)", report))
        STOP.unlink(missing_ok=True)

    print()
    ok = True
    for name, report in results:
        good = report["max"] <= MAX_WAIT_S and report["failed"] == 0
        ok &= good
        print(f"{name:<45} claims {report['claims']:>6}  p99 {report['p99'] * 1000:8.1f} ms  "
              f"max {report['max'] * 1000:8.1f} ms  failed {report['failed']}  {'yes' if good else 'NO'}")
        for error in report["errors"][:5]:
            print(f"    ! {error}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
