"""Reading a per-desa figures file (CSV/XLSX, one row per desa): the part the wajib KTP figures
(``capaian.import_figures``) and SIAK's printed-card figures (``cetak_figures.import_figures``)
share. The desa is ``KODE_DESA`` or SIAK's ``NO_PROP``/``NO_KAB``/``NO_KEC``/``NO_KEL``; a row
naming no desa, an unknown desa or a desa already named on an earlier line is rejected with its
line; what the figures themselves are is the caller's ``check``. All or nothing: the caller
writes only when ``read`` returns rows and rejected nothing; otherwise the rejected rows are in a
report file whose path the result carries.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from dukcapil_tui.domain.residents import normalise_desa_code
from dukcapil_tui.i18n import t
from dukcapil_tui.services import import_report, listing_rows, regions
from dukcapil_tui.services.context import ServiceError
from dukcapil_tui.tabular import TabularError, shown

# A row's figures: (None, values) when they are sound, (reason, ()) when they are not.
Check = Callable[[dict], tuple[str | None, tuple]]


class FiguresResult(Protocol):
    path: Path
    total: int
    rejected: list[tuple[int, str, str]]  # line, desa code, reason
    report_path: Path | None


def read(table, result: FiguresResult, check: Check, report_name: str,
         report_dir: Path | None) -> list[tuple]:
    """Every row's (desa code, *figures), counting ``result.total``; [] when any row was
    rejected (``result.rejected`` and ``result.report_path`` say which and why) or the file has
    no rows (refused)."""
    parts = all(part in table.columns for part in listing_rows.SIAK_REGION_PARTS)
    known = regions.index().desa_codes
    seen: dict[str, int] = {}
    rows: list[tuple] = []
    try:
        for line, row in table.rows:
            result.total += 1
            if row.problem:
                result.rejected.append((line, str(row.get("KODE_DESA") or "")[:20], row.problem))
                continue
            code = normalise_desa_code(row.get("KODE_DESA")) or (listing_rows.siak_desa(row) if parts else "")
            if not code:
                reason = t("field.required", field=t("resident.field.desa_code"))
            elif code not in known:
                reason = t("resident.unknown_desa", code=shown(code))
            elif code in seen:
                reason = t("capaian.duplicate_desa", code=code, first=seen[code])
            else:
                reason, values = check(row)
                if reason is None:
                    seen[code] = line
                    rows.append((code, *values))
                    continue
            result.rejected.append((line, code, reason))
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=result.path.name, reason=exc)) from None
    if not rows and not result.rejected:
        raise ServiceError(t("capaian.empty_file", path=result.path.name))
    if result.rejected:
        result.report_path = import_report.write(report_name, result.path, ["BARIS", "KODE_DESA", "ALASAN"],
                                                 result.rejected, report_dir)
        return []
    return rows
