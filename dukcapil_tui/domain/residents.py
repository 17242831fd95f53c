"""Resident rules: enumerations, wajib KTP, and validation of resident input."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import resident_details as details
from dukcapil_tui.domain.problems import Problem, shown
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t

SEXES = ("L", "P")
MARITAL_STATUSES = ("belum_kawin", "kawin", "cerai_hidup", "cerai_mati")
RECORDING_STATUSES = ("belum", "sudah")
# HIDUP, and what takes a resident out of wajib KTP, the belum-rekam list and the backlog while
# keeping them in the register's history (from ``life_status_on``): died, moved away, missing.
LIFE_STATUSES = ("hidup", "mati", "pindah", "hilang")
ALIVE = "hidup"

WAJIB_KTP_AGE = 17
RECORDING_MIN_AGE = 16  # biometrics may be recorded from 16 (any age once married); printed once wajib

MAX_NAME = 100
MAX_PLACE = 60
MAX_ADDRESS = 200


def age_on(birth_date: date, on: date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def years_ago(on: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


@dataclass(frozen=True)
class WajibKtp:
    required: bool
    reason: str


def alive_on(life_status: str, life_status_on: date | None, on: date) -> bool:
    """Whether the resident still counted on ``on``: HIDUP, or died / moved away only later."""
    return life_status == ALIVE or (life_status_on is not None and life_status_on > on)


def wajib_ktp(birth_date: date, marital_status: str, on: date, life_status: str = ALIVE,
              life_status_on: date | None = None) -> WajibKtp:
    """Pasal 63 ayat (1) UU 23/2006 as amended by UU 24/2013: age 17 or over, or married or
    previously married (whatever the age); the dead and those who moved away no longer are."""
    if not alive_on(life_status, life_status_on, on):
        return WajibKtp(False, t("wajib.reason_life", status=life_label(life_status)))
    age = age_on(birth_date, on)
    if age >= WAJIB_KTP_AGE:
        return WajibKtp(True, t("wajib.reason_age", age=age))
    if marital_status != "belum_kawin":
        return WajibKtp(True, t("wajib.reason_married", status=marital_label(marital_status), age=age))
    return WajibKtp(False, t("wajib.reason_too_young", age=age, min=WAJIB_KTP_AGE))


def may_record(birth_date: date, marital_status: str, on: date) -> bool:
    """Biometrics may be recorded from age 16, and at any age from the first marriage (a married
    resident is wajib KTP, Pasal 63 ayat (1) UU 23/2006 as amended by UU 24/2013)."""
    return marital_status != "belum_kawin" or age_on(birth_date, on) >= RECORDING_MIN_AGE


def sex_label(sex: str) -> str:
    return t(f"sex.{sex}")


def marital_label(status: str) -> str:
    return t(f"marital.{status}")


def recording_label(status: str) -> str:
    return t(f"recording.{status}")


# --- parsing the way SIAK exports and people type values ---------------------------------

_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")

_SEX_ALIASES = {
    "L": "L", "LK": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "LAKI": "L", "1": "L", "M": "L", "MALE": "L",
    "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "2": "P", "F": "P", "FEMALE": "P",
}
_MARITAL_ALIASES = {
    "BELUM KAWIN": "belum_kawin", "BELUM_KAWIN": "belum_kawin", "B": "belum_kawin", "1": "belum_kawin",
    "KAWIN": "kawin", "K": "kawin", "2": "kawin",
    "KAWIN TERCATAT": "kawin", "KAWIN BELUM TERCATAT": "kawin", "KAWIN TIDAK TERCATAT": "kawin",
    "CERAI HIDUP": "cerai_hidup", "CERAI_HIDUP": "cerai_hidup", "CH": "cerai_hidup", "3": "cerai_hidup",
    "CERAI HIDUP TERCATAT": "cerai_hidup", "CERAI HIDUP BELUM TERCATAT": "cerai_hidup",
    "CERAI MATI": "cerai_mati", "CERAI_MATI": "cerai_mati", "CM": "cerai_mati", "4": "cerai_mati",
}
_RECORDING_ALIASES = {
    "SUDAH REKAM": "sudah", "SUDAH": "sudah", "SUDAH_REKAM": "sudah", "S": "sudah", "1": "sudah",
    "Y": "sudah", "YA": "sudah", "REKAM": "sudah", "SUDAH PEREKAMAN": "sudah",
    "BELUM REKAM": "belum", "BELUM": "belum", "BELUM_REKAM": "belum", "B": "belum", "0": "belum",
    "T": "belum", "TIDAK": "belum", "": "belum",
    "BELUM WAJIB": "belum",  # SIAK: not yet wajib KTP, nothing recorded
}
# SIAK's STATUS_REKAM as its listings spell it, in the order docs/import.md lists them.
SIAK_RECORDING_WORDS = ("BELUM REKAM", "SUDAH REKAM", "BELUM WAJIB")
_LIFE_ALIASES = {
    "HIDUP": "hidup", "AKTIF": "hidup", "ADA": "hidup", "": "hidup",
    "MATI": "mati", "MENINGGAL": "mati", "MENINGGAL DUNIA": "mati", "WAFAT": "mati", "KEMATIAN": "mati",
    "PINDAH": "pindah", "PINDAH KELUAR": "pindah", "PINDAH DALAM NEGERI": "pindah", "PINDAH LUAR NEGERI": "pindah",
    "HILANG": "hilang", "ORANG HILANG": "hilang",
}


_ISO_WITH_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} ")
_NAME_CHARACTERS = re.compile(r"^[A-Z .,'\-]+$")


def _common_date(text: str) -> date | None:
    """``dd-mm-yyyy`` or ``yyyy-mm-dd`` read without ``strptime``, which costs about a third of
    validating an import row. None for anything else, including impossible dates: the caller
    then tries every format as before."""
    if len(text) != 10 or not text.isascii():
        return None
    if text[2] == "-" and text[5] == "-":
        day, month, year = text[0:2], text[3:5], text[6:10]
    elif text[4] == "-" and text[7] == "-":
        year, month, day = text[0:4], text[5:7], text[8:10]
    else:
        return None
    if not (day + month + year).isdigit():
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if type(value) is str:
        return _parse_date_text(value)
    return _parse_date_text(str(value or ""))


# Pure functions of a cell's text, memoised: an import reads the same few thousand birth dates,
# desa codes, RT numbers and status words a million times (docs/performance.md).
_MEMO = 1 << 16


@lru_cache(maxsize=_MEMO)
def _parse_date_text(value: str) -> date | None:
    text = value.strip()
    if not text or numbers.foreign_digit(text):  # strptime would read full-width digits too
        return None
    common = _common_date(text)
    if common is not None:
        return common
    text = text.split(" ")[0] if _ISO_WITH_TIME.match(text) else text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _alias(value: object, table: Mapping[str, str]) -> str | None:
    # Case, runs of spaces and underscores do not matter: "Belum_Kawin" is "BELUM KAWIN".
    return table.get(_alias_key(value) if type(value) is str else _alias_key(str(value or "")))


@lru_cache(maxsize=1024)
def _alias_key(value: str) -> str:
    return " ".join(value.replace("_", " ").upper().split())


def parse_sex(value: object) -> str | None:
    return _alias(value, _SEX_ALIASES)


def parse_marital(value: object) -> str | None:
    return _alias(value, _MARITAL_ALIASES)


def parse_recording(value: object) -> str | None:
    """The register's status of a STATUS_REKAM value: BELUM REKAM / SUDAH REKAM and their short
    forms, BELUM WAJIB, or any central status SIAK lists in its place (PRINT READY RECORD: the
    resident has recorded; an enrolment or search failure: must record again)."""
    found = _alias(value, _RECORDING_ALIASES)
    if found is not None:
        return found
    central = card_rules.normalise_status(value)
    if central is None:
        return None
    return "belum" if central in card_rules.ENROLL_FAILURES else "sudah"


def central_of_recording(value: object) -> str | None:
    """The central status a STATUS_REKAM value names (None for BELUM/SUDAH REKAM, BELUM WAJIB)."""
    if _alias(value, _RECORDING_ALIASES) is not None:
        return None
    return card_rules.normalise_status(value)


def recording_choices() -> str:
    """Every STATUS_REKAM value an import accepts, for a message."""
    return ", ".join((*SIAK_RECORDING_WORDS, *(card_rules.spelled(s) for s in card_rules.CENTRAL_STATUSES)))


def parse_life(value: object) -> str | None:
    return _alias(value, _LIFE_ALIASES)


def life_label(status: str) -> str:
    return t(f"life.{status}")


def life_choices() -> str:
    return ", ".join(sorted({k for k in _LIFE_ALIASES if k}))


def _clean_text(value: object) -> str:
    if type(value) is str:  # the common case, as squash does it (an import cleans millions of cells)
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squash(value)


def stored_nik(value: object) -> str:
    """A NIK cell as ``validate`` reads it (not checked: separators removed)."""
    return nik_rules.normalise(_clean_text(value))


def _clean_number(value: object) -> str:
    return _number_text(value) if type(value) is str else _number_text(_clean_text(value))


@lru_cache(maxsize=_MEMO)
def _number_text(value: str) -> str:
    text = _clean_text(value)
    return text.lstrip("0").zfill(3) if numbers.is_digits(text) else text


def normalise_desa_code(value: object) -> str:
    """Accept ``52.02.04.2009`` and ``5202042009``; return the dotted form."""
    return _desa_text(value) if type(value) is str else _desa_text(_clean_text(value))


@lru_cache(maxsize=_MEMO)
def _desa_text(value: str) -> str:
    text = _clean_text(value).replace(" ", "")
    digits = text.replace(".", "")
    if numbers.is_digits(digits) and len(digits) == 10:
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
    return text


@dataclass
class ResidentInput:
    nik: str
    name: str
    birth_place: str
    birth_date: date
    sex: str
    desa_code: str
    address: str
    rt: str
    rw: str
    marital_status: str
    recording_status: str
    life_status: str = ALIVE
    life_status_on: date | None = None
    religion: str = ""  # agama, pekerjaan, kewarganegaraan: empty when not known
    occupation: str = ""
    citizenship: str = ""
    marital_known: bool = True  # False: BELUM KAWIN assumed (a listing row without it)

    @property
    def kecamatan_code(self) -> str:
        return self.desa_code[:8]


FIELDS = (
    "nik", "name", "birth_place", "birth_date", "sex", "desa_code",
    "address", "rt", "rw", "marital_status", "recording_status", "life_status", "life_status_on",
    *details.FIELDS,
)


def field_label(name: str) -> str:
    return t(f"resident.field.{name}")


def validate(
    raw: Mapping[str, object],
    *,
    known_desa: Container[str],
    known_kecamatan: Container[str] | None = None,
    today: date | None = None,
) -> tuple[ResidentInput | None, dict[str, str], list[Problem]]:
    """Check raw resident input (from a form or an import row).

    Returns the cleaned input (None if any field is wrong), the errors per field, and the
    warnings (the NIK's reading disagrees with the record, which is allowed).
    """
    today = today or date.today()
    errors: dict[str, str] = {}

    nik = stored_nik(raw.get("nik"))
    name = _clean_text(raw.get("name")).upper()
    birth_place = _clean_text(raw.get("birth_place")).upper()
    address = _clean_text(raw.get("address")).upper()
    rt = _clean_number(raw.get("rt"))
    rw = _clean_number(raw.get("rw"))

    if not name:
        errors["name"] = t("field.required", field=field_label("name"))
    elif len(name) > MAX_NAME:
        errors["name"] = t("field.too_long", field=field_label("name"), max=MAX_NAME)
    elif not _NAME_CHARACTERS.match(name):
        errors["name"] = t("resident.bad_name", field=field_label("name"))
    if len(birth_place) > MAX_PLACE:
        errors["birth_place"] = t("field.too_long", field=field_label("birth_place"), max=MAX_PLACE)
    if len(address) > MAX_ADDRESS:
        errors["address"] = t("field.too_long", field=field_label("address"), max=MAX_ADDRESS)
    for key in ("rt", "rw"):
        value = rt if key == "rt" else rw
        if value and not (numbers.is_digits(value) and len(value) <= 3):
            errors[key] = t("field.digits", field=field_label(key), max=3)

    raw_birth = raw.get("birth_date")
    birth_date = parse_date(raw_birth)
    if str(raw_birth or "").strip() == "":
        errors["birth_date"] = t("field.required", field=field_label("birth_date"))
    elif birth_date is None:
        errors["birth_date"] = t("field.bad_date", field=field_label("birth_date"))
    elif birth_date > today:
        errors["birth_date"] = t("field.future_date", field=field_label("birth_date"))

    def choice(key: str, parser, allowed: tuple[str, ...], labeller, choices=None) -> str | None:
        value = raw.get(key)
        parsed = value if value in allowed else parser(value)
        if parsed is None:
            if str(value or "").strip() == "":
                errors[key] = t("field.required", field=field_label(key))
            else:
                errors[key] = t(
                    "field.bad_choice",
                    field=field_label(key),
                    value=shown(value),
                    choices=choices() if choices else ", ".join(labeller(a) for a in allowed),
                )
        return parsed

    sex = choice("sex", parse_sex, SEXES, sex_label)
    marital = choice("marital_status", parse_marital, MARITAL_STATUSES, marital_label)
    recording = choice("recording_status", parse_recording, RECORDING_STATUSES, recording_label,
                       recording_choices)
    life = ALIVE if raw.get("life_status") in (None, "") else choice("life_status", parse_life, LIFE_STATUSES,
                                                                     life_label, life_choices)
    life_on = None
    if life is not None and life != ALIVE:
        raw_on = raw.get("life_status_on")
        life_on = parse_date(raw_on) if str(raw_on or "").strip() else today
        if life_on is None:
            errors["life_status_on"] = t("field.bad_date", field=field_label("life_status_on"))
        elif life_on > today:
            errors["life_status_on"] = t("field.future_date", field=field_label("life_status_on"))
        elif birth_date is not None and life_on < birth_date:
            errors["life_status_on"] = t("resident.life_before_birth", field=field_label("life_status_on"))

    detail_values, detail_errors = details.validate(raw, field_label)
    errors.update(detail_errors)

    desa_code = normalise_desa_code(raw.get("desa_code"))
    if not desa_code:
        errors["desa_code"] = t("field.required", field=field_label("desa_code"))
    elif desa_code not in known_desa:
        errors["desa_code"] = t("resident.unknown_desa", code=desa_code)

    warnings: list[Problem] = []
    if not nik:
        errors["nik"] = t("field.required", field=field_label("nik"))
    else:
        reading = nik_rules.parse(
            nik,
            today=today,
            known_kecamatan=known_kecamatan,
            recorded_birth_date=birth_date if "birth_date" not in errors else None,
            recorded_sex=sex,
        )
        if reading.errors:
            errors["nik"] = reading.errors[0].message
        warnings = reading.warnings

    if (
        recording == "sudah"
        and birth_date is not None
        and marital is not None
        and "birth_date" not in errors
        and not may_record(birth_date, marital, today)
    ):
        errors["recording_status"] = t("resident.too_young_recorded", min=RECORDING_MIN_AGE)

    if errors:
        return None, errors, warnings
    return (
        ResidentInput(
            nik=nik, name=name, birth_place=birth_place, birth_date=birth_date, sex=sex,
            desa_code=desa_code, address=address, rt=rt, rw=rw,
            marital_status=marital, recording_status=recording, life_status=life, life_status_on=life_on,
            marital_known=raw.get("marital_known", True) is not False, **detail_values,
        ),
        {},
        warnings,
    )
