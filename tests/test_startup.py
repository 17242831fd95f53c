"""The TUI's start (issue 14): what a fresh process has done once its login screen is on top.

Speed itself is measured by bench/bench_start.py; these tests pin the behaviour the numbers
rely on: start-up loads neither the PostgreSQL driver (for an office on SQLite) nor the models,
and freezes what it has loaded once, before the database is opened."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import OFFICE, ON_POSTGRES, closed_office_copy

START = textwrap.dedent("""
    import gc, json, sys
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.screens.login import LoginScreen

    seen = {"frozen_before": gc.get_freeze_count()}

    async def pilot(p):
        while not isinstance(p.app.screen, LoginScreen):
            await p.pause(0.005)
        seen["title"] = p.app.title
        seen["office_name"] = p.app.office_name
        seen["modules"] = sorted(m for m in sys.modules if m.split(".")[0] in ("psycopg", "peewee", "dukcapil_tui"))
        seen["frozen"] = gc.get_freeze_count()
        DukcapilApp(sys.argv[1])  # a second app in the same process freezes nothing more
        seen["frozen_again"] = gc.get_freeze_count()
        p.app.exit()

    DukcapilApp(sys.argv[1]).run(headless=True, size=(120, 40), auto_pilot=pilot)
    print(json.dumps(seen))
""")


def _start(location) -> dict:
    result = subprocess.run([sys.executable, "-c", START, str(location)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_start_to_login_reads_the_office_and_loads_only_what_login_needs(office_template, tmp_path):
    seen = _start(closed_office_copy(office_template, tmp_path))
    assert seen["title"] == OFFICE and seen["office_name"] == OFFICE  # the settings were read
    modules = set(seen["modules"])
    # The models, the audit and the accounts service come with the first login, not before.
    assert not modules & {"dukcapil_tui.models", "dukcapil_tui.services.users", "dukcapil_tui.services.audit",
                          "dukcapil_tui.services.settings", "dukcapil_tui.services.office"}
    assert "dukcapil_tui.services.office_state" in modules and "peewee" in modules
    if ON_POSTGRES:  # the driver was loaded by the office's adapter, after peewee
        assert "psycopg" in modules
    else:
        assert not [m for m in modules if m.split(".")[0] == "psycopg"]


def test_start_freezes_what_is_loaded_once(office_template, tmp_path):
    """``gc.freeze`` at the first app of a process: the modules and classes loaded, not the
    screens or connections made after it."""
    seen = _start(closed_office_copy(office_template, tmp_path))
    assert seen["frozen_before"] == 0
    assert seen["frozen"] > 10_000  # Textual's and the app's modules, classes, functions
    assert seen["frozen_again"] == seen["frozen"]


CLI_START = textwrap.dedent("""
    import json, sys
    import textual.app

    seen = {}

    async def pilot(p):
        from dukcapil_tui.screens.login import LoginScreen

        while not isinstance(p.app.screen, LoginScreen):
            await p.pause(0.005)
        seen["title"] = p.app.title
        seen["modules"] = sorted(m for m in sys.modules if m.startswith("dukcapil_tui"))
        p.app.exit()

    run = textual.app.App.run
    textual.app.App.run = lambda self, *a, **k: run(self, headless=True, size=(120, 40), auto_pilot=pilot)
    from dukcapil_tui.cli import main

    sys.argv = ["dukcapil", "--db", sys.argv[1]]
    try:
        main()
    finally:
        print(json.dumps(seen))
""")


def test_the_dukcapil_command_checks_the_office_without_the_models(office_template, tmp_path):
    """``dukcapil`` (no subcommand) checks the database before the TUI takes the terminal; the
    check reads plain SQL, so the command reaches the login screen with no more loaded than
    the app alone."""
    result = subprocess.run([sys.executable, "-c", CLI_START, str(closed_office_copy(office_template, tmp_path))],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["title"] == OFFICE
    assert not set(seen["modules"]) & {"dukcapil_tui.models", "dukcapil_tui.services.office",
                                       "dukcapil_tui.services.users", "dukcapil_tui.services.settings"}


def test_an_office_is_initialised_with_a_region_and_a_user(office):
    from dukcapil_tui.db import database
    from dukcapil_tui.services.office_state import is_initialised

    assert is_initialised()
    database.execute_sql("UPDATE setting SET value = '' WHERE key = 'region_code'")
    assert not is_initialised()
    database.execute_sql("DELETE FROM setting WHERE key = 'region_code'")
    assert not is_initialised()
    database.execute_sql("INSERT INTO setting (key, value) VALUES ('region_code', '52.02')")
    assert is_initialised()


def test_a_database_without_users_is_not_an_office(tmp_path):
    from dukcapil_tui.db import database, open_database
    from dukcapil_tui.services.office_state import database_exists, is_initialised

    path = tmp_path / "kosong.sqlite3"
    assert not database_exists(path)
    open_database(path, create=True)
    assert database_exists(path)
    database.execute_sql("INSERT INTO setting (key, value) VALUES ('region_code', '52.02')")
    assert not is_initialised()
    database.close()
