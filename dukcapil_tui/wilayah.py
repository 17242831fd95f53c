"""The bundled Kemendagri region list of all Indonesia (read-only, loaded only when needed).

``data/wilayah_indonesia.csv.gz`` holds every official code (Kepmendagri 2025: 38 provinsi,
514 kabupaten/kota, 7,285 kecamatan, 83,762 desa/kelurahan) with columns ``kode``, ``nama``,
``level``, sorted by code. Codes are taken as given: desa codes have gaps, never generate them.

An office stores only its own regency in the ``region`` table (at ``init``). This module
serves the rest, lazily: the whole file is read only to set up an office (``regency_rows``);
the names of provinces, regencies and kecamatan (7,837 rows, ~30 ms) are read the first time
a NIK from another regency is named and kept for the life of the process (``upper``). No
database here: ``dukcapil nik`` works without one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from dukcapil_tui.domain.text import squash

DATA_FILE = "wilayah_indonesia.csv.gz"
REGENCY_LEVELS = ("kabupaten", "kota")
_KECAMATAN_CODE_LENGTH = 8  # 52.02.04
_REGENCY_CODE = re.compile(r"^(\d{2})\.?(\d{2})$")
_NAME_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ", "kab. ", "kab ")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def _lines() -> list[str]:
    import gzip

    raw = resources.files("dukcapil_tui.data").joinpath(DATA_FILE).read_bytes()
    return gzip.decompress(raw).decode("utf-8").splitlines()[1:]  # without the header


def _row(line: str) -> RegionRow:
    code, name, level = next(csv.reader([line])) if '"' in line else line.split(",")
    return RegionRow(code, name, level)


def normalise_regency_code(text: str) -> str:
    """``36.73``, ``3673`` and `` 36.73 `` all mean Kota Serang; anything else is returned stripped."""
    text = (text or "").strip()
    match = _REGENCY_CODE.match(text)
    return f"{match.group(1)}.{match.group(2)}" if match else text


def regency_rows(regency_code: str) -> list[RegionRow]:
    """The regency's own row, its kecamatan and its desa/kelurahan, in code order (reads the
    whole file: for setting up an office, not for every start). Empty for an unknown code."""
    prefix = regency_code + "."
    rows = [_row(line) for line in _lines() if line.startswith(prefix) or line.startswith(regency_code + ",")]
    if not rows or rows[0].code != regency_code or rows[0].level not in REGENCY_LEVELS:
        return []
    return rows


@dataclass(frozen=True)
class Upper:
    """Provinces, regencies and kecamatan of all Indonesia: code -> (name, level)."""

    entries: dict[str, tuple[str, str]]

    def name(self, code: str) -> str | None:
        entry = self.entries.get(code)
        return entry[0] if entry else None

    def level(self, code: str) -> str | None:
        entry = self.entries.get(code)
        return entry[1] if entry else None

    @cached_property
    def regencies(self) -> dict[str, RegionRow]:
        return {code: RegionRow(code, name, level)
                for code, (name, level) in self.entries.items() if level in REGENCY_LEVELS}


@lru_cache(maxsize=1)
def upper() -> Upper:
    entries: dict[str, tuple[str, str]] = {}
    for line in _lines():
        if line.find(",") <= _KECAMATAN_CODE_LENGTH:  # desa lines (13-character codes) are skipped
            row = _row(line)
            entries[row.code] = (row.name, row.level)
    return Upper(entries)


def is_kecamatan(code: str) -> bool:
    """Whether ``code`` (``52.02.04``) is a kecamatan anywhere in Indonesia."""
    return len(code) == _KECAMATAN_CODE_LENGTH and upper().level(code) == "kecamatan"


class _AllKecamatan:
    """``code in KNOWN_KECAMATAN``: a kecamatan anywhere in Indonesia (for ``nik.parse``)."""

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and is_kecamatan(code)


KNOWN_KECAMATAN = _AllKecamatan()


def describe_kecamatan(code: str) -> str:
    """``Kec. Taktakan, Kota Serang, Provinsi Banten``; empty when the code exists nowhere."""
    if not is_kecamatan(code):
        return ""
    names = upper()
    return f"Kec. {names.name(code)}, {names.name(code[:5])}, Provinsi {names.name(code[:2])}"


def regency(code: str) -> RegionRow | None:
    return upper().regencies.get(normalise_regency_code(code))


def regency_named(name: str) -> RegionRow | None:
    """The regency whose official name this is, in any case (``KABUPATEN LOMBOK TENGAH``,
    ``Kota Serang``): how a report's letterhead names its office. Official names are unique."""
    wanted = " ".join((name or "").split()).upper()
    return next((row for row in upper().regencies.values() if row.name.upper() == wanted), None)


def suggest_regencies(text: str, limit: int = 5) -> list[RegionRow]:
    """The regencies a mistyped ``--region`` most likely meant.

    A code: a lower-level code's own regency first (``36.73.01`` -> Kota Serang), then the
    province's regencies nearest in number. A name: regencies whose name contains it, then
    names that look alike (``serang`` -> Kabupaten Serang, Kota Serang).
    """
    text = normalise_regency_code(text)
    regencies = upper().regencies
    digits = text.replace(".", "")
    if digits.isdigit():
        if len(digits) > 4 and text[:5] in regencies:
            return [regencies[text[:5]]]
        parts = text.split(".")
        if len(parts) == 2 and all(parts) and len(parts[1]) == 1:  # 52.2: the leading zero left out
            padded = f"{parts[0]:0>2}.{parts[1]:0>2}"
            if padded in regencies:
                return [regencies[padded]]
        if len(digits) != 4:
            return []
        wanted = int(digits[2:])
        same_province = [r for code, r in regencies.items() if code[:2] == digits[:2]]
        return sorted(same_province, key=lambda r: (abs(int(r.code[3:]) - wanted), r.code))[:limit]
    wanted = _bare_name(text)
    if not wanted:
        return []
    exact = " ".join(text.lower().split())
    containing = sorted((r for r in regencies.values() if wanted in _bare_name(r.name)),
                        key=lambda r: (r.name.lower() != exact, r.code))
    if containing:
        return containing[:limit]
    import difflib

    bare: dict[str, list[RegionRow]] = {}
    for row in regencies.values():
        bare.setdefault(_bare_name(row.name), []).append(row)
    close = difflib.get_close_matches(wanted, list(bare), n=limit, cutoff=0.8)
    return [row for name in close for row in bare[name]][:limit]


def place_name(regency_name: str) -> str:
    """The town in a letter's place line: ``Kota Serang`` -> ``Serang``, ``Kabupaten Tebo`` -> ``Tebo``."""
    name = squash(regency_name)
    lowered = name.lower()
    for prefix in _NAME_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix):]
    return name


def _bare_name(name: str) -> str:
    name = " ".join(name.lower().split())
    for prefix in _NAME_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name
