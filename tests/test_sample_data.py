"""sample_data/ imports into a fresh demo office as its README says: no rejected row but those
placed there on purpose, and what each file shows arrives (cards from SIAK, sites, life status,
bookings, the DAK2 denominator, SIAK's printed counts)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.demo.builder import build_demo
from dukcapil_tui.models import AppUser, Card, Resident, Ticket
from dukcapil_tui.services import bookings, capaian, cetak_figures, check, context, status_import
from dukcapil_tui.services.context import Actor
from dukcapil_tui.services.resident_import import import_residents

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("samples") / "demo.sqlite3", residents=1500, seed=9, today=TODAY)


@pytest.fixture
def demo(demo_template, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 22, 6, 0))
    open_database(path)
    user = AppUser.get(AppUser.username == "admin")
    yield Actor(user.id, "admin", "admin", "DEMO", user.full_name)
    database.close()


def test_every_file_is_described_in_the_readme():
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in SAMPLES.iterdir() if p.name != "README.md")
    assert files == ["booking_online.csv", "dak2_wajib_ktp.csv", "hasil_keliling_kll02.dkf", "siak_cetak_desa.csv",
                     "siak_penduduk.csv", "siak_penduduk.xlsx", "siak_status_ktp.csv"]
    for name in files:
        assert f"sample_data/{name}" in readme, name


def test_the_samples_import_in_the_readmes_order(demo, tmp_path):
    admin = demo
    cards_before = Card.select().count()

    residents = import_residents(admin, SAMPLES / "siak_penduduk.csv", today=TODAY, report_dir=tmp_path)
    assert (residents.total, residents.inserted, residents.cards_created) == (29, 27, 14)
    assert [(r.line, r.field) for r in residents.rejected] == [(16, "Status rekam"), (27, "Status rekam")]
    assert "perekaman baru boleh sejak umur 16" in residents.rejected[0].reason
    assert residents.rejected[1].reason.startswith("Status rekam: nilai 'SUDAH CETAK' tidak dikenal; pilih salah satu "
                                                   "dari BELUM REKAM, SUDAH REKAM, BELUM WAJIB, BIO CAPTURED")
    dead = Resident.get(Resident.name == "HJ. MAESAROH")
    assert (dead.life_status, dead.life_status_on) == ("mati", date(2026, 11, 7))
    made = Card.get(Card.resident == Resident.get(Resident.name == "SITI KHOTIMAH").id)
    assert (made.central_status, made.office_status, made.site_code, made.origin) == (
        "PRINT_READY_RECORD", "ready_to_print", "UPT-PUJUT", "siak")

    xlsx = import_residents(admin, SAMPLES / "siak_penduduk.xlsx", today=TODAY, report_dir=tmp_path)
    assert (xlsx.total, xlsx.inserted, xlsx.rejected, xlsx.cards_created) == (15, 15, [], 9)

    statuses = status_import.import_statuses(admin, SAMPLES / "siak_status_ktp.csv", report_dir=tmp_path)
    assert (statuses.total, statuses.applied, statuses.created, statuses.residents_created) == (24, 6, 17, 16)
    assert [line for line, _, _ in statuses.rejected] == [14]
    assert statuses.rejected[0][2].endswith("daftar tidak menyebut nama dan desanya (kolom NAMA dan KODE_DESA atau "
                                            "NO_PROP/NO_KAB/NO_KEC/NO_KEL).")
    again = Card.select().where(Card.resident == Resident.get(Resident.name == "SUPARDI").id).order_by(Card.id)
    assert [c.office_status for c in again] == ["replaced", "waiting_prr"]  # recorded again at the UPT
    hilang = Card.get(Card.resident == Resident.get(Resident.name == "BAIQ YULIA").id)
    assert (hilang.reason, hilang.central_status, hilang.site_code) == ("hilang", "REQUEST_VALIDATION",
                                                                       "UPT-BATUKLIANG-UTARA")

    booked = bookings.import_bookings(admin, SAMPLES / "booking_online.csv", report_dir=tmp_path)
    assert (booked.booked, booked.rejected) == (8, [])
    assert Ticket.select().where(Ticket.status == "booked").count() == 8

    wajib = capaian.import_figures(admin, SAMPLES / "dak2_wajib_ktp.csv", note="DAK2 semester II 2026")
    assert (wajib.applied, wajib.rejected) == (154, [])
    printed = cetak_figures.import_figures(admin, SAMPLES / "siak_cetak_desa.csv", report_dir=tmp_path)
    assert (printed.applied, printed.rejected) == (154, [])

    assert Card.select().count() == cards_before + 14 + 9 + 17
    assert check.run_checks() == []


@pytest.mark.parametrize("name", ["siak_penduduk.csv", "siak_penduduk.xlsx", "siak_status_ktp.csv"])
def test_each_listing_also_imports_alone(demo, tmp_path, name):
    if name == "siak_status_ktp.csv":
        result = status_import.import_statuses(demo, SAMPLES / name, report_dir=tmp_path)
        assert [line for line, _, _ in result.rejected] == [14] and result.created > 0
    else:
        result = import_residents(demo, SAMPLES / name, today=TODAY, report_dir=tmp_path)
        assert [r.line for r in result.rejected] == ([16, 27] if name.endswith(".csv") else [])
    assert check.run_checks() == []
