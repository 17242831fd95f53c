"""``dukcapil handling``: residents' special handling notes (a name that may not be spoken,
recording at home for the bedridden, another note)."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, cli_actor, open_db, pass_state


@click.group("handling")
def handling_group() -> None:
    """Special handling notes on a resident: add, list, end."""


@handling_group.command("add")
@click.argument("nik")
@click.option("--kind", required=True, type=click.Choice(("name_unspoken", "home_recording", "other")),
              help="name_unspoken (the name may not be spoken), home_recording (bedridden), other.")
@click.option("--note", default="", help="The note (required for other; at most 300 characters).")
@pass_state
def add_cmd(state: State, nik: str, kind: str, note: str) -> None:
    """Add a note to the resident NIK (admin, loket)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import handling

    open_db(state)
    row = handling.add(cli_actor(state), nik, {"kind": kind, "note": note})
    text = next(n.text for n in handling.notes_for(nik) if n.id == row.id)
    click.echo(t("cli.handling.added", id=row.id, text=text))


@handling_group.command("list")
@click.argument("nik")
@click.option("--all", "show_all", is_flag=True, help="Also the notes that have ended.")
@pass_state
def list_cmd(state: State, nik: str, show_all: bool) -> None:
    """The resident's handling notes (admin, loket: the list names the note, never the name)."""
    from dukcapil_tui.domain.formatting import format_datetime
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import handling, settings
    from dukcapil_tui.services.context import require_role

    open_db(state)
    require_role(cli_actor(state), "action.handling", *handling.ROLES)
    rows = handling.notes_for(nik, open_only=not show_all)
    if not rows:
        click.echo(t("cli.handling.none"))
    zone = settings.office_timezone()
    for row in rows:
        ended = t("cli.handling.ended_mark", at=format_datetime(row.ended_at, zone)) if row.ended_at else ""
        click.echo(t("cli.handling.row", id=row.id, text=row.text, by=row.created_by,
                     at=format_datetime(row.created_at, zone), ended=ended))


@handling_group.command("end")
@click.argument("note_id")
@click.option("--reason", required=True, help="Why it no longer applies.")
@pass_state
def end_cmd(state: State, note_id: str, reason: str) -> None:
    """End the handling note NOTE_ID (admin, loket)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import handling

    open_db(state)
    row = handling.end(cli_actor(state), note_id, reason)
    click.echo(t("cli.handling.ended", id=row.id))
