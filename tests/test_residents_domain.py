"""Resident rules without a database: wajib KTP, ages, parsing SIAK values, validation."""

from datetime import date, datetime

import pytest

from dukcapil_tui import i18n
from dukcapil_tui.domain import residents as rules

TODAY = date(2026, 11, 22)
DESA = frozenset({"52.02.04.2008", "52.02.04.2009", "52.02.01.1001"})
KECAMATAN = frozenset({"52.02.01", "52.02.04"})


def good(**changes) -> dict:
    """A correct form for a man born 17-08-2005 in Rembitan, Pujut."""
    raw = {
        "nik": "5202041708050001",
        "name": "Lalu Ahmad",
        "birth_place": "praya",
        "birth_date": "17-08-2005",
        "sex": "L",
        "desa_code": "52.02.04.2008",
        "address": "dusun  sade",
        "rt": "1",
        "rw": "02",
        "marital_status": "belum_kawin",
        "recording_status": "sudah",
    }
    raw.update(changes)
    return raw


def check(raw: dict, today: date = TODAY):
    return rules.validate(raw, known_desa=DESA, known_kecamatan=KECAMATAN, today=today)


# --- wajib KTP ------------------------------------------------------------------------------

def test_wajib_ktp_from_the_17th_birthday_exactly():
    born = date(2009, 11, 22)
    on_birthday = rules.wajib_ktp(born, "belum_kawin", date(2026, 11, 22))
    day_before = rules.wajib_ktp(born, "belum_kawin", date(2026, 11, 21))
    assert on_birthday.required is True
    assert on_birthday.reason == "berumur 17 tahun (17 tahun ke atas)"
    assert day_before.required is False
    assert day_before.reason == "berumur 16 tahun, belum 17 tahun dan belum kawin"


def test_sixteen_and_married_is_wajib_ktp():
    result = rules.wajib_ktp(date(2010, 1, 1), "kawin", TODAY)
    assert result.required is True
    assert result.reason == "berstatus Kawin meskipun berumur 16 tahun"


@pytest.mark.parametrize(("status", "label"), [("cerai_hidup", "Cerai hidup"), ("cerai_mati", "Cerai mati")])
def test_previously_married_is_wajib_ktp_at_any_age(status, label):
    result = rules.wajib_ktp(date(2011, 6, 1), status, TODAY)
    assert result.required is True
    assert label in result.reason and "15 tahun" in result.reason


def test_wajib_ktp_reasons_in_english():
    i18n.set_language("en")
    assert rules.wajib_ktp(date(2000, 1, 1), "belum_kawin", TODAY).reason == "aged 26 (17 or over)"
    assert rules.wajib_ktp(date(2010, 1, 1), "kawin", TODAY).reason == "Married although aged 16"
    assert rules.wajib_ktp(date(2015, 1, 1), "belum_kawin", TODAY).reason == "aged 11, under 17 and never married"


# --- ages -----------------------------------------------------------------------------------

def test_age_on_counts_the_birthday_itself():
    assert rules.age_on(date(2005, 8, 17), date(2022, 8, 16)) == 16
    assert rules.age_on(date(2005, 8, 17), date(2022, 8, 17)) == 17
    assert rules.age_on(date(2005, 8, 17), date(2005, 8, 17)) == 0


def test_age_of_someone_born_on_29_february():
    born = date(2008, 2, 29)
    assert rules.age_on(born, date(2024, 2, 28)) == 15
    assert rules.age_on(born, date(2024, 2, 29)) == 16
    # In a common year the birthday has passed only on 1 March.
    assert rules.age_on(born, date(2025, 2, 28)) == 16
    assert rules.age_on(born, date(2025, 3, 1)) == 17


def test_years_ago_and_age_on_agree_around_29_february():
    on = date(2028, 2, 29)
    cutoff = rules.years_ago(on, 17)
    assert cutoff == date(2011, 2, 28)
    assert rules.age_on(cutoff, on) == 17
    assert rules.age_on(date(2011, 3, 1), on) == 16


