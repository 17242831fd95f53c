"""Shared pieces of the command line: state, options, opening the database, messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from dukcapil_tui import config as configmod
from dukcapil_tui import i18n, paths


@dataclass
class State:
    db_option: str | None = None
    config: configmod.Config = field(default_factory=configmod.load)

    def set_language(self, lang: str | None) -> None:
        i18n.set_language(lang or self.config.language or "id")

    @property
    def db_path(self) -> Path:
        return paths.resolve_db_path(self.db_option or self.config.database or None)

    @property
    def workstation(self) -> str:
        return self.config.workstation_code


pass_state = click.make_pass_decorator(State, ensure=True)


def lang_option(func):
    return click.option(
        "--lang", type=click.Choice(i18n.LANGUAGES), default=None,
        help="Interface language: id (Bahasa Indonesia, default) or en.",
    )(func)


def fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    raise SystemExit(code)


def open_db(state: State, path: Path | None = None):
    """Open the office database or exit with a clear message."""
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.office import database_exists, is_initialised

    path = path or state.db_path
    if not database_exists(path):  # an empty file is no database either: never migrate it here
        fail(t("app.no_database", path=path))
    try:
        database = dbmod.open_database(path, backup_dir=paths.backup_dir())
    except dbmod.DatabaseError as exc:
        fail(str(exc))
    if not is_initialised():
        fail(t("db.not_initialised", path=path))
    return database


def cli_actor(state: State):
    """Command-line work is attributed to the operating-system account on this workstation.

    Whoever can run commands on the office machine can read and write the database file
    anyway, so the command line acts with admin rights; the audit log names the OS account
    (``cli:<account>``) and the workstation.
    """
    import getpass

    from dukcapil_tui.services.context import Actor

    try:
        account = getpass.getuser()
    except (OSError, KeyError):
        account = "unknown"
    return Actor(None, f"cli:{account}", "admin", state.workstation, f"cli:{account}")


def report_service_error(exc: Exception) -> None:
    """Print a refused operation the way the user should read it, then exit non-zero."""
    from dukcapil_tui.domain.problems import ValidationError
    from dukcapil_tui.i18n import t

    from dukcapil_tui.services.context import NeedsConfirmation

    if isinstance(exc, ValidationError):
        lines = [t("error.validation")] + [f"  - {m}" for m in exc.problems.values()]
        fail("\n".join(lines))
    if isinstance(exc, NeedsConfirmation):
        fail(f"{exc}\n{t('cli.confirm_hint', flag=CONFIRM_FLAG)}")
    fail(str(exc))


def report_dir_option(func):
    return click.option("--report-dir", type=click.Path(file_okay=False), default=None,
                        help="Where to write the rejected-rows report (default: the exports folder).")(func)


def show_rejections(lines: list[str], report_path, shown: int = 50) -> None:
    """The first rejected rows, how many more, and the report that lists them all; exit 1."""
    from dukcapil_tui.i18n import t

    for line in lines[:shown]:
        click.echo("  " + line)
    if len(lines) > shown:
        click.echo(f"  … (+{len(lines) - shown})")
    if report_path is not None:
        click.echo(t("import.report_written", path=report_path))
    raise SystemExit(1)


CONFIRM_FLAG = "--confirm-unusual"


def confirm_option(func):
    """The flag with which a command records a number the service finds unusual."""
    return click.option(CONFIRM_FLAG, "confirmed", is_flag=True,
                        help="Record the number even when it is unusual (above the plausible maximum of the "
                             "office settings); without it such a number is refused with a message.")(func)
