"""What the db package does its own way on each engine: ``db.snapshot`` (a report's reads in one
state of the database, holding up no writer: on PostgreSQL every other transaction takes the
writers' advisory lock) and ``db.sum_true`` (SQLite's SUM(condition))."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from dukcapil_tui import db
from dukcapil_tui.db import database, postgres
from dukcapil_tui.reports import export, parse_period
from dukcapil_tui.services import settings

from conftest import ON_POSTGRES


def _settings() -> int:
    return database.execute_sql("SELECT count(*) FROM setting").fetchone()[0]


def _other_writer_commits(office) -> bool:
    """Another workstation's write transaction, taken without waiting: True when it got its lock
    and committed a setting."""
    if ON_POSTGRES:
        import psycopg

        with psycopg.connect(office) as other:
            if not other.execute("SELECT pg_try_advisory_xact_lock(%s)", (postgres.WRITER_LOCK,)).fetchone()[0]:
                return False
            other.execute("INSERT INTO setting (key, value) VALUES ('snapshot_test', '1')")
        return True
    other = sqlite3.connect(office, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    other.execute("INSERT INTO setting (key, value) VALUES ('snapshot_test', '1')")
    other.execute("COMMIT")
    other.close()
    return True


def test_a_snapshot_reads_one_state_and_lets_writers_commit(office):
    with db.snapshot():
        before = _settings()
        assert _other_writer_commits(office)
        assert _settings() == before  # the other commit is not seen inside
    assert _settings() == before + 1


def test_a_write_transaction_still_holds_writers_off(office):
    with database.atomic("IMMEDIATE"):
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('mine', '1')")
        assert not _other_writer_commits(office)
    assert _other_writer_commits(office)


@pytest.mark.skipif(not ON_POSTGRES, reason="READ ONLY is PostgreSQL's (SQLite's deferred transaction may write)")
def test_a_snapshot_refuses_writes_on_postgres(office):
    with pytest.raises(peewee.DatabaseError), db.snapshot():
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('x', '1')")
    assert database.execute_sql("SELECT count(*) FROM setting WHERE key = 'x'").fetchone()[0] == 0
    with database.atomic():  # the connection is usable after the refusal
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('x', '1')")
    assert database.execute_sql("SELECT count(*) FROM setting WHERE key = 'x'").fetchone()[0] == 1


def test_an_export_reads_in_a_snapshot(office, admin, tmp_path, monkeypatch):
    """The export's sheets are read inside ``db.snapshot`` (not a write transaction)."""
    entered = []
    real = db.snapshot

    def spy():
        entered.append(database.transaction_depth())
        return real()

    monkeypatch.setattr(db, "snapshot", spy)
    path = export("capaian", parse_period("capaian", today=settings.office_today()), tmp_path, admin)
    assert path.exists()
    assert entered == [0]


def test_sum_true_counts_the_rows_where_a_condition_holds(office):
    """``db.sum_true`` is SQLite's SUM(condition) on both engines: NULL (unknown) is not counted,
    no rows give NULL."""
    rows = "(SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT NULL) t"
    assert database.execute_sql(f"SELECT {db.sum_true('t.x >= 2')} FROM {rows}").fetchone()[0] == 2
    assert database.execute_sql(f"SELECT {db.sum_true('t.x IN (1, 3)')} FROM {rows}").fetchone()[0] == 2
    assert database.execute_sql(f"SELECT {db.sum_true('t.x > 3')} FROM {rows}").fetchone()[0] == 0
    assert database.execute_sql(f"SELECT {db.sum_true('t.x > 0')} FROM {rows} WHERE t.x > 9").fetchone()[0] is None


def test_a_past_day_leaves_out_first_recordings_made_after_it(office, admin):
    """The capaian recap and the named list of a past day on either engine (their "first
    recorded after the day" sub-select counted with MAX(boolean), which PostgreSQL has not)."""
    from datetime import date, timedelta

    from dukcapil_tui.domain import nik as nik_rules
    from dukcapil_tui.models import Resident
    from dukcapil_tui.reports import belum_rekam, capaian
    from dukcapil_tui.reports.periods import Period
    from dukcapil_tui.services.context import now_utc

    desa, now = "52.02.04.2008", now_utc().replace(microsecond=0)
    resident_id = Resident.insert(
        uuid="00000000-0000-4000-8000-000000000001", nik=nik_rules.compose("52.02.04", date(1990, 1, 1), "L", 1),
        name="WARGA", birth_date=date(1990, 1, 1), sex="L", desa_code=desa, kecamatan_code="52.02.04",
        marital_status="kawin", recording_status="sudah", workstation="T", created_at=now, updated_at=now,
    ).execute()
    db.insert_rows("card", ("uuid", "resident_id", "reason", "recorded_at", "recorded_where", "central_status",
                            "office_status", "workstation", "created_at", "updated_at", "status_changed_at"),
                   [("card-1", resident_id, "baru", now, "T", "BIO_CAPTURED", "waiting_prr", "T", now, now, now)])
    day = settings.office_today()
    today, past = Period.for_date(day), Period.for_date(day - timedelta(days=10))

    def recorded(period: Period) -> int:
        return {a.code: a for a in capaian.collect(period).desa}[desa].recorded

    assert (recorded(today), recorded(past)) == (1, 0)
    assert belum_rekam.counts(past).per_desa.get(desa) == (1, 0)
    assert belum_rekam.counts(today).per_desa.get(desa, (0, 0)) == (0, 0)
