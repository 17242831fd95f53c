"""The ``dukcapil`` command. With no subcommand it opens the TUI on the configured database.

Subcommands import what they need inside their own body so that ``dukcapil --help`` and
scripted work stay fast and never load Textual.
"""

from __future__ import annotations

import click

from dukcapil_tui import __version__
from dukcapil_tui.cli import click_texts
from dukcapil_tui.cli.common import RefusalGroup, State, lang_option, login_options, pass_state

click_texts.install()


@click.group(cls=RefusalGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dukcapil")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="DUKCAPIL_DB",
              help="Database file (default: the data directory; env DUKCAPIL_DB).")
@lang_option
@login_options
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, lang: str | None, user: str | None,
        password_file: str | None) -> None:
    """dukcapil-tui: the working ledger of a Dukcapil office.

    Without a subcommand, opens the terminal interface on the office database. Commands that
    write or export run as an app user: `dukcapil --user NAME COMMAND …` (the password is asked,
    or read from --password-file). `nik`, `locate`, `board`, `check`, `init`, `demo` and the read-only
    summaries (`status`, `day review`, `report deadlines`, `backlog`, ...) need no login;
    `rollup` (the province's table from offices' recaps) needs no database either.
    """
    state = ctx.ensure_object(State)
    state.db_option = db_path
    state.user = user
    state.password_file = password_file
    state.set_language(lang)
    if ctx.invoked_subcommand is None:
        from dukcapil_tui.cli.run import run_tui

        run_tui(state)


def main() -> None:
    from dukcapil_tui import logs, private, spool

    private.tighten_umask()  # everything this process creates is private (0600 / 0700)
    logs.setup()
    spool.clean_leftovers()
    cli(obj=State())


from dukcapil_tui.cli import (  # noqa: E402  (registers subcommands)
    blangko, board, cetak, dbcmd, devices, export, handling, head, office, outages, queue, residents, rollup, serve,
    sites, users, workstations,
)
from dukcapil_tui.cli import field as field_cli  # noqa: E402

cli.add_command(office.locate)
cli.add_command(office.init)
cli.add_command(office.demo)
cli.add_command(office.check)
cli.add_command(office.backup)
cli.add_command(office.restore)
cli.add_command(office.settings_cmd)
cli.add_command(residents.nik)
cli.add_command(residents.import_group)
residents.import_group.add_command(queue.import_bookings_cmd)
cli.add_command(queue.queue_group)
cli.add_command(users.users)
cli.add_command(workstations.workstations_group)
cli.add_command(board.board)
cli.add_command(serve.serve)
cli.add_command(export.export)
cli.add_command(export.target)
cli.add_command(rollup.rollup)
residents.import_group.add_command(export.import_wajib_ktp)
residents.import_group.add_command(export.import_cetak_desa)
residents.import_group.add_command(cetak.import_statuses_cmd)
cli.add_command(blangko.blangko_group)
cli.add_command(cetak.backlog)
cli.add_command(head.status)
cli.add_command(head.day_group)
cli.add_command(head.suket_group)
cli.add_command(head.report_group)
cli.add_command(sites.sites_group)
cli.add_command(field_cli.field_group)
cli.add_command(cetak.mark_sent)
cli.add_command(outages.outage_group)
cli.add_command(devices.device_group)
cli.add_command(handling.handling_group)
cli.add_command(dbcmd.db_group)

__all__ = ["cli", "main", "pass_state"]
