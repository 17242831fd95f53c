"""``dukcapil db copy SOURCE TARGET``: a whole office to another database and back, verified,
resumable. Runs SQLite -> SQLite always, and SQLite -> PostgreSQL when DUKCAPIL_TEST_DB names a
PostgreSQL server (``target`` fixture)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import PASSWORD, login_args
from dukcapil_tui import db as dbmod
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import Refusal
from dukcapil_tui.migrations import LATEST_VERSION
from dukcapil_tui.models import ALL_MODELS
from dukcapil_tui.services import db_copy
from dukcapil_tui.services import db_copy_tables as tables
from dukcapil_tui.services.context import Actor

TABLES = [m._meta.table_name for m in ALL_MODELS]


# --- the office to copy -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(session_home, tmp_path_factory) -> Path:
    """A demo office with two weeks of work in October 2026, and the rows whose order the
    triggers care about: a closed month holding movements, spoiled cards and tickets on locked
    days, a delivery receipt, a destruction; a card whose kecamatan the insert trigger would
    fill in. admin and loket1 log in with PASSWORD."""
    from dukcapil_tui.demo.builder import build_demo
    from dukcapil_tui.domain import passwords
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services import blangko

    path = build_demo(tmp_path_factory.mktemp("copy-template") / "office.sqlite3", residents=300,
                      today=date(2026, 10, 20))
    dbmod.open_database(path)
    AppUser.update(password_hash=passwords.hash_password(PASSWORD)).where(
        AppUser.username.in_(["admin", "loket1"])).execute()
    admin = AppUser.get(AppUser.username == "admin")
    actor = Actor(admin.id, "admin", "admin", "DEMO", admin.full_name)
    blangko.close_month(actor, "2026-10")
    blangko.destroy(actor, "BA-01/2026", date(2026, 10, 20))
    database.execute_sql("UPDATE card SET kecamatan_code = '' WHERE id = (SELECT min(id) FROM card)")
    database.close()
    return path


@pytest.fixture
def source(template, tmp_path) -> Path:
    """A copy of the template (through SQLite's backup: the template may still have a WAL)."""
    path = tmp_path / "source.sqlite3"
    original, copied = sqlite3.connect(template), sqlite3.connect(path)
    original.backup(copied)
    copied.close()
    original.close()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def target(request, tmp_path) -> str:
    """Where the copy goes: a new SQLite file, or a new PostgreSQL database on the server of
    DUKCAPIL_TEST_DB (skipped without it)."""
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        url = server.new()
        request.addfinalizer(lambda: server.drop(url))
        return url
    return str(tmp_path / "target.sqlite3")


def admin_actor(location) -> Actor:
    conn = dbmod.make_database(str(location))
    row = conn.execute_sql("SELECT id, full_name FROM app_user WHERE username = 'admin'").fetchone()
    conn.close()
    return Actor(row[0], "admin", "admin", "DEMO", row[1])


def copy(source, target, **options):
    try:
        return db_copy.copy_office(admin_actor(source), str(source), str(target), **options)
    finally:
        if database.obj is not None:
            database.close()


def invoke(*args: str, user: str = "admin"):
    result = CliRunner().invoke(cli, [*login_args(user), "db", "copy", *args], obj=State())
    if database.obj is not None:
        database.close()
    return result


def sql(location, statement: str, params=()) -> list[tuple]:
    """Run one statement on a database of either engine (``?`` marks), committed."""
    conn = dbmod.make_database(str(location))
    statement = statement.replace("?", conn.param)
    with conn.atomic():
        cursor = conn.execute_sql(statement, params)
        rows = cursor.fetchall() if cursor.description else []
    conn.close()
    return [tuple(row) for row in rows]


def _plain(value):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, memoryview):
        value = bytes(value)
    return None if value is None else str(value)


def dump(location, table: str | None = None) -> dict[str, list[tuple]]:
    """Every row of every app table (or of one), in key order, values as text (the two engines
    give times and booleans as different Python types)."""
    conn = dbmod.make_database(str(location))
    found = {}
    for name in [table] if table else TABLES:
        keys = ", ".join(tables.q(k) for k in conn.get_primary_keys(name))
        columns = sorted(c.name for c in conn.get_columns(name))
        rows = conn.execute_sql(f"SELECT {', '.join(tables.q(c) for c in columns)} FROM {tables.q(name)} "
                                f"ORDER BY {keys}").fetchall()
        found[name] = [tuple(_plain(v) for v in row) for row in rows]
    conn.close()
    return found


