"""``dukcapil device``: the device register (recording sets and their parts, card printers) and
the dated events of each: broken, sent for repair, back in service."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, cli_actor, open_db, pass_state

KINDS = ("recording_set", "camera", "fingerprint", "iris", "signature_pad", "pc", "card_printer")


def _day_option(func):
    return click.option("--date", "day", default=None, metavar="DD-MM-YYYY", help="The day (default: today).")(func)


def _note_option(func):
    return click.option("--note", default="", help="A note (at most 300 characters).")(func)


@click.group("device")
def device_group() -> None:
    """The device register: add devices, list them, record them broken, sent for repair, repaired."""


@device_group.command("add")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--serial", default="", help="The serial number.")
@click.option("--site", default="", help="The recording site (default: the Dinas).")
@click.option("--set", "parent", default="", help="For a part: the number or serial of its recording set.")
@click.option("--name", default="", help="A name or description.")
@_day_option
@pass_state
def add_cmd(state: State, kind: str, serial: str, site: str, parent: str, name: str, day: str | None) -> None:
    """Register a device of KIND (admin)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import devices

    open_db(state)
    device = devices.add(cli_actor(state), {"kind": kind, "serial": serial, "site": site, "set": parent,
                                            "name": name, "day": day})
    click.echo(t("cli.device.added", device=devices.label(device)))


def _event_command(name: str, event: str, help_text: str, repair: bool = False):
    @click.argument("device")
    @_day_option
    @_note_option
    @pass_state
    def command(state: State, device: str, day: str | None, note: str, place: str = "", document: str = "") -> None:
        from dukcapil_tui.i18n import t
        from dukcapil_tui.services import devices

        open_db(state)
        row = devices.record(cli_actor(state), device, event, {"day": day, "note": note, "place": place,
                                                               "document": document})
        shown = day or t("cli.device.today")
        click.echo(t("cli.device.recorded", device=devices.label(row), event=t(f"device.event.{event}"), day=shown))

    command.__doc__ = help_text
    if repair:
        command = click.option("--document", default="", help="The hand-over document's number.")(command)
        command = click.option("--to", "place", required=True, help="Where it was sent (e.g. the province's Dinas).")(
            command)
    return device_group.command(name)(command)


_event_command("broken", "broken", "Record DEVICE (number or serial) broken.")
_event_command("sent", "sent_for_repair", "Record DEVICE sent for repair (--to where, --document).", repair=True)
_event_command("repaired", "repaired", "Record DEVICE back in service.")


@device_group.command("list")
@click.option("--site", default=None, help="Only this site's devices.")
@click.option("--broken", "out_only", is_flag=True, help="Only the devices out of service.")
@pass_state
def list_cmd(state: State, site: str | None, out_only: bool) -> None:
    """The register by site, each device with its status and since when."""
    from dukcapil_tui.domain.formatting import format_date, format_percent
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import devices

    open_db(state)
    rows = devices.list_devices(site, out_only)
    if not rows:
        click.echo(t("cli.device.none"))
        return
    click.echo(t("cli.device.header"))
    for row in rows:
        kind = ("  " if row.set_id else "") + t(f"device.kind.{row.kind}")
        note = f"{row.place} {row.document}".strip() if row.status == "in_repair" else row.name
        click.echo(f"{row.id:<5} {kind[:21]:<21} {row.serial[:20] or '-':<20} {row.site_code[:15]:<15} "
                   f"{t(f'device.status.{row.status}'):<17} {format_date(row.since):<11} {note}")
    out = sum(1 for r in rows if r.out)
    click.echo(t("cli.device.summary", total=len(rows), out=out, share=format_percent(out, len(rows), 1)))
