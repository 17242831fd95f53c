"""Any regency of Indonesia: the bundled Kemendagri list, `init` of a kabupaten or a kota, an
unknown code refused with the likely ones, NIKs issued anywhere named, the kota letterheads,
and the national list read only when needed (the 'kota' migration: test_migrations.py)."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date, datetime
from fnmatch import fnmatch
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dukcapil_tui import paths, wilayah
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import AppUser, Card, CardEvent, Region, Resident
from dukcapil_tui.services import regions, residents, settings
from dukcapil_tui.services.context import Actor, ServiceError
from dukcapil_tui.services.office import init_office

from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), obj=State())
    if database.obj is not None:
        database.close()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def password_file(tmp_path) -> Path:
    path = tmp_path / "sandi.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def make_office(path: Path, region: str, name: str, timezone: str = "Asia/Jakarta") -> Actor:
    return init_office(path, office_name=name, region_code=region, timezone=timezone, admin_username="admin",
                       admin_full_name="Kepala Dinas", admin_password=PASSWORD, workstation="TEST-01")


# --- the bundled list -------------------------------------------------------------------------

def test_the_bundled_list_holds_every_kemendagri_code():
    rows = [wilayah._row(line) for line in wilayah._lines()]
    assert len(rows) == 91_599
    assert Counter(r.level for r in rows) == {"provinsi": 38, "kabupaten": 416, "kota": 98, "kecamatan": 7_285,
                                              "desa": 75_266, "kelurahan": 8_496}
    codes = [r.code for r in rows]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    known = set(codes)
    assert all(r.parent_code in known for r in rows if r.parent_code)
    # Names with a comma survive the CSV quoting; codes are taken as given (gaps stay gaps).
    named = {r.code: r.name for r in rows}
    assert named["12.07.28.1007"] == "Lubuk Pakam I,II"
    assert (named["52.02.04.2008"], named["52.02.04.2009"]) == ("Rembitan", "Kuta")
    assert len(wilayah.upper().regencies) == 514


def test_the_compressed_list_is_package_data():
    """A non-editable install carries the file: pyproject's package-data matches every data file."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dukcapil_tui"]
    data = sorted(p.relative_to(ROOT / "dukcapil_tui").as_posix() for p in (ROOT / "dukcapil_tui" / "data").iterdir()
                  if p.name != "__pycache__")
    assert data == ["data/common_passwords.txt", "data/wilayah_indonesia.csv.gz"]
    assert all(any(fnmatch(name, pattern) for pattern in patterns) for name in data)
    assert (ROOT / "dukcapil_tui" / "data" / "wilayah_indonesia.csv.gz").stat().st_size < 1_000_000


# --- init of any regency ----------------------------------------------------------------------

@pytest.mark.parametrize("region, name, level, kecamatan, desa, timezone", [
    ("36.73", "Kota Serang", "kota", 6, 67, "Asia/Jakarta"),
    ("15.09", "Kabupaten Tebo", "kabupaten", 12, 129, "Asia/Jakarta"),
    ("91.71", "Kota Jayapura", "kota", 5, 39, "Asia/Jayapura"),
])
def test_init_sets_up_a_kota_or_a_kabupaten(password_file, region, name, level, kecamatan, desa, timezone):
    office = f"Disdukcapil {name}"
    result = invoke("init", "--office", office, "--region", region, "--timezone", timezone,
                    "--admin-password-file", str(password_file))
    assert result.exit_code == 0, result.output
    path = paths.default_db_path()
    assert str(path).startswith(str(paths.data_dir()))  # under the test's own DUKCAPIL_HOME
    assert result.output == (f"Basis data kantor dibuat: {path}\n"
                             f"{office}, {name} ({region}): {kecamatan} kecamatan, {desa} desa/kelurahan. "
                             "Admin: admin.\n")
    open_database(path)
    assert (settings.get("region_code"), settings.get("region_name")) == (region, name)
    regency = Region.get_by_id(region)
    assert (regency.name, regency.level, regency.parent_code) == (name, level, None)
    index = regions.index()
    assert (len(index.kecamatan), len(index.desa_codes)) == (kecamatan, desa)
    assert all(code.startswith(region + ".") for code in index.names if code != region)
    assert AppUser.get(AppUser.username == "admin").role == "admin"


def test_init_takes_the_code_without_its_dot(tmp_path):
    make_office(tmp_path / "serang.sqlite3", " 3673 ", "Disdukcapil Kota Serang")
    assert settings.get("region_code") == "36.73"
    assert Region.get_by_id("36.73").level == "kota"


