"""The head's day from the command line: ``dukcapil status`` (the dashboard), ``dukcapil day
review|lock|unlock``, ``dukcapil suket issue|renew|list`` and ``dukcapil report sent|deadlines``."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import (
    State,
    cli_actor,
    confirm_option,
    date_option,
    open_db,
    parse_day,
    pass_state,
)


@click.command("status")
@pass_state
def status(state: State) -> None:
    """Print the head's dashboard: the queue now, today's recordings by site, the backlog by
    stage, blanks against print-ready cards, Suket, reports due and late, days not locked.
    Lines starting with "!" need attention."""
    from dukcapil_tui.domain.formatting import format_datetime
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import context, dashboard, settings

    open_db(state)
    click.echo(t("cli.status.title", at=format_datetime(context.now_utc(), settings.office_timezone())))
    for tile in dashboard.snapshot():
        click.echo("")
        click.echo(f"{tile.title}: {tile.value}")
        for line in tile.lines:
            click.echo(f"  {line}")
        for alert in tile.alerts:
            click.echo(f"! {alert}")


# --- the day ----------------------------------------------------------------------------------

@click.group("day")
def day_group() -> None:
    """The head's end of day: review a day, lock it, unlock it (admin, with a reason)."""


def _day_argument(func):
    return click.argument("day_text", metavar="[DATE]", required=False)(func)


@day_group.command("review")
@_day_argument
@pass_state
def review_cmd(state: State, day_text: str | None) -> None:
    """Print the review of DATE (DD-MM-YYYY; default today): the queue closed or not,
    recordings by site, print results against the blanks used (a difference is shown),
    handovers, Suket, the lock. Lines starting with "!" stand in the way of a clean lock."""
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import day_review, settings

    day = parse_day(day_text)
    open_db(state)
    day = day or settings.office_today()
    click.echo(t("cli.day.title", day=format_date(day)))
    for part in day_review.sections(day_review.review(day)):
        click.echo("")
        click.echo(part.title)
        for line in part.lines:
            click.echo(f"  {line}")
        for warning in part.warnings:
            click.echo(f"! {warning}")


@day_group.command("lock")
@_day_argument
@confirm_option
@pass_state
def lock_cmd(state: State, day_text: str | None, confirmed: bool) -> None:
    """Lock DATE (default today) after its review: every change dated on it is refused until an
    admin unlocks it. The queue must be closed; prints that do not reconcile with the blanks
    used need --confirm-unusual."""
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import day_review, settings

    day = parse_day(day_text)
    open_db(state)
    day = day or settings.office_today()
    day_review.lock(cli_actor(state), day, confirmed=confirmed)
    click.echo(t("cli.day.locked", day=format_date(day)))


@day_group.command("unlock")
@click.argument("day_text", metavar="DATE")
@click.option("--reason", required=True, help="Why the day must change again (kept in the audit).")
@pass_state
def unlock_cmd(state: State, day_text: str, reason: str) -> None:
    """Lift the lock of DATE (admin only; the reason is audited)."""
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import day_review

    day = parse_day(day_text)
    open_db(state)
    day_review.unlock(cli_actor(state), day, reason)
    click.echo(t("cli.day.unlocked", day=format_date(day)))


# --- Suket ------------------------------------------------------------------------------------

@click.group("suket")
def suket_group() -> None:
    """Suket (surat keterangan pengganti KTP-el): issue, renew, list."""


def _issue_or_renew(state: State, nik: str, out_dir: str | None, renew: bool) -> None:
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import suket
    from dukcapil_tui.services.context import ServiceError

    open_db(state)
    row = (suket.renew if renew else suket.issue)(cli_actor(state), nik)
    try:
        path = suket.save_letter(row, out_dir)
    except ServiceError as exc:  # the Suket stands; its letter can be written again
        raise ServiceError(t("cli.suket.letter_failed", number=row.number, reason=exc)) from None
    common = {"number": row.number, "name": row.resident.name, "until": format_date(row.valid_until), "path": path}
    if renew:
        click.echo(t("cli.suket.renewed", old=row.renews.number, **common))
    else:
        click.echo(t("cli.suket.issued", **common))


_out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False),
                           help="Folder for the letter (default: the exports folder's suket/).")


@suket_group.command("issue")
@click.argument("nik")
@_out_option
@pass_state
def issue_cmd(state: State, nik: str, out_dir: str | None) -> None:
    """Issue a Suket to the recorded resident NIK whose card waits (not printed yet), and write
    the letter to print."""
    _issue_or_renew(state, nik, out_dir, renew=False)


@suket_group.command("renew")
@click.argument("nik")
@_out_option
@pass_state
def renew_cmd(state: State, nik: str, out_dir: str | None) -> None:
    """Renew the Suket of NIK (from a week before it ends, or after): a new letter, the old one
    closed."""
    _issue_or_renew(state, nik, out_dir, renew=True)


@suket_group.command("list")
@click.option("--state", "which", type=click.Choice(["valid", "expiring", "expired"]), default=None,
              help="Only the Suket still valid, ending within a week, or expired.")
@pass_state
def list_cmd(state: State, which: str | None) -> None:
    """List the open Suket (names: needs a login), oldest first: number, NIK, name, issued, valid
    until, state."""
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings, suket
    from dukcapil_tui.services.context import require_role

    open_db(state)
    require_role(cli_actor(state), "action.suket", *suket.SUKET_ROLES)
    today = settings.office_today()
    rows = suket.open_register(today, state=which)
    for r in rows:
        click.echo(f"{r.number:<28} {r.nik}  {r.name:<30} {format_date(r.issued_on)}  "
                   f"{format_date(r.valid_until)}  {t(f'suket.state.{r.state(today)}')}")
    click.echo(t("cli.suket.count", count=len(rows)) if rows else t("cli.suket.none"))


# --- monthly reports sent ---------------------------------------------------------------------

@click.group("report")
def report_group() -> None:
    """Monthly reports sent upward: record one as sent, list the deadlines."""


@report_group.command("sent")
@click.argument("report", type=click.Choice(["capaian", "blangko"]))
@click.argument("month", metavar="YYYY-MM")
@click.option("--via", required=True, type=click.Choice(["email", "aplikasi", "surat", "diantar", "lainnya"]),
              help="How it was sent.")
@click.option("--reference", default="", metavar="TEXT", help="The covering letter's number or proof of sending.")
@click.option("--note", default="", help="A note kept with the record.")
@date_option
@pass_state
def sent_cmd(state: State, report: str, month: str, via: str, reference: str, note: str,
             day_text: str | None) -> None:
    """Record that REPORT of MONTH was sent, on --date (default today), by --via."""
    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import report_deadlines

    day = parse_day(day_text)
    open_db(state)
    row = report_deadlines.record_sent(cli_actor(state), report, month, via=via, sent_on=day,
                                       reference=reference, note=note)
    click.echo(t("deadline.recorded", name=t(f"report.name.{report}"), month=row.period,
                 sent=format_date(row.sent_on), via=t(f"deadline.via.{row.via}")))


@report_group.command("deadlines")
@pass_state
def deadlines_cmd(state: State) -> None:
    """Each monthly report of the last months: sent (on time or late), due soon, late, ahead.
    Exit status 1 when a report is late."""
    from dukcapil_tui.services import report_deadlines, settings

    open_db(state)
    states = report_deadlines.status(settings.office_today())
    for due in states:
        mark = "! " if due.state in ("late", "due") else "  "
        click.echo(mark + report_deadlines.describe(due))
    if any(d.state == "late" for d in states):
        raise SystemExit(1)


__all__ = ["day_group", "report_group", "status", "suket_group"]
