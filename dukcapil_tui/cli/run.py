"""Starting the TUI from the command line."""

from __future__ import annotations

from dukcapil_tui.cli.common import State, open_db


def run_tui(state: State) -> None:
    open_db(state)
    from dukcapil_tui.app import DukcapilApp

    app = DukcapilApp(db_path=state.db_path, workstation=state.workstation)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
