"""``dukcapil outage``: the outage log (network cuts, central-server blocks, power cuts, device
failures) of the whole office or one recording site."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, cli_actor, open_db, pass_state

KINDS = ("network", "central", "power", "device")
MOMENT = "DD-MM-YYYY HH:MM"


@click.group("outage")
def outage_group() -> None:
    """The outage log: record an outage, list them, end one."""


@outage_group.command("add")
@click.option("--kind", required=True, type=click.Choice(KINDS),
              help="network (cut), central (server blocked), power (cut), device (failure).")
@click.option("--site", default="", help="The recording site (e.g. UPT-PUJUT); default: the whole office.")
@click.option("--start", "started", default=None, metavar=MOMENT, help="When it began, office time (default: now).")
@click.option("--end", "ended", default=None, metavar=MOMENT, help="When it ended, if it is over already.")
@click.option("--note", default="", help="What happened (at most 300 characters).")
@pass_state
def add_cmd(state: State, kind: str, site: str, started: str | None, ended: str | None, note: str) -> None:
    """Record an outage (any user on duty)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import outages

    open_db(state)
    actor = cli_actor(state)
    row = outages.add(actor, {"kind": kind, "site": site, "started": started, "ended": ended, "note": note})
    click.echo(t("cli.outage.added", id=row.id, kind=t(f"outage.kind.{row.kind}"),
                 scope=outages.describe_scope(row.site_code),
                 started=outages.when(row.started_at)))


@outage_group.command("end")
@click.argument("outage_id")
@click.option("--at", "ended", default=None, metavar=MOMENT, help="When it ended, office time (default: now).")
@click.option("--note", default="", help="How it was resolved.")
@pass_state
def end_cmd(state: State, outage_id: str, ended: str | None, note: str) -> None:
    """End the open outage OUTAGE_ID."""
    from dukcapil_tui.domain.formatting import format_decimal
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import outages

    open_db(state)
    row = outages.end(cli_actor(state), outage_id, {"ended": ended, "note": note})
    hours = (row.ended_at - row.started_at).total_seconds() / 3600
    click.echo(t("cli.outage.ended", id=row.id, ended=outages.when(row.ended_at), hours=format_decimal(hours, 1)))


@outage_group.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only the outages still open.")
@pass_state
def list_cmd(state: State, open_only: bool) -> None:
    """The outages, newest first, with their length and the recordings they left unsent."""
    from dukcapil_tui.domain.formatting import format_decimal, format_int
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import outages

    open_db(state)
    rows = outages.list_outages(open_only=open_only)
    if not rows:
        click.echo(t("cli.outage.none"))
        return
    click.echo(t("cli.outage.header"))
    for row in rows:
        ended = outages.when(row.ended_at) if row.ended_at else t("outage.open")
        scope = outages.describe_scope(row.site_code)[:15]
        click.echo(f"{row.id:<5} {t(f'outage.kind.{row.kind}')[:23]:<23} {scope:<15} "
                   f"{outages.when(row.started_at):<20} {ended:<20} {format_decimal(row.hours, 1):>7}  "
                   f"{format_int(row.unsent):>14}  {row.note}")
