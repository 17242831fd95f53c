"""The province's roll-up: the recaps several offices exported, combined into one table.

    from dukcapil_tui.reports import rollup

    combined = rollup.combine(["5202_capaian-perekaman_2026-11.xlsx", ...], period_text="2026-11")
    path = rollup.write(combined, out_dir)

``combine`` reads every file (``recap_files``) and refuses, naming each file and what is wrong
with it, anything that cannot be one province's table: a file that cannot be read or is not such
a recap, a mix of capaian recaps and blangko reports, offices of more than one province, a
period other than the first file's (or than ``period_text``), two files of one kabupaten/kota.
``write`` lays the table out as the offices' recaps are (``layout``): one row per kabupaten/kota
in code order, the same columns, a JUMLAH row of formulas, the province's letterhead and
signature block. No database: the province has none of these offices' data but their files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dukcapil_tui import wilayah
from dukcapil_tui.domain.problems import Refusal
from dukcapil_tui.i18n import t
from dukcapil_tui.reports import REPORTS, blangko, capaian, recap_files
from dukcapil_tui.reports.common import AGENCY, HEAD_TITLE, Letterhead
from dukcapil_tui.reports.periods import Period, last_day_of_month, long_date, month_name, parse_month
from dukcapil_tui.reports.recap_files import Recap

TITLES = {"capaian": f"{capaian.TITLE} per kabupaten/kota", "blangko": f"{blangko.TITLE} per kabupaten/kota"}


@dataclass
class Rollup:
    kind: str
    province_code: str
    province_name: str
    period: Period
    recaps: list[Recap]  # in kabupaten/kota code order
    missing: list[str]  # the province's kabupaten/kota without a file (names)

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(r.numbers[key] for r in self.recaps) for key in self.recaps[0].numbers}

    @property
    def label(self) -> str:
        return self.period.label("as_of" if self.kind == "capaian" else "period")


def _period_wanted(text: str) -> tuple[date, date] | date:
    """``YYYY-MM``: any day of that month (the files must still agree); ``DD-MM-YYYY``: that day."""
    from dukcapil_tui.domain.residents import parse_date

    month = parse_month(text)
    if month is not None:
        first = date(month[0], month[1], 1)
        return first, last_day_of_month(first)
    day = parse_date(text)
    if day is None:
        raise Refusal(t("rollup.bad_period_option", value=text))
    return day


def _fits(period: Period, wanted) -> bool:
    if isinstance(wanted, tuple):
        return wanted[0] <= period.end <= wanted[1]
    return period.end == wanted


def _period_text(recap: Recap) -> str:
    """``keadaan s.d. 22 November 2026``, ``bulan November 2026 (s.d. 22 November 2026)``."""
    period = recap.period
    if recap.kind == "capaian":
        return f"keadaan s.d. {long_date(period.end)}"
    text = f"bulan {month_name(period.start.year, period.start.month)}"
    return text if period.month_complete else f"{text} (s.d. {long_date(period.end)})"


def combine(paths: list[Path | str], period_text: str | None = None) -> Rollup:
    """Read and check the files; refused (a Refusal naming every file at fault) when they
    cannot make one province's table."""
    wanted = _period_wanted(period_text.strip()) if period_text and period_text.strip() else None
    problems: dict[str, str] = {}
    recaps: list[Recap] = []
    for path in map(Path, paths):
        try:
            recaps.append(recap_files.read(path))
        except recap_files.Unusable as exc:
            problems[str(path)] = t("rollup.file_refused", file=path.name, reason=exc)
    if problems:
        raise Refusal(problems)
    first = recaps[0]
    seen: dict[str, Recap] = {}
    files: dict[Path, Recap] = {}
    for recap in recaps:
        same = files.setdefault(recap.path.resolve(), recap)
        if same is not recap:
            problems[str(recap.path)] = t("rollup.same_file", file=recap.name)
        elif recap.kind != first.kind:
            problems[str(recap.path)] = t("rollup.other_kind", file=recap.name, kind=t(f"rollup.kind.{recap.kind}"),
                                     first=first.name, first_kind=t(f"rollup.kind.{first.kind}"))
        elif recap.regency.code[:2] != first.regency.code[:2]:
            problems[str(recap.path)] = t("rollup.other_province", file=recap.name, regency=recap.regency.name,
                                     province=_province(recap.regency.code), first=first.name,
                                     first_province=_province(first.regency.code))
        elif wanted is not None and not _fits(recap.period, wanted):
            problems[str(recap.path)] = t("rollup.not_the_period", file=recap.name, period=_period_text(recap),
                                     wanted=period_text.strip())
        elif recap.period != first.period:
            problems[str(recap.path)] = t("rollup.other_period", file=recap.name, period=_period_text(recap),
                                     first=first.name, first_period=_period_text(first))
        elif recap.regency.code in seen:
            problems[str(recap.path)] = t("rollup.same_regency", file=recap.name, other=seen[recap.regency.code].name,
                                     regency=recap.regency.name)
        else:
            seen[recap.regency.code] = recap
    if problems:
        raise Refusal(problems)
    province = first.regency.code[:2]
    ordered = sorted(recaps, key=lambda r: r.regency.code)
    missing = [row.name for code, row in sorted(wilayah.upper().regencies.items())
               if code[:2] == province and code not in seen]
    return Rollup(first.kind, province, _province(province), first.period, ordered, missing)


