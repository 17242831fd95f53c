"""A NIK is 16 ASCII digits 0–9, and every number the app reads is made of them.

Python's ``\\d`` and ``str.isdigit`` also accept full-width (``５``) and Arabic-Indic (``٥``)
digits, and ``int()`` reads them: earlier, one person could be registered three times under
three spellings of one NIK. Every place a NIK or a number enters refuses them with a message
that says so; ``dukcapil check`` finds residents already stored twice that way.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dukcapil_tui.cli import cli
from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import Resident
from dukcapil_tui.services import blangko, residents
from dukcapil_tui.services.check import run_checks
from dukcapil_tui.services.resident_import import import_residents

from conftest import TODAY

NIK = "5202041708050001"
FULL_WIDTH = NIK.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
FULL_WIDTH_MESSAGE = ("NIK hanya boleh berisi angka 0–9 biasa; ('５' = 5, U+FF15) adalah angka dari huruf/lebar "
                      "lain: ketik ulang NIK dengan angka 0–9.")
ARABIC_MESSAGE = ("NIK hanya boleh berisi angka 0–9 biasa; ('٥' = 5, U+0665) adalah angka dari huruf/lebar lain: "
                  "ketik ulang NIK dengan angka 0–9.")


def _raw(nik: str, **changes) -> dict:
    return {"nik": nik, "name": "LALU AHMAD", "birth_date": "17-08-2005", "sex": "L", "desa_code": "52.02.04.2008",
            "marital_status": "belum_kawin", "recording_status": "belum", **changes}


@pytest.mark.parametrize("value, message", [(FULL_WIDTH, FULL_WIDTH_MESSAGE), (ARABIC_INDIC, ARABIC_MESSAGE),
                                            (NIK[:10] + "５" + NIK[11:], FULL_WIDTH_MESSAGE)])
def test_the_nik_parser_refuses_other_digits(value, message):
    reading = nik_rules.parse(value, today=TODAY)
    assert not reading.valid and reading.errors[0].message == message
    assert not nik_rules.looks_like_nik(value)
    with pytest.raises(ValidationError) as caught:
        nik_rules.checked(value)
    assert caught.value.problems == {"nik": message}
    assert nik_rules.parse(NIK, today=TODAY).valid


@given(st.text())
def test_the_nik_parser_never_fails_on_any_text(text):
    reading = nik_rules.parse(text, today=TODAY)
    if reading.valid:
        assert len(reading.nik) == 16 and reading.nik.isascii() and reading.nik.isdigit()
        assert reading.birth_date is not None and reading.sex in ("L", "P")
    else:
        assert reading.errors and all(isinstance(p.message, str) and p.message for p in reading.errors)


@pytest.mark.parametrize("value, expected", [
    ("1000", 1000), ("1.000", 1000), ("12.345.678", 12345678), (1000, 1000), (1000.0, 1000), (" 7 ", 7),
    ("１０", None), ("١٠", None), ("1.5", None), ("1,000", None), ("-5", None), ("", None), (None, None),
    (True, None), (2.5, None), ("1.00", None), ("10e3", None),
])
def test_whole_numbers_take_ascii_digits_only(value, expected):
    assert numbers.whole(value) == expected


def test_whole_in_is_inclusive_at_both_ends():
    assert numbers.whole_in("1", 1, 500) == 1 and numbers.whole_in("500", 1, 500) == 500
    assert numbers.whole_in("0", 1, 500) is None and numbers.whole_in("501", 1, 500) is None
    assert numbers.whole("1,000", commas=True) == 1000


def test_to_ascii_digits():
    assert numbers.to_ascii_digits(FULL_WIDTH) == NIK == numbers.to_ascii_digits(ARABIC_INDIC)


def test_the_resident_form_refuses_other_digits_in_the_nik_and_rt(admin):
    for value, message in ((FULL_WIDTH, FULL_WIDTH_MESSAGE), (ARABIC_INDIC, ARABIC_MESSAGE)):
        with pytest.raises(ValidationError) as caught:
            residents.create(admin, _raw(value), TODAY)
        assert caught.value.problems == {"nik": message}
    with pytest.raises(ValidationError) as caught:
        residents.create(admin, _raw(NIK, rt="００１"), TODAY)
    assert caught.value.problems == {"rt": "RT harus berupa angka 0–9 (maksimal 3 digit)."}
    _, errors, _ = rules.validate(_raw(NIK, birth_date="１７-08-2005"), known_desa={"52.02.04.2008"}, today=TODAY)
    assert errors == {"birth_date": "Tanggal lahir bukan tanggal yang benar (gunakan DD-MM-YYYY)."}
    assert Resident.select().count() == 0
    residents.create(admin, _raw(NIK), TODAY)
    assert residents.find_by_nik(NIK).nik == NIK
    with pytest.raises(ValidationError):
        residents.find_by_nik(FULL_WIDTH)


def test_an_import_rejects_rows_with_other_digits(admin, tmp_path):
    path = tmp_path / "penduduk.csv"
    path.write_text("NIK,NAMA,TGL_LHR,JENIS_KLMIN,KODE_DESA,RT,STAT_KWN\n"
                    f"{NIK},LALU AHMAD,17-08-2005,L,52.02.04.2008,1,BELUM KAWIN\n"
                    f"{FULL_WIDTH},LALU AHMAD,17-08-2005,L,52.02.04.2008,1,BELUM KAWIN\n"
                    f"{ARABIC_INDIC},LALU AHMAD,17-08-2005,L,52.02.04.2008,1,BELUM KAWIN\n"
                    f"5202041708050002,BAIQ,17-08-2005,P,52.02.04.2008,١,BELUM KAWIN\n", encoding="utf-8")
    result = import_residents(admin, path, today=TODAY)
    assert (result.inserted, [(r.line, r.reason) for r in result.rejected]) == (1, [
        (3, FULL_WIDTH_MESSAGE), (4, ARABIC_MESSAGE), (5, "RT harus berupa angka 0–9 (maksimal 3 digit).")])
    assert [r.nik for r in Resident.select()] == [NIK]


def test_stock_quantities_take_ascii_digits_only(admin):
    with pytest.raises(ValidationError) as caught:
        blangko.receive(admin, "１０", "SJ-1", "Kemendagri")
    assert set(caught.value.problems) == {"quantity"}
    assert blangko.balance() == 0


def test_the_nik_command_refuses_other_digits():
    result = CliRunner().invoke(cli, ["nik", FULL_WIDTH])
    assert result.exit_code == 1
    assert FULL_WIDTH_MESSAGE in result.output


def test_check_finds_residents_registered_twice_under_two_spellings(office_db, admin):
    residents.create(admin, _raw(NIK), TODAY)
    # As an earlier version stored them: the same NIK in full-width and Arabic-Indic digits.
    for number, nik in enumerate((FULL_WIDTH, ARABIC_INDIC), start=1):
        database.execute_sql(
            "INSERT INTO resident (uuid, nik, name, birth_date, sex, desa_code, kecamatan_code, marital_status, "
            "recording_status, workstation, created_at, updated_at) SELECT ?, ?, name, birth_date, sex, desa_code, "
            "kecamatan_code, marital_status, recording_status, workstation, created_at, updated_at FROM resident "
            "WHERE nik = ?", (f"twin-{number}", nik, NIK))
    ids = sorted(r.id for r in Resident.select())
    problems = [p for p in run_checks() if p.startswith("NIK:")]
    assert problems == [f"NIK: NIK 520204… dipegang 3 penduduk bila angkanya ditulis 0–9 (id "
                        f"{', '.join(map(str, ids))})"]


def test_text_is_squashed_and_sentence_cased_one_way():
    from dukcapil_tui.domain.text import sentence_case, squash

    assert squash("  lalu \t ahmad\n ") == "lalu ahmad" and squash(None) == "" and squash(5) == "5"
    assert sentence_case("menunggu PRR") == "Menunggu PRR" and sentence_case("") == ""
