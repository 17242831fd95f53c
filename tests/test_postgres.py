"""PostgreSQL: what differs from SQLite and lives in db/postgres.py and migrations/postgres.py.

The rewriting of SQL and of the migrations is checked here without a server; what needs one
runs when DUKCAPIL_TEST_DB names a PostgreSQL server (``pg_server`` skips otherwise). The rest
of the suite runs on PostgreSQL too with that variable set (tests/conftest.py)."""

from __future__ import annotations

from datetime import date, datetime

import peewee
import pytest
from click.testing import CliRunner

from dukcapil_tui import db as dbmod
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database
from dukcapil_tui.db.postgres import masked, to_psycopg
from dukcapil_tui.migrations import LATEST_VERSION, MIGRATIONS
from dukcapil_tui.migrations import postgres as pgm
from dukcapil_tui.models import ALL_MODELS

from conftest import OFFICE, PASSWORD, login_args

# --- SQL as psycopg reads it (no server needed) ---------------------------------------------------


def test_sqlite_placeholders_become_psycopg_ones_outside_quotes():
    sql = "SELECT * FROM t WHERE a = ? AND b = :day AND c = '?' AND d = ':x' AND e::text = 'a%' AND f LIKE ?"
    assert to_psycopg(sql, (1,)) == ("SELECT * FROM t WHERE a = %s AND b = %(day)s AND c = '?' AND d = ':x' "
                                     "AND e::text = 'a%%' AND f LIKE %s")


def test_a_literal_percent_is_doubled_even_without_parameters():
    assert to_psycopg("SELECT to_char(now(), '100%')", None) == "SELECT to_char(now(), '100%%')"
    assert to_psycopg("SELECT 1", None) == "SELECT 1"


def test_peewee_sql_passes_unchanged():
    sql = 'SELECT "t1"."id" FROM "card" AS "t1" WHERE ("t1"."note" = %s)'
    assert to_psycopg(sql, ("x",)) == sql


def test_sqlite_planner_hints_become_plain_sql():
    sql = ("SELECT c.id FROM suket s CROSS JOIN card c ON c.resident_id = s.resident_id "
           "FROM resident r NOT INDEXED WHERE +c.office_status = 'x' AND (+c.central_status IN ('a')) AND a + b > 1")
    assert to_psycopg(sql, ()) == ("SELECT c.id FROM suket s JOIN card c ON c.resident_id = s.resident_id "
                                   "FROM resident r WHERE c.office_status = 'x' AND (c.central_status IN ('a')) "
                                   "AND a + b > 1")


def test_a_password_in_a_url_is_masked():
    assert masked("postgresql://kantor:rahasia@db.local:5432/dukcapil") == "postgresql://kantor:…@db.local:5432/dukcapil"
    assert masked("postgresql://kantor@db.local/dukcapil") == "postgresql://kantor@db.local/dukcapil"
    assert dbmod.shown("/srv/kantor.sqlite3") == "/srv/kantor.sqlite3"


# --- the migrations on PostgreSQL (no server needed) ----------------------------------------------


def test_a_raise_trigger_becomes_a_plpgsql_function_and_a_row_trigger():
    function, trigger = pgm.translate(
        "CREATE TRIGGER t_locked BEFORE INSERT ON t WHEN EXISTS (SELECT 1 FROM day_lock WHERE day = NEW.day) "
        "BEGIN SELECT RAISE(ABORT, 'day is locked'); END")
    assert function.startswith("CREATE OR REPLACE FUNCTION t_locked_fn() RETURNS trigger LANGUAGE plpgsql")
    assert ("IF EXISTS (SELECT 1 FROM day_lock WHERE day = NEW.day) THEN RAISE EXCEPTION 'day is locked' "
            "USING ERRCODE = '23000'; END IF; RETURN NEW;") in function
    assert trigger == ("CREATE OR REPLACE TRIGGER t_locked BEFORE INSERT ON t FOR EACH ROW "
                       "EXECUTE FUNCTION t_locked_fn()")


def test_a_delete_trigger_returns_the_old_row_and_an_after_trigger_nothing():
    before, _ = pgm.translate("CREATE TRIGGER a BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'kept'); END")
    after, _ = pgm.translate("CREATE TRIGGER b AFTER INSERT ON t BEGIN UPDATE u SET x = NEW.id WHERE x IS NULL; END")
    assert "RETURN OLD;" in before
    assert "BEGIN UPDATE u SET x = NEW.id WHERE x IS NULL; RETURN NULL;" in after


