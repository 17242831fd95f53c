"""``dukcapil board``: the waiting-room display (read-only, no login)."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, open_db, pass_state


@click.command()
@pass_state
def board(state: State) -> None:
    """Show the queue board for the waiting room: the number called at each counter and the
    next numbers per service, refreshed every two seconds. Ctrl+Q quits."""
    open_db(state)
    from dukcapil_tui.board import BoardApp

    app = BoardApp(db_path=state.db_path)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