def assert_same_office(source, target) -> None:
    """The target holds every row of the source, and one more audit entry: the copy's."""
    before, after = dump(source), dump(target)
    copied = after["audit_log"].pop()
    assert before == after
    conn = dbmod.make_database(str(target))
    action, username, changes = conn.execute_sql(
        "SELECT action, username, changes FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert (action, username) == ("db.copy", "admin")
    assert json.loads(changes)["rows"] == sum(len(rows) for rows in before.values())
    assert copied[0] is not None


def check_target(target) -> None:
    """``dukcapil check`` on the target: integrity, invariants, both chains."""
    result = CliRunner().invoke(cli, ["--db", str(target), "check"], obj=State())
    if database.obj is not None:
        database.close()
    assert result.exit_code == 0, result.output


# --- a whole copy ---------------------------------------------------------------------------------

def test_the_template_holds_what_the_triggers_refuse(source):
    """The rows the copy order exists for are really in the office (else the tests below prove
    nothing about the order)."""
    conn = sqlite3.connect(source)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert one("SELECT count(*) FROM blangko_movement m JOIN blangko_month c ON substr(m.day, 1, 7) = c.month") > 0
    assert one("SELECT count(*) FROM spoiled_card WHERE day IN (SELECT day FROM day_lock WHERE unlocked_at IS NULL)")
    assert one("SELECT count(*) FROM ticket WHERE day IN (SELECT day FROM day_lock WHERE unlocked_at IS NULL)")
    assert one("SELECT count(*) FROM blangko_delivery") > 0
    assert one("SELECT count(*) FROM destruction") > 0
    assert one("SELECT count(*) FROM card c JOIN resident r ON r.id = c.resident_id "
               "WHERE c.kecamatan_code = '' AND r.kecamatan_code != ''") == 1
    conn.close()


def test_copy_on_the_command_line_equals_the_source_and_verifies(source, target):
    result = invoke(str(source), target)
    assert result.exit_code == 0, result.output
    assert "Salinan selesai: 37 tabel" in result.stdout
    assert "Jumlah baris dan isi tiap tabel sama dengan sumber." in result.stdout
    assert "Rantai log audit" in result.stdout and "utuh di tujuan" in result.stdout
    assert "resident: 300/300 baris" in result.stderr
    names = [row[0] for row in sqlite3.connect(source).execute("SELECT name FROM resident LIMIT 50")]
    assert not any(name in result.output for name in names)  # progress and report: counts only
    assert_same_office(source, target)
    # The copy moved this workstation's anchors no further than the rows both databases hold:
    # the source still checks clean. Working on the target (here: its check) moves them on.
    check_target(source)
    check_target(target)


def test_the_copy_works_on_as_the_office(source, target):
    """After the copy the app writes on the target: new rows take the next free ids (on
    PostgreSQL max + 1, past the copied ids) and the chain goes on from the copied head."""
    from dukcapil_tui.services import chain
    from dukcapil_tui.services.users import create_user

    copy(source, target)
    dbmod.open_database(target)
    users_before = database.execute_sql("SELECT max(id) FROM app_user").fetchone()[0]
    user = create_user(admin_actor(target), "loket9", "Petugas Sembilan", "loket", PASSWORD)
    assert user.id == users_before + 1
    assert chain.verify_all() == []
    database.close()
    check_target(target)


def test_an_older_state_copied_in_checks_like_a_restore(source, target, tmp_path):
    """A backup file copied into an empty database (the way back from a server's trouble) is older
    than what this workstation has seen: the copy still verifies, and its db.copy entry explains
    the newer heads to ``check``, as a restore's entry does. The source itself, without that
    entry, is reported as cut short."""
    newer = tmp_path / "newer.sqlite3"
    copy(source, newer)
    check_target(newer)  # this workstation now has seen the newer heads (newer's db.copy entry)
    assert copy(source, target).ok
    check_target(target)
    result = CliRunner().invoke(cli, ["--db", str(source), "check"], obj=State())
    database.close()
    assert result.exit_code == 1 and "hilang atau berubah" in result.output


def test_copy_back_to_sqlite_equals_the_source(source, target, tmp_path):
    """SQLite -> TARGET -> SQLite: the office comes back row for row (on PostgreSQL this is the
    round trip through the other engine)."""
    copy(source, target)
    back = tmp_path / "back.sqlite3"
    report = copy(target, back)
    assert report.ok
    before, after = dump(source), dump(back)
    conn = dbmod.make_database(back)
    actions = conn.execute_sql("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2").fetchall()
    conn.close()
    assert actions == [("db.copy",), ("db.copy",)]  # the copy there, the copy back
    del after["audit_log"][-2:]
    assert before == after
    check_target(back)


def test_batches_are_transactions_of_the_size_asked(source, target, monkeypatch):
    sizes = []
    original = tables.copy_table

    def watch(src, dst, table, **options):
        sizes.append((table.name, options.get("batch_rows")))
        return original(src, dst, table, **options)

    monkeypatch.setattr(tables, "copy_table", watch)
    progress = []
    copy(source, target, batch_rows=7, progress=lambda *args: progress.append(args))
    resident = [done for table, done, total in progress if table == "resident"]
    assert resident == list(range(7, 300, 7)) + [300]
    assert ("resident", 7) in sizes


# --- resuming -------------------------------------------------------------------------------------

class Stop(Exception):
    pass


def _stop_after(batches: int):
    count = {"n": 0}

    def after_batch():
        count["n"] += 1
        if count["n"] == batches:
            raise Stop

    return after_batch


def _stop_at(name: str, rows: int):
    def progress(table, done, total):
        if (table, done) == (name, rows):
            raise Stop

    return progress


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_copy_stopped_after_a_batch_resumes_to_the_same_result(source, target, tmp_path, where):
    """Stopped after the first batch, in the middle, after the last one (before the verification):
    the next run finishes, and the target equals a copy made in one go."""
    seen = []
    copy(source, tmp_path / "counted.sqlite3", batch_rows=50, after_batch=lambda: seen.append(1))
    batches = {"first": 1, "middle": len(seen) // 2, "last": len(seen)}[where]
    assert len(seen) > 40
    with pytest.raises(Stop):
        copy(source, target, batch_rows=50, after_batch=_stop_after(batches))
    assert db_copy.precheck(str(source), target) == db_copy.RESUME
    report = copy(source, target, batch_rows=50)
    assert report.ok and report.resumed
    one_go = tmp_path / "one-go.sqlite3"
    assert copy(source, one_go, batch_rows=50).ok
    resumed, whole = dump(target), dump(one_go)
    resumed["audit_log"].pop()
    whole["audit_log"].pop()
    assert resumed == whole
    assert_same_office(source, target)


def test_an_unfinished_copy_is_not_worked_on(source, target):
    with pytest.raises(Stop):
        copy(source, target, batch_rows=50, after_batch=_stop_after(1))
    result = CliRunner().invoke(cli, ["--db", str(target), "status"], obj=State())
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Basis data {dbmod.shown(target)} adalah salinan kantor yang belum selesai "
                                    f"(dari {dbmod.shown(source)}): jalankan lagi `dukcapil db copy`")
    assert copy(source, target, batch_rows=50).ok
    assert CliRunner().invoke(cli, ["--db", str(target), "status"], obj=State()).exit_code == 0


def test_a_copy_stopped_before_its_last_transaction_resumes(source, target, monkeypatch):
    """Every row copied and verified, then the audit entry fails: the mark stays, the next run
    copies nothing more and finishes."""
    from dukcapil_tui.services import audit

    original = audit.record

    def broken(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(Stop):
        copy(source, target)
    monkeypatch.setattr(audit, "record", original)
    report = copy(source, target)
    assert report.ok and report.resumed and report.copied == 0
    assert_same_office(source, target)


def test_a_lost_connection_is_a_message_and_the_next_run_goes_on(source, target):
    """A database error in the middle (a dropped connection, a full disk) stops the copy with a
    message, never a traceback; the same command again finishes it."""
    import peewee

    def lost():
        raise peewee.OperationalError("server closed the connection unexpectedly\nThis probably means...")

    count = {"n": 0}

    def after_batch():
        count["n"] += 1
        if count["n"] == 5:
            lost()

    with pytest.raises(Refusal) as refused:
        copy(source, target, batch_rows=50, after_batch=after_batch)
    assert str(refused.value) == ("Salinan terhenti: server closed the connection unexpectedly. Yang sudah disalin "
                                  "tetap tersimpan; jalankan perintah yang sama lagi untuk melanjutkan.")
    assert copy(source, target).ok
    assert_same_office(source, target)


SLOW_COPY = """
import sys, time
from dukcapil_tui.services import db_copy_tables as tables
original = tables.copy_table
def slow(source, target, table, **options):
    if table.name == "resident":  # 15 batches of 20 rows: a window of 4.5 s to be killed in
        options["after_batch"] = lambda: time.sleep(0.3)
    return original(source, target, table, **options)
tables.copy_table = slow
from dukcapil_tui.cli import main
sys.argv = ["dukcapil"] + sys.argv[1:]
main()
"""


def test_a_copy_killed_mid_way_finishes_on_the_next_run(source, target):
    """kill -9 in the middle of the copy (a real process, slowed to 0.3 s a batch of residents);
    the same command again finishes the copy."""
    args = [*login_args(), "db", "copy", "--batch", "20", str(source), str(target)]
    process = subprocess.Popen([sys.executable, "-c", SLOW_COPY, *args], stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ))
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if line.strip().startswith("resident:"):
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert any("resident:" in line for line in seen), seen
    [(copied,)] = sql(target, "SELECT count(*) FROM resident")
    [(pending,)] = sql(target, "SELECT count(*) FROM setting WHERE key = 'db_copy_pending'")
    assert 0 < copied < 300 and pending == 1, seen
    result = invoke(str(source), str(target))
    assert result.exit_code == 0, result.output
    assert "Melanjutkan salinan" in result.stderr
    assert_same_office(source, target)
    check_target(target)


def test_a_target_changed_since_the_stop_is_refused(source, target):
    with pytest.raises(Stop):
        copy(source, target, batch_rows=50, progress=_stop_at("resident", 100))
    [(last, rows)] = sql(target, "SELECT max(id), count(*) FROM resident")
    assert rows == 100
    sql(target, "UPDATE resident SET id = 100000 WHERE id = ?", (last,))
    with pytest.raises(Refusal, match="Tabel resident di tujuan tidak lagi sama"):
        copy(source, target)


def test_the_source_changed_during_the_copy_is_reported_and_resumed(source, target, monkeypatch):
    """A row written to the source after its table was copied: the counts differ, exit 1, the
    copy stays unfinished; once the office stops, the next run copies the row and finishes."""
    original = tables.copy_table

    def write_after_copied(src, dst, table, **options):
        copied = original(src, dst, table, **options)
        if table.name == "report_sent":
            src.execute_sql("INSERT INTO report_sent (report, period, sent_on, via, reference, note, username, "
                            "recorded_at) SELECT report, '2026-09', sent_on, via, reference, note, username, "
                            "recorded_at FROM report_sent LIMIT 1")
        if table.name == "resident":
            src.execute_sql("UPDATE resident SET address = 'Jl. Baru 1' WHERE id = 7")
        return copied

    monkeypatch.setattr(tables, "copy_table", write_after_copied)
    report = copy(source, target)
    assert not report.ok
    assert sorted(report.mismatches) == [("report_sent", 2, 1, 1), ("resident", 300, 300, 1)]
    monkeypatch.setattr(tables, "copy_table", original)
    assert db_copy.precheck(str(source), str(target)) == db_copy.RESUME
    report = copy(source, target)
    assert report.ok and report.copied == 1
    assert_same_office(source, target)  # the resident changed after it was copied, too


def test_a_failed_verification_exits_1_with_the_tables_named(source, tmp_path, monkeypatch):
    original = db_copy._verify

    def differ(src, dst, plan, office, report, batch_rows):
        original(src, dst, plan, office, report, batch_rows)
        report.counts[0] = ("region", 167, 166, 0)
        report.counts[1] = ("resident", 300, 300, 2)
        report.chain_problems = ["Log audit baris 5: diubah"]

    monkeypatch.setattr(db_copy, "_verify", differ)
    target = tmp_path / "t.sqlite3"
    result = invoke(str(source), str(target))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Salinan BELUM selesai: tujuan berbeda dari sumber. Hentikan kerja di loket lalu jalankan perintah yang "
        "sama lagi (melanjutkan).",
        "  tabel region: sumber 167 baris, tujuan 166 baris",
        "  tabel resident: 2 baris berbeda isinya dari sumber",
        "  rantai: Log audit baris 5: diubah",
    ]
    assert db_copy.precheck(str(source), str(target)) == db_copy.RESUME  # not finished: the mark stays


