"""A restore that cannot hurt: it refuses another office's file, a schema the app cannot open, a
damaged file, and any restore while another process has the database open; the file it replaces
is kept apart first, and the restore is in the audit log and the app log."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import dbfiles, paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database
from dukcapil_tui.services.office import init_office

from conftest import PASSWORD, login_args


def invoke(*args: str, input: str | None = None):
    close()
    result = CliRunner().invoke(cli, list(args), obj=State(), input=input)
    close()
    return result


def close() -> None:
    if database.obj is not None:
        database.close()


@pytest.fixture
def office(tmp_path) -> Path:
    result = invoke("init", "--office", "Disdukcapil Lombok Tengah", "--region", "52.02",
                    "--admin-password-file", login_args()[-1])
    assert result.exit_code == 0, result.output
    return paths.default_db_path()


def backup_now() -> Path:
    result = invoke(*login_args(), "backup")
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().split(": ", 1)[1])


def users_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT username FROM app_user ORDER BY username")]
    finally:
        conn.close()


def test_another_offices_database_is_refused(office, tmp_path):
    other = tmp_path / "sarolangun.sqlite3"
    init_office(other, office_name="Disdukcapil Sarolangun", region_code="15.03", timezone="Asia/Jakarta",
                admin_username="admin", admin_full_name="Admin", admin_password=PASSWORD, workstation="X")
    database.close()
    before = office.read_bytes()
    result = invoke(*login_args(), "restore", "--yes", str(other))
    assert result.exit_code == 2
    assert "adalah basis data kantor lain (wilayah 15.03, kantor ini 52.02); pemulihan ditolak." in result.stderr
    assert office.read_bytes() == before


def test_another_database_of_the_same_region_is_refused(office, tmp_path):
    twin = tmp_path / "kembar.sqlite3"
    init_office(twin, office_name="Kantor Kembar", region_code="52.02", timezone="Asia/Makassar",
                admin_username="admin", admin_full_name="Admin", admin_password=PASSWORD, workstation="X")
    database.close()
    result = invoke(*login_args(), "restore", "--yes", str(twin))
    assert result.exit_code == 2 and "berasal dari basis data lain" in result.stderr


def test_a_schema_this_app_cannot_open_is_refused(office, tmp_path):
    copy = backup_now()
    newer = tmp_path / "baru.sqlite3"
    newer.write_bytes(copy.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = invoke(*login_args(), "restore", "--yes", str(newer))
    assert result.exit_code == 2
    assert (
        "berversi skema 99, lebih baru dari program ini" in result.stderr and "perbarui dukcapil-tui" in result.stderr
    )


def test_a_damaged_file_is_refused(office, tmp_path):
    copy = backup_now()
    damaged = tmp_path / "rusak.sqlite3"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2: len(data) // 2 + 4096] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    result = invoke(*login_args(), "restore", "--yes", str(damaged))
    assert result.exit_code == 2 and "rusak atau bukan basis data" in result.stderr
    assert not paths.kept_backup_dir().exists()  # refused before anything was copied or replaced


HOLDER = textwrap.dedent("""
    import sys, time
    from dukcapil_tui.db import open_database
    open_database(sys.argv[1])
    print("open", flush=True)
    time.sleep(60)
""")


def test_a_restore_is_refused_while_another_workstation_has_the_database_open(office, tmp_path):
    copy = backup_now()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(office)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = invoke(*login_args(), "restore", "--yes", str(copy))
        assert result.exit_code == 2
        assert "aplikasi masih terbuka di workstation lain" in result.stderr
        assert not paths.kept_backup_dir().exists() or not list(paths.kept_backup_dir().iterdir())
    finally:
        holder.kill()
        holder.wait()
    result = invoke(*login_args(), "restore", "--yes", str(copy))
    assert result.exit_code == 0, result.output


OPENER = textwrap.dedent("""
    import sys
    from dukcapil_tui.db import DatabaseError, open_database
    try:
        open_database(sys.argv[1])
    except DatabaseError as exc:
        print(exc)
    else:
        print("opened")
