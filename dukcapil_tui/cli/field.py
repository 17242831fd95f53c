"""Recording in the field (perekaman keliling): prepare a package at the office, open it on the
laptop, record and register there, seal the result, merge it back at the office."""

from __future__ import annotations

from pathlib import Path

import click

from dukcapil_tui.cli.common import State, cli_actor, fail, open_db, pass_state


@click.group("field")
def field_group() -> None:
    """Perekaman keliling: prepare, open, record, register, status, result, merge."""


@field_group.command("prepare")
@click.option("--desa", "desa_codes", multiple=True, required=True, metavar="KODE",
              help="A desa/kelurahan code (repeat for several), e.g. 52.02.04.2008.")
@click.option("--laptop", required=True, metavar="KODE", help="The laptop's workstation code, e.g. KLL-01.")
@click.option("--site", "site_code", metavar="KODE", help="The recording site of the drive (default: the laptop's).")
@click.option("--out", type=click.Path(dir_okay=False), help="The package file (default: the exports folder).")
@click.option("--key-out", type=click.Path(dir_okay=False), help="The key file (default: beside the package, .kunci).")
@pass_state
def prepare(state: State, desa_codes: tuple[str, ...], laptop: str, site_code: str | None, out: str | None,
            key_out: str | None) -> None:
    """Make a sealed package of the chosen desa for a laptop, and its key file (admin only)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import field_package

    open_db(state)
    actor = cli_actor(state)
    target = Path(out) if out else field_package.default_out("paket-keliling", laptop)
    done = field_package.prepare(actor, list(desa_codes), laptop, target, Path(key_out) if key_out else None,
                                 site_code=site_code)
    click.echo(t("fieldcli.prepared", path=done.path, desa=len(done.desa), residents=done.residents,
                 belum=done.belum_rekam, key_path=done.key_path))


@field_group.command("open")
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The package's key file (.kunci).")
@click.option("--admin", "admin_username", default="admin", show_default=True, help="The field database's first user.")
@click.option("--admin-name", "admin_full_name", default="Petugas Keliling", show_default=True)
@click.option("--admin-password-file", type=click.Path(exists=True, dir_okay=False),
              help="Read that user's password from the first line of this file (for scripts).")
@pass_state
def open_cmd(state: State, package: str, key_file: str, admin_username: str, admin_full_name: str,
             admin_password_file: str | None) -> None:
    """On the laptop: create the field database (--db) from a package and its key."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import field_package
    from dukcapil_tui.services.office import database_exists

    path = state.db_path
    if database_exists(path):
        fail(t("db.exists", path=path))
    field_package.read_package(Path(package), Path(key_file))  # refused before a password is asked
    if admin_password_file:
        text = Path(admin_password_file).read_text(encoding="utf-8")
        password = text.splitlines()[0] if text else ""
    else:
        password = click.prompt(t("login.password") + f" ({admin_username})", hide_input=True,
                                confirmation_prompt=True)
    opened = field_package.open_package(path, Path(package), Path(key_file), admin_username=admin_username,
                                        admin_full_name=admin_full_name, admin_password=password)
    click.echo(t("fieldcli.opened", path=path, laptop=opened.laptop, office=opened.office_name,
                 desa=", ".join(name for _, name in opened.desa), residents=opened.residents,
                 belum=opened.belum_rekam))


@field_group.command("record")
@click.argument("nik")
@click.option("--note", default="", help="A note kept with the recording (e.g. the place).")
@pass_state
def record(state: State, nik: str, note: str) -> None:
    """On the laptop: record a resident's biometrics (same rules as the office's counter)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import field_work

    open_db(state)
    card = field_work.record(cli_actor(state), nik, note)
    click.echo(t("fieldcli.recorded", nik=card.resident.nik, name=card.resident.name, laptop=card.workstation))


@field_group.command("register")
@click.option("--nik", required=True)
@click.option("--name", required=True)
@click.option("--birth-date", required=True, metavar="DD-MM-YYYY")
@click.option("--sex", required=True, type=click.Choice(["L", "P"]))
@click.option("--desa", "desa_code", required=True, metavar="KODE")
@click.option("--marital", "marital_status", default="belum_kawin", show_default=True,
              type=click.Choice(["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"]))
@click.option("--birth-place", default="")
@click.option("--address", default="")
@click.option("--rt", default="")
@click.option("--rw", default="")
@pass_state
def register(state: State, **values: str) -> None:
    """On the laptop: register a newcomer (they travel to the office with the result)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import field_package, residents, settings

    open_db(state)
    actor = cli_actor(state)
    field_package.field_header()
    saved = residents.create(actor, {**values, "recording_status": "belum", "life_status": "hidup"},
                             settings.office_today())
    for warning in saved.warnings:
        click.echo(t("fieldcli.warning", message=getattr(warning, "message", warning)))
    click.echo(t("fieldcli.registered", nik=saved.resident.nik, name=saved.resident.name))


@field_group.command("status")
@pass_state
def status(state: State) -> None:
    """On the laptop: where the drive stands (no names)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import field_work

    open_db(state)
    s = field_work.status()
    click.echo(t("fieldcli.status", laptop=s.laptop, office=s.office_name, residents=s.residents,
                 newcomers=s.newcomers, recorded=s.recorded, belum=s.belum_rekam))


@field_group.command("result")
@click.option("--out", type=click.Path(dir_okay=False), help="The result file (default: the exports folder).")
@pass_state
def result(state: State, out: str | None) -> None:
    """On the laptop: seal what was recorded and registered here, for the office."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import field_package

    open_db(state)
    actor = cli_actor(state)
    laptop = field_package.field_header()["laptop"]
    done = field_package.write_result(actor, Path(out) if out else field_package.default_out("hasil-keliling", laptop))
    click.echo(t("fieldcli.result", path=done.path, recordings=done.recordings, newcomers=done.newcomers,
                 edits=done.edits))


@field_group.command("merge")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_state
def merge(state: State, file: str) -> None:
    """At the office: merge a field result in one transaction (admin only). Conflicts are listed;
    the office's data stays. A result merged before adds nothing. Exits 1 when there were conflicts."""
    from dukcapil_tui.services import field_merge

    open_db(state)
    done = field_merge.merge(cli_actor(state), Path(file))
    for line in field_merge.describe(done):
        click.echo(line)
    if done.conflicts:
        raise SystemExit(1)
