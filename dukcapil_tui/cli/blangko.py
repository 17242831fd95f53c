"""``dukcapil blangko …``: the blank-card stock from the command line."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, cli_actor, confirm_option, open_db, pass_state, report_service_error


@click.group("blangko")
def blangko_group() -> None:
    """The blank-card (blangko) stock: balance and forecast, receipts."""


@blangko_group.command("balance")
@pass_state
def balance_cmd(state: State) -> None:
    """Print the stock, blanks used per working day (last 14 days), the days it lasts, the
    shortfall against the cards ready to print, and a warning under the reorder threshold."""
    from dukcapil_tui.domain.formatting import format_decimal, format_int
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


@blangko_group.command("receive")
@click.argument("quantity")
@click.option("--document", "document_no", default="", metavar="NO",
              help="Number of the delivery document (surat pengantar / BAST).")
@click.option("--source", default="", metavar="TEXT", help="Who sent the blanks (e.g. Ditjen Dukcapil).")
@click.option("--note", default="", help="A note kept with the movement.")
@confirm_option
@pass_state
def receive_cmd(state: State, quantity: str, document_no: str, source: str, note: str, confirmed: bool) -> None:
    """Record a lot of QUANTITY blanks received (1000 or 1.000), with its document number."""
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.domain.problems import ValidationError
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko
    from dukcapil_tui.services.context import ServiceError

    open_db(state)
    try:
        movement = blangko.receive(cli_actor(state), quantity, document_no, source, note=note, confirmed=confirmed)
    except (ServiceError, ValidationError) as exc:
        report_service_error(exc)
    click.echo(t("cli.blangko.received", quantity=format_int(movement.quantity), document=movement.reference,
                 stock=format_int(blangko.balance())))


@blangko_group.command("loan")
@click.argument("direction", type=click.Choice(["in", "out"]))
@click.argument("quantity")
@click.option("--office", required=True, metavar="TEXT", help="The other office (dipinjam dari / dipinjamkan ke).")
@click.option("--reference", default="", metavar="NO", help="The loan letter's number.")
@click.option("--note", default="", help="A note kept with the movement.")
@confirm_option
@pass_state
def loan_cmd(state: State, direction: str, quantity: str, office: str, reference: str, note: str,
             confirmed: bool) -> None:
    """Record blanks borrowed from (in) or lent to (out) another office."""
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.domain.problems import ValidationError
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko
    from dukcapil_tui.services.context import ServiceError

    open_db(state)
    try:
        movement = blangko.loan(cli_actor(state), direction, quantity, office, reference, note, confirmed=confirmed)
    except (ServiceError, ValidationError) as exc:
        report_service_error(exc)
    click.echo(t("cli.blangko.loaned", kind=t(f"blangko.kind.{movement.kind}"), quantity=format_int(abs(movement.quantity)),
                 office=movement.source, stock=format_int(blangko.balance())))


@blangko_group.command("count")
@click.argument("counted")
@click.option("--note", default="", help="A note kept with the count.")
@confirm_option
@pass_state
def count_cmd(state: State, counted: str, note: str, confirmed: bool) -> None:
    """Record a stock count (opname) of COUNTED blanks; the head approves the adjustment."""
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.domain.problems import ValidationError
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import blangko
    from dukcapil_tui.services.context import ServiceError

    open_db(state)
    try:
        count = blangko.record_count(cli_actor(state), counted, note, confirmed=confirmed)
    except (ServiceError, ValidationError) as exc:
        report_service_error(exc)
    click.echo(t("cli.blangko.counted", number=count.id, counted=format_int(count.counted),
                 computed=format_int(count.computed), variance=f"{count.counted - count.computed:+d}"))
