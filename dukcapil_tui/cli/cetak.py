"""The printing backlog and the blank-card stock from the command line: importing a SIAK status
listing, the stock and its forecast, recording a receipt, and the backlog counts."""

from __future__ import annotations

from pathlib import Path

import click

from dukcapil_tui.cli.common import (
    State,
    cli_actor,
    confirm_option,
    fail,
    open_db,
    parse_day,
    pass_state,
    report_dir_option,
    show_rejections,
)

REJECTED_SHOWN = 50


@click.command("statuses")
@click.argument("file", type=click.Path(dir_okay=False))
@report_dir_option
@confirm_option
@pass_state
def import_statuses_cmd(state: State, file: str, report_dir: str | None, confirmed: bool) -> None:
    """Apply a SIAK listing of central card statuses (CSV or XLSX).

    Columns: NIK and STATUS (also STATUS_KTP, CURRENT_STATUS, ...), optional KETERANGAN; for a
    NIK with no card here (recorded at a kecamatan site, another office, before the app) the
    card is created, with TGL_REKAM, LOKASI_REKAM and ALASAN when given, and a NIK the register
    does not hold takes the row's NAMA and desa (KODE_DESA or NO_PROP..NO_KEL). Rows with an
    unknown status, an impossible change, a NIK without a name or a NIK already seen in the
    file are reported with their line (and in a CSV report); the rest is applied. Exits 1 when
    a row is rejected. While a network cut or central block is open (``dukcapil outage``) it
    is refused unless --confirm-unusual is given. See docs/import.md.
    """
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.status_import import import_statuses

    if not Path(file).exists():
        fail(t("import.unreadable", path=file, reason=t("report.file_not_found")))
    open_db(state)
    result = import_statuses(cli_actor(state), file, Path(report_dir) if report_dir else None,
                             confirmed=confirmed)
    click.echo(t("cli.status_import.summary", file=Path(file).name, total=result.total, applied=result.applied,
                 created=result.created, residents=result.residents_created, unchanged=result.unchanged,
                 rejected=len(result.rejected)))
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
    _unsent(today, names)


def _unsent(today, names) -> None:
    """Unsent recordings by site and by kecamatan, aged, with the records at the centre apart."""
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import unsent

    counts = unsent.counts(today)

    def table(title: str, rows: list[tuple[str, unsent.Waiting]]) -> None:
        click.echo("")
        click.echo(title)
        width = max([len(label) for label, _ in rows] + [len(t("backlog.total"))])
        head = "".join(f"{b:>8}" for b in unsent.BUCKETS)
        click.echo(f"  {'':<{width}}{head}{t('cli.backlog.unsent_header'):>16}{t('cli.backlog.centre_header'):>10}")
        for label, row in [*rows, (t("backlog.total"), _sum(row for _, row in rows))]:
            cells = "".join(f"{format_int(row.unsent[b]):>8}" for b in unsent.BUCKETS)
            click.echo(f"  {label:<{width}}{cells}{format_int(row.unsent_total):>16}{format_int(row.at_centre):>10}")

    table(t("cli.backlog.unsent_by_site"),
          [(code or t("site.unknown_site"), row)
           for code, row in sorted(counts.by_site.items(), key=lambda item: item[0] or "~")])
    table(t("cli.backlog.unsent_by_kecamatan"),
          [(f"{code} {names.name(code)}", row) for code, row in sorted(counts.by_kecamatan.items())])


def _sum(rows):
    from dukcapil_tui.services.unsent import Waiting

    whole = Waiting()
    for row in rows:
        for bucket, count in row.unsent.items():
            whole.unsent[bucket] += count
        whole.at_centre += row.at_centre
    return whole


@click.command("mark-sent")
@click.option("--site", required=True, help="The recording site whose recordings were sent (e.g. UPT-PUJUT).")
@click.option("--until", "until_text", required=True, metavar="DD-MM-YYYY",
              help="The last recording day sent (DD-MM-YYYY or YYYY-MM-DD).")
@click.option("--since", "since_text", metavar="DD-MM-YYYY", help="The first recording day sent (default: all before).")
@confirm_option
@pass_state
def mark_sent(state: State, site: str, until_text: str, since_text: str | None, confirmed: bool) -> None:
    """Mark a site's unsent recordings (BIO CAPTURED) made up to a day as sent to the centre
    (SENT FOR ENROLLMENT), in one go; a SIAK status listing marks them one by one."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import unsent

    until, since = parse_day(until_text), parse_day(since_text)
    open_db(state)
    count = unsent.mark_sent(cli_actor(state), site, until, since, confirmed=confirmed)
    click.echo(t("cli.mark_sent.done", count=count, site=site.strip().upper()))
