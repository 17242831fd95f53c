"""Three offices of Nusa Tenggara Barat and the recaps they export, for the province roll-up.

Lombok Tengah (52.02) is the report test office (``report_helpers``: every number worked out
there). Lombok Barat (52.01) and Kota Mataram (52.71) get a few residents, cards and blank
movements of their own. Today is 22-11-2026, so the capaian recaps are "keadaan s.d. 22
November 2026" and the blangko reports "bulan November 2026 (s.d. 22 November 2026)".

    office         L  P  sudah  PRR  cetak  belum cetak  Suket
    Lombok Barat   4  3  5      1    1      2            0
    Lombok Tengah  4  5  5      1    2      3            2
    Kota Mataram   2  2  3      0    1      0            0

    office         awal  terima  pinjam  kembali  cetak  gagal  rusak  dipinjamkan  opname  akhir  musnah  ditarik
    Lombok Barat   200   100     0       0        2      1      0      0            0       297    0       0
    Lombok Tengah  998   500     5       2        5      1      1      10           -1      1487   3       1
    Kota Mataram   0     50      0       0        0      0      1      5            +1      45     1       1

(musnah: spoiled blanks destroyed in November; ditarik: withdrawn old cards destroyed.)
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from itertools import count
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import AppUser, Destruction, Resident, SpoiledCard
from dukcapil_tui.services import context
from dukcapil_tui.services.context import Actor

from conftest import PASSWORD, Clock, closed_office_copy
from report_helpers import NOW, _card, _movement, utc

LOMBOK_BARAT, LOMBOK_TENGAH, MATARAM = "52.01", "52.02", "52.71"
NAMES = {LOMBOK_BARAT: "Kabupaten Lombok Barat", LOMBOK_TENGAH: "Kabupaten Lombok Tengah", MATARAM: "Kota Mataram"}
ORDER = (LOMBOK_BARAT, LOMBOK_TENGAH, MATARAM)

CAPAIAN = {  # l, p, sudah, prr, cetak, belum_cetak, suket
    LOMBOK_BARAT: (4, 3, 5, 1, 1, 2, 0),
    LOMBOK_TENGAH: (4, 5, 5, 1, 2, 3, 2),
    MATARAM: (2, 2, 3, 0, 1, 0, 0),
}
BLANGKO = {  # awal, receipt, loan_in, returned, print_ok, print_failed, damaged, loan_out, adjustment, correction,
    #          akhir, destroyed, withdrawn
    LOMBOK_BARAT: (200, 100, 0, 0, 2, 1, 0, 0, 0, 0, 297, 0, 0),
    LOMBOK_TENGAH: (998, 500, 5, 2, 5, 1, 1, 10, -1, 0, 1487, 3, 1),
    MATARAM: (0, 50, 0, 0, 0, 0, 1, 5, 1, 0, 45, 1, 1),
}

_ids = count(1000)


def _resident(desa: str, sex: str, recorded: str) -> Resident:
    number = next(_ids)
    birth = date(1990, 1, 1)
    return Resident.create(
        uuid=f"ru-{number}", nik=nik_rules.compose(desa[:8], birth, sex, number % 9000 + 1), name=f"WARGA {number}",
        birth_place="MATARAM", birth_date=birth, sex=sex, desa_code=desa, kecamatan_code=desa[:8], address="JL. X",
        rt="001", rw="001", marital_status="kawin", recording_status=recorded, workstation="TEST-01",
        created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1))


def _fill_lombok_barat() -> None:
    kebon_ayu, gerung = "52.01.01.2002", "52.01.01.1001"
    people = [_resident(kebon_ayu, "L", "sudah"), _resident(kebon_ayu, "L", "sudah"), _resident(gerung, "L", "sudah"),
              _resident(gerung, "P", "sudah"), _resident(gerung, "P", "sudah"), _resident(kebon_ayu, "P", "belum"),
              _resident(kebon_ayu, "L", "belum")]
    _card(people[0], [(utc(2026, 11, 1), "BIO_CAPTURED", "waiting_prr"),
                      (utc(2026, 11, 5), "PRINT_READY_RECORD", "ready_to_print")])
    _card(people[1], [(utc(2026, 11, 2), "BIO_CAPTURED", "waiting_prr"),
                      (utc(2026, 11, 4), "PRINT_READY_RECORD", "printed")])
    _card(people[2], [(utc(2026, 11, 10), "BIO_CAPTURED", "waiting_prr")])
    _movement(date(2026, 10, 5), "receipt", 200, "B-77/2026", "Ditjen Dukcapil Kemendagri")
    _movement(date(2026, 11, 3), "receipt", 100, "B-78/2026", "Ditjen Dukcapil Kemendagri")
    _movement(date(2026, 11, 4), "print_ok", -1, "batch 1")
    _movement(date(2026, 11, 4), "print_ok", -1, "batch 1")
    _movement(date(2026, 11, 4), "print_failed", -1, "gagal_cetak")


def _fill_mataram() -> None:
    ampenan = "52.71.01.1004"
    people = [_resident(ampenan, "L", "sudah"), _resident(ampenan, "L", "belum"), _resident(ampenan, "P", "sudah"),
              _resident(ampenan, "P", "sudah")]
    _card(people[0], [(utc(2026, 9, 1), "BIO_CAPTURED", "waiting_prr"),
                      (utc(2026, 9, 10), "PRINT_READY_RECORD", "printed")])
    _movement(date(2026, 11, 10), "receipt", 50, "B-90/2026", "Ditjen Dukcapil Kemendagri")
    damaged = _movement(date(2026, 11, 11), "damaged", -1, "rusak_fisik")
    _movement(date(2026, 11, 12), "loan_out", -5, "PJ-1", "Disdukcapil Lombok Barat")
    _movement(date(2026, 11, 13), "adjustment", 1, "opname #1")
    # the damaged blank and an old card withdrawn at a data change, destroyed under one berita acara
    destruction = Destruction.create(berita_acara_no="BA/07/XI/2026", day=date(2026, 11, 20), at=utc(2026, 11, 20),
                                     username="admin", count=2)
    SpoiledCard.create(at=damaged.at, day=damaged.day, nik=None, reason="rusak_fisik", movement=damaged.id,
                       destruction=destruction.id, username="cetak1")
    SpoiledCard.create(at=utc(2026, 11, 14), day=date(2026, 11, 14), kind="ditarik", nik=people[2].nik,
                       reason="perubahan_data", movement=None, destruction=destruction.id, username="loket1")


def _new_office(path: Path, code: str, fill) -> Path:
    from dukcapil_tui.services.office import init_office

    init_office(path, office_name=f"Disdukcapil {NAMES[code]}", region_code=code, timezone="Asia/Makassar",
                admin_username="admin", admin_full_name="Kepala Dinas", admin_password=PASSWORD,
                workstation="TEST-01")
    with database.atomic():
        fill()
    database.close()
    return path


def _export(office: Path, out: Path) -> dict[str, Path]:
    from dukcapil_tui import reports

    open_database(office)
    try:
        user = AppUser.get(AppUser.username == "admin")
        admin = Actor(user.id, "admin", "admin", "TEST-01", user.full_name)
        return {report: reports.export(report, reports.parse_period(report, month_text="2026-11"), out, admin)
                for report in ("capaian", "blangko")}
    finally:
        database.close()


@pytest.fixture(scope="session")
def province_files(report_template, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """``{"capaian": {code: file}, "blangko": {code: file}}`` exported by the three offices."""
    base = tmp_path_factory.mktemp("province")
    patch = pytest.MonkeyPatch()
    patch.setattr(context, "now_utc", Clock(NOW))
    try:
        tengah = closed_office_copy(report_template, base, "tengah.sqlite3")  # on PostgreSQL too
        offices = {LOMBOK_TENGAH: tengah,
                   LOMBOK_BARAT: _new_office(base / "barat.sqlite3", LOMBOK_BARAT, _fill_lombok_barat),
                   MATARAM: _new_office(base / "mataram.sqlite3", MATARAM, _fill_mataram)}
        exported = {code: _export(path, base / "kiriman") for code, path in offices.items()}
    finally:
        patch.undo()
    return {report: {code: files[report] for code, files in exported.items()} for report in ("capaian", "blangko")}


def copy_files(files: dict[str, Path], folder: Path, *codes: str) -> list[Path]:
    """Copies of the offices' files (a test may change its copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for code in codes or ORDER:
        target = folder / files[code].name
        shutil.copyfile(files[code], target)
        copies.append(target)
    return copies
