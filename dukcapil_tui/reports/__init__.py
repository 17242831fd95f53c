"""Excel recaps for reporting upward: what the TUI's Laporan screen and ``dukcapil export`` call.

    from dukcapil_tui import reports

    period = reports.parse_period("capaian", month_text="2026-11")   # or date_text=..., or neither
    shown = reports.preview("capaian", period)                        # totals to show before exporting
    path = reports.export("capaian", period, out_dir, actor, progress=callback)

Reports (``REPORTS``): ``capaian``, ``blangko``, ``harian``, ``belum-rekam`` and
``menunggu-kartu`` (named lists: admin only, audited) and ``backlog``. One module per report
builds its rows with SQL aggregates
and writes its workbook; ``layout`` holds the office layout they share; openpyxl is imported
only inside the writers. Files are named ``<regency digits>_<report>_<period>.xlsx`` (e.g.
``5202_capaian-perekaman_2026-11.xlsx``) and written to a temporary name in the same folder,
then renamed, so a failed export leaves no file behind; a second export of the same report and
period gets a numbered name (``…_v2.xlsx``) and never replaces the first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dukcapil_tui.i18n import t
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services.context import ROLES, Actor, ServiceError, require_role

AGGREGATE_ROLES = ROLES  # counts only, no names: anyone on duty may send the recap upward
NAMED_ROLES = ("admin",)


@dataclass(frozen=True)
class ReportInfo:
    key: str
    slug: str  # in file names
    title: str
    kinds: tuple[str, ...]  # "month" and/or "date"; the first is the default
    roles: tuple[str, ...]
    named: bool  # lists residents by name (admin only, audited)
    module: str

    @property
    def label(self) -> str:
        return t(f"report.name.{self.key}")


REPORTS: dict[str, ReportInfo] = {
    "capaian": ReportInfo("capaian", "capaian-perekaman", "Rekapitulasi capaian perekaman KTP-el",
                          ("month", "date"), AGGREGATE_ROLES, False, "capaian"),
    "blangko": ReportInfo("blangko", "penggunaan-blangko", "Laporan penggunaan blangko KTP-el",
                          ("month",), AGGREGATE_ROLES, False, "blangko"),
    "harian": ReportInfo("harian", "harian-layanan", "Laporan harian layanan",
                         ("date",), AGGREGATE_ROLES, False, "harian"),
    "belum-rekam": ReportInfo("belum-rekam", "belum-rekam", "Daftar penduduk wajib KTP-el belum rekam",
                              ("date",), NAMED_ROLES, True, "belum_rekam"),
    "backlog": ReportInfo("backlog", "backlog-cetak", "Backlog cetak KTP-el",
                          ("date",), AGGREGATE_ROLES, False, "backlog"),
    "menunggu-kartu": ReportInfo("menunggu-kartu", "daftar-tunggu-ktp-el", "Daftar penduduk menunggu KTP-el",
                                 ("date",), NAMED_ROLES, True, "menunggu"),
    "gangguan": ReportInfo("gangguan", "gangguan-layanan", "Laporan gangguan layanan",
                           ("month",), AGGREGATE_ROLES, False, "gangguan"),
    "alat": ReportInfo("alat", "alat-tidak-berfungsi", "Laporan alat tidak berfungsi",
                       ("month",), AGGREGATE_ROLES, False, "alat"),
}

Progress = Callable[[int, int], None]  # (done, total)


def report_info(report: str) -> ReportInfo:
    info = REPORTS.get(report)
    if info is None:
        raise ServiceError(t("report.unknown", report=report, choices=", ".join(REPORTS)))
    return info


def _module(info: ReportInfo):
    return importlib.import_module(f"dukcapil_tui.reports.{info.module}")


def _today() -> date:
    from dukcapil_tui.services import settings

    return settings.office_today()


def parse_period(report: str, date_text: str | None = None, month_text: str | None = None,
                 today: date | None = None) -> Period:
    """The period from a ``--date`` (DD-MM-YYYY or YYYY-MM-DD) or ``--month`` (YYYY-MM), or the
    report's default (the running month, or today); refused with a message for the user when
    it does not fit the report or lies in the future."""
    from dukcapil_tui.reports.periods import parse_period as parse

    info = report_info(report)
    return parse(info.kinds, info.label, date_text=date_text, month_text=month_text, today=today or _today())


def default_period(report: str, today: date | None = None) -> Period:
    return parse_period(report, today=today)


def file_name(report: str, period: Period, region_code: str | None = None) -> str:
    from dukcapil_tui.services import settings

    info = report_info(report)
    digits = (region_code if region_code is not None else settings.get("region_code")).replace(".", "") or "0000"
    return f"{digits}_{info.slug}_{period.stamp}.xlsx"


def can_export(actor: Actor, report: str) -> bool:
    return actor.role in report_info(report).roles


@dataclass(frozen=True)
class Preview:
    report: str
    title: str
    period: Period
    period_label: str
    figures: list[Figure]
    file_name: str
    rows: int | None = None  # named list: residents it will hold

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs, numbers in Indonesian format, ready to show."""
        return [(f.label, f.text) for f in self.figures]


def _collect(info: ReportInfo, period: Period, wajib_source: str | None):
    module = _module(info)
    if info.key == "capaian":
        return module.collect(period, wajib_source)
    if info.named:
        return module.counts(period)
    return module.collect(period)


def preview(report: str, period: Period, *, wajib_source: str | None = None) -> Preview:
    """The report's totals (no names) for the screen before exporting."""
    info = report_info(report)
    data = _collect(info, period, wajib_source)
    style = "as_of" if info.key in ("capaian", "backlog", "belum-rekam", "menunggu-kartu") else "period"
    return Preview(report, info.title, period, period.label(style), _module(info).preview(data),
                   file_name(report, period), data.total if info.named else None)


def require_allowed(report: str, actor: Actor) -> ReportInfo:
    """The report's description, when ``actor`` may export it (PermissionDenied otherwise)."""
    info = report_info(report)
    require_role(actor, f"action.export_{info.module}", *info.roles)
    return info


def export(report: str, period: Period, out_dir: Path | str | None, actor: Actor,
           progress: Progress | None = None, *, wajib_source: str | None = None) -> Path:
    """Write the report for ``period`` into ``out_dir`` (default: the exports folder) and return
    the file's path. The workbook is written under a temporary name in the same folder and
    renamed at the end; the export is recorded in the audit log (report, period, file, rows)."""
    from dukcapil_tui import files, paths
    from dukcapil_tui.db import database, snapshot
    from dukcapil_tui.reports import common
    from dukcapil_tui.services import audit

    info = require_allowed(report, actor)
    from dukcapil_tui import spool

    spool.install()
    folder = files.ensure_folder(out_dir if out_dir else paths.export_dir(), own=not out_dir)
    letterhead = common.letterhead()
    module = _module(info)

    def write(partial: Path) -> int:
        with snapshot():  # one read snapshot: every sheet tells the same story, no writer waits
            if info.named:
                expected = module.counts(period).total
                return module.write(period, partial, letterhead, progress, expected=expected)
            return module.write(_collect(info, period, wajib_source), partial, letterhead, progress)

    @contextmanager
    def recorded(target: Path, rows: int):
        with database.atomic("IMMEDIATE"):  # the audit entry and the file stand or fall together
            audit.record(actor, "report.export", "report", info.key,
                         {"period": period.stamp, "file": target.name, "folder": str(folder), "rows": rows})
            yield

    # A second export of the same report and period keeps the first (a numbered name).
    target, _ = files.write_new(folder / file_name(report, period), write, recorded)
    return target