# --- order and triggers ---------------------------------------------------------------------------

def test_every_trigger_of_the_schema_has_a_decision(tmp_path):
    fresh = dbmod.make_database(tmp_path / "fresh.sqlite3")
    dbmod.run_migrations(fresh)
    found = {row[0] for row in fresh.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    fresh.close()
    assert found == set(tables.TRIGGERS)


def test_the_target_has_exactly_the_triggers_the_copy_knows(source, target):
    """The same triggers on both engines (PL/pgSQL ones keep their names)."""
    copy(source, target)
    if db_copy.is_url(target):
        found = {name for (name,) in sql(target, "SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        rowid = {name for name in found if name.endswith(tables.ROWID_SUFFIX)}
        assert "resident_rowid" in rowid and "audit_log_rowid" in rowid
        found -= rowid
    else:
        found = {name for (name,) in sql(target, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert found == set(tables.TRIGGERS)
    assert all(tables.trigger_decision(name) for name in found)
    assert tables.trigger_decision("resident_rowid") and tables.trigger_decision("new_guard") is None


def test_the_order_puts_parents_and_trigger_guards_first(source):
    conn = dbmod.make_database(source)
    order = tables.ordered(conn, TABLES)
    for name in TABLES:
        for fk in conn.get_foreign_keys(name):
            if fk.dest_table != name:
                assert order.index(fk.dest_table) < order.index(name), (fk.dest_table, name)
    conn.close()
    for later, earlier in tables.AFTER.items():
        for name in earlier:
            assert order.index(name) < order.index(later), (name, later)


@pytest.mark.parametrize("first, then, refusal", [
    ("blangko_month", "blangko_movement", "blangko month is closed"),
    ("day_lock", "spoiled_card", "day is locked"),
])
def test_the_triggers_refuse_the_other_order(source, tmp_path, first, then, refusal):
    """Why the order matters: the other way round the target refuses the rows."""
    target = tmp_path / "t.sqlite3"
    copy(source, target)
    conn = dbmod.make_database(target)
    src = dbmod.make_database(source)
    plan = {t.name: t for t in tables.plan(src, conn, TABLES)}
    conn.execute_sql("PRAGMA foreign_keys = OFF")
    conn.execute_sql("DROP TRIGGER blangko_movement_append_only_d")
    conn.execute_sql("DROP TRIGGER blangko_movement_day_locked")  # the month's own refusal shows
    conn.execute_sql("DROP TRIGGER blangko_delivery_append_only_d")
    conn.execute_sql("DELETE FROM blangko_delivery")
    conn.execute_sql(f"DELETE FROM {then}")
    assert tables.count(conn, first) > 0
    with pytest.raises(Refusal, match=f"Tujuan menolak baris tabel {then}: {refusal}"):
        tables.copy_table(src, conn, plan[then])
    conn.close()
    src.close()


def test_a_rewritten_kecamatan_is_written_back(source, target):
    copy(source, target)
    conn = dbmod.make_database(target)
    assert conn.execute_sql("SELECT kecamatan_code FROM card WHERE id = (SELECT min(id) FROM card)").fetchone()[0] == ""
    conn.close()


# --- refusals: nothing written --------------------------------------------------------------------

def test_source_and_target_the_same_is_refused(source, tmp_path):
    before = source.read_bytes()
    result = invoke(str(source), str(source))
    assert result.exit_code == 2
    assert "SUMBER dan TUJUAN sama" in result.output
    os.symlink(source, tmp_path / "link.sqlite3")
    assert "SUMBER dan TUJUAN sama" in invoke(str(source), str(tmp_path / "link.sqlite3")).output
    assert "SUMBER dan TUJUAN sama" in invoke(str(source), str(tmp_path / "." / "source.sqlite3")).output
    assert source.read_bytes() == before


def test_a_missing_source_is_refused(tmp_path):
    result = invoke(str(tmp_path / "nowhere.sqlite3"), str(tmp_path / "t.sqlite3"))
    assert result.exit_code == 2
    assert f"Basis data sumber {tmp_path / 'nowhere.sqlite3'} tidak ada" in result.output
    assert not (tmp_path / "t.sqlite3").exists()


@pytest.mark.parametrize("version, words", [(LATEST_VERSION - 1, "buka sumber dengan aplikasi ini dulu"),
                                            (LATEST_VERSION + 1, "perbarui aplikasi dulu")])
def test_a_source_at_another_schema_version_is_refused(source, tmp_path, version, words):
    conn = sqlite3.connect(source)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    result = invoke(str(source), str(tmp_path / "t.sqlite3"))
    assert result.exit_code == 2
    assert f"versi {version}" in result.output and words in result.output
    assert not (tmp_path / "t.sqlite3").exists()


def test_a_source_with_a_table_outside_the_app_is_refused(source, tmp_path):
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE catatan_lain (id INTEGER PRIMARY KEY, isi TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(Refusal, match=r"tabel di luar aplikasi ini \(catatan_lain\)"):
        copy(source, tmp_path / "t.sqlite3")


def test_only_the_office_head_copies(source, tmp_path):
    result = invoke(str(source), str(tmp_path / "t.sqlite3"), user="loket1")
    assert result.exit_code == 2
    assert "menyalin basis data kantor" in result.output
    assert not (tmp_path / "t.sqlite3").exists()


def test_a_copy_needs_a_login(source, tmp_path):
    result = CliRunner().invoke(cli, ["db", "copy", str(source), str(tmp_path / "t.sqlite3")], obj=State())
    assert result.exit_code == 2
    assert "--user" in result.output
    assert not (tmp_path / "t.sqlite3").exists()


def test_a_workstation_without_the_office_key_is_refused(source, tmp_path):
    from dukcapil_tui import enrolment

    conn = sqlite3.connect(source)
    uid = conn.execute("SELECT value FROM setting WHERE key = 'office_uid'").fetchone()[0]
    conn.close()
    enrolment.remove(uid)
    with pytest.raises(Refusal, match="tidak memegang kunci rantai"):
        copy(source, tmp_path / "t.sqlite3")
    assert not (tmp_path / "t.sqlite3").exists()


def test_a_target_holding_another_office_is_refused(source, tmp_path):
    from conftest import make_office

    other = make_office(tmp_path / "other.sqlite3")
    before = dump(other)
    result = invoke(str(source), str(other))
    assert result.exit_code == 2
    assert f"Tujuan {other} sudah berisi kantor lain" in result.output
    assert dump(other) == before


def test_a_target_with_other_data_is_refused(source, tmp_path):
    target = tmp_path / "t.sqlite3"
    fresh = dbmod.make_database(target)
    dbmod.run_migrations(fresh)
    fresh.execute_sql("INSERT INTO region (code, name, level) VALUES ('52', 'NUSA TENGGARA BARAT', 'provinsi')")
    fresh.close()
    result = invoke(str(source), str(target))
    assert result.exit_code == 2
    assert "sudah berisi data (tabel region)" in result.output


def test_an_empty_schema_is_a_good_target(source, tmp_path):
    """A target the migrations made (seeded settings, services, counters): the seeds make way
    for the source's."""
    target = tmp_path / "t.sqlite3"
    fresh = dbmod.make_database(target)
    dbmod.run_migrations(fresh)
    fresh.close()
    assert db_copy.precheck(str(source), str(target)) == db_copy.EMPTY
    assert copy(source, target).ok
    assert_same_office(source, target)


def test_a_schema_interrupted_while_made_is_finished(source, tmp_path, monkeypatch):
    target = tmp_path / "t.sqlite3"
    fresh = dbmod.make_database(target)
    monkeypatch.setattr(dbmod, "MIGRATIONS", dbmod.MIGRATIONS[:-1])  # as if the last one had not run
    dbmod.run_migrations(fresh)
    monkeypatch.undo()
    assert dbmod.schema_version(fresh) == LATEST_VERSION - 1
    fresh.close()
    assert copy(source, target).ok
    assert_same_office(source, target)


@pytest.mark.parametrize("table", ["app_user", "region"])
def test_a_target_with_data_at_an_old_version_is_refused(source, tmp_path, monkeypatch, table):
    """An older schema holding more than its seeds (users, or only regions) is not finished and
    emptied: it is refused, untouched."""
    target = tmp_path / "old.sqlite3"
    fresh = dbmod.make_database(target)
    monkeypatch.setattr(dbmod, "MIGRATIONS", dbmod.MIGRATIONS[:-1])
    dbmod.run_migrations(fresh)
    monkeypatch.undo()
    if table == "app_user":
        fresh.execute_sql("INSERT INTO app_user (username, full_name, role, password_hash, created_at) "
                          "VALUES ('lain', 'Orang Lain', 'admin', 'x', '2026-01-01 00:00:00')")
    else:
        fresh.execute_sql("INSERT INTO region (code, name, level) VALUES ('52', 'NUSA TENGGARA BARAT', 'provinsi')")
    fresh.close()
    before = dump(target, table)
    with pytest.raises(Refusal, match=f"skema versi {LATEST_VERSION - 1}"):
        copy(source, target)
    assert dump(target, table) == before


def test_a_target_of_another_program_or_no_database_is_refused(source, tmp_path):
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    assert "bukan milik aplikasi ini" in invoke(str(source), str(foreign)).output
    text = tmp_path / "notes.sqlite3"
    text.write_text("bukan basis data\n" * 100)
    result = invoke(str(source), str(text))
    assert result.exit_code == 2 and f"Basis data {text} tidak bisa dibuka" in result.output
    assert text.read_text() == "bukan basis data\n" * 100


def test_a_finished_copy_is_not_copied_again(source, target):
    assert copy(source, target).ok
    before = dump(target)
    result = invoke(str(source), str(target))
    assert result.exit_code == 2
    assert "sudah berisi kantor ini" in result.output
    assert dump(target) == before


def test_an_unfinished_copy_of_another_office_is_refused(source, target):
    with pytest.raises(Stop):
        copy(source, target, after_batch=_stop_after(2))
    sql(target, "UPDATE setting SET value = ? WHERE key = 'db_copy_pending'", (json.dumps({"office_uid": "lain"}),))
    with pytest.raises(Refusal, match="salinan yang belum selesai dari kantor lain"):
        copy(source, target)


def test_a_postgresql_database_that_is_not_there_is_refused(source, tmp_path, request):
    server = request.getfixturevalue("pg_server")
    missing = server.new()
    server.drop(missing)
    result = invoke(str(source), missing)
    assert result.exit_code == 2
    assert f"Basis data {db_copy.shown(missing)} tidak bisa dibuka: " in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    result = invoke(missing, str(tmp_path / "t.sqlite3"))
    assert result.exit_code == 2 and "tidak bisa dibuka" in result.output
    assert not (tmp_path / "t.sqlite3").exists()


def test_a_batch_below_one_is_refused(source, tmp_path):
    with pytest.raises(Refusal, match="--batch harus bilangan bulat 1 atau lebih, bukan 0"):
        copy(source, tmp_path / "t.sqlite3", batch_rows=0)
    assert copy(source, tmp_path / "t.sqlite3", batch_rows=1000).ok


def test_a_url_is_shown_without_its_password():
    shown = db_copy.shown("postgresql://kantor:rahasia@db.lokal:5433/dukcapil")
    assert "rahasia" not in shown and shown.endswith("@db.lokal:5433/dukcapil")
    assert db_copy.same_place("postgresql://kantor:a@db.lokal:5432/dukcapil", "postgresql://kantor:b@DB.lokal/dukcapil")
    assert db_copy.same_place("postgresql://kantor@db.lokal/dukcapil", "postgresql://postgres@db.lokal/dukcapil")
    assert not db_copy.same_place("postgresql://kantor@db.lokal/dukcapil", "postgresql://kantor@db.lokal/lain")
    assert not db_copy.same_place("postgresql://kantor@db.lokal:5433/dukcapil", "postgresql://kantor@db.lokal/dukcapil")
    assert not db_copy.same_place("postgresql://kantor@db.lokal/dukcapil", "dukcapil")
