"""Kecamatan and desa/kelurahan: the regency's official Kemendagri codes.

The codes come from data bundled in the package (``data/wilayah_*.csv``) and are stored as
given: desa codes have gaps and are never generated.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Region
from dukcapil_tui.services.context import ServiceError

BUNDLED_FILES = ("wilayah_5202_1503.csv",)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


@lru_cache(maxsize=1)
def bundled_rows() -> tuple[RegionRow, ...]:
    rows = []
    for filename in BUNDLED_FILES:
        text = resources.files("dukcapil_tui.data").joinpath(filename).read_text(encoding="utf-8")
        rows += [RegionRow(r["kode"], r["nama"], r["level"]) for r in csv.DictReader(text.splitlines())]
    return tuple(rows)


def bundled_regencies() -> dict[str, str]:
    return {r.code: r.name for r in bundled_rows() if r.level == "kabupaten"}


def rows_for_regency(regency_code: str) -> list[RegionRow]:
    regencies = bundled_regencies()
    if regency_code not in regencies:
        available = ", ".join(f"{code} {name}" for code, name in regencies.items())
        raise ServiceError(t("region.unknown_regency", code=regency_code, available=available))
    return [r for r in bundled_rows() if r.code == regency_code or r.code.startswith(regency_code + ".")]


def load_regency(regency_code: str) -> int:
    """Insert the regency's regions (called inside the caller's transaction)."""
    rows = rows_for_regency(regency_code)
    Region.insert_many(
        [(r.code, r.name, r.level, r.parent_code if r.level != "kabupaten" else None) for r in rows],
        fields=[Region.code, Region.name, Region.level, Region.parent_code],
    ).on_conflict_ignore().execute()
    invalidate()
    return len(rows)


# --- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegionIndex:
    """All regions of the office's regency in memory (a few hundred rows)."""

    names: dict[str, str]
    kecamatan: tuple[tuple[str, str], ...]  # (code, name) ordered by code
    desa_by_kecamatan: dict[str, tuple[tuple[str, str], ...]]

    @property
    def desa_codes(self) -> frozenset[str]:
        return frozenset(code for desas in self.desa_by_kecamatan.values() for code, _ in desas)

    @property
    def kecamatan_codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.kecamatan)

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def describe_desa(self, desa_code: str) -> str:
        return f"{self.name(desa_code)}, Kec. {self.name(desa_code[:8])}"


_cache: tuple[object, RegionIndex] | None = None  # (database it was read from, index)


def invalidate() -> None:
    global _cache
    _cache = None


def index() -> RegionIndex:
    global _cache
    if _cache is None or _cache[0] is not database.obj:
        names: dict[str, str] = {}
        kecamatan: list[tuple[str, str]] = []
        desa: dict[str, list[tuple[str, str]]] = {}
        for code, name, level, parent in Region.select(
            Region.code, Region.name, Region.level, Region.parent_code
        ).order_by(Region.code).tuples():
            names[code] = name
            if level == "kecamatan":
                kecamatan.append((code, name))
            elif level in ("desa", "kelurahan"):
                desa.setdefault(parent, []).append((code, name))
        _cache = (
            database.obj,
            RegionIndex(
                names=names,
                kecamatan=tuple(kecamatan),
                desa_by_kecamatan={k: tuple(v) for k, v in desa.items()},
            ),
        )
    return _cache[1]


def known_kecamatan_everywhere() -> frozenset[str]:
    """Kecamatan of every bundled regency: a NIK issued in a neighbouring regency is fine."""
    return frozenset(r.code for r in bundled_rows() if r.level == "kecamatan") | index().kecamatan_codes