def _province(code: str) -> str:
    return wilayah.upper().name(code[:2]) or code[:2]


# --- the workbook --------------------------------------------------------------------------------

def file_name(rollup: Rollup) -> str:
    stamp = rollup.period.end.isoformat() if rollup.kind == "capaian" else rollup.period.stamp
    return f"{rollup.province_code}_rekap-{REPORTS[rollup.kind].slug}_{stamp}.xlsx"


def _today() -> date:
    """Today on this machine's clock (the province has no office database and its time zone)."""
    from datetime import UTC

    from dukcapil_tui.services import context

    return context.now_utc().replace(tzinfo=UTC).astimezone().date()


def letterhead(rollup: Rollup, signed_on: date | None = None, place: str = "", head_name: str = "",
               head_nip: str = "") -> Letterhead:
    return Letterhead(government=f"PEMERINTAH PROVINSI {rollup.province_name.upper()}", agency=AGENCY,
                      place=place.strip() or rollup.province_name, signed_on=signed_on or _today(),
                      head_title=HEAD_TITLE, head_name=head_name.strip(), head_nip=head_nip.strip(),
                      region_code=rollup.province_code)


def _notes(rollup: Rollup) -> tuple[str, ...]:
    notes = [f"Gabungan {len(rollup.recaps)} laporan kabupaten/kota: " + ", ".join(r.name for r in rollup.recaps)
             + "."]
    if rollup.missing:
        notes.append("Belum ada laporan dari: " + ", ".join(rollup.missing) + ".")
    if rollup.kind == "capaian":
        notes.append("Target %: target tiap kabupaten/kota sesuai rekapnya; Sumber Wajib KTP: register penduduk "
                     "atau angka per desa yang diimpor.")
    else:
        notes.append(rollup.recaps[0].notes[0] if rollup.recaps[0].notes else "")
    return tuple(n for n in notes if n)


def _columns(layout, kind: str) -> list:
    Column = layout.Column
    lead = [Column("no", "No", 5, align=layout.CENTER),
            Column("kode", "Kode", 8, fmt=layout.TEXT, align=layout.CENTER),
            Column("nama", "Kabupaten/Kota", 26)]
    if kind == "capaian":
        return [*lead, *capaian.measure_columns(layout), Column("sumber", "Sumber Wajib KTP", 12)]
    stock = [dataclasses.replace(c, total="sum") if c.key == "awal" else c for c in blangko.stock_columns(layout)]
    return [*lead, *stock, Column("destroyed", "Blangko Rusak Dimusnahkan", 12, layout.INT, "sum"),
            Column("withdrawn", "KTP-el Lama Ditarik Dimusnahkan", 12, layout.INT, "sum")]


def _values(number: int, recap: Recap) -> dict:
    values = {"no": number, "kode": recap.regency.code, "nama": recap.regency.name, **recap.numbers}
    if recap.kind == "capaian":
        values.update(target=recap.target, sumber={"register": "register", "impor": "impor"}.get(recap.source, "-"))
    return values


def write(rollup: Rollup, out_dir: Path | str, *, letter: Letterhead | None = None) -> Path:
    """Write the province's table into ``out_dir`` and return the file's path: written under a
    temporary name, then given ``file_name`` or its first free numbered name (never over an
    earlier file), readable only by the app's account."""
    from openpyxl import Workbook

    from dukcapil_tui import files, spool
    from dukcapil_tui.reports import layout

    spool.install()
    folder = files.ensure_folder(out_dir)

    def write_to(partial: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        ws = wb.create_sheet("Kabupaten-Kota")
        table = layout.Table(ws, _columns(layout, rollup.kind), layout.Heading(TITLES[rollup.kind], rollup.label,
                                                                                _notes(rollup)),
                             letter or letterhead(rollup), freeze_columns=3, label_key="nama")
        for number, recap in enumerate(rollup.recaps, start=1):
            table.add(_values(number, recap))
        targets = {r.target for r in rollup.recaps}
        shared = {"target": targets.pop()} if rollup.kind == "capaian" and len(targets) == 1 else {}
        if rollup.kind == "capaian" and not shared:
            shared = {"target": None, "selisih": None}  # offices with different targets: no single gap
        table.total(values=shared)
        table.signature()
        wb.save(partial)

    target, _ = files.write_new(folder / file_name(rollup), write_to)
    return target