@pytest.mark.parametrize("typed, expected", [
    ("99.99", "Kode kabupaten/kota 99.99 tidak ada dalam daftar wilayah Kemendagri. Gunakan kode kabupaten/kota "
              "Kemendagri, misalnya 52.02 (Kabupaten Lombok Tengah) atau 36.73 (Kota Serang)."),
    ("36.75", "Kode kabupaten/kota 36.75 tidak ada dalam daftar wilayah Kemendagri. Mungkin yang dimaksud: "
              "36.74 Kota Tangerang Selatan, 36.73 Kota Serang, 36.72 Kota Cilegon, 36.71 Kota Tangerang, "
              "36.04 Kabupaten Serang."),
    ("36.73.01", "Kode kabupaten/kota 36.73.01 tidak ada dalam daftar wilayah Kemendagri. Mungkin yang "
                 "dimaksud: 36.73 Kota Serang."),  # a kecamatan's code: its regency
    ("52.2", "Kode kabupaten/kota 52.2 tidak ada dalam daftar wilayah Kemendagri. Mungkin yang dimaksud: "
             "52.02 Kabupaten Lombok Tengah."),  # the leading zero left out
    ("52.9", "Kode kabupaten/kota 52.9 tidak ada dalam daftar wilayah Kemendagri. Gunakan kode kabupaten/kota "
             "Kemendagri, misalnya 52.02 (Kabupaten Lombok Tengah) atau 36.73 (Kota Serang)."),
    ("36", "Kode kabupaten/kota 36 tidak ada dalam daftar wilayah Kemendagri. Gunakan kode kabupaten/kota "
           "Kemendagri, misalnya 52.02 (Kabupaten Lombok Tengah) atau 36.73 (Kota Serang)."),  # a province
    ("Kota Serang", "Kode kabupaten/kota Kota Serang tidak ada dalam daftar wilayah Kemendagri. Mungkin yang "
                    "dimaksud: 36.73 Kota Serang, 36.04 Kabupaten Serang."),  # the exact name first
    ("jayapura", "Kode kabupaten/kota jayapura tidak ada dalam daftar wilayah Kemendagri. Mungkin yang "
                 "dimaksud: 91.03 Kabupaten Jayapura, 91.71 Kota Jayapura."),
    ("merangn", "Kode kabupaten/kota merangn tidak ada dalam daftar wilayah Kemendagri. Mungkin yang "
                "dimaksud: 15.02 Kabupaten Merangin."),  # a typing error in a name
])
def test_an_unknown_region_is_refused_with_the_likely_ones(tmp_path, password_file, typed, expected):
    target = tmp_path / "kantor.sqlite3"
    result = invoke("--db", str(target), "init", "--office", "Disdukcapil", "--region", typed,
                    "--admin-password-file", str(password_file))
    assert result.exit_code == 2
    assert result.stderr == expected + "\n"
    assert list(tmp_path.glob("kantor.sqlite3*")) == []


def test_the_last_regency_of_a_province_is_known_and_the_next_code_is_not():
    assert regions.rows_for_regency("36.74")[0].name == "Kota Tangerang Selatan"  # Banten's last kota
    assert regions.rows_for_regency("36.01")[0].name == "Kabupaten Pandeglang"  # and its first kabupaten
    with pytest.raises(ServiceError, match="36.00 tidak ada"):
        regions.rows_for_regency("36.00")
    assert wilayah.regency_rows("36.7") == [] and wilayah.regency_rows("36.73.01") == []


# --- NIKs issued anywhere ---------------------------------------------------------------------

@pytest.mark.parametrize("nik, line", [
    ("3673064107900003", "36.73.06 Kec. Taktakan, Kota Serang, Provinsi Banten"),
    ("9171011708050001", "91.71.01 Kec. Jayapura Utara, Kota Jayapura, Provinsi Papua"),
    ("1509121708050001", "15.09.12 Kec. Muara Tabir, Kabupaten Tebo, Provinsi Jambi"),
    ("1101011708050001", "11.01.01 Kec. Bakongan, Kabupaten Aceh Selatan, Provinsi Aceh"),  # the first code
])
def test_dukcapil_nik_names_the_kecamatan_regency_and_province(nik, line):
    result = invoke("nik", nik)
    assert result.exit_code == 0
    assert f"Wilayah penerbitan {line}\n" in result.output
    assert "Peringatan" not in result.output


def test_dukcapil_nik_calls_a_code_that_exists_nowhere_unknown():
    result = invoke("nik", "3673071708050001")  # Kota Serang has six kecamatan: .07 is nowhere
    assert result.exit_code == 0
    assert "Wilayah penerbitan 36.73.07 (tidak ada dalam daftar wilayah Kemendagri)\n" in result.output
    assert ("Peringatan: Kode wilayah NIK 36.73.07 bukan kecamatan mana pun dalam daftar wilayah Kemendagri "
            "(salah ketik, atau kode lama yang sudah dihapus?).\n") in result.output


