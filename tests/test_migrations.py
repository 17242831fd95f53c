"""Upgrading databases that earlier versions of the app left behind."""

from __future__ import annotations

import json
import sqlite3

import peewee

from dukcapil_tui import wilayah
from dukcapil_tui.db import open_database
from dukcapil_tui.migrations import MIGRATIONS
from dukcapil_tui.models import AuditLog, Card, CardEvent, Region, Resident


def _database_at(path, version: int) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    for _number, _, statements in MIGRATIONS[:version]:
        for statement in statements:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.execute("INSERT INTO setting (key, value) VALUES ('region_code', '52.02'), ('office_name', 'Lama'), "
                       "('timezone', 'Asia/Makassar')")
    connection.execute("INSERT INTO region (code, name, level) VALUES ('52.02.04.2008', 'Rembitan', 'desa')")
    return connection


def _resident(connection, number: int, recording: str) -> int:
    return connection.execute(
        "INSERT INTO resident (uuid, nik, name, birth_date, sex, desa_code, kecamatan_code, marital_status, "
        "recording_status, workstation, created_at, updated_at) VALUES (?, ?, 'WARGA', '1990-01-01', 'L', "
        "'52.02.04.2008', '52.02.04', 'kawin', ?, 'LAMA', '2026-01-01', '2026-01-01')",
        (f"r{number}", f"520204010190{number:04d}", recording)).lastrowid


def _card(connection, number: int, resident: int, central: str, office: str) -> int:
    return connection.execute(
        "INSERT INTO card (uuid, resident_id, reason, recorded_at, recorded_where, central_status, office_status, "
        "workstation, created_at, updated_at, kecamatan_code) VALUES (?, ?, 'baru', '2026-01-01', 'Dinas', ?, ?, "
        "'LAMA', '2026-01-01', '2026-01-01', '52.02.04')", (f"c{number}", resident, central, office)).lastrowid


def test_cards_sent_to_rerecording_by_a_duplicate_wait_again(tmp_path):
    path = tmp_path / "v4.sqlite3"
    connection = _database_at(path, 4)
    duplicate = _card(connection, 1, _resident(connection, 1, "belum"), "DUPLICATE_RECORD", "needs_rerecording")
    failure = _card(connection, 2, _resident(connection, 2, "belum"), "ENROLL_FAILURE_AT_CENTRAL", "needs_rerecording")
    replaced = _card(connection, 3, _resident(connection, 3, "sudah"), "DUPLICATE_RECORD", "replaced")
    connection.commit()
    connection.close()

    open_database(path, backup_dir=tmp_path / "cadangan")
    statuses = {c.id: (c.office_status, c.resident.recording_status) for c in Card.select()}
    assert statuses == {duplicate: ("waiting_prr", "sudah"), failure: ("needs_rerecording", "belum"),
                        replaced: ("replaced", "sudah")}
    assert [(e.card_id, e.office_status, e.source) for e in CardEvent.select()] == [
        (duplicate, "waiting_prr", "migration")]
    entries = [(e.action, e.entity_id, json.loads(e.changes)) for e in AuditLog.select().order_by(AuditLog.id)]
    resident = Card.get_by_id(duplicate).resident_id
    assert entries == [
        ("resident.update", str(resident), {"recording_status": ["belum", "sudah"], "card": duplicate,
                                            "central_status": "DUPLICATE_RECORD"}),
        ("card.status", str(duplicate), {"central_status": ["DUPLICATE_RECORD", "DUPLICATE_RECORD"],
                                         "office_status": ["needs_rerecording", "waiting_prr"]}),
    ]
    assert Resident.select().where(Resident.recording_status == "sudah").count() == 2