# --- parsing values the way SIAK exports them -------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("LAKI-LAKI", "L"), ("Laki-laki", "L"), ("l", "L"), ("PEREMPUAN", "P"), ("perempuan", "P"),
    ("P", "P"), ("X", None), ("", None),
])
def test_parse_sex(value, expected):
    assert rules.parse_sex(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("BELUM KAWIN", "belum_kawin"), ("belum  kawin", "belum_kawin"), ("Belum_Kawin", "belum_kawin"),
    ("KAWIN", "kawin"), ("KAWIN_TERCATAT", "kawin"),
    ("KAWIN TERCATAT", "kawin"), ("KAWIN BELUM TERCATAT", "kawin"), ("CERAI HIDUP", "cerai_hidup"),
    ("CERAI HIDUP TERCATAT", "cerai_hidup"), ("CERAI MATI", "cerai_mati"), ("JANDA", None),
])
def test_parse_marital(value, expected):
    assert rules.parse_marital(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("SUDAH REKAM", "sudah"), ("Sudah Rekam", "sudah"), ("SUDAH_PEREKAMAN", "sudah"), ("BELUM REKAM", "belum"),
    ("", "belum"), (None, "belum"),
    ("ENTAH", None),
])
def test_parse_recording(value, expected):
    assert rules.parse_recording(value) == expected


@pytest.mark.parametrize("value", [
    "17-08-2005", "2005-08-17", "17/08/2005", "17.08.2005", "2005-08-17 00:00:00",
    datetime(2005, 8, 17, 0, 0), date(2005, 8, 17),
])
def test_parse_date_formats(value):
    assert rules.parse_date(value) == date(2005, 8, 17)


@pytest.mark.parametrize("value", ["31-02-2005", "08-17-2005", "kemarin", "", None])
def test_parse_date_refuses_impossible_dates(value):
    assert rules.parse_date(value) is None


@pytest.mark.parametrize("value", ["52.02.04.2008", "5202042008", " 52.02.04.2008 ", 5202042008])
def test_desa_code_dotted_or_not(value):
    assert rules.normalise_desa_code(value) == "52.02.04.2008"


# --- validate -------------------------------------------------------------------------------

def test_valid_input_is_cleaned():
    cleaned, errors, warnings = check(good())
    assert errors == {} and warnings == []
    assert cleaned.name == "LALU AHMAD"
    assert cleaned.birth_place == "PRAYA"
    assert cleaned.address == "DUSUN SADE"
    assert cleaned.birth_date == date(2005, 8, 17)
    assert (cleaned.rt, cleaned.rw) == ("001", "002")
    assert cleaned.desa_code == "52.02.04.2008"
    assert cleaned.kecamatan_code == "52.02.04"
    assert (cleaned.sex, cleaned.marital_status, cleaned.recording_status) == ("L", "belum_kawin", "sudah")


def test_siak_values_are_accepted_by_validate():
    cleaned, errors, _ = check(good(
        sex="LAKI-LAKI", marital_status="KAWIN TERCATAT", recording_status="SUDAH REKAM",
        birth_date="2005-08-17", desa_code="5202042008", nik="5202.0417.0805.0001",
    ))
    assert errors == {}
    assert cleaned.nik == "5202041708050001"
    assert (cleaned.sex, cleaned.marital_status, cleaned.recording_status) == ("L", "kawin", "sudah")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Nama lengkap wajib diisi."),
    ({"name": "   "}, "name", "Nama lengkap wajib diisi."),
    ({"name": "A" * 101}, "name", "Nama lengkap terlalu panjang (maksimal 100 karakter)."),
    ({"name": "BUDI 2"}, "name", "Nama lengkap hanya boleh berisi huruf"),
    ({"birth_place": "X" * 61}, "birth_place", "Tempat lahir terlalu panjang"),
    ({"address": "X" * 201}, "address", "Alamat terlalu panjang"),
    ({"rt": "1234"}, "rt", "RT harus berupa angka 0–9 (maksimal 3 digit)."),
    ({"rw": "A1"}, "rw", "RW harus berupa angka"),
    ({"birth_date": ""}, "birth_date", "Tanggal lahir wajib diisi."),
    ({"birth_date": "  "}, "birth_date", "Tanggal lahir wajib diisi."),
    ({"birth_date": "31-02-2005"}, "birth_date", "Tanggal lahir bukan tanggal yang benar (gunakan DD-MM-YYYY)."),
    ({"birth_date": "23-11-2026"}, "birth_date", "Tanggal lahir tidak boleh di masa depan."),
    ({"sex": ""}, "sex", "Jenis kelamin wajib diisi."),
    ({"sex": "X"}, "sex", "Jenis kelamin: nilai 'X' tidak dikenal; pilih salah satu dari Laki-laki, Perempuan."),
    ({"marital_status": None}, "marital_status", "Status perkawinan wajib diisi."),
    ({"marital_status": "JANDA"}, "marital_status", "Status perkawinan: nilai 'JANDA' tidak dikenal"),
    ({"recording_status": "ENTAH"}, "recording_status", "Status rekam: nilai 'ENTAH' tidak dikenal"),
    ({"desa_code": ""}, "desa_code", "Desa/kelurahan wajib diisi."),
    ({"desa_code": "52.02.04.2099"}, "desa_code", "Kode desa/kelurahan 52.02.04.2099 tidak dikenal"),
    ({"desa_code": "52.02.04"}, "desa_code", "Kode desa/kelurahan 52.02.04 tidak dikenal"),
    ({"nik": ""}, "nik", "NIK wajib diisi."),
    ({"nik": "520204170805000"}, "nik", "NIK harus 16 angka (terisi 15)."),
    ({"nik": "5202049999050001"}, "nik", "NIK: bagian tanggal lahir 999905"),
])
def test_each_error_names_its_field(changes, field, message):
    cleaned, errors, _ = check(good(**changes))
    assert cleaned is None
    assert list(errors) == [field]
    assert errors[field].startswith(message)


