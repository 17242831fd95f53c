"""The printing backlog and the blank-card stock from the command line: importing a SIAK status
listing, the stock and its forecast, recording a receipt, and the backlog counts."""

from __future__ import annotations

from pathlib import Path

import click

from dukcapil_tui.cli.common import (
    State,
    cli_actor,
    fail,
    open_db,
    pass_state,
    report_dir_option,
    show_rejections,
)

REJECTED_SHOWN = 50


@click.command("statuses")
@click.argument("file", type=click.Path(dir_okay=False))
@report_dir_option
@pass_state
def import_statuses_cmd(state: State, file: str, report_dir: str | None) -> None:
    """Apply a SIAK listing of central card statuses (CSV or XLSX).

    Columns: NIK and STATUS (also STATUS_KTP, STATUS_CETAK, ...), optional KETERANGAN. Rows
    with an unknown NIK, an unknown status, an impossible change or a NIK already seen in the
    file are reported with their line (and in a CSV report); the rest is applied. Exits 1 when a
    row is rejected.
    """
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.status_import import import_statuses

    if not Path(file).exists():
        fail(t("import.unreadable", path=file, reason=t("cli.file_not_found")))
    open_db(state)
    result = import_statuses(cli_actor(state), file, Path(report_dir) if report_dir else None)
    click.echo(t("cli.status_import.summary", file=Path(file).name, total=result.total, applied=result.applied,
                 unchanged=result.unchanged, rejected=len(result.rejected)))
    if result.rejected:
        show_rejections([t("cli.status_import.rejected_line", line=line, nik=nik or "-", reason=reason)
                         for line, nik, reason in result.rejected], result.report_path, REJECTED_SHOWN)


@click.command("backlog")
@pass_state
def backlog(state: State) -> None:
    """Print the printing backlog (cards not yet handed over) by status, kecamatan, reason and age."""
    from dukcapil_tui.domain.formatting import format_date, format_int
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import regions, settings
    from dukcapil_tui.services.cards import backlog_counts

    open_db(state)
    today = settings.office_today()
    counts = backlog_counts(today)
    names = regions.index()
    total = sum(counts.by_status.values())
    click.echo(t("cli.backlog.title", day=format_date(today), total=format_int(total)))

    def section(title: str, items: list[tuple[str, int]]) -> None:
        click.echo("")
        click.echo(title)
        width = max((len(label) for label, _ in items), default=0)
        for label, number in items:
            click.echo(f"  {label:<{width}}  {format_int(number):>9}")
        if not items:
            click.echo("  -")

    from dukcapil_tui.domain.cards import OPEN_STATUSES as order
    section(t("cli.backlog.by_status"),
            [(t(f"cards.office.{s}"), counts.by_status[s]) for s in order if s in counts.by_status])
    section(t("cli.backlog.by_kecamatan"),
            [(f"{code} {names.name(code)}", n) for code, n in sorted(counts.by_kecamatan.items())])
    section(t("cli.backlog.by_reason"),
            [(t(f"cards.reason.{r}"), n) for r, n in sorted(counts.by_reason.items())])
    section(t("cli.backlog.by_age"), [(label, n) for label, n in counts.by_age.items()])
