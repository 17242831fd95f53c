"""Excel recaps from the command line: ``dukcapil export``, ``dukcapil target`` and
``dukcapil import wajib-ktp`` (registered into the ``import`` group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dukcapil_tui.cli.common import (
    State,
    cli_actor,
    fail,
    open_db,
    pass_state,
    report_dir_option,
)
from dukcapil_tui.domain.problems import rejected_line

REPORT_NAMES = "capaian|blangko|harian|belum-rekam|menunggu-kartu|backlog"


@click.command("export")
@click.argument("report", metavar=f"[{REPORT_NAMES}]")
@click.option("--date", "date_text", metavar="DD-MM-YYYY",
              help="Day of a daily report (harian, belum-rekam, backlog) or the 'keadaan s.d.' day of capaian. "
                   "Default: today.")
@click.option("--month", "month_text", metavar="YYYY-MM",
              help="Month of a monthly report (blangko, capaian). Default: the running month.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder to write into (default: the exports folder, see `dukcapil locate`).")
@click.option("--wajib-source", type=click.Choice(["auto", "register", "impor"]), default=None,
              help="capaian only: divide by the register's wajib KTP or the imported per-desa figures "
                   "(default auto: the imported figures when there are any).")
@pass_state
def export(state: State, report: str, date_text: str | None, month_text: str | None, out_dir: str | None,
           wajib_source: str | None) -> None:
    """Write an Excel recap and print the file's path.

    REPORT: capaian (coverage per kecamatan and desa), blangko (blank-card use in a month),
    harian (the day's services), belum-rekam (named list of wajib KTP not recorded; audited),
    menunggu-kartu (named list of who waits for a card, since when, with a Suket or not; audited),
    backlog (cards waiting, by status and age). See docs/reports.md.
    """
    from dukcapil_tui import reports
    from dukcapil_tui.i18n import t

    info = reports.report_info(report)
    if wajib_source and info.key != "capaian":
        fail(t("report.wajib_source_capaian_only"))
    open_db(state)
    actor = cli_actor(state)
    reports.require_allowed(report, actor)
    period = reports.parse_period(report, date_text=date_text, month_text=month_text)
    if info.named:
        expected = reports.preview(report, period).rows or 0
        with click.progressbar(length=max(1, expected), label=t("report.exporting", name=info.label),
                               file=sys.stderr) as bar:
            done = [0]

            def progress(written: int, _total: int) -> None:
                bar.update(max(0, min(written, expected) - done[0]))
                done[0] = min(written, expected)

            path = reports.export(report, period, Path(out_dir) if out_dir else None, actor, progress)
    else:
        path = reports.export(report, period, Path(out_dir) if out_dir else None, actor,
                              wajib_source=wajib_source)
    click.echo(str(path))


@click.command("target")
@click.argument("year", required=False)
@click.argument("percent", required=False)
@pass_state
def target(state: State, year: str | None, percent: str | None) -> None:
    """Show or set the yearly recording targets of the capaian recap.

    No argument: every target set. YEAR: that year's target. YEAR PERCENT: set it (e.g.
    `dukcapil target 2026 98` or `97,5`).
    """
    from dukcapil_tui.domain import numbers
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import capaian
    from dukcapil_tui.services.context import ServiceError

    open_db(state)

    def shown(value: float) -> str:
        return f"{value:g}".replace(".", ",")

    if year and percent:
        chosen = capaian.set_target(cli_actor(state), year, percent)
        click.echo(t("capaian.target_set", year=chosen.year, value=shown(chosen.percent)))
    elif year:
        if numbers.whole_in(year, 2000, 2100, thousands=False) is None:
            raise ServiceError(t("capaian.bad_year", year=year))
        found = capaian.target_for(int(year))
        click.echo(t("capaian.target_line", year=found.year, value=shown(found.percent))
                   + ("" if found.configured else f" ({t('capaian.default_target')})"))
    else:
        configured = capaian.targets()
        if not configured:
            click.echo(t("capaian.no_targets", value=shown(capaian.DEFAULT_TARGET)))
        for number, value in configured.items():
            click.echo(t("capaian.target_line", year=number, value=shown(value)))


@click.command("wajib-ktp")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--note", default="", help='What the figures are, e.g. "DAK2 semester I 2026" (shown in the recap).')
@click.option("--clear", is_flag=True, help="Remove every imported figure: the recap counts from the register again.")
@report_dir_option
@pass_state
def import_wajib_ktp(state: State, file: str | None, note: str, clear: bool, report_dir: str | None) -> None:
    """Import per-desa wajib KTP counts, the capaian denominator of an incomplete register.

    Columns: KODE_DESA (or NO_PROP/NO_KAB/NO_KEC/NO_KEL), L, P, and optionally JUMLAH (checked).
    All or nothing: any wrong row is listed with its line and nothing is saved (exit 1).
    """
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import capaian

    if bool(file) == bool(clear):
        fail(t("capaian.file_or_clear"))
    if file and not Path(file).exists():
        fail(t("import.unreadable", path=file, reason=t("report.file_not_found")))
    open_db(state)
    actor = cli_actor(state)
    if clear:
        click.echo(t("capaian.cleared", count=capaian.clear_figures(actor)))
        return
    result = capaian.import_figures(actor, file, note=note, report_dir=Path(report_dir) if report_dir else None)
    if result.rejected:
        click.echo(t("capaian.import_refused", count=len(result.rejected), total=result.total), err=True)
        for line, code, reason in result.rejected[:50]:
            click.echo("  " + rejected_line(line, code or "", reason), err=True)
        if len(result.rejected) > 50:
            click.echo(f"  … (+{len(result.rejected) - 50})", err=True)
        click.echo(t("import.report_written", path=result.report_path), err=True)
        raise SystemExit(1)
    click.echo(t("capaian.import_done", desa=result.applied, male=format_int(result.male),
                 female=format_int(result.female), source=capaian.effective_source()))


@click.command("cetak-desa")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--clear", is_flag=True, help="Remove every imported count: the recap counts the app's cards again.")
@report_dir_option
@pass_state
def import_cetak_desa(state: State, file: str | None, clear: bool, report_dir: str | None) -> None:
    """Import SIAK's cumulative printed cards per desa for the capaian recap's "sudah cetak".

    Columns: KODE_DESA (or NO_PROP/NO_KAB/NO_KEC/NO_KEL), SUDAH_CETAK, optional TANGGAL (the day
    SIAK's figure is from; default today). The recap adds the cards printed here after that day.
    All or nothing: any wrong row is listed with its line and nothing is saved (exit 1).
    """
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import cetak_figures

    if bool(file) == bool(clear):
        fail(t("capaian.file_or_clear"))
    if file and not Path(file).exists():
        fail(t("import.unreadable", path=file, reason=t("report.file_not_found")))
    open_db(state)
    actor = cli_actor(state)
    if clear:
        click.echo(t("cetak_figure.cleared", count=cetak_figures.clear_figures(actor)))
        return
    result = cetak_figures.import_figures(actor, file, report_dir=Path(report_dir) if report_dir else None)
    if result.rejected:
        click.echo(t("capaian.import_refused", count=len(result.rejected), total=result.total), err=True)
        for line, code, reason in result.rejected[:50]:
            click.echo("  " + rejected_line(line, code or "", reason), err=True)
        click.echo(t("import.report_written", path=result.report_path), err=True)
        raise SystemExit(1)
    click.echo(t("cetak_figure.done", desa=result.applied, printed=format_int(result.printed)))