def test_the_national_list_is_read_only_when_a_nik_from_elsewhere_is_named(office_db, admin):
    wilayah.upper.cache_clear()
    created = residents.create(admin, {
        "nik": "5202045708050003", "name": "Baiq Nurul", "birth_place": "Praya", "birth_date": "17-08-2005",
        "sex": "P", "desa_code": "52.02.04.2008", "address": "Dusun Sade", "rt": "1", "rw": "2",
        "marital_status": "belum_kawin", "recording_status": "belum",
    }, TODAY).resident
    view = residents.view(created.id, TODAY)
    assert view.region_name == "Kec. Pujut, Kabupaten Lombok Tengah" and view.reading.warnings == []
    assert wilayah.upper.cache_info().currsize == 0  # the office's own NIKs need nothing but its regions
    assert regions.describe_kecamatan("15.09.01", regions.index()) == "Kec. Tebo Tengah, Kabupaten Tebo, Provinsi Jambi"
    assert wilayah.upper.cache_info().currsize == 1
    assert regions.describe_kecamatan("15.09.13", regions.index()) == ""  # Tebo has twelve kecamatan


# --- a kota's letterheads ---------------------------------------------------------------------

def test_a_kota_office_exports_recaps_under_its_own_government(tmp_path):
    from dukcapil_tui import reports
    from dukcapil_tui.reports.periods import Period

    admin = make_office(tmp_path / "serang.sqlite3", "36.73", "Disdukcapil Kota Serang")
    settings.put(admin, "head_name", "Dr. H. Ahmad Mulyadi")
    path = reports.export("capaian", Period.for_month(2026, 11, TODAY), tmp_path / "out", admin)
    assert path.name == "3673_capaian-perekaman_2026-11.xlsx"
    sheet = load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "PEMERINTAH KOTA SERANG"
    cells = [value for row in sheet.iter_rows(values_only=True) for value in row if isinstance(value, str)]
    assert any(value.startswith("Serang, ") for value in cells)
    assert not any("KABUPATEN" in value.upper() or value.startswith("Kota Serang,") for value in cells)
    kecamatan = [row[1] for row in sheet.iter_rows(values_only=True) if row and row[1] in
                 ("Serang", "Kasemen", "Walantaka", "Curug", "Cipocok Jaya", "Taktakan")]
    assert len(kecamatan) == 6


def test_a_kota_office_signs_its_suket_in_the_town(tmp_path):
    from dukcapil_tui.services import suket

    admin = make_office(tmp_path / "jayapura.sqlite3", "91.71", "Disdukcapil Kota Jayapura", "Asia/Jayapura")
    now = datetime(2026, 11, 1, 2, 0)
    resident = Resident.create(
        uuid="r-1", nik="9171015708900001", name="MARIA YOKU", birth_place="Jayapura", birth_date=date(1990, 8, 17),
        sex="P", desa_code="91.71.01.1001", kecamatan_code="91.71.01", address="Jl. Percetakan", rt="001",
        rw="002", marital_status="kawin", recording_status="sudah", workstation="TEST-01", created_at=now,
        updated_at=now)
    card = Card.create(uuid="c-1", resident=resident.id, reason="baru", recorded_at=now, recorded_where="TEST",
                       central_status="BIO_CAPTURED", office_status="waiting_prr", workstation="TEST-01",
                       created_at=now, updated_at=now, priority=False, status_changed_at=now)
    CardEvent.create(card=card.id, at=now, central_status="BIO_CAPTURED", office_status="waiting_prr",
                     username="test", source="perekaman")
    lines = suket.letter_text(suket.issue(admin, resident.nik)).splitlines()
    assert lines[:2] == ["PEMERINTAH KOTA JAYAPURA", "DISDUKCAPIL KOTA JAYAPURA"]
    assert "  Alamat              : Jl. Percetakan RT 001/RW 002, Gurabesi, Kec. Jayapura Utara" in lines
    place = [line for line in lines if line.startswith("Jayapura, ")]
    assert len(place) == 1 and not any(line.startswith("Kota ") for line in lines)


@pytest.mark.parametrize("name, place", [
    ("Kota Serang", "Serang"), ("Kabupaten Tebo", "Tebo"), ("Kota Administrasi Jakarta Pusat", "Jakarta Pusat"),
    ("Kabupaten Administrasi Kepulauan Seribu", "Kepulauan Seribu"), ("Kotabaru", "Kotabaru"),
])
def test_the_place_line_drops_only_the_kind_of_regency(name, place):
    assert wilayah.place_name(name) == place
