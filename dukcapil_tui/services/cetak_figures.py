"""SIAK's cumulative printed cards per desa (the "sudah cetak" of its recaps), imported so that
the capaian recap's "sudah cetak" covers every card printed since the e-KTP began, not only
those this app saw. The recap adds the cards printed here after the figures' date.

A CSV/XLSX with the desa (KODE_DESA, or SIAK's NO_PROP/NO_KAB/NO_KEC/NO_KEL), the count
(SUDAH_CETAK) and optionally the day it was read (TANGGAL; default: the import day). All or
nothing: any rejected row and nothing is saved; otherwise each desa in the file is inserted or
replaced, in one transaction with one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dukcapil_tui.db import database
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.models import CetakFigure
from dukcapil_tui.services import audit, context, desa_figures, listing_rows, settings
from dukcapil_tui.services.context import Actor, require_role
from dukcapil_tui.tabular import shown

ALIASES = {
    "KD_DESA": "KODE_DESA", "KODE_KEL": "KODE_DESA", "KODE_KELURAHAN": "KODE_DESA", "KODE_WILAYAH": "KODE_DESA",
    "KODE": "KODE_DESA",
    "CETAK": "SUDAH_CETAK", "JUMLAH_CETAK": "SUDAH_CETAK", "SUDAH_CETAK_KTP_EL": "SUDAH_CETAK",
    "TOTAL_CETAK": "SUDAH_CETAK", "KTP_EL_TERCETAK": "SUDAH_CETAK", "CETAK_KUMULATIF": "SUDAH_CETAK",
    "TGL": "TANGGAL", "TANGGAL_DATA": "TANGGAL", "PER_TANGGAL": "TANGGAL", "KEADAAN": "TANGGAL",
}


@dataclass
class CetakImport:
    path: Path
    total: int = 0
    applied: int = 0
    printed: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, desa, reason
    report_path: Path | None = None


def import_figures(actor: Actor, path: Path | str, report_dir: Path | None = None) -> CetakImport:
    require_role(actor, "action.import_wajib", "admin")
    path = Path(path)
    table = listing_rows.open_listing(path, ALIASES, ("KODE_DESA", "SUDAH_CETAK"))
    today = settings.office_today()
    has_day = "TANGGAL" in table.columns

    def check(row) -> tuple[str | None, tuple]:
        value = row.get("SUDAH_CETAK")
        count = numbers.whole(value if isinstance(value, (int, float)) else str(value or "").replace(" ", ""),
                              commas=True)
        day_text = row.get("TANGGAL") if has_day else None
        day = parse_date(day_text) if str(day_text or "").strip() else today
        if count is None or count < 0:
            return t("cetak_figure.bad_count", value=shown(value)), ()
        if day is None:
            return t("field.bad_date", field="TANGGAL"), ()
        if day > today:
            return t("field.future_date", field="TANGGAL"), ()
        return None, (count, day)

    result = CetakImport(path)
    rows = desa_figures.read(table, result, check, "impor-cetak-desa", report_dir)
    if not rows:
        return result
    now = context.now_utc()
    with database.atomic("IMMEDIATE"):
        CetakFigure.insert_many(
            [(code, count, day, path.name, now, actor.username) for code, count, day in rows],
            fields=[CetakFigure.desa_code, CetakFigure.printed, CetakFigure.as_of, CetakFigure.source_file,
                    CetakFigure.imported_at, CetakFigure.username],
        ).on_conflict(conflict_target=[CetakFigure.desa_code], preserve=[
            CetakFigure.printed, CetakFigure.as_of, CetakFigure.source_file, CetakFigure.imported_at,
            CetakFigure.username]).execute()
        result.applied = len(rows)
        result.printed = sum(r[1] for r in rows)
        audit.record(actor, "cetak_figure.import", "cetak_figure", None,
                     {"file": path.name, "desa": result.applied, "printed": result.printed,
                      "as_of": sorted({r[2].isoformat() for r in rows})})
    return result


def clear_figures(actor: Actor) -> int:
    require_role(actor, "action.import_wajib", "admin")
    with database.atomic("IMMEDIATE"):
        removed = CetakFigure.delete().execute()
        audit.record(actor, "cetak_figure.clear", "cetak_figure", None, {"desa": removed})
    return removed


def figures() -> dict[str, tuple[int, date]]:
    """desa code -> (printed, as of)."""
    return {code: (printed, as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)[:10]))
            for code, printed, as_of in CetakFigure.select(CetakFigure.desa_code, CetakFigure.printed,
                                                           CetakFigure.as_of).tuples()}


def files() -> tuple[str, ...]:
    return tuple(f for (f,) in CetakFigure.select(CetakFigure.source_file).distinct()
                 .order_by(CetakFigure.source_file).tuples())
