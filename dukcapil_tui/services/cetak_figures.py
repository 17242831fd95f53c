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
from dukcapil_tui.domain.residents import normalise_desa_code, parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.models import CetakFigure
from dukcapil_tui.services import audit, context, import_report, listing_rows, regions, settings
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.tabular import TabularError, describe_columns, open_table, shown

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
    try:
        table = open_table(path, ALIASES)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    parts = all(p in table.columns for p in listing_rows.SIAK_REGION_PARTS)
    missing = [c for c in ("KODE_DESA", "SUDAH_CETAK") if c not in table.columns and not (c == "KODE_DESA" and parts)]
    if missing:
        raise ServiceError(t("import.missing_columns", columns=", ".join(missing),
                             found=describe_columns(table.columns)))
    today = settings.office_today()
    known = regions.index().desa_codes
    result = CetakImport(path)
    seen: dict[str, int] = {}
    rows: list[tuple[str, int, date]] = []
    try:
        for line, row in table.rows:
            result.total += 1
            if row.problem:
                result.rejected.append((line, str(row.get("KODE_DESA") or "")[:20], row.problem))
                continue
            code = normalise_desa_code(row.get("KODE_DESA")) or (listing_rows.siak_desa(row) if parts else "")
            count = numbers.whole(row.get("SUDAH_CETAK") if isinstance(row.get("SUDAH_CETAK"), (int, float))
                                  else str(row.get("SUDAH_CETAK") or "").replace(" ", ""), commas=True)
            day_text = row.get("TANGGAL") if "TANGGAL" in table.columns else None
            day = parse_date(day_text) if str(day_text or "").strip() else today
            if not code:
                reason = t("field.required", field=t("resident.field.desa_code"))
            elif code not in known:
                reason = t("resident.unknown_desa", code=shown(code))
            elif code in seen:
                reason = t("capaian.duplicate_desa", code=code, first=seen[code])
            elif count is None or count < 0:
                reason = t("cetak_figure.bad_count", value=shown(row.get("SUDAH_CETAK")))
            elif day is None:
                reason = t("field.bad_date", field="TANGGAL")
            elif day > today:
                reason = t("field.future_date", field="TANGGAL")
            else:
                seen[code] = line
                rows.append((code, count, day))
                continue
            result.rejected.append((line, code, reason))
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    if result.rejected or not rows:
        if not rows and not result.rejected:
            raise ServiceError(t("capaian.empty_file", path=path.name))
        result.report_path = import_report.write("impor-cetak-desa", path, ["BARIS", "KODE_DESA", "ALASAN"],
                                                 result.rejected, report_dir)
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
