"""Kecamatan and desa/kelurahan: the office regency's official Kemendagri codes.

``init`` copies the regency's rows from the bundled list of all Indonesia (``wilayah``) into the
``region`` table, as given: desa codes have gaps and are never generated. Everything the office
does day to day reads that table (``index``); the rest of the country is consulted only to
recognise and name a NIK first issued elsewhere (``known_kecamatan``, ``describe_kecamatan``).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from functools import cached_property

from dukcapil_tui import wilayah
from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Region
from dukcapil_tui.services.context import ServiceError
from dukcapil_tui.wilayah import REGENCY_LEVELS, RegionRow


def rows_for_regency(regency_code: str) -> list[RegionRow]:
    """The regency's row (first), its kecamatan and desa/kelurahan; refuses an unknown code,
    naming the regencies it most likely meant."""
    code = wilayah.normalise_regency_code(regency_code)
    rows = wilayah.regency_rows(code) if code else []
    if rows:
        return rows
    message = t("region.unknown_regency", code=code or "-")
    suggestions = wilayah.suggest_regencies(code)
    if suggestions:
        message += " " + t("region.suggestions", choices=", ".join(f"{r.code} {r.name}" for r in suggestions))
    else:
        message += " " + t("region.code_example")
    raise ServiceError(message)


def load_regency(regency_code: str) -> int:
    """Insert the regency's regions (called inside the caller's transaction)."""
    rows = rows_for_regency(regency_code)
    Region.insert_many(
        [(r.code, r.name, r.level, r.parent_code if r.level not in REGENCY_LEVELS else None) for r in rows],
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

    @cached_property
    def desa_codes(self) -> frozenset[str]:
        return frozenset(code for desas in self.desa_by_kecamatan.values() for code, _ in desas)

    @cached_property
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


class KnownKecamatan(Container[str]):
    """Every kecamatan of Indonesia, for NIK warnings: the office's own first (no file read);
    the national list only for a code outside the regency (read once, then cached)."""

    def __init__(self, own: frozenset[str]) -> None:
        self._own = own

    def __contains__(self, code: object) -> bool:
        return code in self._own or code in wilayah.KNOWN_KECAMATAN


def known_kecamatan(regions: RegionIndex | None = None) -> KnownKecamatan:
    return KnownKecamatan((regions or index()).kecamatan_codes)


def describe_kecamatan(code: str, own: RegionIndex | None) -> str:
    """Where a NIK was first issued: ``Kec. Pujut, Kabupaten Lombok Tengah`` in the office's
    regency (``own``, no file read), ``Kec. Taktakan, Kota Serang, Provinsi Banten`` elsewhere;
    empty when the code is no kecamatan anywhere. Never touches the database."""
    if own is not None and code in own.kecamatan_codes:
        return f"Kec. {own.name(code)}, {own.name(code[:5])}"
    return wilayah.describe_kecamatan(code)


def is_own_kecamatan(code: str, own: RegionIndex | None) -> bool:
    """Whether naming ``code`` needs nothing beyond the office's own regions (no file read)."""
    return own is not None and code in own.kecamatan_codes
