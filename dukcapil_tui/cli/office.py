"""Office set-up and upkeep: locate, init, demo, check, backup, restore."""

from __future__ import annotations

from pathlib import Path

import click

from dukcapil_tui import paths
from dukcapil_tui.cli.common import State, cli_actor, fail, open_db, pass_state


@click.command()
@pass_state
def locate(state: State) -> None:
    """Print where the database, settings, backups, exports and log live."""
    where = paths.locations(state.db_path)
    for label, value in (
        ("database", where.database),
        ("config", where.config),
        ("backups", where.backups),
        ("kept", paths.kept_backup_dir()),
        ("exports", where.exports),
        ("log", where.log),
        ("demo", paths.demo_db_path()),
        ("enrolment", paths.enrolment_file()),
    ):
        click.echo(f"{label:<9} {value}")


def _read_password_file(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    return text.splitlines()[0] if text else ""


@click.command()
@click.option("--office", "office_name", required=True, help='Office name, e.g. "Disdukcapil Kabupaten Lombok Tengah".')
@click.option(
    "--region",
    "region_code",
    required=True,
    help="Kabupaten/kota code (Kemendagri), e.g. 52.02 or 36.73 (any of the 514).",
)
@click.option(
    "--timezone",
    default="Asia/Makassar",
    show_default=True,
    help="Office time zone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura).",
)
@click.option(
    "--admin", "admin_username", default="admin", show_default=True, help="Username of the first administrator."
)
@click.option(
    "--admin-name",
    "admin_full_name",
    default="Administrator",
    show_default=True,
    help="Full name of the first administrator.",
)
@click.option(
    "--admin-password-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the admin password from the first line of this file (for scripts).",
)
@pass_state
def init(state: State, office_name: str, region_code: str, timezone: str, admin_username: str,
         admin_full_name: str, admin_password_file: str | None) -> None:
    """Create an empty office database: schema, regions, settings, first admin."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.office import database_exists, init_office

    path = state.db_path
    if database_exists(path):
        fail(t("db.exists", path=path))
    if admin_password_file:
        password = _read_password_file(admin_password_file)
    else:
        password = click.prompt(t("login.password") + f" ({admin_username})", hide_input=True,
                                confirmation_prompt=True)
    init_office(
        path, office_name=office_name, region_code=region_code, timezone=timezone,
        admin_username=admin_username, admin_full_name=admin_full_name,
        admin_password=password, workstation=state.workstation,
    )
    from dukcapil_tui.services import regions, settings

    index = regions.index()
    region = f"{settings.get('region_name')} ({settings.get('region_code')})"
    click.echo(t("init.done", path=path, office=office_name, region=region, kecamatan=len(index.kecamatan),
                 desa=len(index.desa_codes), admin=admin_username))


@click.command()
@click.option(
    "--residents",
    "resident_count",
    default=20_000,
    show_default=True,
    type=click.IntRange(100, 2_000_000),
    help="How many residents to generate.",
)
@click.option("--fresh", is_flag=True, help="Throw away the demo database and build it anew.")
@click.option(
    "--build-only", is_flag=True, help="Build (or reuse) the demo database, print its path, do not open the TUI."
)
@click.option("--seed", default=20261122, show_default=True, help="Random seed (the same seed gives the same data).")
@pass_state
def demo(state: State, resident_count: int, fresh: bool, build_only: bool, seed: int) -> None:
    """Build (first time) or reopen a demo office database and open the TUI on it."""
    from dukcapil_tui.demo.builder import DEMO_LOGINS, build_demo, demo_is_current
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.office import database_exists

    from dukcapil_tui import db as dbmod

    if state.db_option and dbmod.is_url(state.db_option):
        fail(t("demo.not_on_postgres", url=dbmod.shown(state.db_option)))
    path = Path(state.db_option) if state.db_option else paths.demo_db_path()
    current = demo_is_current(path)
    if not current and path != paths.demo_db_path() and database_exists(path):
        # --db or DUKCAPIL_DB may name the office's real database: never build over it.
        fail(t("demo.not_demo", path=path))
    if fresh or not current:
        with click.progressbar(length=resident_count, label=t("demo.building", path=path)) as bar:
            build_demo(path, residents=resident_count, seed=seed, workstation="DEMO", progress=bar.update)
    else:
        click.echo(t("demo.reusing", path=path))
    click.echo(t("demo.logins"))
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {username:<10} {password:<12} {role}")
    if build_only:
        click.echo(str(path))
        return
    state.db_option = str(path)
    from dukcapil_tui.cli.run import run_tui

    run_tui(state)


@click.command()
@pass_state
def check(state: State) -> None:
    """Run SQLite's integrity check and the app's invariants (the audit and ledger chains among
    them); non-zero exit on problems. Files others may read are listed as warnings."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services.check import run_checks
    from dukcapil_tui.services.check_record import file_warnings

    open_db(state)
    problems = run_checks()
    warnings = file_warnings(state.db_path)
    if warnings:
        click.echo(t("check.warnings", count=len(warnings)))
        for warning in warnings:
            click.echo(f"  - {warning}")
    if problems:
        click.echo(t("check.problems", count=len(problems)))
        for problem in problems:
            click.echo(f"  - {problem}")
        raise SystemExit(1)
    click.echo(t("check.ok"))


@click.command()
@click.option("--to", "directory", type=click.Path(file_okay=False),
              help="Folder for the copy, e.g. a removable disk (default: the backups folder).")
@pass_state
def backup(state: State, directory: str | None) -> None:
    """A verified copy of the live database (safe while others work), rotated 7 daily / 4 weekly /
    12 monthly; admin. Written under a temporary name and renamed once checked."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import backups

    open_db(state)
    target = backups.create(cli_actor(state), backups.MANUAL, Path(directory) if directory else None)
    click.echo(t("backup.done", path=target))


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def restore(state: State, source: str, yes: bool) -> None:
    """Replace the database with a backup copy (admin). Refuses a damaged file, one from another
    office or a newer app, and any restore while another workstation has the database open. The
    current file is kept first in backups/kept."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import backups
    from dukcapil_tui.services.office import database_exists

    target = state.db_path
    backups.check_source(Path(source), target)
    actor = None
    if database_exists(target):
        from dukcapil_tui import db as dbmod

        try:
            dbmod.open_database(target, backup_dir=paths.backup_dir())
        except dbmod.DatabaseError:
            actor = _login_from_backup(state, Path(source))  # the live file is too damaged to log in to
        else:
            actor = cli_actor(state)
    else:
        actor = _login_from_backup(state, Path(source))
    if not yes:
        click.confirm(t("restore.confirm", target=target, source=source), abort=True)
    result = backups.restore(actor, Path(source), target)
    if result.saved:
        click.echo(t("restore.saved_before", path=result.saved))
    click.echo(t("restore.done", target=target, source=source))


def _login_from_backup(state: State, source: Path):
    from dukcapil_tui.cli.common import _login_password
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import backups

    if not state.user:
        fail(t("cli.login_needed"))
    actor = backups.login_from_file(source, state.user, _login_password(state), state.workstation)
    if actor is None:
        fail(t("restore.login_failed"))
    return actor


@click.command("settings")
@click.argument("key", required=False)
@click.argument("value", required=False)
@pass_state
def settings_cmd(state: State, key: str | None, value: str | None) -> None:
    """Show the office settings, one setting, or set one: `dukcapil settings head_name "H. Lalu …"`."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import settings

    open_db(state)
    if key is None:
        values = settings.all_settings()
        for name in ("region_code", "region_name", *settings.EDITABLE):
            click.echo(f"{name:<24} {values.get(name, '')}")
        return
    if value is None:
        if key not in settings.DEFAULTS and key not in settings.EDITABLE:
            fail(t("settings.unknown", name=key, keys=", ".join(settings.EDITABLE)))
        click.echo(settings.get(key))
        return
    stored = settings.put(cli_actor(state), key, value)
    click.echo(t("settings.saved", label=settings.label(key), value=stored))
