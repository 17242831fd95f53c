"""``dukcapil users``: add, list, disable, enable, passwd."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, cli_actor, open_db, pass_state, report_service_error


@click.group()
def users() -> None:
    """Manage the office's user accounts."""


def _password(prompt_for: str, password_file: str | None) -> str:
    from dukcapil_tui.i18n import t

    if password_file:
        with open(password_file, encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n")
    return click.prompt(f"{t('login.password')} ({prompt_for})", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice(["admin", "loket", "cetak", "blangko"]), required=True)
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the password from this file's first line.",
)
@pass_state
def add(state: State, username: str, full_name: str, role: str, password_file: str | None) -> None:
    """Create a user."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import users as service

    open_db(state)
    actor = cli_actor(state)
    password = _password(username, password_file)
    user = service.create_user(actor, username, full_name, role, password)
    click.echo(t("user.created", username=user.username, role=user.role))


@users.command("list")
@pass_state
def list_(state: State) -> None:
    """List users with role and status."""
    from dukcapil_tui.domain.formatting import format_datetime
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings
    from dukcapil_tui.services import users as service
    from dukcapil_tui.services.context import now_utc

    from dukcapil_tui.services.context import PermissionDenied, require_role

    open_db(state)
    try:
        require_role(cli_actor(state), "action.manage_users", "admin")
    except PermissionDenied as exc:
        report_service_error(exc)
    zone = settings.office_timezone()
    now = now_utc()
    click.echo(f"{t('user.list_header'):<16} {t('user.col.role'):<8} {t('user.col.status'):<12} {t('user.col.name')}")
    for user in service.list_users():
        if not user.active:
            status = t("user.status_disabled")
        elif user.locked_until and user.locked_until > now:
            status = t("user.status_locked", until=format_datetime(user.locked_until, zone))
        else:
            status = t("user.status_active")
        click.echo(f"{user.username:<16} {user.role:<8} {status:<12} {user.full_name}")


def _set_active(state: State, username: str, active: bool) -> None:
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import users as service

    open_db(state)
    service.set_active(cli_actor(state), username, active)
    click.echo(t("user.enabled" if active else "user.disabled", username=username))


@users.command("disable")
@click.argument("username")
@pass_state
def disable(state: State, username: str) -> None:
    """Disable a user (they can no longer log in; their history stays)."""
    _set_active(state, username, False)


@users.command("enable")
@click.argument("username")
@pass_state
def enable(state: State, username: str) -> None:
    """Enable a disabled user again."""
    _set_active(state, username, True)


@users.command("passwd")
@click.argument("username")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the new password from this file's first line.",
)
@pass_state
def passwd(state: State, username: str, password_file: str | None) -> None:
    """Set a new password (also unlocks a locked account)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import users as service

    open_db(state)
    actor = cli_actor(state)
    password = _password(username, password_file)
    service.set_password(actor, username, password)
    click.echo(t("user.password_changed", username=username))
