"""``dukcapil workstations``: the registry of workstations (list, add, disable, enable, enrol)."""

from __future__ import annotations

from pathlib import Path

import click

from dukcapil_tui.cli.common import State, cli_actor, fail, open_db, pass_state


@click.group("workstations")
def workstations_group() -> None:
    """The office's registered workstations: only these can log in and write."""


@workstations_group.command("list")
@pass_state
def list_cmd(state: State) -> None:
    """List the registered workstations (code, status, name)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import workstations

    open_db(state)
    here = workstations.here().code
    click.echo(f"{t('workstation.list_header'):<18} {t('workstation.col.status'):<10} {t('workstation.col.name')}")
    for row in workstations.list_workstations():
        status = t("user.status_active") if row.active else t("user.status_disabled")
        mark = f" {t('workstation.here')}" if row.code == here else ""
        click.echo(f"{row.code:<18} {status:<10} {row.name}{mark}")


@workstations_group.command("add")
@click.argument("code")
@click.option("--name", default="", help='What and where it is, e.g. "Loket 2, ruang pelayanan".')
@click.option("--enrol-file", "enrol_file", required=True, type=click.Path(dir_okay=False),
              help="Write the new workstation's enrolment (its token and the audit key) to this file.")
@pass_state
def add_cmd(state: State, code: str, name: str, enrol_file: str) -> None:
    """Register workstation CODE (admin) and write the file that enrols it."""
    from dukcapil_tui import enrolment
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings, workstations

    target = Path(enrol_file)
    if target.exists():
        fail(t("enrol.file_exists", path=target))
    open_db(state)
    row, entry = workstations.register(cli_actor(state), code, name)
    path = enrolment.write_transfer_file(entry, target, settings.get("office_name"))
    click.echo(t("workstation.added", code=row.code, path=path))
    click.echo(t("workstation.added_hint", code=row.code))


def _set_active(state: State, code: str, active: bool) -> None:
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import workstations

    open_db(state)
    row = workstations.set_active(cli_actor(state), code, active)
    click.echo(t("workstation.enabled" if active else "workstation.disabled_done", code=row.code))


@workstations_group.command("disable")
@click.argument("code")
@pass_state
def disable_cmd(state: State, code: str) -> None:
    """Disable a workstation (admin): nobody can log in from it any more."""
    _set_active(state, code, False)


@workstations_group.command("enable")
@click.argument("code")
@pass_state
def enable_cmd(state: State, code: str) -> None:
    """Enable a disabled workstation again (admin)."""
    _set_active(state, code, True)


@workstations_group.command("enrol")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_state
def enrol_cmd(state: State, file: str) -> None:
    """Enrol this workstation with the file `workstations add` wrote (no login: the file is the
    admin's authorisation). Delete the file afterwards."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import workstations

    open_db(state)
    code = workstations.enrol_from_file(Path(file))
    click.echo(t("workstation.enrolled", code=code))
