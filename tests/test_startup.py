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
                          "dukcapil_tui.services.settings"}
    assert "dukcapil_tui.services.setting_values" in modules and "peewee" in modules
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
