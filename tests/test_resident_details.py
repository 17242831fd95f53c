"""Agama, pekerjaan, kewarganegaraan: kept when the register has them (SIAK's resident listing,
the form), left out of the Suket letter when it does not, never guessed (a listing without a
marital status does not make the letter state BELUM KAWIN)."""

from __future__ import annotations

from datetime import date

import pytest

from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import resident_details as details
from dukcapil_tui.models import Resident
from dukcapil_tui.services import residents, suket
from dukcapil_tui.services.resident_import import import_residents
from dukcapil_tui.services.status_import import import_statuses

from cetak_helpers import PUJUT, TODAY, add_card, admin, clock, office, office_template  # noqa: F401


def write(tmp_path, header: str, lines: list[str], name: str = "daftar.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("value, religion", [
    ("Islam", "ISLAM"), ("katolik", "KATHOLIK"), ("Buddha", "BUDHA"), ("KONGHUCU", "KHONGHUCU"),
    ("3", "KATHOLIK"), (3.0, "KATHOLIK"), ("7", "KEPERCAYAAN TERHADAP TUHAN YME"), ("", ""), (None, ""),
    ("8", None), ("Jedi", None),
])
def test_religions_in_siaks_spelling(value, religion):
    assert details.parse_religion(value) == religion


def test_religion_labels():
    assert [details.religion_label(r) for r in ("ISLAM", "KEPERCAYAAN TERHADAP TUHAN YME", "")] == [
        "Islam", "Kepercayaan Terhadap Tuhan YME", ""]


@pytest.mark.parametrize("value, citizenship", [("wni", "WNI"), ("Warga Negara Asing", "WNA"), ("1", "WNI"),
                                               ("2", "WNA"), ("", ""), ("3", None), ("Jepang", None)])
def test_citizenship(value, citizenship):
    assert details.parse_citizenship(value) == citizenship


def test_details_are_checked_and_named(admin, clock):
    values, errors = details.validate({"religion": "Jedi", "occupation": "X" * 61, "citizenship": ""},
                                      lambda name: {"religion": "Agama", "occupation": "Pekerjaan"}[name])
    assert errors == {
        "religion": "Agama: nilai 'Jedi' tidak dikenal; pilih salah satu dari ISLAM, KRISTEN, KATHOLIK, HINDU, BUDHA, "
                    "KHONGHUCU, KEPERCAYAAN TERHADAP TUHAN YME.",
        "occupation": "Pekerjaan terlalu panjang (maksimal 60 karakter).",
    }
    assert details.validate({"occupation": "  petani /  pekebun "}, str)[0] == {
        "religion": "", "citizenship": "", "occupation": "PETANI / PEKEBUN"}
    assert details.validate({"occupation": "X" * 60}, str)[1] == {}


NIK = nik_rules.compose(PUJUT, date(1990, 5, 17), "P", 71)
HEADER = "NIK;NAMA_LGKP;TGL_LHR;JENIS_KLMIN;KODE_DESA;STAT_KWN;STATUS_REKAM"


def test_a_resident_listing_brings_them_and_a_listing_without_them_keeps_them(admin, clock, tmp_path):
    full = write(tmp_path, HEADER + ";AGAMA;JENIS_PKRJN;KEWARGANEGARAAN",
                 [f"{NIK};Baiq Nurul;17-05-1990;P;52.02.04.2008;KAWIN;BELUM REKAM;Islam;Petani/Pekebun;WNI"])
    assert import_residents(admin, full, today=TODAY).rejected == []
    stored = Resident.get(Resident.nik == NIK)
    assert (stored.religion, stored.occupation, stored.citizenship, stored.marital_known) == (
        "ISLAM", "PETANI/PEKEBUN", "WNI", True)
    plain = write(tmp_path, HEADER, [f"{NIK};Baiq Nurul;17-05-1990;P;52.02.04.2008;CERAI HIDUP;BELUM REKAM"],
                  "plain.csv")
    assert import_residents(admin, plain, today=TODAY).updated == 1
    stored = Resident.get_by_id(stored.id)
    assert (stored.marital_status, stored.religion, stored.occupation, stored.citizenship) == (
        "cerai_hidup", "ISLAM", "PETANI/PEKEBUN", "WNI")
    bad = write(tmp_path, HEADER + ";AGAMA", [f"{NIK};Baiq Nurul;17-05-1990;P;52.02.04.2008;KAWIN;BELUM REKAM;Jedi"],
                "bad.csv")
    (rejection,) = import_residents(admin, bad, today=TODAY).rejected
    assert (rejection.line, rejection.field) == (2, "Agama") and rejection.reason.startswith("Agama: nilai 'Jedi'")
    assert Resident.get_by_id(stored.id).religion == "ISLAM"


def test_the_letter_leaves_out_what_a_status_listing_did_not_say(admin, clock, tmp_path):
    listing = write(tmp_path, "NIK,NAMA_LGKP,NO_PROP,NO_KAB,NO_KEC,NO_KEL,STATUS,TGL_REKAM",
                    [f"{NIK},Baiq Sumarni,52,2,4,2008,SENT FOR ENROLLMENT,2026-10-01 09:30"])
    assert import_statuses(admin, listing).residents_created == 1
    resident = Resident.get(Resident.nik == NIK)
    assert (resident.marital_status, resident.marital_known) == ("belum_kawin", False)
    lines = suket.letter_text(suket.issue(admin, NIK)).splitlines()
    assert "  Tempat/tgl. lahir   : 17-05-1990" in lines
    assert "  Alamat              : Rembitan, Kec. Pujut" in lines
    assert not [line for line in lines if line.startswith(("  Status perkawinan", "  Agama", "  Pekerjaan",
                                                             "  Kewarganegaraan"))]


def test_the_letter_carries_what_the_register_knows(admin, clock):
    card = add_card()
    Resident.update(religion="KHONGHUCU", occupation="PEDAGANG", citizenship="WNI").where(
        Resident.id == card.resident_id).execute()
    lines = suket.letter_text(suket.issue(admin, Resident.get_by_id(card.resident_id).nik)).splitlines()
    start = lines.index("  Nama lengkap        : BAIQ NURUL")
    assert lines[start + 2:start + 9] == [
        "  Tempat/tgl. lahir   : Praya, 17-05-1990",
        "  Jenis kelamin       : Perempuan",
        "  Agama               : Khonghucu",
        "  Status perkawinan   : Kawin",
        "  Pekerjaan           : PEDAGANG",
        "  Kewarganegaraan     : WNI",
        "  Alamat              : Dusun Sade RT 001/RW 002, Rembitan, Kec. Pujut",
    ]


def test_the_form_values_carry_them_and_editing_keeps_the_audit(admin, clock):
    from conftest import actor

    card = add_card()
    values = residents.to_form(card.resident)
    assert (values["religion"], values["occupation"], values["citizenship"]) == ("", "", "")
    values.update(religion="Hindu", occupation="guru", citizenship="wna")
    result = residents.update(actor("loket"), card.resident_id, values, TODAY)
    assert (result.resident.religion, result.resident.occupation, result.resident.citizenship) == (
        "HINDU", "GURU", "WNA")
    values = residents.to_form(result.resident)
    values["religion"] = "Jedi"
    with pytest.raises(Exception) as refused:
        residents.update(actor("loket"), card.resident_id, values, TODAY)
    assert refused.value.problems["religion"].startswith("Agama: nilai 'Jedi' tidak dikenal")