def test_an_update_of_columns_trigger_keeps_its_columns():
    function, trigger = pgm.translate(
        "CREATE TRIGGER moved AFTER UPDATE OF desa_code,\n  kecamatan_code ON resident WHEN NEW.desa_code IS NOT "
        "OLD.desa_code BEGIN UPDATE card SET holder_desa_code = NEW.desa_code WHERE resident_id = NEW.id; END")
    assert ("BEGIN IF NEW.desa_code IS DISTINCT FROM OLD.desa_code THEN UPDATE card SET holder_desa_code = "
            "NEW.desa_code WHERE resident_id = NEW.id; END IF; RETURN NULL;") in function
    assert trigger.startswith("CREATE OR REPLACE TRIGGER moved AFTER UPDATE OF desa_code,\n  kecamatan_code ON "
                              "resident FOR EACH ROW")


def test_is_not_a_value_becomes_is_distinct_from():
    function, _ = pgm.translate(
        "CREATE TRIGGER c BEFORE UPDATE ON t WHEN NEW.a IS NOT OLD.a OR NEW.b IS NOT NULL OR NEW.c IS 'x' "
        "BEGIN SELECT RAISE(ABORT, 'no'); END")
    assert "IF NEW.a IS DISTINCT FROM OLD.a OR NEW.b IS NOT NULL OR NEW.c IS NOT DISTINCT FROM 'x' THEN" in function


def test_columns_and_rowids_as_sqlite_gives_them():
    table, function, trigger = pgm.translate(
        "CREATE TABLE t (\n id INTEGER PRIMARY KEY,\n name TEXT NOT NULL UNIQUE COLLATE NOCASE,\n at DATETIME,\n"
        " day DATE NOT NULL,\n other_id INTEGER REFERENCES other (id))")
    assert "id INTEGER PRIMARY KEY," in table
    assert "name TEXT COLLATE nocase NOT NULL UNIQUE," in table
    assert "at TEXT," in table and "day TEXT NOT NULL" in table
    assert "NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM t)" in function
    assert trigger.endswith("BEFORE INSERT ON t FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION t_rowid_fn()")
    assert pgm.translate("CREATE TABLE d (movement_id INTEGER PRIMARY KEY REFERENCES m (id))") == [
        "CREATE TABLE d (movement_id INTEGER PRIMARY KEY REFERENCES m (id))"]


def test_a_table_moves_after_the_table_it_refers_to():
    out = pgm.statements(99, ["CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id))",
                              "CREATE TABLE b (id INTEGER PRIMARY KEY)"])
    creates = [s.split(" (")[0] for s in out if s.startswith("CREATE TABLE")]
    assert creates == ["CREATE TABLE b", "CREATE TABLE a"]
    assert out.index("CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id))") < next(
        i for i, s in enumerate(out) if "a_rowid_fn()" in s and s.startswith("CREATE OR REPLACE TRIGGER"))


def test_left_out_statements_are_the_data_fixes_and_rebuilds_they_name():
    by_number = {number: statements for number, _, statements in MIGRATIONS}
    for number, index in pgm.DATA_FIXES:
        assert by_number[number][index].lstrip().split()[0] in ("INSERT", "UPDATE")
    for number, (skipped, _alters) in pgm.REBUILDS.items():
        kinds = {by_number[number][i].lstrip().split()[0] for i in skipped}
        assert kinds <= {"CREATE", "INSERT", "DROP", "ALTER"}
        assert any("_new" in by_number[number][i] for i in skipped)


# --- on a server (DUKCAPIL_TEST_DB) ----------------------------------------------------------------


@pytest.fixture
def empty_pg(pg_server):
    url = pg_server.new()
    yield url
    if database.obj is not None:
        database.close()
    pg_server.drop(url)


def test_the_migrations_make_every_table_the_models_read(empty_pg):
    made = dbmod.open_database(empty_pg, create=True)
    assert dbmod.dialect(made) == "postgres" and dbmod.schema_version(made) == LATEST_VERSION
    for model in ALL_MODELS:
        columns = {c.name for c in made.get_columns(model._meta.table_name)}
        assert {f.column_name for f in model._meta.sorted_fields} <= columns, model.__name__


def test_an_office_is_made_and_used_on_postgresql_from_the_command_line(empty_pg, tmp_path):
    secret = tmp_path / "admin.txt"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    made = CliRunner().invoke(cli, ["--db", empty_pg, "init", "--office", OFFICE, "--region", "52.02",
                                    "--admin-password-file", str(secret)], obj=State())
    assert made.exit_code == 0, made.output
    again = CliRunner().invoke(cli, ["--db", empty_pg, "init", "--office", OFFICE, "--region", "52.02",
                                     "--admin-password-file", str(secret)], obj=State())
    assert again.exit_code != 0 and "sudah ada" in again.output + again.stderr
    checked = CliRunner().invoke(cli, ["--db", empty_pg, "check"], obj=State())
    assert checked.exit_code == 0, checked.output
    assert "Basis data sehat" in checked.output
    backup = CliRunner().invoke(cli, ["--db", empty_pg, *login_args(), "backup"], obj=State())
    assert backup.exit_code != 0
    assert "Kantor ini berada di server PostgreSQL: cadangannya dibuat di server (pg_dump)" in backup.stderr


