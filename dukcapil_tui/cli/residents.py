"""Residents from the command line: reading a NIK, importing a listing."""

from __future__ import annotations

from pathlib import Path

import click

from dukcapil_tui.cli.common import State, cli_actor, fail, open_db, pass_state
from dukcapil_tui.domain.problems import rejected_line


@click.command()
@click.argument("value")
@pass_state
def nik(state: State, value: str) -> None:
    """Print what a NIK says (region, birth date, sex) and any warnings.

    Exits 1 for an invalid NIK. Needs no database: the issuing kecamatan is named (with its
    regency and province) from the bundled Kemendagri list of all Indonesia.
    """
    from datetime import date

    from dukcapil_tui import wilayah
    from dukcapil_tui.domain import nik as nik_rules
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.domain.residents import sex_label
    from dukcapil_tui.i18n import t

    reading = nik_rules.parse(value, today=date.today(), known_kecamatan=wilayah.KNOWN_KECAMATAN)
    click.echo(f"NIK                {reading.nik}")
    if reading.valid:
        place = wilayah.describe_kecamatan(reading.kecamatan_code) or t("nik.unknown_region")
        click.echo(f"{t('nik.region'):<18} {reading.kecamatan_code} {place}")
        click.echo(f"{t('nik.birth_date'):<18} {format_date(reading.birth_date)}")
        click.echo(f"{t('nik.sex'):<18} {sex_label(reading.sex)}")
        click.echo(f"{t('nik.sequence'):<18} {reading.sequence}")
    for problem in reading.errors:
        click.echo(f"{t('nik.error')}: {problem.message}")
    for problem in reading.warnings:
        click.echo(f"{t('nik.warning')}: {problem.message}")
    click.echo(t("nik.valid") if reading.valid else t("nik.invalid"))
    if not reading.valid:
        raise SystemExit(1)


@click.group("import")
def import_group() -> None:
    """Import listings (CSV or XLSX)."""


@import_group.command("residents")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False),
    help="Where to write the rejected-rows report (default: the exports folder).",
)
@pass_state
def import_residents_cmd(state: State, file: str, report_dir: str | None) -> None:
    """Insert or update residents by NIK from a SIAK-like listing.

    Columns: NIK, NAMA, TMPT_LHR, TGL_LHR, JENIS_KLMIN, KODE_DESA, ALAMAT, RT, RW, STAT_KWN,
    STATUS_REKAM (see docs/import.md for accepted names and values).
    """
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings
    from dukcapil_tui.services.resident_import import import_residents

    if not Path(file).exists():
        fail(t("import.unreadable", path=file, reason=t("report.file_not_found")))
    open_db(state)
    actor = cli_actor(state)
    with click.progressbar(length=_estimate_rows(Path(file)), label=t("import.reading", name=Path(file).name)) as bar:
        result = import_residents(actor, file, today=settings.office_today(),
                                  report_dir=Path(report_dir) if report_dir else None, progress=bar.update)
    click.echo(result.summary)
    if result.rejected:
        for r in result.rejected[:20]:
            click.echo("  " + rejected_line(r.line, r.field, r.reason))
        if len(result.rejected) > 20:
            click.echo(f"  … (+{len(result.rejected) - 20})")
        click.echo(t("import.report_written", path=result.report_path))
        raise SystemExit(1)


def _estimate_rows(path: Path) -> int:
    """Data rows, for the progress bar (the import itself does not depend on it)."""
    if path.suffix.lower() == ".csv":
        with path.open("rb") as handle:
            return max(1, sum(1 for _ in handle) - 1)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        rows = workbook.worksheets[0].max_row or 1
        workbook.close()
        return max(1, rows - 1)
    except Exception:  # noqa: BLE001 - a broken file is reported by the import itself
        return 1
