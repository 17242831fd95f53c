"""``dukcapil blangko …``: the blank-card stock from the command line."""

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
from dukcapil_tui.domain.formatting import format_date, format_decimal, format_int, format_signed


# A quantity typed as "-5" is an argument to refuse with the service's message, not an unknown option.
QUANTITY = {"ignore_unknown_options": True}


@click.group("blangko")
def blangko_group() -> None:
    """The blank-card (blangko) stock: balance and forecast, receipts."""


@blangko_group.command("balance")
@pass_state
def balance_cmd(state: State) -> None:
    """Print the stock, blanks used per working day (last 14 days), the days it lasts, the
    shortfall against the cards ready to print, and a warning under the reorder threshold."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko

    open_db(state)
    f = blangko.forecast()
    click.echo(t("cli.blangko.balance", stock=format_int(f.balance)))
    click.echo(t("cli.blangko.rate", rate=format_decimal(f.prints_per_day, 1)))
    if f.days_left is None:
        click.echo(t("cli.blangko.days_left_unknown"))
    else:
        click.echo(t("cli.blangko.days_left", days=format_decimal(f.days_left, 1)))
    click.echo(t("cli.blangko.ready", ready=format_int(f.ready_to_print), shortfall=format_int(f.shortfall)))
    if f.below_threshold:
        click.echo(t("cli.warning") + ": " + t("blangko.below_threshold", stock=format_int(f.balance),
                                               threshold=format_int(f.threshold)))


@blangko_group.command("receive", context_settings=QUANTITY)
@click.argument("quantity")
@click.option("--document", "document_no", default="", metavar="NO",
              help="Number of the delivery document (surat pengantar / BAST).")
@click.option("--source", default="", metavar="TEXT", help="Who sent the blanks (e.g. Ditjen Dukcapil).")
@click.option("--note", default="", help="A note kept with the movement.")
@click.option("--request", "request_id", default=None, metavar="N",
              help="The blank request (see `blangko requests`) this lot delivers.")
@date_option
@confirm_option
@pass_state
def receive_cmd(state: State, quantity: str, document_no: str, source: str, note: str, request_id: str | None,
                day_text: str | None, confirmed: bool) -> None:
    """Record a lot of QUANTITY blanks received (1000 or 1.000), with its document number,
    dated --date (default today; a locked day refuses it)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko

    day = parse_day(day_text)
    open_db(state)
    movement = blangko.receive(cli_actor(state), quantity, document_no, source, note=note, day=day,
                               confirmed=confirmed, request_id=request_id)
    click.echo(t("cli.blangko.received", quantity=format_int(movement.quantity), document=movement.reference,
                 stock=format_int(blangko.balance())))


@blangko_group.command("loan", context_settings=QUANTITY)
@click.argument("direction", type=click.Choice(["in", "out", "returned"]))
@click.argument("quantity")
@click.option("--office", required=True, metavar="TEXT", help="The other office (dipinjam dari / dipinjamkan ke).")
@click.option("--reference", default="", metavar="NO", help="The loan letter's number.")
@click.option("--note", default="", help="A note kept with the movement.")
@date_option
@confirm_option
@pass_state
def loan_cmd(state: State, direction: str, quantity: str, office: str, reference: str, note: str,
             day_text: str | None, confirmed: bool) -> None:
    """Record blanks borrowed from (in) or lent to (out) another office, or blanks lent earlier
    that come back (returned), dated --date (default today; a locked day refuses it)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko

    day = parse_day(day_text)
    open_db(state)
    if direction == "returned":
        movement = blangko.returned(cli_actor(state), quantity, office, reference, note, day=day)
    else:
        movement = blangko.loan(cli_actor(state), direction, quantity, office, reference, note, day=day,
                                confirmed=confirmed)
    click.echo(
        t(
            "cli.blangko.loaned",
            kind=t(f"blangko.kind.{movement.kind}"),
            quantity=format_int(abs(movement.quantity)),
            office=movement.source,
            stock=format_int(blangko.balance()),
        )
    )


@blangko_group.command("count", context_settings=QUANTITY)
@click.argument("counted")
@click.option("--note", default="", help="A note kept with the count.")
@confirm_option
@pass_state
def count_cmd(state: State, counted: str, note: str, confirmed: bool) -> None:
    """Record a stock count (opname) of COUNTED blanks; the head approves the adjustment."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko

    open_db(state)
    count = blangko.record_count(cli_actor(state), counted, note, confirmed=confirmed)
    click.echo(t("cli.blangko.counted", number=count.id, counted=format_int(count.counted),
                 computed=format_int(count.computed), variance=format_signed(count.counted - count.computed)))


