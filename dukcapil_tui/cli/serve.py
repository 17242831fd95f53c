"""``dukcapil serve``: the terminal interface for counters that have a browser and no terminal."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, open_db, pass_state


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default serves this computer only; 0.0.0.0 (every "
                   "interface) or the office-network address opens it to other computers.")
@click.option("--port", "port_text", default="8000", show_default=True, metavar="PORT",
              help="TCP port to listen on (1-65535).")
@click.option("--public-url", default=None, metavar="URL",
              help="The address browsers use, when it differs from http://HOST:PORT (behind a reverse "
                   "proxy: https://dukcapil.example.go.id).")
@pass_state
def serve(state: State, host: str, port_text: str, public_url: str | None) -> None:
    """Serve the terminal interface to web browsers (textual-serve).

    Every browser tab runs its own session of the app on this computer, with this database
    and language: it logs in on its own (the same users, roles and idle lock as the terminal)
    as this computer's workstation. Ctrl+C stops the server. See docs/operators-guide.md.
    """
    from dukcapil_tui import i18n, web
    from dukcapil_tui.i18n import t

    url = web.check_public_url(public_url)
    listen = web.check_listen(host, port_text, url)
    open_db(state)  # the office database exists and opens (migrated) before any tab starts
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.db import database
    from dukcapil_tui.services import settings, workstations

    station = workstations.here()
    office = settings.get("office_name") or t("app.title")
    database.close()
    command = web.app_command(state.db_path, i18n.get_language())

    def announce(where: web.Listen) -> None:
        click.echo(t("serve.listening", url=f"http://{_shown(where.host)}:{where.port}", office=office,
                     db=dbmod.shown(state.db_path)))
        if where.public_url != f"http://{_shown(where.host)}:{where.port}":
            click.echo(t("serve.public_url", url=where.public_url))
        if where.host in web.WILDCARDS and not url:
            click.echo(t("serve.public_url_hint", port=where.port))
        if station.code:
            click.echo(t("serve.workstation", code=station.code))
        elif station.bootstrap:
            click.echo(t("serve.bootstrap"))
        else:
            click.echo(t("serve.no_workstation", problem=station.problem))
        click.echo(t("serve.local_only") if where.local_only else t("serve.open_network"))
        click.echo(t("serve.stop_hint"))

    web.serve(listen, command, office, announce)
    click.echo(t("serve.stopped"))


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