def test_an_empty_database_is_no_office_yet(empty_pg):
    with_password = empty_pg.replace("postgres@", "postgres:rahasia@")
    result = CliRunner().invoke(cli, ["--db", with_password, "status"], obj=State())
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Belum ada basis data di {masked(with_password)}.\nBuat kantor baru dengan")
    assert "rahasia" not in result.stderr


def test_the_audit_log_stays_append_only(admin, office):
    if not dbmod.is_url(office):
        pytest.skip("PostgreSQL only (DUKCAPIL_TEST_DB)")
    with pytest.raises(peewee.IntegrityError, match="audit_log is append-only"):
        database.execute_sql("UPDATE audit_log SET username = 'x'")
    database.rollback()
    with pytest.raises(peewee.IntegrityError, match="audit_log is append-only"):
        database.execute_sql("DELETE FROM audit_log")


def test_values_are_stored_as_sqlite_stores_them(admin, office):
    if not dbmod.is_url(office):
        pytest.skip("PostgreSQL only (DUKCAPIL_TEST_DB)")
    database.execute_sql("CREATE TEMPORARY TABLE v (at TEXT, day TEXT, flag INTEGER)")
    database.execute_sql("INSERT INTO v VALUES (?, ?, ?)",
                         (datetime(2026, 11, 22, 2, 0, 0, 5), date(2026, 11, 22), True))
    assert database.execute_sql("SELECT at, day, flag FROM v").fetchone() == ("2026-11-22 02:00:00.000005",
                                                                            "2026-11-22", 1)
    assert database.execute_sql("SELECT sum(flag = 1), sum(flag = 0), sum(flag) FROM v").fetchone() == (1, 0, 1)


def test_a_row_without_an_id_takes_the_next_after_the_highest(admin, office):
    if not dbmod.is_url(office):
        pytest.skip("PostgreSQL only (DUKCAPIL_TEST_DB)")
    insert = ("INSERT INTO report_sent ({}report, period, sent_on, via, username, recorded_at) "
              "VALUES ({}'capaian', '2026-10', '2026-11-02', 'email', 'admin', '2026-11-02 01:00:00') RETURNING id")
    assert database.execute_sql(insert.format("id, ", "50, ")).fetchone()[0] == 50
    assert database.execute_sql(insert.format("", "")).fetchone()[0] == 51  # SQLite's rowid: max + 1


def test_a_browser_tab_opens_the_same_postgresql_database():
    from dukcapil_tui import web

    command = web.app_command("postgresql://kantor@db.local/dukcapil", "id")
    assert command.endswith("-m dukcapil_tui --db postgresql://kantor@db.local/dukcapil --lang id")


def test_the_demo_is_never_built_at_a_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", "postgresql://kantor:rahasia@127.0.0.1:9/demo", "demo", "--build-only"],
                                obj=State())
    assert result.exit_code == 2
    assert result.stderr.startswith("Kantor contoh dibuat sebagai berkas SQLite, bukan di "
                                    "postgresql://kantor:…@127.0.0.1:9/demo.")
    assert not [p for p in tmp_path.rglob("*") if "postgres" in p.name or p.suffix == ".sqlite3"]


def test_a_url_in_the_settings_file_opens_postgresql(tmp_path, monkeypatch):
    from dukcapil_tui import config as configmod

    settings_file = configmod.Config(database="postgresql://kantor@127.0.0.1:9/x")
    result = CliRunner().invoke(cli, ["status"], obj=State(config=settings_file))
    assert result.exit_code == 2
    assert result.stderr.startswith("Basis data postgresql://kantor@127.0.0.1:9/x tidak dapat dibuka: ")


def test_without_the_postgres_extra_the_message_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed: import fails
    result = CliRunner().invoke(cli, ["--db", "postgresql://kantor:rahasia@db.local/x", "status"], obj=State())
    assert result.exit_code == 2
    assert result.stderr == ("Basis data postgresql://kantor:…@db.local/x ada di server PostgreSQL, tetapi pustaka "
                             "psycopg belum terpasang: pasang dengan `pip install 'dukcapil-tui[postgres]'`.\n")