@blangko_group.command("ledger")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 10_000), help="How many entries.")
@pass_state
def ledger_cmd(state: State, limit: int) -> None:
    """Print the newest ledger entries with their numbers (what `blangko correct` takes)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko, blangko_corrections, ledger_view

    open_db(state)
    movements = blangko.movements_page(None, limit)
    corrected = blangko_corrections.corrected_ids([m.id for m in movements])
    for m in movements:
        click.echo(f"#{m.id:<6} {format_date(m.day)}  {t(f'blangko.kind.{m.kind}'):<20} "
                   f"{format_signed(m.quantity):>8}  {ledger_view.reference(m, m.id in corrected)}")


@blangko_group.command("correct", context_settings=QUANTITY)
@click.argument("entry")
@click.argument("quantity")
@click.option("--reason", required=True, help="Why the entry is wrong (kept with the correction).")
@confirm_option
@pass_state
def correct_cmd(state: State, entry: str, quantity: str, reason: str, confirmed: bool) -> None:
    """Ask for ledger ENTRY (its number, see `blangko ledger`) to be corrected to QUANTITY
    blanks (0: it should not exist). The head approves with `blangko decide`."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko_corrections

    open_db(state)
    row = blangko_corrections.request(cli_actor(state), entry.lstrip("#"), quantity, reason, confirmed=confirmed)
    click.echo(t("cli.blangko.correction_asked", number=row.id, entry=row.movement_id,
                 quantity=format_int(row.quantity), delta=format_signed(row.delta)))


@blangko_group.command("pending")
@pass_state
def pending_cmd(state: State) -> None:
    """List the stock counts and corrections waiting for the head's decision."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko, blangko_corrections

    open_db(state)
    counts, corrections = blangko.pending_counts(), blangko_corrections.pending()
    for c in counts:
        click.echo("count " + t("blangko.ui.pick_count", number=c.id, counted=format_int(c.counted), user=c.username))
    for c in corrections:
        click.echo("correction " + t("blangko.ui.pick_correction", number=c.id, entry=c.entry,
                                     quantity=format_int(c.quantity), user=c.requested_by) + f" — {c.reason}")
    if not counts and not corrections:
        click.echo(t("cli.blangko.nothing_pending"))


@blangko_group.command("decide")
@click.argument("kind", type=click.Choice(["count", "correction"]))
@click.argument("number", type=int)
@click.option("--approve/--reject", "approve", required=True, help="The head's decision.")
@pass_state
def decide_cmd(state: State, kind: str, number: int, approve: bool) -> None:
    """The head approves or rejects a pending stock count or correction (see `blangko pending`)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko, blangko_corrections

    open_db(state)
    if kind == "count":
        row = blangko.decide_count(cli_actor(state), number, approve)
    else:
        row = blangko_corrections.decide(cli_actor(state), number, approve)
    click.echo(t("cli.blangko.decided", kind=kind, number=number, status=t(f"blangko.count_status.{row.status}"),
                 stock=format_int(blangko.balance())))


@blangko_group.command("request", context_settings=QUANTITY)
@click.argument("quantity")
@click.option("--letter", "letter_no", required=True, metavar="NO", help="The request letter's number.")
@click.option("--to", "addressed_to", default="", metavar="TEXT",
              help="To whom (default: Dinas Dukcapil Provinsi).")
@click.option("--note", default="", help="A note kept with the request.")
@date_option
@confirm_option
@pass_state
def request_cmd(state: State, quantity: str, letter_no: str, addressed_to: str, note: str, day_text: str | None,
                confirmed: bool) -> None:
    """Record a request to the province for QUANTITY blanks (the letter dated --date, default today).
    Receipts that deliver it name it: `blangko receive … --request N`."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko_requests

    day = parse_day(day_text)
    open_db(state)
    row = blangko_requests.request(cli_actor(state), quantity, letter_no, addressed_to, note, day=day,
                                   confirmed=confirmed)
    click.echo(t("cli.blangko.requested", number=row.id, quantity=format_int(row.quantity), letter=row.letter_no,
                 day=format_date(row.day)))


@blangko_group.command("requests")
@click.option("--all", "show_all", is_flag=True, help="Also the requests fully delivered or closed.")
@pass_state
def requests_cmd(state: State, show_all: bool) -> None:
    """List the blank requests: requested, delivered (by the receipts that name them), outstanding."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko_requests

    open_db(state)
    rows = blangko_requests.rows(open_only=not show_all)
    if not rows:
        click.echo(t("cli.blangko.no_requests"))
    for r in rows:
        for line in blangko_requests.describe(r):
            click.echo(line)


@blangko_group.command("close-request")
@click.argument("number", type=int)
@click.option("--reason", required=True, help="Why the rest will not come (kept with the request).")
@pass_state
def close_request_cmd(state: State, number: int, reason: str) -> None:
    """The head closes request NUMBER: what was not delivered is no longer outstanding."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko_requests

    open_db(state)
    row = blangko_requests.close(cli_actor(state), number, reason)
    click.echo(t("cli.blangko.request_closed", number=row.id, letter=row.letter_no))
