"""Shared pieces of the command line: state, options, opening the database, messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from dukcapil_tui import config as configmod
from dukcapil_tui import i18n, paths
from dukcapil_tui.files import os_reason


@dataclass
class State:
    db_option: str | None = None
    config: configmod.Config = field(default_factory=configmod.load)
    user: str | None = None  # --user: the app user commands that write run as
    password_file: str | None = None  # --password-file: that user's password, first line
    actor: object | None = None  # the logged-in Actor, once ``cli_actor`` checked the password

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
    from dukcapil_tui.services.office_state import database_exists, is_initialised

    path = path or state.db_path
    if not database_exists(path):  # an empty file is no database either: never migrate it here
        fail(t("app.no_database", path=dbmod.shown(path)) + _demo_hint(path))
    try:
        database = dbmod.open_database(path, backup_dir=paths.backup_dir())
    except dbmod.DatabaseError as exc:
        fail(str(exc))
    from dukcapil_tui.services.db_copy_tables import unfinished_copy

    pending = unfinished_copy()
    if pending is not None:  # a half-copied office: never worked on, or the copy could not finish
        fail(t("dbcopy.unfinished", place=dbmod.shown(path), source=pending))
    if not is_initialised():
        fail(t("db.not_initialised", path=dbmod.shown(path)))
    return database


def _demo_hint(missing: Path) -> str:
    """After ``dukcapil demo`` the office's own database does not exist yet: say exactly what to
    type to run the same command on the demo office."""
    from dukcapil_tui.i18n import t

    demo = paths.demo_db_path()
    if not demo.exists() or Path(missing) == demo:
        return ""
    import shlex
    import sys

    if Path(sys.argv[0]).name == "dukcapil":  # the command as typed, with --db in front
        words = _without_db_option(sys.argv[1:])
        return "\n" + t("app.demo_hint", command=shlex.join(["dukcapil", "--db", str(demo), *words]))
    words = click.get_current_context().command_path.split()[1:]
    return "\n" + t("app.demo_hint", command=" ".join(["dukcapil", "--db", str(demo), *words, "…"]))


def _without_db_option(words: list[str]) -> list[str]:
    """The command's words without ``--db PATH`` / ``--db=PATH`` (the hint puts its own)."""
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--db":
            skip = True
        elif not word.startswith("--db="):
            kept.append(word)
    return kept


def login_options(func):
    """``--user`` and ``--password-file`` of the root command (before the subcommand)."""
    func = click.option("--password-file", "password_file", type=click.Path(dir_okay=False),
                        envvar="DUKCAPIL_PASSWORD_FILE",
                        help="Read the --user password from the first line of this file (scripts; keep it 0600).")(func)
    return click.option("--user", "user", metavar="NAME", envvar="DUKCAPIL_USER",
                        help="The app user a command that writes or exports runs as (the password is asked).")(func)


def cli_actor(state: State):
    """The app user a command runs as, after checking their password: the one place the command
    line logs in. Commands that write, or that export personal data, call it after ``open_db``;
    without ``--user`` they are refused with a message that says how to log in. The services
    apply the same roles as in the TUI. The workstation is the one this folder's enrolment
    proves (``services.workstations``)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.users import authenticate

    if state.actor is None:
        if not state.user:
            fail(t("cli.login_needed"))
        password = _login_password(state)
        result = authenticate(state.user, password, state.workstation)
        if not result.ok:
            fail(result.message)
        state.actor = result.actor
        from dukcapil_tui.services import backups

        backups.record_migration_copies(state.actor)
    return state.actor


def _login_password(state: State) -> str:
    from dukcapil_tui.i18n import t

    if state.password_file:
        path = Path(state.password_file)
        try:
            text = path.read_text(encoding="utf-8")
            mode = path.stat().st_mode & 0o777
        except OSError as exc:
            fail(t("cli.password_file_unreadable", path=state.password_file, reason=os_reason(exc)))
        if mode & 0o077:
            click.echo(t("cli.password_file_open", path=path, mode=f"{mode:04o}"), err=True)
        return text.splitlines()[0] if text else ""
    import getpass
    import warnings

    with warnings.catch_warnings():  # a password piped in: no note about the terminal's echo
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        return click.prompt(f"{t('login.password')} ({state.user})", hide_input=True, err=True)


class RefusalGroup(click.Group):
    """The one place the command line turns a refusal into a message and an exit code: any
    ``Refusal`` (a broken rule, a refused operation, an unusable file) raised by a command
    under this group is printed on stderr in the user's language and exits with 2."""

    def invoke(self, ctx: click.Context):
        from dukcapil_tui.domain.problems import Refusal

        try:
            return super().invoke(ctx)
        except Refusal as exc:
            report_service_error(exc)


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
    """The flag with which a command goes on with what the service finds unusual."""
    return click.option(CONFIRM_FLAG, "confirmed", is_flag=True,
                        help="Go on even when the input is unusual (a number above the plausible maximum of the "
                             "office settings, work needing the central link while it is down); without it such "
                             "input is refused with a message.")(func)


DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d")


def date_option(func):
    """``--date DD-MM-YYYY``: the day a command reads or the day a write is dated on (back-dated
    writes are refused on a locked day)."""
    return click.option("--date", "day_text", metavar="DD-MM-YYYY",
                        help="The day (DD-MM-YYYY or YYYY-MM-DD; default: today in office time).")(func)


def parse_day(text: str | None):
    """The day given on the command line (None: today, known once the database is open)."""
    if text is None:
        return None
    from datetime import datetime

    from dukcapil_tui.i18n import t

    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    fail(t("queue.cli.bad_date", value=text))
