"""``dukcapil export``, ``dukcapil target`` and ``dukcapil import wajib-ktp`` through CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dukcapil_tui import paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database

from conftest import closed_office_copy
from report_helpers import clock, report_template  # noqa: F401
from conftest import login_args


pytestmark = pytest.mark.usefixtures("no_tui")  # conftest: the TUI never starts in these tests


@pytest.fixture
def db(report_template, tmp_path, clock):
    return closed_office_copy(report_template, tmp_path)


def invoke(db, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(db), *login_args(), *args], obj=State())
    if database.obj is not None:
        database.close()
    return result


def assert_exit(result, code: int) -> None:
    assert result.exit_code == code, (result.output, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_export_prints_the_file_written(db, tmp_path):
    result = invoke(db, "export", "capaian", "--month", "2026-11", "--out", str(tmp_path / "lapor"))
    assert_exit(result, 0)
    target = tmp_path / "lapor" / "5202_capaian-perekaman_2026-11.xlsx"
    assert result.stdout == f"{target}\n"
    assert load_workbook(target)["Kecamatan"]["A4"].value == "KEADAAN S.D. 22 NOVEMBER 2026"


def test_export_defaults_to_the_exports_folder_and_today(db):
    result = invoke(db, "export", "harian")
    assert_exit(result, 0)
    assert result.stdout.strip() == str(paths.export_dir() / "5202_harian-layanan_2026-11-22.xlsx")


@pytest.mark.parametrize("args, message", [
    (["export", "blangko", "--date", "01-11-2026"],
     "laporan bulanan: isi bulan YYYY-MM (di baris perintah --month), bukan tanggal"),
    (["export", "harian", "--month", "2026-11"],
     "dibuat per tanggal: isi tanggal DD-MM-YYYY (di baris perintah --date)"),
    (["export", "capaian", "--month", "2026-12"], "Bulan 2026-12 belum dimulai (hari ini 22-11-2026)."),
    (["export", "capaian", "--month", "nov"], "Bulan 'nov' tidak dikenal; gunakan YYYY-MM"),
    (["export", "backlog", "--date", "32-11-2026"], "Tanggal '32-11-2026' tidak dikenal; gunakan DD-MM-YYYY"),
    (["export", "backlog", "--date", "23-11-2026"], "Tanggal 23-11-2026 belum terjadi"),
    (["export", "capaian", "--date", "01-11-2026", "--month", "2026-11"], "Pilih salah satu"),
    (["export", "rekap"], "Laporan 'rekap' tidak dikenal; pilih salah satu dari capaian, blangko, harian"),
    (["export", "harian", "--wajib-source", "impor"], "--wajib-source hanya berlaku untuk laporan capaian"),
])
def test_bad_arguments_exit_non_zero_with_a_message(db, tmp_path, args, message):
    result = invoke(db, *args, "--out", str(tmp_path / "lapor"))
    assert_exit(result, 2)
    assert message in result.stderr
    assert not (tmp_path / "lapor").exists() or list((tmp_path / "lapor").iterdir()) == []


def test_export_without_a_database_says_how_to_make_one(tmp_path):
    result = invoke(tmp_path / "tidak-ada.sqlite3", "export", "capaian")
    assert_exit(result, 2)
    assert "dukcapil init" in result.stderr


def test_named_list_from_the_command_line_is_audited_as_the_logged_in_user(db, tmp_path):
    result = invoke(db, "export", "belum-rekam", "--out", str(tmp_path))
    assert_exit(result, 0)
    assert result.stdout.strip() == str(tmp_path / "5202_belum-rekam_2026-11-22.xlsx")
    open_database(db)
    from dukcapil_tui.models import AuditLog

    entry = AuditLog.select().where(AuditLog.action == "report.export").get()
    assert (entry.username, entry.workstation) == ("admin", "TEST-01") and json.loads(entry.changes)["rows"] == 4


def test_target_command(db):
    assert_exit(result := invoke(db, "target"), 0)
    assert "Belum ada target yang diatur; rekap memakai 98 %." in result.stdout
    assert_exit(result := invoke(db, "target", "2026", "97,5"), 0)
    assert result.stdout == "Target perekaman 2026: 97,5 %.\n"
    assert invoke(db, "target").stdout == "2026: 97,5 %\n"
    assert invoke(db, "target", "2027").stdout == "2027: 98 % (bawaan, belum diatur)\n"
    assert_exit(result := invoke(db, "target", "2026", "150"), 2)
    assert "Target '150' tidak benar" in result.stderr


def test_import_wajib_ktp(db, tmp_path):
    bad = tmp_path / "salah.csv"
    bad.write_text("KODE_DESA,L,P\n52.02.04.2008,10,12\n52.02.99.9999,1,1\n", encoding="utf-8")
    assert_exit(result := invoke(db, "import", "wajib-ktp", str(bad)), 1)
    assert "Berkas ditolak, tidak ada yang disimpan: 1 baris salah dari 2." in result.stderr
    assert "baris 3, 52.02.99.9999: Kode desa/kelurahan 52.02.99.9999" in result.stderr

    good = tmp_path / "wajib.csv"
    good.write_text("KODE_DESA,L,P\n52.02.04.2008,1.000,1.200\n", encoding="utf-8")
    assert_exit(result := invoke(db, "import", "wajib-ktp", str(good), "--note", "DAK2 2026"), 0)
    assert result.stdout == ("Angka wajib KTP diimpor: 1 desa/kelurahan, L 1.000, P 1.200. "
                             "Sumber wajib KTP rekap capaian sekarang: impor.\n")
    assert_exit(result := invoke(db, "export", "capaian", "--out", str(tmp_path / "a")), 0)
    note = load_workbook(result.stdout.strip())["Kecamatan"]["A5"].value
    assert note.startswith("Sumber wajib KTP: angka per desa yang diimpor (berkas wajib.csv")
    assert_exit(
        result := invoke(db, "export", "capaian", "--wajib-source", "register", "--out", str(tmp_path / "b")), 0
    )
    assert load_workbook(result.stdout.strip())["Kecamatan"]["A5"].value.startswith("Sumber wajib KTP: register")
    assert_exit(result := invoke(db, "import", "wajib-ktp", "--clear"), 0)
    assert "dihapus (1 desa)" in result.stdout
    assert_exit(result := invoke(db, "import", "wajib-ktp"), 2)
    assert "Sebutkan BERKAS" in result.stderr


def test_help_lists_export_and_target():
    result = CliRunner().invoke(cli, ["--help"], obj=State())
    assert "  export " in result.output and "  target " in result.output
    assert "wajib-ktp" in CliRunner().invoke(cli, ["import", "--help"], obj=State()).output


def test_a_named_list_refused_to_a_counter_clerk_before_anything_is_shown_or_written(db, tmp_path):
    from conftest import PASSWORD, actor
    from dukcapil_tui.services import users

    open_database(db)
    users.create_user(actor("admin"), "loket9", "Loket Sembilan", "loket", PASSWORD)
    database.close()
    result = CliRunner().invoke(cli, ["--db", str(db), *login_args("loket9"), "export", "belum-rekam",
                                      "--out", str(tmp_path / "lapor")], obj=State())
    database.close()
    assert_exit(result, 2)
    assert "Menulis" not in result.stderr and "admin" in result.stderr
    assert not (tmp_path / "lapor").exists()
