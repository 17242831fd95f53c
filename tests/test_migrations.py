"""Upgrading databases that earlier versions of the app left behind."""

from __future__ import annotations

import json
import sqlite3

from dukcapil_tui.db import open_database
from dukcapil_tui.migrations import MIGRATIONS
from dukcapil_tui.models import AuditLog, Card, CardEvent, Resident


def _database_at(path, version: int) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    for number, _, statements in MIGRATIONS[:version]:
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
