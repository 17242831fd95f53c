"""``dukcapil import bookings`` and ``dukcapil queue close-day|summary`` through click's CliRunner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from dukcapil_tui import paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import Ticket
from dukcapil_tui.services import queue as q
from dukcapil_tui.services.context import system_actor

from conftest import ON_POSTGRES, closed_office_copy
from queue_helpers import TODAY, add_resident, clock, office_template  # noqa: F401
from conftest import login_args


pytestmark = pytest.mark.usefixtures("no_tui")  # conftest: the TUI never starts in these tests


@pytest.fixture
def db_path(office_template, tmp_path, clock):
    """A closed copy of the office database; the service clock at 22-11-2026 10:00 WITA."""
    return closed_office_copy(office_template, tmp_path)


def invoke(db_path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(db_path), *login_args(), *args], obj=State())
    if database.obj is not None:
        database.close()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def prepare(db_path, build) -> None:
    open_database(db_path)
    try:
        build(system_actor("TEST-01"))
    finally:
        database.close()


def test_help_lists_the_queue_commands(db_path):
    assert "  queue " in invoke(db_path, "--help").output
    assert "  bookings " in invoke(db_path, "import", "--help").output
    queue_help = invoke(db_path, "queue", "--help").output
    assert "close-day" in queue_help and "summary" in queue_help


def test_import_bookings(db_path, tmp_path):
    people = []
    prepare(db_path, lambda actor: people.extend([add_resident(), add_resident()]))
    path = tmp_path / "booking.csv"
    stranger = "5202041708050999"
    path.write_text("\n".join([
        "TANGGAL;NIK;NAMA;LAYANAN;JAM",
        f"22-11-2026;{people[0].nik};A;rekam_baru;11:00",
        f"22-11-2026;{stranger};B;rekam_baru;11:00",
        f"23-11-2026;{people[1].nik};C;konsultasi;8:30",
        f"23-11-2026;{people[1].nik};C;konsultasi;24:30",
    ]) + "\n", encoding="utf-8")
    result = invoke(db_path, "import", "bookings", str(path), "--report-dir", str(tmp_path / "laporan"))
    assert result.exit_code == 1
    (report,) = (tmp_path / "laporan").glob("impor-booking_booking_*_ditolak.csv")
    assert result.output == (
        "2 booking dibuat, 0 sudah ada, 2 ditolak.\n"
        f"  baris 3: NIK {stranger} tidak terdaftar di basis data penduduk.\n"
        "  baris 5: Jam '24:30' tidak dikenal (gunakan HH:MM).\n"
        f"Laporan baris yang ditolak: {report}\n"
    )
    assert report.read_text(encoding="utf-8-sig").splitlines() == [
        "BARIS,KOLOM,ALASAN", f"3,NIK,NIK {stranger} tidak terdaftar di basis data penduduk.",
        "5,JAM,Jam '24:30' tidak dikenal (gunakan HH:MM)."]
    good = tmp_path / "booking-baik.csv"
    good.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    again = invoke(db_path, "import", "bookings", str(good))
    assert again.exit_code == 0 and again.output == "0 booking dibuat, 1 sudah ada, 0 ditolak.\n"
    open_database(db_path)
    assert Ticket.select().where(Ticket.status == "booked").count() == 2


def test_import_bookings_refusals_exit_2(db_path, tmp_path):
    missing = invoke(db_path, "import", "bookings", str(tmp_path / "tidak-ada.csv"))
    assert missing.exit_code == 2 and "tidak dapat dibaca" in missing.stderr
    columns = tmp_path / "kolom.csv"
    columns.write_text("NIK;NAMA\n5202041708050001;LALU\n", encoding="utf-8")
    result = invoke(db_path, "import", "bookings", str(columns))
    assert result.exit_code == 2 and "Kolom wajib tidak ada: TANGGAL, LAYANAN, JAM." in result.stderr
    nowhere = invoke(tmp_path / "kosong.sqlite3", "import", "bookings", str(columns))
    assert nowhere.exit_code == 2 and "Belum ada basis data" in nowhere.stderr


def _open_day(actor) -> None:
    for code in ("rekam_baru", "rekam_baru", "pengambilan"):
        q.take_ticket(actor, code, resident_id=add_resident().id)
    first = q.claim_next(actor, 1)
    q.finish(actor, first.id, 1, "referred")


def test_close_day_defaults_to_today_in_office_time(db_path, clock):
    prepare(db_path, _open_day)
    result = invoke(db_path, "queue", "close-day")
    assert result.exit_code == 0, result.output
    first, backup = result.output.splitlines()
    assert first == "Antrean 22-11-2026: 2 tiket ditutup, 0 tiket dibawa ke 23-11-2026."
    # Closing the day makes the day-close backup (a PostgreSQL office's are made on its server).
    if ON_POSTGRES:
        assert backup == "Cadangan harian kantor di PostgreSQL dibuat di server."
    else:
        assert backup == f"Cadangan tersimpan: {paths.backup_dir() / 'kantor_20261122T020000000000Z_day-close.sqlite3'}"
    again = invoke(db_path, "queue", "close-day", "--date", "2026-11-22")
    assert again.output.splitlines()[0] == "Antrean 22-11-2026: 0 tiket ditutup, 0 tiket dibawa ke 23-11-2026."


def test_close_day_with_carry_over_and_a_date(db_path, clock):
    prepare(db_path, _open_day)
    clock.advance(days=1)
    result = invoke(db_path, "queue", "close-day", "--date", "22-11-2026", "--carry-over")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Antrean 22-11-2026: 0 tiket ditutup, 2 tiket dibawa ke 23-11-2026."
    open_database(db_path)
    carried = Ticket.select().where(Ticket.day == TODAY + timedelta(days=1))
    assert [t.carried_over for t in carried] == [True, True]


def test_close_day_bad_arguments(db_path, clock):
    for bad in ("31-31-2026", "kemarin", "22/11/26"):
        result = invoke(db_path, "queue", "close-day", "--date", bad)
        assert result.exit_code == 2
        assert result.stderr == f"Tanggal '{bad}' tidak dikenal: gunakan DD-MM-YYYY atau YYYY-MM-DD.\n"
    future = invoke(db_path, "queue", "close-day", "--date", "23-11-2026")
    assert future.exit_code == 2
    assert future.stderr == "Hari 23-11-2026 belum tiba: antrean hari itu belum bisa ditutup.\n"
    unknown = invoke(db_path, "queue", "close-day", "--carry")
    assert unknown.exit_code == 2 and "--carry" in unknown.output


def _summary_day(clock):
    def build(actor):
        clock.at_wita(8, 0)
        a1 = q.take_ticket(actor, "rekam_baru", resident_id=add_resident().id).ticket.id
        e1 = q.take_ticket(actor, "pengambilan", visitor_name="Dua").ticket.id
        clock.at_wita(8, 5)
        a2 = q.take_ticket(actor, "rekam_baru", resident_id=add_resident().id).ticket.id
        clock.at_wita(8, 10)
        q.call_specific(actor, a1, 1, "giliran")  # waited 10
        clock.at_wita(8, 12)
        q.start(actor, a1, 1)
        clock.at_wita(8, 30)
        q.finish(actor, a1, 1, "referred")  # served 18
        q.call_specific(actor, a2, 1, "giliran")  # waited 25
        for minute in (31, 33, 35):
            clock.at_wita(8, minute)
            q.recall(actor, a2, 1)
        q.no_show(actor, a2, 1)  # three recalls over five minutes
        clock.at_wita(8, 20)
        q.call_specific(actor, e1, 2, "giliran")  # waited 20
        clock.at_wita(8, 26)
        q.finish(actor, e1, 2, "served")  # served 6
    return build


def test_summary_prints_the_days_table(db_path, clock):
    prepare(db_path, _summary_day(clock))
    result = invoke(db_path, "queue", "summary", "--date", "22-11-2026")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Ringkasan antrean 22-11-2026 (waktu dalam menit)"
    assert lines[1].split() == ["LAYANAN", "TIKET", "DILAYANI", "GAGAL/RUJUK", "TDK", "HADIR", "TUNGGU", "MED",
                                "TUNGGU", "P90", "LAYANI", "MED", "LAYANI", "P90"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["A"][-8:] == ["2", "0", "1", "1", "17,5", "23,5", "18,0", "18,0"]  # referred: not served
    assert rows["E"][-8:] == ["1", "1", "0", "0", "20,0", "20,0", "6,0", "6,0"]
    assert rows["JUMLAH"][-8:] == ["3", "1", "1", "1", "20,0", "24,0", "12,0", "16,8"]
    assert " ".join(rows["A"][1:-8]) == "Perekaman KTP-el (baru)"
    assert len({len(line) for line in lines[1:]}) == 1  # the columns line up
    assert invoke(db_path, "queue", "summary").output == result.output  # today by default


def test_summary_of_an_empty_day_and_in_english(db_path, clock):
    empty = invoke(db_path, "queue", "summary", "--date", "01-01-2026")
    assert empty.exit_code == 0 and empty.output == "Tidak ada tiket antrean pada 01-01-2026.\n"
    prepare(db_path, _summary_day(clock))
    english = invoke(db_path, "--lang", "en", "queue", "summary")
    assert english.output.splitlines()[0] == "Queue summary 22-11-2026 (times in minutes)"
    assert english.output.splitlines()[-1].split()[0] == "TOTAL"
    bad = invoke(db_path, "--lang", "en", "queue", "summary", "--date", "2026-13-01")
    assert bad.exit_code == 2 and bad.stderr == "Date '2026-13-01' not understood: use DD-MM-YYYY or YYYY-MM-DD.\n"
