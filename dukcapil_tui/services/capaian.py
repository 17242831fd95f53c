"""What the capaian (recording coverage) recap is measured against.

Two things the office decides and the recap reports with its numbers:

- **Targets per year** (``target_rekam_<year>`` settings, in percent, e.g. ``98`` or ``97.5``).
  A year without a setting uses ``DEFAULT_TARGET`` and the recap says so.
- **The wajib KTP denominator.** By default it is counted from the resident register; an office
  whose register is incomplete imports per-desa figures (CSV/XLSX: desa code, counts L and P)
  into ``wajib_ktp_figure``, and from then on the recap divides by them (``auto``) until they
  are cleared; one export can still ask for ``register`` or ``impor`` explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from peewee import fn

from dukcapil_tui.db import database
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Setting, WajibKtpFigure
from dukcapil_tui.services import audit, context, desa_figures, listing_rows, settings
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.tabular import shown

DEFAULT_TARGET = 98.0
TARGET_PREFIX = "target_rekam_"
SOURCES = ("auto", "register", "impor")


# --- targets ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    year: int
    percent: float
    configured: bool  # False: DEFAULT_TARGET, no setting for the year

    @property
    def fraction(self) -> float:
        return self.percent / 100


def target_key(year: int) -> str:
    return f"{TARGET_PREFIX}{year}"


def parse_percent(value: object) -> float | None:
    """``98``, ``97,5``, ``97.5 %`` -> 97.5; None for anything else or outside 0–100."""
    text = str(value if value is not None else "").strip().rstrip("%").strip().replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", text):
        return None
    number = float(text)
    return number if 0 < number <= 100 else None


def target_for(year: int) -> Target:
    stored = parse_percent(settings.get(target_key(year)))
    if stored is None:
        return Target(year, DEFAULT_TARGET, False)
    return Target(year, stored, True)


def targets() -> dict[int, float]:
    """Every year with a target setting."""
    found = {}
    for row in Setting.select().where(Setting.key.startswith(TARGET_PREFIX)):
        year = row.key[len(TARGET_PREFIX):]
        value = parse_percent(row.value)
        if numbers.is_digits(year) and value is not None:
            found[int(year)] = value
    return dict(sorted(found.items()))


def set_target(actor: Actor, year: object, value: object) -> Target:
    """Set the recording target of a year (admin), audited through the settings service."""
    require_role(actor, "action.change_settings", "admin")
    text = str(year).strip()
    if numbers.whole_in(text, 2000, 2100, thousands=False) is None:
        raise ServiceError(t("capaian.bad_year", year=year))
    percent = parse_percent(value)
    if percent is None:
        raise ServiceError(t("capaian.bad_target", value=value))
    settings.put_checked(actor, target_key(int(text)), f"{percent:g}")
    return Target(int(text), percent, True)


# --- which denominator ---------------------------------------------------------------------

def effective_source(requested: str | None = None) -> str:
    """``register`` or ``impor``: what the recap will divide by. ``auto`` (the default) takes
    the imported figures when there are any, else the register."""
    source = requested or "auto"
    if source not in SOURCES:
        raise ServiceError(t("capaian.bad_source", value=source, choices=", ".join(SOURCES)))
    if source == "auto":
        return "impor" if WajibKtpFigure.select().exists() else "register"
    if source == "impor" and not WajibKtpFigure.select().exists():
        raise ServiceError(t("capaian.no_figures"))
    return source


@dataclass(frozen=True)
class FigureSummary:
    desa: int
    male: int
    female: int
    files: tuple[str, ...]
    notes: tuple[str, ...]
    first_imported: datetime | None
    last_imported: datetime | None


def figures_summary() -> FigureSummary:
    row = WajibKtpFigure.select(
        fn.COUNT(WajibKtpFigure.desa_code), fn.COALESCE(fn.SUM(WajibKtpFigure.male), 0),
        fn.COALESCE(fn.SUM(WajibKtpFigure.female), 0), fn.MIN(WajibKtpFigure.imported_at),
        fn.MAX(WajibKtpFigure.imported_at),
    ).tuples().first()
    files = tuple(f for (f,) in WajibKtpFigure.select(WajibKtpFigure.source_file).distinct()
                  .order_by(WajibKtpFigure.source_file).tuples())
    notes = tuple(n for (n,) in WajibKtpFigure.select(WajibKtpFigure.note).distinct()
                  .where(WajibKtpFigure.note != "").order_by(WajibKtpFigure.note).tuples())
    return FigureSummary(row[0], row[1], row[2], files, notes, _dt(row[3]), _dt(row[4]))


def figures() -> dict[str, tuple[int, int]]:
    """desa code -> (L, P) of the imported figures."""
    return {code: (male, female) for code, male, female in
            WajibKtpFigure.select(WajibKtpFigure.desa_code, WajibKtpFigure.male, WajibKtpFigure.female).tuples()}


def _dt(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# --- importing the figures -------------------------------------------------------------------

ALIASES = {
    "KD_DESA": "KODE_DESA", "KODE_KEL": "KODE_DESA", "KODE_KELURAHAN": "KODE_DESA", "KODE_WILAYAH": "KODE_DESA",
    "KODE": "KODE_DESA", "KODE_DESA_KELURAHAN": "KODE_DESA", "KDDESA": "KODE_DESA",
    "LAKI_LAKI": "L", "LK": "L", "PRIA": "L", "WAJIB_KTP_L": "L", "WAJIB_L": "L", "JUMLAH_L": "L", "WKTP_L": "L",
    "PEREMPUAN": "P", "PR": "P", "WANITA": "P", "WAJIB_KTP_P": "P", "WAJIB_P": "P", "JUMLAH_P": "P", "WKTP_P": "P",
    "TOTAL": "JUMLAH", "JML": "JUMLAH", "WAJIB_KTP": "JUMLAH", "JUMLAH_WAJIB_KTP": "JUMLAH", "L_P": "JUMLAH",
}


@dataclass
class WajibImport:
    path: Path
    total: int = 0
    applied: int = 0
    male: int = 0
    female: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, desa code, reason
    report_path: Path | None = None  # the rejected rows, written to a CSV file


def _count(value: object) -> int | None:
    """A head count as spreadsheets write it: 1234, 1234.0, "1.234", "1,234"."""
    text = value if isinstance(value, (int, float)) else str(value if value is not None else "").replace(" ", "")
    count = numbers.whole(text, commas=True)
    return count if count is not None and count >= 0 else None


def import_figures(actor: Actor, path: Path | str, note: str = "", report_dir: Path | None = None) -> WajibImport:
    """Read per-desa wajib KTP counts. All or nothing: when any row is rejected (with its line
    and reason) nothing is written; otherwise every desa in the file is inserted or replaced,
    in one transaction with one audit entry."""
    require_role(actor, "action.import_wajib", "admin")
    path = Path(path)
    table = listing_rows.open_listing(path, ALIASES, ("KODE_DESA", "L", "P"))
    has_total = "JUMLAH" in table.columns

    def check(row) -> tuple[str | None, tuple]:
        male, female = _count(row.get("L")), _count(row.get("P"))
        if male is None or female is None:
            return t("capaian.bad_count", l=shown(row.get("L")), p=shown(row.get("P"))), ()
        if has_total and str(row.get("JUMLAH") or "").strip() != "" and _count(row.get("JUMLAH")) != male + female:
            return t("capaian.sum_mismatch", total=shown(row.get("JUMLAH")), l=male, p=female), ()
        return None, (male, female)

    result = WajibImport(path)
    rows = desa_figures.read(table, result, check, "impor-wajib-ktp", report_dir)
    if not rows:
        return result
    now = context.now_utc()
    note = squash(note)[:200]
    with database.atomic("IMMEDIATE"):
        WajibKtpFigure.insert_many(
            [(code, male, female, note, path.name, now, actor.username) for code, male, female in rows],
            fields=[WajibKtpFigure.desa_code, WajibKtpFigure.male, WajibKtpFigure.female, WajibKtpFigure.note,
                    WajibKtpFigure.source_file, WajibKtpFigure.imported_at, WajibKtpFigure.username],
        ).on_conflict_replace().execute()
        result.applied = len(rows)
        result.male = sum(r[1] for r in rows)
        result.female = sum(r[2] for r in rows)
        audit.record(actor, "wajib_ktp.import", "wajib_ktp_figure", None,
                     {"file": path.name, "desa": result.applied, "male": result.male, "female": result.female,
                      "note": note or None})
    return result


def clear_figures(actor: Actor) -> int:
    """Remove every imported figure: the recap goes back to the register."""
    require_role(actor, "action.import_wajib", "admin")
    with database.atomic("IMMEDIATE"):
        removed = WajibKtpFigure.delete().execute()
        audit.record(actor, "wajib_ktp.clear", "wajib_ktp_figure", None, {"desa": removed})
    return removed