""")


def test_no_workstation_opens_the_database_while_a_restore_holds_it(office):
    with dbfiles.exclusive(office):
        out = subprocess.run([sys.executable, "-c", OPENER, str(office)], capture_output=True, text=True).stdout
    assert "sedang dipulihkan dari cadangan di workstation lain" in out
    out = subprocess.run([sys.executable, "-c", OPENER, str(office)], capture_output=True, text=True).stdout
    assert out.strip() == "opened"


def test_a_restore_keeps_the_replaced_file_apart_and_is_audited(office, tmp_path, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="dukcapil")
    copy = backup_now()
    secret = tmp_path / "loket.txt"
    secret.write_text(PASSWORD + "\n")
    invoke(
        *login_args(), "users", "add", "loket1", "--name", "Loket", "--role", "loket", "--password-file", str(secret)
    )
    result = invoke(*login_args(), "restore", "--yes", str(copy))
    assert result.exit_code == 0, result.output
    (saved,) = paths.kept_backup_dir().glob("*_pre-restore.sqlite3")
    assert users_in(saved) == ["admin", "loket1"] and users_in(office) == ["admin"]
    open_database(office)
    from dukcapil_tui.models import AuditLog

    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.action, entry.username, entry.entity_id) == ("backup.restore", "admin", copy.name)
    assert json.loads(entry.changes)["saved_before"] == saved.name
    database.close()
    assert any("restored from" in r.getMessage() and copy.name in r.getMessage() for r in caplog.records)
    # The anchors moved to the restored heads: the shorter history is not reported as removed entries.
    check = invoke("check")
    assert check.exit_code == 0, check.output


def test_a_restore_needs_the_admin(office, tmp_path):
    copy = backup_now()
    secret = tmp_path / "loket.txt"
    secret.write_text(PASSWORD + "\n")
    invoke(
        *login_args(), "users", "add", "loket1", "--name", "Loket", "--role", "loket", "--password-file", str(secret)
    )
    result = invoke(*login_args("loket1"), "restore", "--yes", str(copy))
    assert result.exit_code == 2 and "tidak berwenang untuk membuat dan memulihkan cadangan" in result.stderr
    assert invoke("restore", "--yes", str(copy)).exit_code == 2  # no login at all


def test_a_restore_over_a_damaged_database_checks_the_login_against_the_backup(office, tmp_path):
    copy = backup_now()
    office.write_bytes(b"rusak karena listrik padam " * 200)
    wrong = tmp_path / "salah.txt"
    wrong.write_text("bukan-sandinya\n")
    refused = invoke("--user", "admin", "--password-file", str(wrong), "restore", "--yes", str(copy))
    assert refused.exit_code == 2 and "login diperiksa pada cadangan" in refused.stderr
    result = invoke(*login_args(), "restore", "--yes", str(copy))
    assert result.exit_code == 0, result.output
    (damaged,) = paths.kept_backup_dir().glob("*_pre-restore-damaged.sqlite3")
    assert damaged.read_bytes().startswith(b"rusak karena")
    assert invoke("check").exit_code == 0


def test_an_older_backup_is_restored_and_upgraded(office, tmp_path):
    """A copy from schema 4 (before the chain): restored, upgraded with its own pre-migration copy."""
    from dukcapil_tui.migrations import MIGRATIONS

    old = tmp_path / "lama.sqlite3"
    conn = sqlite3.connect(old)
    for _number, _d, statements in MIGRATIONS[:4]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("INSERT INTO setting (key, value) VALUES ('region_code', '52.02'), ('office_name', 'Lama')")
    from dukcapil_tui.domain.passwords import hash_password

    conn.execute("INSERT INTO app_user (username, full_name, role, password_hash, created_at) "
                 "VALUES ('admin', 'Admin', 'admin', ?, '2025-01-01 00:00:00')", (hash_password(PASSWORD),))
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    result = invoke(*login_args(), "restore", "--yes", str(old))
    assert result.exit_code == 0, result.output
    assert list(paths.kept_backup_dir().glob("dukcapil_*_pre-migration-v4.sqlite3"))
    from dukcapil_tui.migrations import LATEST_VERSION

    conn = sqlite3.connect(office)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()
