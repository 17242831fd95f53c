"""Random sequences of ledger operations on a fresh office: after every step the balance is the
sum of the movements, equals an independent model of it, and is never negative; an operation
the model says must be refused is refused and leaves the database exactly as it was."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import PrintJob
from dukcapil_tui.services import blangko, printing
from dukcapil_tui.services.context import Actor, ServiceError

from cetak_helpers import add_card, db_state, make_office

KEEPER = Actor(None, "blangko1", "blangko", "PROP", "Petugas blangko")
PRINTER = Actor(None, "cetak1", "cetak", "PROP", "Petugas cetak")
HEAD = Actor(None, "kepala", "admin", "PROP", "Kepala")

quantity = st.integers(min_value=1, max_value=40)
batch = st.tuples(st.just("batch"), st.integers(min_value=1, max_value=5))
result = st.tuples(st.just("result"), st.integers(min_value=0, max_value=50), st.booleans(),
                   st.sampled_from(["gagal_cetak", "chip_rusak"]))
operations = st.lists(
    st.one_of(
        batch, result, result,  # printing is most of what happens to blanks
        st.tuples(st.just("receive"), st.integers(min_value=1, max_value=8)),
        st.tuples(st.just("receive"), quantity),
        st.tuples(st.just("loan_in"), quantity),
        st.tuples(st.just("loan_out"), quantity),
        st.tuples(st.just("returned"), quantity),
        st.tuples(st.just("damaged")),
        st.tuples(st.just("new_card")),
        st.tuples(st.just("close_batch"), st.integers(min_value=0, max_value=50)),
        st.tuples(st.just("count"), st.integers(min_value=-6, max_value=6)),
        st.tuples(st.just("decide"), st.integers(min_value=0, max_value=50), st.booleans()),
    ),
    min_size=8, max_size=40,
)


class Model:
    """The ledger as the test understands it, independent of the services."""

    def __init__(self) -> None:
        self.balance = 0
        self.ready: set[int] = set()          # cards ready to print
        self.pending: dict[int, int] = {}     # job id -> card id, in open batches, no result yet
        self.open_batches: list[int] = []
        self.counts: dict[int, int] = {}      # pending count id -> variance


def _sql_sum() -> int:
    return database.execute_sql("SELECT COALESCE(SUM(quantity), 0) FROM blangko_movement").fetchone()[0]


def _step(model: Model, op: tuple) -> bool | None:
    """Run one operation. Returns whether the model expects it to succeed (None: not applicable)."""
    kind = op[0]
    if kind in ("receive", "loan_in", "returned"):
        q = op[1]
        if kind == "receive":
            blangko.receive(KEEPER, q, f"SJ-{q}", "Kemendagri", confirmed=True)  # a lot document may repeat here
        elif kind == "loan_in":
            blangko.loan(KEEPER, "in", q, "Kantor lain")
        else:
            blangko.returned(KEEPER, q, "Kantor lain")
        model.balance += q
        return True
    if kind == "loan_out":
        expected = model.balance >= op[1]
        if _run(expected, lambda: blangko.loan(KEEPER, "out", op[1], "Kantor lain")):
            model.balance -= op[1]
        return expected
    if kind == "damaged":
        expected = model.balance >= 1
        if _run(expected, lambda: blangko.damaged(PRINTER)):
            model.balance -= 1
        return expected
    if kind == "new_card":
        model.ready.add(add_card(central="PRINT_READY_RECORD", recorded_at=datetime(2026, 1, 1)).id)
        return None
    if kind == "batch":
        free = len(model.ready - set(model.pending.values()))
        wanted = min(op[1], free)
        expected = 0 < wanted <= model.balance - len(model.pending)
        if _run(expected, lambda: printing.create_batch(PRINTER, op[1], confirmed=True)):
            batch = printing.open_batches()[-1]
            model.open_batches.append(batch.id)
            jobs = list(PrintJob.select().where(PrintJob.batch == batch.id))
            assert len(jobs) == wanted
            model.pending.update({j.id: j.card_id for j in jobs})
        return expected
    if kind == "result":
        if not model.pending:
            return None
        job_id = sorted(model.pending)[op[1] % len(model.pending)]
        ok, reason = op[2], op[3]
        expected = model.balance >= 1
        if _run(expected, lambda: printing.record_result(PRINTER, job_id, ok, None if ok else reason)):
            model.balance -= 1
            card_id = model.pending.pop(job_id)
            if ok:
                model.ready.discard(card_id)
        return expected
    if kind == "close_batch":
        if not model.open_batches:
            return None
        batch_id = model.open_batches.pop(op[1] % len(model.open_batches))
        printing.close_batch(PRINTER, batch_id, confirmed=True)
        closed = {j.id for j in PrintJob.select().where(PrintJob.batch == batch_id)}
        model.pending = {j: c for j, c in model.pending.items() if j not in closed}
        return True
    if kind == "count":
        counted = max(0, model.balance + op[1])
        count = blangko.record_count(KEEPER, counted)
        assert count.computed == model.balance
        model.counts[count.id] = counted - model.balance
        return True
    if kind == "decide":
        if not model.counts:
            return None
        count_id = sorted(model.counts)[op[1] % len(model.counts)]
        variance = model.counts[count_id]
        approve = op[2]
        expected = not approve or model.balance + variance >= 0
        if _run(expected, lambda: blangko.decide_count(HEAD, count_id, approve)):
            del model.counts[count_id]
            if approve:
                model.balance += variance
        return expected
    raise AssertionError(kind)


def _run(expected: bool, call) -> bool:
    """Call; a refusal must match the model and change nothing."""
    before = db_state()
    try:
        call()
    except ServiceError as exc:
        assert not expected, f"refused but the model expected success: {exc}"
        assert db_state() == before, "a refused operation changed the database"
        return False
    assert expected, "accepted but the model expected a refusal"
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_the_ledger_balance_is_the_sum_matches_the_model_and_never_goes_negative(ops):
    with tempfile.TemporaryDirectory() as folder:
        path = make_office(Path(folder) / "office.sqlite3")
        open_database(path)
        try:
            model = Model()
            for _ in range(4):
                _step(model, ("new_card",))
            for op in ops:
                _step(model, op)
                assert blangko.balance() == _sql_sum() == model.balance, op
                assert model.balance >= 0
                running = database.execute_sql(
                    "SELECT MIN(total) FROM (SELECT SUM(quantity) OVER (ORDER BY id) AS total "
                    "FROM blangko_movement)").fetchone()[0]
                assert running is None or running >= 0
        finally:
            database.close()