def test_the_ledger_is_rebuilt_with_corrections_and_keeps_every_row_and_rule(tmp_path):
    from peewee import IntegrityError

    from dukcapil_tui.db import database
    from dukcapil_tui.models import BlangkoMovement, SpoiledCard

    path = tmp_path / "v5.sqlite3"
    connection = _database_at(path, 5)
    connection.execute("INSERT INTO blangko_movement (uuid, at, day, kind, quantity, reference, username, workstation) "
                       "VALUES ('m1', '2026-10-01 01:00:00', '2026-10-01', 'receipt', 500, 'SJ-1', 'b', 'W'), "
                       "('m2', '2026-10-02 01:00:00', '2026-10-02', 'damaged', -1, 'rusak_fisik', 'b', 'W')")
    connection.execute("INSERT INTO spoiled_card (at, day, reason, movement_id, username) "
                       "VALUES ('2026-10-02 01:00:00', '2026-10-02', 'rusak_fisik', 2, 'b')")
    connection.execute("INSERT INTO blangko_month (month, closed_at, username, closing_balance) "
                       "VALUES ('2026-10', '2026-11-01 01:00:00', 'admin', 499)")
    connection.commit()
    connection.close()

    open_database(path, backup_dir=tmp_path / "cadangan")
    assert [
        (m.id, m.kind, m.quantity, m.corrects_id) for m in BlangkoMovement.select().order_by(BlangkoMovement.id)
    ] == [(1, "receipt", 500, None), (2, "damaged", -1, None)]
    assert SpoiledCard.get().movement_id == 2
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    for statement, message in (
        ("UPDATE blangko_movement SET quantity = 5 WHERE id = 1", "append-only"),
        ("DELETE FROM blangko_movement WHERE id = 1", "append-only"),
        ("INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
         "VALUES ('m3', '2026-10-05', '2026-10-05', 'receipt', 5, 'b', 'W')", "month is closed"),
    ):
        try:
            with database.atomic():
                database.execute_sql(statement)
        except IntegrityError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"accepted: {statement}")


def test_the_region_table_gains_level_kota_and_keeps_every_row_and_key(tmp_path):
    kota = next(number for number, description, _ in MIGRATIONS if description.startswith("regions: level 'kota'"))
    path = tmp_path / "before-kota.sqlite3"
    connection = _database_at(path, kota - 1)
    connection.execute("PRAGMA foreign_keys = ON")
    regency = [(r.code, r.name, r.level, r.parent_code if r.level != "kabupaten" else None)
               for r in wilayah.regency_rows("52.02")]
    connection.execute("DELETE FROM region")
    connection.executemany("INSERT INTO region VALUES (?, ?, ?, ?)", regency)
    try:
        connection.execute("INSERT INTO region VALUES ('36.73', 'Kota Serang', 'kota', NULL)")
        raise AssertionError("the old CHECK took level 'kota'")
    except sqlite3.IntegrityError as exc:
        assert "CHECK" in str(exc)
    _resident(connection, 1, "belum")
    connection.execute(
        "INSERT INTO wajib_ktp_figure VALUES ('52.02.04.2009', 10, 12, '', 'dak2.xlsx', '2026-01-01', 'a')"
    )
    connection.commit()
    connection.close()

    db = open_database(path, backup_dir=tmp_path / "cadangan")
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0] >= kota
    assert sorted(Region.select(Region.code, Region.name, Region.level, Region.parent_code).tuples()) == sorted(regency)
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert Resident.get().desa_code == "52.02.04.2008"
    assert db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'region'"
                          " AND sql IS NOT NULL").fetchall() == [("region_parent",)]
    # The new CHECK takes 'kota' and still refuses anything else; the keys are still enforced.
    db.execute_sql("INSERT INTO region VALUES ('36.73', 'Kota Serang', 'kota', NULL)")
    for statement, refusal in (
        ("INSERT INTO region VALUES ('36.74', 'Kota Tangerang Selatan', 'kotamadya', NULL)", "CHECK"),
        ("DELETE FROM region WHERE code = '52.02.04.2008'", "FOREIGN KEY"),  # a resident lives there
        ("DELETE FROM region WHERE code = '52.02.04.2009'", "FOREIGN KEY"),  # a wajib KTP figure names it
        ("INSERT INTO region VALUES ('52.02.13', 'Tidak Ada', 'kecamatan', '52.02.99')", "FOREIGN KEY"),
    ):
        try:
            db.execute_sql(statement)
            raise AssertionError(f"accepted: {statement}")
        except peewee.IntegrityError as exc:
            assert refusal in str(exc), statement


