from datetime import date

import pytest

from dukcapil_tui.domain import nik

TODAY = date(2026, 11, 22)
KNOWN = {"52.02.04", "52.02.01"}


def read(value, **kw):
    return nik.parse(value, today=TODAY, known_kecamatan=KNOWN, **kw)


def test_female_day_plus_40_and_century_2005():
    r = read("5202045708050003")
    assert r.valid
    assert r.birth_date == date(2005, 8, 17)
    assert r.sex == "P"
    assert r.kecamatan_code == "52.02.04"
    assert r.sequence == "0003"
    assert r.warnings == []


def test_male_reading():
    r = read("5202011708050001")
    assert r.valid and r.sex == "L" and r.birth_date == date(2005, 8, 17)


@pytest.mark.parametrize("value", ["", "123", "520204570805000", "52020457080500031"])
def test_not_16_digits_is_an_error(value):
    r = read(value)
    assert not r.valid
    assert r.errors[0].code == "nik.not_16_digits"
    assert r.errors[0].message == f"NIK harus 16 angka (terisi {len(value)})."


@pytest.mark.parametrize("value, position, shown", [
    ("52020457O8050003", 9, "'O'"), ("X202045708050003", 1, "'X'"), ("520204570805000l", 16, "'l'"),
    ("5202045708050003x", 17, "'x'"), ("52020457\u200b8050003", 9, "'\u200b', U+200B"),  # a pasted zero-width space
])
def test_a_letter_in_a_nik_is_named_with_its_place(value, position, shown):
    (problem,) = read(value).errors
    assert problem.code == "nik.not_a_digit"
    assert problem.message == f"NIK hanya berisi angka 0–9; karakter ke-{position} ({shown}) bukan angka."


def test_separators_are_ignored():
    assert read("5202 0457 0805 0003").valid
    assert read("52.02.04.570805.0003").nik == "5202045708050003"


@pytest.mark.parametrize("value", [
    "5202043208050001",  # day 32
    "5202047208050001",  # female day 72 -> 32
    "5202041713050001",  # month 13
    "5202040008050001",  # day 0
    "5202044008050001",  # female day 0
    "5202043102050001",  # 31 February
])
def test_impossible_dates_are_errors(value):
    r = read(value)
    assert not r.valid
    assert r.errors[0].code == "nik.bad_date"


def test_leap_day_valid_in_leap_year_only():
    assert read("5202042902040001").birth_date == date(2004, 2, 29)
    assert read("5202046902040001").birth_date == date(2004, 2, 29)  # female
    assert not read("5202042902050001").valid  # 2005 and 1905 are not leap years
    # 00: 2000 is a leap year (1900 is not)
    assert read("5202042902000001").birth_date == date(2000, 2, 29)


def test_century_future_year_falls_back_to_1900s():
    assert read("5202041708300001").birth_date == date(1930, 8, 17)
    # Later this year than today: cannot be 2026 yet
    assert read("5202042512260001").birth_date == date(1926, 12, 25)
    # Earlier this year: a baby born in 2026
    assert read("5202040101260001").birth_date == date(2026, 1, 1)


def test_recorded_birth_date_settles_the_century():
    r = read("5202040101260001", recorded_birth_date=date(1926, 1, 1))
    assert r.birth_date == date(1926, 1, 1)
    assert r.warnings == []


def test_warnings_region_sequence_date_sex():
    r = read("9999045708050000", recorded_birth_date=date(2005, 8, 18), recorded_sex="L")
    assert r.valid
    codes = [w.code for w in r.warnings]
    assert codes == ["nik.region_unknown", "nik.sequence_zero", "nik.date_differs", "nik.sex_differs"]
    assert "17-08-2005" in r.warnings[2].message and "18-08-2005" in r.warnings[2].message


def test_region_zero_warning():
    assert [w.code for w in read("5200045708050001").warnings] == ["nik.region_zero"]


def test_compose_round_trip():
    value = nik.compose("52.02.04", date(2005, 8, 17), "P", 3)
    assert value == "5202045708050003"
    r = read(value)
    assert (r.birth_date, r.sex, r.kecamatan_code) == (date(2005, 8, 17), "P", "52.02.04")
