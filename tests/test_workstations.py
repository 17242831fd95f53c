"""The registry of workstations: only a workstation the admin registered, proving itself with its
token, can log in and write; the audit names it (never an OS account or a settings file)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import enrolment, paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import AuditLog, Workstation
from dukcapil_tui.services import chain, users, workstations

from conftest import PASSWORD, login_args


def invoke(db: Path, *args: str):
    database.close()
    result = CliRunner().invoke(cli, ["--db", str(db), *args], obj=State())
    database.close()
    return result


def test_init_registers_and_enrols_the_workstation(office_db):
    assert [w.code for w in workstations.list_workstations()] == ["TEST-01"]
    assert workstations.here().code == "TEST-01"
    entry = enrolment.get(chain.office_uid())
    assert (entry.workstation, entry.region_code) == ("TEST-01", "52.02")
    assert len(entry.key) == 32
    assert stat.S_IMODE(paths.enrolment_file().stat().st_mode) == 0o600
    # The database holds the token's hash only, never the token or the key.
    row = Workstation.get_by_id("TEST-01")
    assert row.token_hash != entry.token
    if not dbmod.is_url(office_db):
        assert entry.chain_key not in Path(office_db).read_bytes().hex()


def _second_home(monkeypatch, tmp_path) -> Path:
    home = tmp_path / "loket2-home"
    monkeypatch.setenv("DUKCAPIL_HOME", str(home))
    enrolment.forget_cache()
    return home


def test_a_workstation_added_by_the_admin_is_enrolled_with_its_file(office_db, tmp_path, monkeypatch):
    carried = tmp_path / "usb" / "loket02.enrol"
    result = invoke(office_db, *login_args(), "workstations", "add", "loket-02", "--name", "Loket 2",
                    "--enrol-file", str(carried))
    assert result.exit_code == 0, result.output
    assert f"Workstation LOKET-02 terdaftar. Berkas pendaftaran: {carried}" in result.output
    assert stat.S_IMODE(carried.stat().st_mode) == 0o600
    again = invoke(office_db, *login_args(), "workstations", "add", "LOKET-03", "--enrol-file", str(carried))
    assert again.exit_code == 2 and "sudah ada" in again.stderr

    # On the other workstation (its own folder): not registered until enrolled.
    _second_home(monkeypatch, tmp_path)
    open_database(office_db)
    refused = users.authenticate("admin", PASSWORD, "LOKET-02")
    assert not refused.ok and refused.message.startswith("Workstation ini belum terdaftar")
    enrolled = invoke(office_db, "workstations", "enrol", str(carried))
    assert enrolled.exit_code == 0, enrolled.output
    assert enrolled.output.strip() == "Workstation ini terdaftar sebagai LOKET-02."
    open_database(office_db)
    result = users.authenticate("admin", PASSWORD, "WHATEVER-THE-SETTINGS-SAY")
    assert result.ok and result.actor.workstation == "LOKET-02"
    assert AuditLog.select().order_by(AuditLog.id.desc()).get().workstation == "LOKET-02"
    listing = invoke(office_db, "workstations", "list")
    assert "LOKET-02           aktif      Loket 2 (workstation ini)" in listing.output
    assert "TEST-01            aktif" in listing.output


def test_a_disabled_workstation_cannot_log_in(office_db, tmp_path, monkeypatch):
    carried = tmp_path / "w.enrol"
    assert (
        invoke(office_db, *login_args(), "workstations", "add", "LOKET-02", "--enrol-file", str(carried)).exit_code == 0
    )
    assert invoke(office_db, *login_args(), "workstations", "disable", "LOKET-02").exit_code == 0
    itself = invoke(office_db, *login_args(), "workstations", "disable", "TEST-01")
    assert itself.exit_code == 2 and "tidak dapat dinonaktifkan dari dirinya sendiri" in itself.stderr
    _second_home(monkeypatch, tmp_path)
    refused = invoke(office_db, "workstations", "enrol", str(carried))
    assert refused.exit_code == 2 and "Workstation LOKET-02 dinonaktifkan" in refused.stderr
    monkeypatch.setenv("DUKCAPIL_HOME", str(tmp_path / "home"))
    enrolment.forget_cache()
    assert invoke(office_db, *login_args(), "workstations", "enable", "LOKET-02").exit_code == 0
    _second_home(monkeypatch, tmp_path)
    assert invoke(office_db, "workstations", "enrol", str(carried)).exit_code == 0
    monkeypatch.setenv("DUKCAPIL_HOME", str(tmp_path / "home"))
    enrolment.forget_cache()
    assert invoke(office_db, *login_args(), "workstations", "disable", "LOKET-02").exit_code == 0
    _second_home(monkeypatch, tmp_path)
    open_database(office_db)
    result = users.authenticate("admin", PASSWORD, "LOKET-02")
    assert not result.ok and "Workstation LOKET-02 dinonaktifkan" in result.message


def test_an_enrolment_file_must_match_the_registry_and_the_chain(office_db, tmp_path, monkeypatch):
    carried = tmp_path / "w.enrol"
    assert (
        invoke(office_db, *login_args(), "workstations", "add", "LOKET-02", "--enrol-file", str(carried)).exit_code == 0
    )
    data = json.loads(carried.read_text())
    _second_home(monkeypatch, tmp_path)

    forged_token = tmp_path / "token.enrol"
    forged_token.write_text(json.dumps(dict(data, entry=dict(data["entry"], token="tebakan"))))
    result = invoke(office_db, "workstations", "enrol", str(forged_token))
    assert result.exit_code == 2 and "tidak cocok dengan pendaftaran" in result.stderr

    forged_key = tmp_path / "key.enrol"
    forged_key.write_text(json.dumps(dict(data, entry=dict(data["entry"], chain_key="00" * 32))))
    result = invoke(office_db, "workstations", "enrol", str(forged_key))
    assert result.exit_code == 2 and "Kunci dalam berkas pendaftaran tidak cocok" in result.stderr

    other = tmp_path / "other.enrol"
    other.write_text(json.dumps(dict(data, entry=dict(data["entry"], office_uid="lain", region_code="15.03"))))
    result = invoke(office_db, "workstations", "enrol", str(other))
    assert result.exit_code == 2 and "basis data kantor lain (wilayah 15.03)" in result.stderr

    junk = tmp_path / "junk.enrol"
    junk.write_text("bukan json")
    result = invoke(office_db, "workstations", "enrol", str(junk))
    assert result.exit_code == 2 and "tidak dapat dibaca" in result.stderr
    assert enrolment.load() == {}


def test_only_the_admin_registers_workstations(office_db, tmp_path):
    open_database(office_db)
    admin_actor = users.authenticate("admin", PASSWORD, "X").actor
    users.create_user(admin_actor, "loket1", "Loket", "loket", PASSWORD)
    database.close()
    result = invoke(office_db, *login_args("loket1"), "workstations", "add", "LOKET-02",
                    "--enrol-file", str(tmp_path / "w.enrol"))
    assert result.exit_code == 2 and "Peran loket tidak berwenang untuk mengelola workstation." in result.stderr
    assert not (tmp_path / "w.enrol").exists()
    bad = invoke(office_db, *login_args(), "workstations", "add", "a", "--enrol-file", str(tmp_path / "w.enrol"))
    assert bad.exit_code == 2 and "Kode workstation: 2–32 karakter" in bad.stderr


@pytest.mark.parametrize("proposed, code", [("loket 2", "LOKET-2"), ("pc.kepala", "PC.KEPALA"), ("x", "WS-X"),
                                            ("", "WS-1"), ("a" * 40, "A" * 32)])
def test_codes_proposed_by_a_settings_file_are_normalised(proposed, code):
    assert workstations.normalise_code(proposed) == code