def test_the_models_match_what_the_migrations_create(tmp_path):
    """Every model maps onto a table the migrations made, column for column (the schema is
    written in plain SQL; a model that drifted from it fails only at run time otherwise)."""
    from dukcapil_tui.db import database
    from dukcapil_tui.models import ALL_MODELS, BaseModel

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    assert set(subclasses(BaseModel)) == set(ALL_MODELS)
    open_database(tmp_path / "baru.sqlite3", create=True)
    tables = {row[0] for row in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in tables, table
        columns = {row[1]: row for row in database.execute_sql(f"PRAGMA table_info({table})")}
        fields = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(fields) == set(columns), (table, set(fields) ^ set(columns))
        for name, field in fields.items():
            not_null = bool(columns[name][3]) or bool(columns[name][5])  # NOT NULL, or the primary key
            assert field.null == (not not_null), (table, name, "null" if field.null else "not null")


def test_the_whole_backlog_migration_files_old_cards_at_the_dinas_and_keeps_every_spoiled_blank(tmp_path):
    number = next(n for n, description, _ in MIGRATIONS if description.startswith("whole backlog"))
    path = tmp_path / "before-siak.sqlite3"
    connection = _database_at(path, number - 1)
    resident = _resident(connection, 1, "sudah")
    card = _card(connection, 1, resident, "PRINT_READY_RECORD", "ready_to_print")
    connection.execute("INSERT INTO blangko_movement (uuid, at, day, kind, quantity, reference, username, workstation) "
                       "VALUES ('m1', '2026-10-01 01:00:00', '2026-10-01', 'receipt', 5, 'SJ-1', 'b', 'W'), "
                       "('m2', '2026-10-02 01:00:00', '2026-10-02', 'print_failed', -1, 'gagal_cetak', 'b', 'W')")
    connection.execute("INSERT INTO spoiled_card (at, day, nik, card_id, reason, movement_id, username) "
                       "VALUES ('2026-10-02 01:00:00', '2026-10-02', '5202040101900001', ?, 'gagal_cetak', 2, 'b')",
                       (card,))
    connection.commit()
    connection.close()

    db = open_database(path, backup_dir=tmp_path / "cadangan")
    assert db.execute_sql("SELECT site_code, origin FROM card").fetchall() == [("DINAS", "loket")]
    assert db.execute_sql("SELECT code, kind FROM recording_site").fetchall() == [("DINAS", "dinas")]
    assert db.execute_sql("SELECT life_status, life_status_on FROM resident").fetchall() == [("hidup", None)]
    assert db.execute_sql("SELECT kind, reason, movement_id, card_id FROM spoiled_card").fetchall() == [
        ("blangko", "gagal_cetak", 2, card)]
    # the seed catalogue's reprints no longer record biometrics; a new recording still does
    assert dict(db.execute_sql("SELECT code, records_biometrics FROM service WHERE code IN "
                               "('rekam_baru', 'cetak_ulang', 'perubahan')").fetchall()) == {
        "rekam_baru": 1, "cetak_ulang": 0, "perubahan": 0}
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spoiled_card'"
                          " AND sql IS NOT NULL").fetchall() == [("spoiled_card_destruction",)]


def test_no_table_rebuild_loses_a_trigger_or_an_index_made_by_an_earlier_migration(tmp_path):
    """A migration that rebuilds a table (create new, copy, drop old, rename) drops the old
    table's triggers and indexes with it: each must be made again unless a migration drops it
    by name on purpose."""
    import re

    made, dropped = set(), set()
    for _, _, statements in MIGRATIONS:
        for statement in statements:
            for kind, name in re.findall(r"CREATE\s+(?:UNIQUE\s+)?(TRIGGER|INDEX)\s+(?:IF NOT EXISTS\s+)?(\w+)",
                                         statement, re.I):
                made.add((kind.lower(), name))
            for kind, name in re.findall(r"DROP\s+(TRIGGER|INDEX)\s+(?:IF EXISTS\s+)?(\w+)", statement, re.I):
                dropped.add((kind.lower(), name))
    db = open_database(tmp_path / "fresh.sqlite3", create=True, backup_dir=tmp_path / "cadangan")
    present = set(db.execute_sql("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index')").fetchall())
    assert ("trigger", "spoiled_card_day_locked") in made  # the one a rebuild once lost
    assert sorted(made - dropped - present) == []
