"""Backups that can be trusted: written under a temporary name, verified, renamed; rotated 7 daily,
4 weekly, 12 monthly; copies before a restore or a migration kept apart; automatic at the first
start of an office day and at day close; audited and logged; ``--to`` a removable disk."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dukcapil_tui import dbfiles, paths, spool
from dukcapil_tui.db import database
from dukcapil_tui.domain import backups as naming
from dukcapil_tui.models import AuditLog
from dukcapil_tui.services import backups
from dukcapil_tui.services.context import ServiceError

from office_helpers import admin, clock, office, office_template  # noqa: F401
from office_helpers import actor

pytestmark = pytest.mark.sqlite_only(
    "backups and restores of SQLite files: a PostgreSQL office is backed up on its server")



def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- rotation (pure) -----------------------------------------------------------------------------

def _series(start: datetime, days: int, per_day: int = 1) -> list[naming.BackupName]:
    out = []
    for day in range(days):
        for n in range(per_day):
            at = start + timedelta(days=day, hours=n)
            out.append(naming.parse(naming.make_name("kantor", at, "daily")))
    return out


def test_rotation_keeps_7_daily_4_weekly_12_monthly():
    series = _series(datetime(2025, 1, 1, 1), 500, per_day=2)
    removed = {b.name for b in naming.to_remove(series)}
    kept = sorted((b for b in series if b.name not in removed), key=lambda b: b.at, reverse=True)
    newest = kept[0].at
    # The 7 newest days, one copy each (the newest of the day).
    assert [b.at for b in kept[:7]] == [newest - timedelta(days=n) for n in range(7)]
    assert all(b.at.hour == 2 for b in kept)  # of each day the newest copy
    assert len({tuple(b.at.isocalendar())[:2] for b in kept}) >= 4
    months = {(b.at.year, b.at.month) for b in kept}
    assert len(months) == 12
    # Nothing older than the 12th month back survives.
    oldest_month = sorted(months)[0]
    assert all((b.at.year, b.at.month) >= oldest_month for b in kept)
    assert len(kept) <= 7 + 4 + 12


def test_rotation_edges():
    eight = _series(datetime(2026, 3, 2, 1), 8)  # Monday 2 to Monday 9 March
    removed = naming.to_remove(eight)
    # The 8th day back falls out of the daily rule, and its week (2-8 March) and month have newer copies.
    assert [b.at.day for b in removed] == [2]
    assert naming.to_remove(eight[:7]) == []
    assert naming.to_remove([]) == []
    assert naming.parse("kantor_20261122T020000000000Z_pre-restore.sqlite3").kind == "pre-restore"
    assert naming.parse("kantor.sqlite3") is None
    assert naming.parse("kantor_20261399T020000000000Z_daily.sqlite3") is None


# --- writing a copy -------------------------------------------------------------------------------

def test_a_backup_is_verified_private_audited_and_logged(admin, clock, caplog):
    caplog.set_level(logging.INFO, logger="dukcapil")
    target = backups.create(admin)
    assert target == paths.backup_dir() / "office_20261122T020000000000Z_manual.sqlite3"
    assert names_in(paths.backup_dir()) == [target.name]  # no partial, no -wal/-shm beside it
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.action, entry.entity_id, entry.username) == ("backup.create", target.name, "admin")
    assert json.loads(entry.changes)["kind"] == "manual"
    assert any(target.name in r.getMessage() and "audit head #" in r.getMessage() for r in caplog.records)


def test_only_the_admin_backs_up_by_hand_but_automatic_copies_run_for_anyone(admin, clock):
    with pytest.raises(ServiceError) as caught:
        backups.create(actor("loket"))
    assert "tidak berwenang untuk membuat dan memulihkan cadangan" in str(caught.value)
    assert backups.create(actor("loket"), backups.DAY_CLOSE).name.endswith("_day-close.sqlite3")


@pytest.mark.parametrize("failure", ["verify", "interrupt"])
def test_a_failed_or_killed_backup_leaves_nothing_under_a_backup_name(admin, clock, monkeypatch, failure):
    backups.create(admin)
    before = names_in(paths.backup_dir())
    if failure == "verify":
        monkeypatch.setattr(dbfiles, "_verify", lambda path, expected: "disk penuh")
        with pytest.raises(ServiceError) as caught:
            backups.create(admin)
        assert "gagal diperiksa (disk penuh); tidak disimpan" in str(caught.value)
    else:
        def killed(src, target):
            Path(target).write_bytes(b"setengah")
            raise KeyboardInterrupt

        monkeypatch.setattr(dbfiles, "_copy_into", killed)
        with pytest.raises(KeyboardInterrupt):
            backups.create(admin)
    assert names_in(paths.backup_dir()) == before


def test_what_a_killed_process_left_is_removed_at_the_next_start(tmp_path):
    folder = paths.backup_dir()
    folder.mkdir(parents=True)
    dead = folder / ".office_20261122T020000000000Z_daily.sqlite3.999999999.partial"
    dead.write_bytes(b"x")
    Path(str(dead) + "-wal").write_bytes(b"x")
    alive = folder / f".office_20261122T030000000000Z_daily.sqlite3.{os.getpid()}.partial"
    alive.write_bytes(b"x")
    spool_dead = paths.spool_dir() / "999999999"
    spool_dead.mkdir(parents=True)
    (spool_dead / "openpyxl.abc").write_text("NIK,NAMA")
    spool_mine = paths.spool_dir() / str(os.getpid())
    spool_mine.mkdir()
    removed = spool.clean_leftovers()
    assert not dead.exists() and not Path(str(dead) + "-wal").exists() and not spool_dead.exists()
    assert alive.exists() and spool_mine.exists()
    assert len(removed) == 3


def test_copies_before_a_restore_or_a_migration_are_never_rotated(admin, clock):
    kept = paths.kept_backup_dir()
    dbfiles.write_copy(database.connection(), "office", kept, "pre-restore", at=datetime(2020, 1, 1))
    dbfiles.write_copy(database.connection(), "office", kept, "pre-migration-v4", at=datetime(2020, 1, 2))
    for _n in range(30):
        clock.advance(days=1)
        backups.create(admin, backups.DAILY)
    assert len(names_in(kept)) == 2
    daily = names_in(paths.backup_dir())
    assert "kept" in daily and len(daily) - 1 == 7 + 3  # 7 days, plus the older weeks' newest copies


def test_backup_to_a_removable_disk_is_verified_and_rotated_there(admin, clock, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir(mode=0o755)
    for _n in range(9):
        backups.create(admin, backups.MANUAL, usb)
        clock.advance(days=1)
    assert len(names_in(usb)) == 8  # 7 days, and the newest copy of the week before
    assert oct(usb.stat().st_mode & 0o777) == "0o755"  # a folder the user chose is left as it was
    assert names_in(paths.backup_dir()) == []
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert json.loads(entry.changes)["folder"] == str(usb)


def test_an_unusable_folder_is_a_clear_message(admin, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ServiceError) as caught:
        backups.create(admin, backups.MANUAL, blocker / "sub")
    assert "Folder cadangan" in str(caught.value) and "tidak dapat dipakai" in str(caught.value)


def test_a_folder_on_a_drive_not_mounted_is_refused_not_made_on_the_local_disk(admin, tmp_path):
    """--to /media/usb/cadangan with the flash drive not mounted: its mount point is missing, so
    nothing is created under it; the folder itself may be new when its parent exists."""
    mount_point = tmp_path / "media" / "usb"
    with pytest.raises(ServiceError) as caught:
        backups.create(admin, backups.MANUAL, mount_point / "cadangan")
    assert str(caught.value) == (
        f"Folder cadangan {mount_point / 'cadangan'} tidak dapat dipakai: folder {mount_point} "
        "tidak ada (flashdisk atau folder jaringan belum terpasang?); pasang atau buat dulu "
        "folder itu"
    )
    assert not (tmp_path / "media").exists()
    mount_point.mkdir(parents=True)
    assert backups.create(admin, backups.MANUAL, mount_point / "cadangan").parent == mount_point / "cadangan"


def test_the_first_start_of_an_office_day_makes_the_days_backup(admin, clock):
    first = backups.daily_if_due(admin)
    assert first is not None and first.name.endswith("_daily.sqlite3")
    clock.advance(hours=6)
    assert backups.daily_if_due(admin) is None
    clock.at_wita(23, 59)
    assert backups.daily_if_due(admin) is None
    clock.advance(minutes=1)  # 00:00 WITA: a new office day
    assert backups.daily_if_due(actor("loket")) is not None
