"""Office settings: each one checked with a message naming it, audited, editable by admin only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog
from dukcapil_tui.services import settings
from dukcapil_tui.services.context import Actor, PermissionDenied

from conftest import login_args


def test_values_are_checked_and_cleaned(admin):
    assert settings.put(admin, "head_nip", "19700101 199003 1 001") == "197001011990031001"
    assert settings.put(admin, "reorder_threshold", "1.500") == "1500"
    assert settings.put(admin, "suket_forbid_when_stock", "ya") == "1"
    assert settings.put(admin, "head_name", "  H. Lalu   Ahmad ") == "H. Lalu Ahmad"
    assert settings.get("reorder_threshold") == "1500"
    assert settings.get("idle_lock_minutes") == "10"  # the default
    assert settings.put(admin, "idle_lock_minutes", "1") == "1"
    assert settings.put(admin, "idle_lock_minutes", "120") == "120"
    entry = AuditLog.select().where(AuditLog.entity_id == "head_nip").order_by(AuditLog.id.desc()).get()
    assert json.loads(entry.changes) == {"value": ["", "197001011990031001"]}


@pytest.mark.parametrize("key, value, message", [
    ("head_nip", "123", "NIP Kepala Dinas: harus 18 angka (atau kosong)."),
    ("reorder_threshold", "-5", "Batas pesan ulang blangko: harus angka bulat 0 sampai 1.000.000."),
    ("noshow_after_recalls", "0", "Panggil ulang sebelum tidak hadir: harus angka bulat 1 sampai 20."),
    ("suket_number_pattern", "470/DKPS/{year}", "Pola nomor Suket: pola harus memuat nomor urut {seq}."),
    ("suket_number_pattern", "470/{seq:04d}/{bulan}", "Pola nomor Suket: pola tidak bisa dipakai"),
    ("timezone", "Asia/Tokyo_", "Zona waktu: 'Asia/Tokyo_' tidak dikenal; gunakan misalnya Asia/Jakarta"),
    ("office_name", "   ", "Nama kantor: wajib diisi."),
    ("suket_forbid_when_stock", "mungkin", "isi ya atau tidak."),
    ("idle_lock_minutes", "0", "Kunci layar setelah menganggur (menit): harus angka bulat 1 sampai 120."),
    ("idle_lock_minutes", "121", "Kunci layar setelah menganggur (menit): harus angka bulat 1 sampai 120."),
])
def test_bad_values_are_refused_with_the_setting_named(admin, key, value, message):
    before = settings.get(key)
    with pytest.raises(ValidationError) as refused:
        settings.put(admin, key, value)
    assert refused.value.problems[key].startswith(message) or message in refused.value.problems[key]
    assert settings.get(key) == before


def test_put_many_writes_nothing_when_one_is_wrong(admin):
    with pytest.raises(ValidationError) as refused:
        settings.put_many(admin, {"head_name": "Baru", "head_nip": "12"})
    assert set(refused.value.problems) == {"head_nip"}
    assert settings.get("head_name") == ""
    settings.put_many(admin, {"head_name": "Baru", "head_nip": ""})
    assert settings.get("head_name") == "Baru"


def test_unknown_setting_and_role(admin):
    with pytest.raises(ValidationError, match="Pengaturan 'region_code' tidak dikenal"):
        settings.put(admin, "region_code", "15.03")
    loket = Actor(None, "loket1", "loket", "W")
    with pytest.raises(PermissionDenied):
        settings.put(loket, "head_name", "x")


def test_cli_settings(office_db, monkeypatch):
    from dukcapil_tui.cli import cli
    from dukcapil_tui.cli.common import State

    monkeypatch.setenv("DUKCAPIL_DB", str(office_db))
    runner = CliRunner()
    result = runner.invoke(cli, [*login_args(), "settings", "head_name", "H. Lalu Ahmad"], obj=State())
    assert result.exit_code == 0, result.output
    assert "Nama Kepala Dinas = H. Lalu Ahmad" in result.output
    result = runner.invoke(cli, ["settings"], obj=State())
    assert (
        "head_name                H. Lalu Ahmad" in result.output and "region_code              52.02" in result.output
    )
    result = runner.invoke(cli, [*login_args(), "settings", "head_nip", "12"], obj=State())
    assert result.exit_code == 2 and "NIP Kepala Dinas: harus 18 angka" in result.output
