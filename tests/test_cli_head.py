"""``dukcapil status``, ``day review|lock|unlock``, ``suket``, ``report``, the blank requests and
the back-dated writes (``--date``) a locked day refuses, through CliRunner."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database

from cetak_helpers import add_card, ready_card
from conftest import PASSWORD, login_args

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"
LOCKED = ("Hari 21-11-2026 sudah dikunci (oleh admin, 22-11-2026 10:00 WITA): perubahan bertanggal hari itu ditolak. "
          "Hanya admin yang dapat membuka kuncinya, dengan alasan.\n")


@pytest.fixture(autouse=True)
def no_tui_and_a_fixed_day(no_tui, monkeypatch):
    """No Textual app (conftest.no_tui); the office clock stands at 22-11-2026 10:00 WITA."""
    from dukcapil_tui.services import context

    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 22, 2, 0))


def invoke(*args: str, login: bool = True):
    result = CliRunner().invoke(cli, [*(login_args() if login else []), *args], obj=State())
    if database.obj is not None:
        database.close()
    return result


def ok(result, code: int = 0):
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def office(tmp_path):
    secret = tmp_path / "sandi.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    ok(invoke("init", "--office", OFFICE, "--region", "52.02", "--admin-password-file", str(secret)))
    return paths.default_db_path()


def with_db(path: Path, work):
    open_database(path)
    try:
        return work()
    finally:
        database.close()


def test_status_prints_every_tile_without_a_login(office):
    with_db(office, lambda: [ready_card() for _ in range(2)])
    result = ok(invoke("status", login=False))
    lines = result.output.splitlines()
    assert lines[0] == "Dasbor kantor · 22-11-2026 10:00 WITA"
    for line in ("Antrean sekarang (menunggu): 0", "Backlog cetak (kartu belum diserahkan): 2",
                 "  Siap cetak (PRR): 2 (tertua 21 hari)", "Stok blangko: 0",
                 "! STOK HABIS: tidak ada blangko; terbitkan Suket bagi yang menunggu.",
                 "! Kurang 2 blangko untuk kartu siap cetak.", "Penutupan hari: Hari ini terbuka"):
        assert line in lines, line


def test_a_locked_day_refuses_back_dated_writes_from_the_command_line(office):
    ok(invoke("blangko", "receive", "100", "--document", "SJ-1", "--source", "Kemendagri", "--date", "20-11-2026"))
    ok(invoke("day", "lock", "21-11-2026"))
    result = ok(invoke("blangko", "receive", "5", "--document", "SJ-2", "--source", "Kemendagri",
                       "--date", "21-11-2026"), 2)
    assert result.stderr == LOCKED
    result = ok(invoke("blangko", "loan", "in", "5", "--office", "Lombok Barat", "--date", "2026-11-21"), 2)
    assert result.stderr == LOCKED
    result = ok(invoke("blangko", "loan", "returned", "2", "--office", "Lombok Timur", "--date", "21-11-2026"), 2)
    assert result.stderr == LOCKED
    result = ok(invoke("queue", "close-day", "--date", "21-11-2026"), 2)
    assert result.stderr == LOCKED
    result = ok(invoke("blangko", "request", "500", "--letter", "S/1", "--date", "21-11-2026"), 2)
    assert result.stderr == LOCKED
    # the days either side are open; a date that is no date says so
    ok(invoke("blangko", "receive", "5", "--document", "SJ-3", "--source", "Kemendagri", "--date", "22-11-2026"))
    result = ok(invoke("blangko", "receive", "5", "--document", "SJ-4", "--source", "X", "--date", "31-11-2026"), 2)
    assert "31-11-2026" in result.stderr
    # unlocking needs a reason; then the back-dated receipt goes in
    assert "--reason" in ok(invoke("day", "unlock", "21-11-2026"), 2).output
    ok(invoke("day", "unlock", "21-11-2026", "--reason", "lot terlambat dicatat"))
    ok(invoke("blangko", "receive", "5", "--document", "SJ-2", "--source", "Kemendagri", "--date", "21-11-2026"))
    balance = ok(invoke("blangko", "balance", login=False)).output
    assert "110" in balance.splitlines()[0]


def test_day_review_and_a_lock_that_needs_a_confirmation(office):
    def setup():
        from dukcapil_tui.services import blangko

        admin = _admin()
        blangko.receive(admin, 10, "SJ-1", "Kemendagri")
        with database.atomic():
            blangko.append(admin, "print_ok", 1, reference="tanpa hasil cetak")

    with_db(office, setup)
    review = ok(invoke("day", "review", login=False)).output.splitlines()
    assert review[0] == "Tinjauan hari 22-11-2026"
    assert "! TIDAK COCOK: selisih +1 (blangko terpakai dikurangi hasil cetak)." in review
    assert "  Belum dikunci." in review
    result = ok(invoke("day", "lock"), 2)
    assert "selisih +1" in result.stderr and "--confirm-unusual" in result.stderr
    ok(invoke("day", "lock", "--confirm-unusual"))
    review = ok(invoke("day", "review", "22-11-2026", login=False)).output.splitlines()
    assert "  TERKUNCI oleh admin pada 22-11-2026 10:00 WITA." in review
    result = ok(invoke("day", "lock", "23-11-2026"), 2)
    assert result.stderr.startswith("Hari 23-11-2026 belum tiba")


def _admin():
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor

    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", "TEST-01", user.full_name)


def test_suket_issue_renew_and_list(office, tmp_path):
    nik = with_db(office, lambda: add_card().resident.nik)
    result = ok(invoke("suket", "issue", nik, "--out", str(tmp_path / "surat")))
    letter = tmp_path / "surat" / "470-0001-DKPS-XI-2026.txt"
    assert result.output == (f"Suket 470/0001/DKPS/XI/2026 diterbitkan untuk BAIQ NURUL, berlaku s.d. 22-05-2027; "
                             f"surat: {letter}\n")
    assert "Surat keterangan ini berlaku sampai dengan 22-05-2027." in letter.read_text(encoding="utf-8")
    result = ok(invoke("suket", "renew", nik), 2)
    assert result.stderr == ("Suket 470/0001/DKPS/XI/2026 masih berlaku sampai 22-05-2027; perpanjangan dapat "
                             "dilakukan mulai 16-05-2027.\n")
    listed = ok(invoke("suket", "list")).output.splitlines()
    assert listed[0].startswith("470/0001/DKPS/XI/2026") and nik in listed[0] and listed[0].endswith("berlaku")
    assert listed[-1] == "1 Suket beredar."
    assert ok(invoke("suket", "list", "--state", "expired")).output == "Tidak ada Suket beredar.\n"
    result = ok(invoke("suket", "list", login=False), 2)  # names: a login first
    assert "--user" in result.stderr


def test_blank_requests_from_the_command_line(office):
    result = ok(invoke("blangko", "request", "2.000", "--letter", "470/5/XI/2026", "--date", "02-11-2026"))
    assert result.output == "Permintaan #1 dicatat: 2.000 blangko, surat 470/5/XI/2026 tanggal 02-11-2026.\n"
    ok(invoke("blangko", "receive", "500", "--document", "BAST-1", "--source", "Provinsi", "--request", "1",
              "--date", "10-11-2026"))
    result = ok(invoke("blangko", "requests", login=False))
    assert result.output == ("#1 02-11-2026 470/5/XI/2026: diminta 2.000, diterima 500, belum dipenuhi 1.500\n"
                             "    10-11-2026  BAST-1  500\n")
    result = ok(invoke("blangko", "receive", "5", "--document", "B", "--source", "P", "--request", "7"), 2)
    assert "Permintaan blangko nomor 7 tidak ada." in result.stderr
    ok(invoke("blangko", "close-request", "1", "--reason", "provinsi kehabisan"))
    listed = ok(invoke("blangko", "requests", login=False)).output
    assert listed == "Tidak ada permintaan blangko yang belum dipenuhi.\n"
    shown = ok(invoke("blangko", "requests", "--all", login=False)).output
    assert "belum dipenuhi 0 · ditutup: provinsi kehabisan" in shown


def test_reports_sent_and_their_deadlines(office):
    ok(invoke("settings", "reports_due_from", "2026-10"))
    result = ok(invoke("report", "deadlines", login=False), 1)  # October's reports are late
    assert "! TERLAMBAT: Laporan penggunaan blangko KTP-el 2026-10, batas 05-11-2026, lewat 17 hari" in \
        result.output.splitlines()
    ok(invoke("report", "sent", "blangko", "2026-10", "--via", "email", "--date", "04-11-2026"))
    result = ok(invoke("report", "sent", "capaian", "2026-10", "--via", "surat", "--reference", "470/9"))
    assert result.output == "Rekap capaian perekaman KTP-el 2026-10 dicatat terkirim 22-11-2026 (surat/pos).\n"
    result = ok(invoke("report", "deadlines", login=False))
    assert result.output.splitlines() == [
        "  Rekap capaian perekaman KTP-el 2026-10: terkirim 22-11-2026 (surat/pos), terlambat 12 hari",
        "  Rekap capaian perekaman KTP-el 2026-11: batas 10-12-2026 (18 hari lagi)",
        "  Laporan penggunaan blangko KTP-el 2026-10: terkirim 04-11-2026 (surel (e-mail))",
        "  Laporan penggunaan blangko KTP-el 2026-11: batas 05-12-2026 (13 hari lagi)",
    ]
    result = ok(invoke("report", "sent", "capaian", "2026-12", "--via", "email"), 2)
    assert "Bulan 2026-12 belum dimulai" in result.stderr
