"""``dukcapil check`` at scale: a million residents and five years of chained audit and ledger.

    python bench/bench_check.py [--residents 1000000] [--years 5] [--per-day 300] [--runs 1]
                                [--db PATH] [--rebuild]

Builds (once, then reuses) ``bench/out/check_<N>.sqlite3``: the demo office of ``--residents``
residents plus ``--years`` of history written the way the services write it, in bulk: per
working day ``--per-day`` tickets with four audit entries each (take, call, start, finish), a
third of them printed a card (a ``print.result`` entry, a ``print_ok`` ledger movement with its
entry, a card event linked to it), a monthly receipt of blanks. Every audit and ledger row
carries its HMAC chain link made with the workstation's key, as ``audit.record`` would.

Then times ``run_checks()`` (SQLite's integrity check and every invariant, the chains among
them) against the budget of one minute, and the chain verification alone against its floor:
the same rows read with the stdlib ``sqlite3`` module and passed through ``hmac`` without the
app's code (ratio held under 2x). Exits non-zero when a budget fails or ``check`` reports a
problem on this healthy database.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import shutil
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import benchlib
from benchlib import OUT_DIR, Result

CHECK_BUDGET_S = 60.0
CHAIN_FLOOR_RATIO = 2.0
MARKER = "bench_check_history"
END = date(2026, 11, 20)


def _working_days(years: int) -> list[date]:
    start = END - timedelta(days=365 * years)
    return [start + timedelta(days=n) for n in range((END - start).days) if (start + timedelta(days=n)).weekday() < 5]


def build(path: Path, residents: int, years: int, per_day: int, rebuild: bool) -> tuple[int, int, float | None]:
    """The database with its history (reused when it holds it). Returns (audit rows, ledger rows, build s)."""
    from dukcapil_tui.db import database, open_database

    wanted = f"{residents}:{years}:{per_day}"
    if path.exists() and not rebuild:
        open_database(path)
        row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (MARKER,)).fetchone()
        if row and row[0] == wanted:
            counts = [database.execute_sql(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("audit_log", "blangko_movement")]
            database.close()
            return counts[0], counts[1], None
        database.close()
    source, _ = benchlib.demo_db(residents, None)
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, path)
    print(f"adding {years} years x {per_day} tickets/day of chained history to {path} ...", flush=True)
    open_database(path)
    from dukcapil_tui.services import chain

    secret = chain.key()
    conn = database.connection()
    audit_id, audit_prev = conn.execute("SELECT id, chain FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = conn.execute("SELECT id, chain FROM blangko_movement ORDER BY id DESC LIMIT 1").fetchone()
    ledger_id, ledger_prev = row if row else (0, "")
    card_ids = [r[0] for r in conn.execute("SELECT id FROM card ORDER BY id LIMIT 5000")]
    audit_rows, ledger_rows, events = [], [], []

    def audit(at: str, user: str, action: str, entity: str, entity_id, changes: dict) -> int:
        nonlocal audit_id, audit_prev
        audit_id += 1
        values = (audit_id, at, None, user, "LOKET-01", action, entity, entity_id,
                  json.dumps(changes, separators=(",", ":")))
        audit_prev = chain.link(secret, audit_prev, values)
        audit_rows.append(values + (audit_prev,))
        return audit_id

    def movement(at: str, day: str, kind: str, quantity: int, reference: str, card_id) -> int:
        nonlocal ledger_id, ledger_prev
        ledger_id += 1
        values = (ledger_id, f"bench-{ledger_id}", at, day, kind, quantity, reference, "", "", card_id,
                  "cetak1", "LOKET-01", None)
        ledger_prev = chain.link(secret, ledger_prev, values)
        ledger_rows.append(values + (ledger_prev,))
        return ledger_id

    def flush() -> None:
        conn.executemany(f"INSERT INTO audit_log ({', '.join(chain.AUDIT_COLUMNS)}, chain) VALUES "
                         f"({', '.join('?' * (len(chain.AUDIT_COLUMNS) + 1))})", audit_rows)
        conn.executemany(f"INSERT INTO blangko_movement ({', '.join(chain.LEDGER_COLUMNS)}, chain) VALUES "
                         f"({', '.join('?' * (len(chain.LEDGER_COLUMNS) + 1))})", ledger_rows)
        conn.executemany("INSERT INTO card_event (card_id, at, central_status, office_status, username, source, "
                         "audit_id) VALUES (?, ?, 'CARD_PRINTED', 'printed', 'cetak1', 'print', ?)", events)
        audit_rows.clear(), ledger_rows.clear(), events.clear()

    conn.execute("DROP TRIGGER audit_log_links_card_events")  # events carry their link already
    conn.execute("BEGIN")
    month = None
    for day in _working_days(years):
        stamp = f"{day.isoformat()} 01:00:00"
        if (day.year, day.month) != month:
            month = (day.year, day.month)
            mid = movement(stamp, day.isoformat(), "receipt", 3000, f"SPB-{day:%Y%m}", None)
            audit(stamp, "blangko1", "blangko.receipt", "blangko_movement", str(mid), {"quantity": 3000})
        for n in range(per_day):
            at = f"{day.isoformat()} {1 + n * 8 // per_day:02d}:{n % 60:02d}:00"
            for action in ("take", "call", "start", "finish"):
                audit(at, "loket1", f"ticket.{action}", "ticket", str(n), {"status": action})
            if n % 3 == 0:
                card = card_ids[n % len(card_ids)] if card_ids else None
                mid = movement(at, day.isoformat(), "print_ok", -1, "batch", card)
                audit(at, "cetak1", "blangko.print_ok", "blangko_movement", str(mid), {"quantity": -1})
                aid = audit(at, "cetak1", "print.result", "card", str(card), {"ok": True})
                if card:
                    events.append((card, at, aid))
        if len(audit_rows) > 50_000:
            flush()
    flush()
    conn.execute("""CREATE TRIGGER audit_log_links_card_events AFTER INSERT ON audit_log
               BEGIN UPDATE card_event SET audit_id = NEW.id WHERE audit_id IS NULL; END""")
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (MARKER, wanted),
    )
    conn.execute("COMMIT")
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("audit_log", "blangko_movement")]
    database.close()
    return counts[0], counts[1], time.perf_counter() - started


def chain_floor(path: Path, secret: bytes) -> float:
    """Read both chained tables with the stdlib and recompute every link: the least the chain
    verification must do."""
    from dukcapil_tui.services import chain

    started = time.perf_counter()
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    for table, columns in chain.TABLES.values():
        previous = ""
        for row in conn.execute(f"SELECT {', '.join(columns)}, chain FROM {table} ORDER BY id"):
            if row[-1] is None:
                continue
            message = previous.encode() + b"\n" + json.dumps(list(row[:-1]), ensure_ascii=False,
                                                             separators=(",", ":")).encode()
            previous = hmac.new(secret, message, hashlib.sha256).hexdigest()
    conn.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    path = args.db or OUT_DIR / f"check_{args.residents}.sqlite3"
    print(benchlib.machine())
    audit_rows, ledger_rows, built = build(path, args.residents, args.years, args.per_day, args.rebuild)
    print(f"{path.name}: {args.residents:,} residents, {audit_rows:,} audit entries, {ledger_rows:,} ledger "
          f"movements" + (f" (history added in {built:.1f} s)" if built else ""))

    from dukcapil_tui.db import database, open_database
    from dukcapil_tui.services import chain
    from dukcapil_tui.services.check import run_checks

    scale = args.residents / 1_000_000
    whole, chains, problems = [], [], []
    for _ in range(args.runs):
        open_database(path)
        started = time.perf_counter()
        problems = run_checks()
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        chain.verify_all()
        chains.append(time.perf_counter() - started)
        secret = chain.key()
        database.close()
    floor = chain_floor(path, secret)
    ratio = min(chains) / floor
    results = [
        Result("run_checks() (all of dukcapil check)", whole, CHECK_BUDGET_S * 1000 * max(scale, 0.05),
               held_to="median", problems=[f"check reported: {p}" for p in problems]),
        Result("audit + ledger chains", chains, None, held_to="median",
               note=f"floor (stdlib sqlite3 + hmac) {floor:.2f} s, ratio {ratio:.2f}",
               problems=[] if ratio <= CHAIN_FLOOR_RATIO else [f"chains take {ratio:.2f}x the floor "
                                                              f"(budget {CHAIN_FLOOR_RATIO}x)"]),
    ]
    return 0 if benchlib.print_table(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
