"""Four counters on one database file, in four processes, calling the next ticket at once:
every ticket is called exactly once, in queue order, and nobody sees "database is locked"
(DESIGN.md §4, §6)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter as Tally

from dukcapil_tui.db import database, integrity_problems
from dukcapil_tui.models import Ticket, TicketEvent
from dukcapil_tui.services import queue as q

from queue_helpers import TODAY, admin, clock, office, office_template  # noqa: F401

COUNTERS = 4
TICKETS = 240

# One counter: claim until nobody is waiting. Any exception is reported, never swallowed.
WORKER = r"""
import json, sys, traceback
from datetime import datetime

from dukcapil_tui.db import open_database
from dukcapil_tui.services import context, queue
from dukcapil_tui.services.context import Actor

path, counter, frozen = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
context.now_utc = lambda: frozen  # the same office day as the tickets, whatever the real clock says
open_database(path)
actor = Actor(None, f"loket{counter}", "loket", f"WS-{counter}")
print("ready", flush=True)
sys.stdin.readline()  # wait for the start signal, so that the four really run together
claimed, errors = [], []
try:
    while (ticket := queue.claim_next(actor, counter)) is not None:
        claimed.append(ticket.id)
        queue.finish(actor, ticket.id, counter, "served")  # a counter holds one ticket at a time
except Exception:
    errors.append(traceback.format_exc())
print(json.dumps({"claimed": claimed, "errors": errors}), flush=True)
"""


def test_four_counters_never_share_a_ticket(admin, clock, office):
    services = ["pengambilan", "suket", "konsultasi"]  # no daily quota
    priorities = [None, None, None, None, "lansia", None, None, "ibu_hamil"]
    for number in range(TICKETS):
        clock.advance(seconds=7)
        q.take_ticket(admin, services[number % 3], visitor_name=f"Warga {number}",
                      priority=priorities[number % len(priorities)])
    service_ids = sorted({t.service_id for t in Ticket.select(Ticket.service)})
    expected_order = q.queue_order(service_ids, TODAY)
    assert len(expected_order) == TICKETS
    database.close()

    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(office), str(counter), clock.now.isoformat()],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for counter in range(1, COUNTERS + 1)
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        started = time.perf_counter()
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = []
        for worker in workers:
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err
            reports.append(json.loads(out.strip().splitlines()[-1]))
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    errors = [error for report in reports for error in report["errors"]]
    assert errors == [], errors[0]
    claimed = [ticket for report in reports for ticket in report["claimed"]]
    duplicates = [ticket for ticket, n in Tally(claimed).items() if n > 1]
    assert duplicates == []
    assert sorted(claimed) == sorted(expected_order)  # none lost
    assert elapsed < 15

    database.connect(reuse_if_open=True)
    tickets = {t.id: t for t in Ticket.select()}
    assert {t.status for t in tickets.values()} == {"done"}  # each counter finished what it called
    for counter, report in enumerate(reports, start=1):
        assert {tickets[i].counter for i in report["claimed"]} <= {counter}
    calls = list(TicketEvent.select().where(TicketEvent.event == "call").order_by(TicketEvent.id))
    assert len(calls) == TICKETS and len({c.ticket_id for c in calls}) == TICKETS
    # the claims were serialised: taken one after another, they follow the queue order exactly
    assert [c.ticket_id for c in calls] == expected_order
    assert all(c.counter == tickets[c.ticket_id].counter for c in calls)
    assert integrity_problems(database.obj) == []