def test_all_errors_are_reported_at_once():
    _, errors, _ = check({"nik": "1", "birth_date": "kemarin"})
    assert set(errors) == {"nik", "name", "birth_date", "sex", "marital_status", "desa_code"}


def test_recorded_under_16_is_refused():
    # 15 years old on TODAY: born 23-11-2010.
    _, errors, _ = check(good(nik="5202042311100001", birth_date="23-11-2010", recording_status="sudah"))
    assert errors == {
        "recording_status": "Status rekam tidak mungkin 'sudah': perekaman baru boleh sejak umur 16 tahun, atau sejak "
                            "kawin."
    }
    # The same person not yet recorded is fine, and so is recording on the 16th birthday.
    assert check(good(nik="5202042311100001", birth_date="23-11-2010", recording_status="belum"))[1] == {}
    assert check(good(nik="5202042211100001", birth_date="22-11-2010", recording_status="sudah"))[1] == {}


@pytest.mark.parametrize("marital", ["kawin", "cerai_hidup", "cerai_mati"])
def test_recorded_under_16_is_accepted_once_married(marital):
    """Married (or once married) means wajib KTP at any age, so the recording is real."""
    raw = good(nik="5202042311120001", birth_date="23-11-2012", recording_status="sudah", marital_status=marital)
    assert check(raw)[1] == {}
    assert check(dict(raw, marital_status="belum_kawin"))[1] == {
        "recording_status": "Status rekam tidak mungkin 'sudah': perekaman baru boleh sejak umur 16 tahun, atau sejak "
                            "kawin."}


@pytest.mark.parametrize("birth, marital, allowed", [
    (date(2010, 11, 22), "belum_kawin", True),   # 16 today
    (date(2010, 11, 23), "belum_kawin", False),  # 16 tomorrow
    (date(2013, 11, 23), "kawin", True),         # 12 and married
    (date(2013, 11, 23), "cerai_hidup", True),
])
def test_may_record(birth, marital, allowed):
    assert rules.may_record(birth, marital, TODAY) is allowed


def test_nik_disagreeing_with_the_record_is_only_a_warning():
    cleaned, errors, warnings = check(good(birth_date="18-08-2005", sex="P"))
    assert errors == {}
    assert cleaned is not None
    codes = {w.code for w in warnings}
    assert codes == {"nik.date_differs", "nik.sex_differs"}


def test_nik_from_an_unknown_kecamatan_is_only_a_warning():
    cleaned, errors, warnings = check(good(nik="9999041708050001"))
    assert errors == {} and cleaned.nik == "9999041708050001"
    assert [w.code for w in warnings] == ["nik.region_unknown"]


def test_messages_in_english():
    i18n.set_language("en")
    _, errors, _ = check(good(name="", birth_date="31-02-2005", sex="X", desa_code="52.02.04.2099"))
    assert errors["name"] == "Full name is required."
    assert errors["birth_date"] == "Date of birth is not a valid date (use DD-MM-YYYY)."
    assert errors["sex"] == "Sex: unknown value 'X'; choose one of Male, Female."
    assert errors["desa_code"] == "Village code 52.02.04.2099 is not known in this regency."
    _, errors, _ = check(good(nik="5202042311100001", birth_date="23-11-2010"))
    assert (
        errors["recording_status"]
        == "Recording status cannot be 'recorded': recording starts at age 16, or at marriage."
    )


def test_field_labels_in_both_languages():
    assert rules.field_label("birth_date") == "Tanggal lahir"
    i18n.set_language("en")
    assert rules.field_label("birth_date") == "Date of birth"
    assert rules.sex_label("P") == "Female"
