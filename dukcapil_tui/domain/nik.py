"""NIK (Nomor Induk Kependudukan) reading.

``PP KK CC DDMMYY SSSS``: province, regency, kecamatan where the NIK was first issued,
birth date (day + 40 for women), and a sequence from 0001. There is no check digit. The region
is where the NIK was first issued, not the current address, and the date part may legitimately
differ from the recorded birth date, so those are warnings, not errors.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.problems import Problem
from dukcapil_tui.domain.formatting import format_date

_DIGITS16 = re.compile(r"^[0-9]{16}$")  # ASCII only: "\d" also takes full-width and Arabic-Indic digits
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NikReading:
    nik: str
    province_code: str = ""
    regency_code: str = ""
    kecamatan_code: str = ""
    birth_date: date | None = None
    sex: str | None = None  # "L" or "P"
    sequence: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def normalise(raw: str) -> str:
    """Strip the spaces, dots and dashes people type or paste around a NIK."""
    return _SEPARATORS.sub("", raw or "")


def looks_like_nik(text: str) -> bool:
    return bool(_DIGITS16.match(normalise(text)))


def format_problem(nik: str) -> Problem | None:
    """Why ``nik`` (already normalised) is not 16 ASCII digits, or None when it is."""
    if _DIGITS16.match(nik):
        return None
    foreign = numbers.foreign_digit(nik)
    if foreign is not None:
        return Problem("nik.foreign_digit", {"char": numbers.digit_name(foreign)}, "nik")
    for position, char in enumerate(nik, start=1):
        if not "0" <= char <= "9":
            shown = f"'{char}'" if char.isprintable() and not char.isspace() else numbers.digit_name(char)
            return Problem("nik.not_a_digit", {"char": shown, "position": position}, "nik")
    return Problem("nik.not_16_digits", {"length": len(nik)}, "nik")


def checked(raw: object, field: str = "nik") -> str:
    """The NIK someone typed or a file holds, separators removed, for a look-up: refused with a
    ValidationError on ``field`` when it is not 16 ASCII digits (its date is not judged here: a
    resident registered long ago may carry an odd one)."""
    from dukcapil_tui.domain.problems import ValidationError

    nik = normalise(str(raw if raw is not None else ""))
    problem = format_problem(nik)
    if problem is not None:
        raise ValidationError({field: problem.message})
    return nik


def _candidate_years(yy: int, today: date, recorded: date | None) -> list[int]:
    years = [2000 + yy, 1900 + yy]
    if recorded is not None and recorded.year % 100 == yy:
        # The recorded birth date settles the century when it agrees on the year.
        return [recorded.year] + [y for y in years if y != recorded.year]
    # Otherwise the most recent century that is not in the future.
    return years[::-1] if years[0] > today.year >= years[1] else years


@lru_cache(maxsize=1 << 16)  # an import reads the same birth dates many times (docs/performance.md)
def _infer_date(day: int, month: int, yy: int, today: date, recorded: date | None) -> date | None:
    for year in _candidate_years(yy, today, recorded):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def parse(
    raw: str,
    *,
    today: date | None = None,
    known_kecamatan: Container[str] | None = None,
    recorded_birth_date: date | None = None,
    recorded_sex: str | None = None,
) -> NikReading:
    """Read a NIK. ``known_kecamatan`` holds dotted codes like ``52.02.04``."""
    today = today or date.today()
    nik = normalise(raw)
    problem = format_problem(nik)
    if problem is not None:
        return NikReading(nik=nik, errors=[problem])

    province, regency, kecamatan = nik[0:2], nik[2:4], nik[4:6]
    kec_code = f"{province}.{regency}.{kecamatan}"
    day_raw, month, yy, sequence = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:16]
    errors: list[Problem] = []
    warnings: list[Problem] = []

    sex = "P" if day_raw > 40 else "L"
    day = day_raw - 40 if day_raw > 40 else day_raw
    birth = None
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        errors.append(Problem("nik.bad_date", {"part": nik[6:12]}, "nik"))
    else:
        birth = _infer_date(day, month, yy, today, recorded_birth_date)
        if birth is None:
            errors.append(Problem("nik.bad_date", {"part": nik[6:12]}, "nik"))

    if province == "00" or regency == "00" or kecamatan == "00":
        warnings.append(Problem("nik.region_zero", {"code": kec_code}, "nik"))
    elif known_kecamatan is not None and kec_code not in known_kecamatan:
        warnings.append(Problem("nik.region_unknown", {"code": kec_code}, "nik"))
    if sequence == "0000":
        warnings.append(Problem("nik.sequence_zero", {}, "nik"))
    if birth is not None and recorded_birth_date is not None and birth != recorded_birth_date:
        warnings.append(
            Problem(
                "nik.date_differs",
                {"nik_date": format_date(birth), "recorded": format_date(recorded_birth_date)},
                "birth_date",
            )
        )
    if birth is not None and recorded_sex in ("L", "P") and recorded_sex != sex:
        warnings.append(Problem("nik.sex_differs", {"nik_sex": sex, "recorded": recorded_sex}, "sex"))

    return NikReading(
        nik=nik,
        province_code=province,
        regency_code=f"{province}.{regency}",
        kecamatan_code=kec_code,
        birth_date=birth,
        sex=sex,
        sequence=sequence,
        errors=errors,
        warnings=warnings,
    )


def compose(kecamatan_code: str, birth_date: date, sex: str, sequence: int) -> str:
    """Build a NIK from its parts (used by demo data and tests)."""
    region = kecamatan_code.replace(".", "")
    if len(region) != 6 or not numbers.is_digits(region):
        raise ValueError(f"bad kecamatan code {kecamatan_code!r}")
    if not 1 <= sequence <= 9999:
        raise ValueError("sequence must be 1..9999")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{sequence:04d}"
