"""The audit log and the blank ledger are hash-chained: changing, removing or inserting a row,
even with the append-only triggers dropped and recreated, makes ``dukcapil check`` fail and
name the first broken entry. Also: the stock on every day, and the audit entry behind every
ledger movement and card event."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import db as dbmod
from dukcapil_tui import enrolment, paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database
from dukcapil_tui.migrations import MIGRATIONS
from dukcapil_tui.models import AuditLog
from dukcapil_tui.services import blangko, chain, settings, users
from dukcapil_tui.services.chain import ChainUnavailable
from dukcapil_tui.services.check import run_checks

from conftest import PASSWORD
from engine_helpers import without_triggers


def check(db: Path):
    database.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "check"], obj=State())
    database.close()
    open_database(db)
    return result


def busy_office(admin) -> None:
    """A few entries in both chains."""
    blangko.receive(admin, 100, "SPB-1", "Kemendagri")
    blangko.receive(admin, 50, "SPB-2", "Provinsi")
    blangko.damaged(admin, "rusak_fisik")
    settings.put(admin, "head_name", "H. Lalu")


def test_a_healthy_office_passes(admin, office_db):
    busy_office(admin)
    assert run_checks() == []
    result = check(office_db)
    assert result.exit_code == 0, result.output
    assert "Basis data sehat" in result.output


def test_rewriting_an_audit_row_behind_dropped_triggers_is_named(admin, office_db):
    busy_office(admin)
    target = AuditLog.get(AuditLog.action == "blangko.receipt")
    without_triggers("audit_log", "UPDATE audit_log SET changes = ? WHERE id = ?",
                     json.dumps({"quantity": 1000}), target.id)
    assert {"audit_log_no_update", "audit_log_no_delete"} <= dbmod.trigger_names()
    result = check(office_db)
    assert result.exit_code == 1
    assert f"log audit rusak mulai entri #{target.id}: isinya, atau entri sebelumnya, diubah" in result.output
    assert "buku blangko" not in result.output


def test_the_same_row_rewritten_with_a_recomputed_sha256_is_still_caught(admin, office_db):
    """An unkeyed hash could be recomputed by whoever edits the file; the HMAC key is not there."""
    import hashlib

    busy_office(admin)
    target = AuditLog.get(AuditLog.action == "setting.put", AuditLog.entity_id == "head_name")
    forged = hashlib.sha256(b"anything").hexdigest()
    without_triggers("audit_log", "UPDATE audit_log SET username = 'orang_lain', chain = ? WHERE id = ?",
                     forged, target.id)
    assert f"#{target.id}" in check(office_db).output


def test_removing_an_audit_row_names_the_gap(admin, office_db):
    busy_office(admin)
    middle = AuditLog.get(AuditLog.action == "blangko.receipt")
    without_triggers("audit_log", "DELETE FROM audit_log WHERE id = ?", middle.id)
    output = check(office_db).output
    assert f"log audit rusak mulai entri #{middle.id + 1}: entri #{middle.id}–#{middle.id} hilang" in output


def test_an_entry_inserted_outside_the_app_is_named(admin, office_db):
    busy_office(admin)
    last = AuditLog.select().order_by(AuditLog.id.desc()).get().id
    database.execute_sql("INSERT INTO audit_log (at, username, workstation, action, entity, changes) "
                         "VALUES ('2026-11-22 03:00:00', 'admin', 'TEST-01', 'user.create', 'user', '{}')")
    output = check(office_db).output
    assert f"log audit rusak mulai entri #{last + 1}: entri tanpa tautan rantai ditulis di luar aplikasi" in output
    forged = last + 2
    database.execute_sql("INSERT INTO audit_log (id, at, username, workstation, action, entity, changes, chain) "
                         "VALUES (?, '2026-11-22 03:00:00', 'x', 'X', 'y', 'z', '{}', ?)", (forged, "0" * 64))
    assert f"#{last + 1}" in check(office_db).output


def test_removing_the_newest_entries_is_caught_by_the_anchor(admin, office_db):
    busy_office(admin)
    assert users.authenticate("admin", PASSWORD, "TEST-01").ok  # a login moves this workstation's anchors
    assert check(office_db).exit_code == 0
    newest = AuditLog.select().order_by(AuditLog.id.desc()).get().id
    without_triggers("audit_log", "DELETE FROM audit_log WHERE id >= ?", newest - 1)
    output = check(office_db).output
    assert f"log audit: entri #{newest} yang dilihat workstation ini pada" in output
    assert "hilang atau berubah" in output


def test_the_ledger_is_chained_too(admin, office_db):
    busy_office(admin)
    movement = database.execute_sql("SELECT id FROM blangko_movement ORDER BY id LIMIT 1 OFFSET 1").fetchone()[0]
    without_triggers("blangko_movement", "UPDATE blangko_movement SET quantity = 5000 WHERE id = ?", movement)
    output = check(office_db).output
    assert f"buku blangko rusak mulai entri #{movement}" in output


def test_a_workstation_without_the_key_can_neither_write_nor_verify(admin, office_db):
    enrolment.remove(chain.office_uid())
    with pytest.raises(ChainUnavailable) as caught:
        settings.put(admin, "head_name", "X")
    assert "tidak memegang kunci log audit" in str(caught.value)
    assert settings.get("head_name") == ""  # nothing half-written
    assert any("tidak dapat diperiksa" in p for p in run_checks())


def test_stock_below_zero_on_a_past_day_is_named(admin, office_db):
    blangko.receive(admin, 10, "SPB-1", "Kemendagri")
    database.execute_sql(
        "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
        "VALUES ('x1', '2026-01-01 01:00:00', '2026-01-01', 'damaged', -3, 'x', 'X')")
    problems = run_checks()
    assert "buku blangko: stok blangko di bawah nol pada 2026-01-01 (-3)" in problems


def test_movements_and_card_events_without_their_audit_entry(admin, office_db):
    blangko.receive(admin, 10, "SPB-1", "Kemendagri")
    assert not [p for p in run_checks() if p.startswith("log audit:")]
    database.execute_sql(
        "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
        "VALUES ('x1', '2026-01-02 01:00:00', '2026-01-02', 'receipt', 3, 'x', 'X')")
    new_id = database.execute_sql("SELECT max(id) FROM blangko_movement").fetchone()[0]
    problems = run_checks()
    assert f"log audit: 1 mutasi blangko tanpa entri audit (#{new_id})" in problems


def test_a_card_event_is_linked_to_the_audit_entry_of_its_transaction(admin, office_db):
    from dukcapil_tui.models import CardEvent
    from dukcapil_tui.services import cards, queue

    from queue_helpers import add_resident

    resident = add_resident()
    ticket = queue.take_ticket(admin, "rekam_baru", resident_id=resident.id).ticket
    queue.claim_next(admin, 1)
    queue.start(admin, ticket.id, 1)
    queue.finish(admin, ticket.id, 1, "recorded")
    cards.set_central_status(admin, resident.nik, "PRINT_READY_RECORD")
    events = list(CardEvent.select().order_by(CardEvent.id))
    assert len(events) == 2
    linked = [AuditLog.get_by_id(e.audit_id).action for e in events]
    assert linked == ["card.create", "card.status"]
    database.execute_sql("INSERT INTO card_event (card_id, at, central_status, office_status, username, source) "
                         "VALUES (?, '2026-11-22 05:00:00', 'X', 'printed', 'x', 'manual')", (events[0].card_id,))
    stray = database.execute_sql("SELECT max(id) FROM card_event").fetchone()[0]
    assert f"log audit: 1 peristiwa kartu tanpa entri audit (#{stray})" in run_checks()


def _version_4_office(path: Path) -> None:
    """A database as the app wrote it before the chain (schema 4), with history."""
    conn = sqlite3.connect(path)
    for number, _description, statements in MIGRATIONS:
        if number > 4:
            break
        for statement in statements:
            conn.execute(statement)
    from dukcapil_tui.domain.passwords import hash_password

    conn.execute("INSERT INTO setting (key, value) VALUES ('region_code', '52.02'), ('office_name', 'Lama'), "
                 "('region_name', 'Kabupaten Lombok Tengah'), ('timezone', 'Asia/Makassar')")
    conn.execute("INSERT INTO app_user (username, full_name, role, password_hash, created_at) VALUES "
                 "('admin', 'Admin', 'admin', ?, '2025-01-01 00:00:00'), "
                 "('loket1', 'Loket', 'loket', ?, '2025-01-01 00:00:00')",
                 (hash_password(PASSWORD), hash_password(PASSWORD)))
    for n in range(2):
        conn.execute("INSERT INTO audit_log (at, username, workstation, action, entity, changes) "
                     f"VALUES ('2025-0{n + 1}-01 00:00:00', 'cli:root', 'PC', 'setting.put', 'setting', '{{}}')")
    conn.execute("INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
                 "VALUES ('m1', '2025-03-01 00:00:00', '2025-03-01', 'receipt', 20, 'cli:root', 'PC')")
    conn.execute("INSERT INTO audit_log (at, username, workstation, action, entity, entity_id, changes) "
                 "VALUES ('2025-03-01 00:00:00', 'cli:root', 'PC', 'blangko.receipt', 'blangko_movement', '1', '{}')")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()


def test_an_upgraded_database_seals_its_history_at_the_first_admin_login(tmp_path):
    path = tmp_path / "lama.sqlite3"
    _version_4_office(path)
    open_database(path, backup_dir=paths.backup_dir())
    assert [p for p in run_checks() if p.startswith("rantai catatan")] == [
        "rantai catatan: Rantai log audit belum dimulai: admin masuk sekali di workstation ini untuk memulainya."]
    # Before the chain starts, nobody but the admin can log in here, and then it registers this workstation.
    first = users.authenticate("loket1", PASSWORD, "LOKET-09")
    assert not first.ok and "admin kantor harus masuk lebih dulu" in first.message
    result = users.authenticate("admin", PASSWORD, "loket 09")
    assert result.ok and result.actor.workstation == "LOKET-09"
    start = AuditLog.get(AuditLog.action == "chain.start")
    seal = json.loads(start.changes)["seal"]
    assert (seal["audit"]["rows"], seal["audit"]["last_id"], seal["ledger"]["rows"]) == (3, 3, 1)
    assert start.id == 4
    assert run_checks() == []
    assert users.authenticate("loket1", PASSWORD, "X").ok
    # A row from before the chain, changed later, no longer matches the seal.
    without_triggers("audit_log", "UPDATE audit_log SET username = 'orang' WHERE id = 2")
    assert any("3 entri dari sebelum rantai dimulai tidak cocok lagi dengan segelnya" in p for p in run_checks())
