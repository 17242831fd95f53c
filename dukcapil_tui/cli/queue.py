"""The queue (antrian) from the command line: booking lists, closing the day, the day's summary."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from dukcapil_tui.cli.common import (
    State,
    cli_actor,
    date_option,
    open_db,
    parse_day,
    pass_state,
    report_dir_option,
    show_rejections,
)
from dukcapil_tui.domain.problems import rejected_line


@click.command("bookings")
@click.argument("file", type=click.Path(dir_okay=False))
@report_dir_option
@pass_state
def import_bookings_cmd(state: State, file: str, report_dir: str | None) -> None:
    """Book tickets from an online booking list (CSV or XLSX).

    Columns: TANGGAL, NIK, NAMA, LAYANAN (code, ticket prefix or name), JAM (HH:MM). A list
    imported again books nobody twice. All or nothing: the rows are checked first, then booked in
    one transaction. Rejected rows are listed (and written to a CSV report); exits 1 then.
    """
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.bookings import import_bookings

    open_db(state)
    result = import_bookings(cli_actor(state), file, Path(report_dir) if report_dir else None)
    click.echo(t("queue.cli.bookings_done", booked=result.booked, already=result.already,
                 rejected=len(result.rejected)))
    if result.rejected:
        show_rejections([rejected_line(r.line, r.field, r.reason)
                         for r in result.rejected], result.report_path)


@click.group("queue")
def queue_group() -> None:
    """The queue (antrian): close the day, print the day's summary."""


@queue_group.command("close-day")
@date_option
@click.option("--carry-over", is_flag=True,
              help="Carry tickets still open over to the next day instead of closing them.")
@pass_state
def close_day(state: State, day_text: str | None, carry_over: bool) -> None:
    """Close the queue of a day: open tickets are closed (or carried over with --carry-over);
    bookings nobody checked in for are closed either way."""
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings
    from dukcapil_tui.services.context import ServiceError
    from dukcapil_tui.services.queue import end_of_day

    day = parse_day(day_text)
    open_db(state)
    day = day or settings.office_today()
    result = end_of_day(cli_actor(state), day, carry_over)
    click.echo(t("queue.cli.day_closed", day=format_date(day), closed=result.closed,
                 carried=result.carried_over, next_day=format_date(day + timedelta(days=1))))
    from dukcapil_tui.services import backups

    from dukcapil_tui import db as dbmod

    if dbmod.on_postgres():
        click.echo(t("backup.server_side"))
        return
    try:  # the day's work is saved; a failed copy is reported, the day stays closed
        click.echo(t("backup.done", path=backups.create(cli_actor(state), backups.DAY_CLOSE)))
    except ServiceError as exc:
        click.echo(t("backup.auto_failed", reason=exc), err=True)
        raise SystemExit(1) from None


@queue_group.command("summary")
@date_option
@pass_state
def summary(state: State, day_text: str | None) -> None:
    """Print the day per service: tickets, served, failed or referred, no-shows, and the median and 90th
    percentile of waiting and service time in minutes (carried-over tickets left out)."""
    from dukcapil_tui.domain import queue as rules
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings
    from dukcapil_tui.services.queue_stats import day_summary

    day = parse_day(day_text)
    open_db(state)
    day = day or settings.office_today()
    rows = day_summary(day)
    if not rows:
        click.echo(t("queue.cli.summary_empty", day=format_date(day)))
        return
    click.echo(t("queue.cli.summary_title", day=format_date(day)))
    headers = [
        t(f"queue.cli.col.{key}")
        for key in (
            "service",
            "tickets",
            "served",
            "failed",
            "no_show",
            "wait_median",
            "wait_p90",
            "serve_median",
            "serve_p90",
        )
    ]
    table = []
    for row in rows:
        table.append([f"{row.prefix} {row.service_name}", row.tickets, row.served, row.failed, row.no_show,
                      row.waiting_median, row.waiting_p90, row.service_median, row.service_p90])
    waiting = [m for row in rows for m in row.waiting_minutes]
    serving = [m for row in rows for m in row.service_minutes]
    table.append(
        [
            t("queue.cli.total"),
            sum(r.tickets for r in rows),
            sum(r.served for r in rows),
            sum(r.failed for r in rows),
            sum(r.no_show for r in rows),
            rules.percentile(waiting, 0.5),
            rules.percentile(waiting, 0.9),
            rules.percentile(serving, 0.5),
            rules.percentile(serving, 0.9),
        ]
    )
    cells = [headers] + [[row[0]] + [_cell(value) for value in row[1:]] for row in table]
    first = max(len(row[0]) for row in cells)
    widths = [max(len(row[i]) for row in cells) for i in range(1, len(headers))]
    for row in cells:
        click.echo(f"{row[0]:<{first}}  " + "  ".join(f"{value:>{width}}" for value, width in zip(row[1:], widths)))


def _cell(value) -> str:
    from dukcapil_tui.domain.formatting import format_decimal

    if isinstance(value, int):
        return str(value)
    return format_decimal(value, 1)
