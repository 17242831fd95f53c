"""What key screens look like, at 100×30, on the demo office's fixed day and data (SVG snapshots,
pytest-textual-snapshot). A change to a screen's layout shows up here as a diff to review; after
an intended change, `pytest tests/functional/test_snapshots.py --snapshot-update` records it.
The snapshots were made with the Textual version pinned in pyproject.toml."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from dukcapil_tui.widgets.dash_tile import DashTile

from .conftest import login, settle, wait_until

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _still(monkeypatch, tmp_path):
    """Nothing that differs between runs reaches the picture: the clock stands still (the demo's
    10:00 WITA; the functional tests' clock ticks a millisecond per reading, which names the
    day's backup file) and the exports folder is shown under one fixed name."""
    from datetime import datetime
    from pathlib import Path

    from dukcapil_tui import paths
    from dukcapil_tui.services import context

    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 22, 2, 0, 0))
    monkeypatch.setattr(paths, "export_dir", lambda: Path("/srv/dukcapil/laporan"))


def at(username: str, *keys: str, ready=None):
    """Log in as ``username``, press ``keys``, wait until ``ready(app)`` holds (the screen's data
    has arrived), then let the snapshot be taken."""

    async def run_before(pilot) -> None:
        await login(pilot, username)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if ready is not None:
            await wait_until(pilot, lambda: ready(pilot.app), timeout=10.0, what="the screen's data")
        await settle(pilot)

    return run_before


def table_filled(selector: str):
    return lambda app: app.screen.query_one(selector, DataTable).row_count > 0


def loaded(selector: str):
    """The label at ``selector`` no longer says it is loading."""
    from dukcapil_tui.i18n import t

    return lambda app: str(app.screen.query_one(selector).render()) not in ("", t("residents.loading"))


@pytest.mark.parametrize(
    "name, run_before",
    [
        ("login", None),
        ("main_menu", at("loket1")),
        (
            "dashboard",
            at("admin", ready=lambda app: all("…" not in tile.text() for tile in app.screen.query(DashTile))),
        ),
        ("counter", at("loket1", "f5", "enter")),
        ("backlog", at("cetak1", "f7", ready=loaded("#backlog-status"))),
        (
            "blangko",
            at(
                "blangko1",
                "f9",
                ready=lambda app: "…" not in str(app.screen.query_one("#tile-stock .tile-value").render()),
            ),
        ),
        ("laporan", at("admin", "f12", ready=table_filled("DataTable"))),
    ],
)
def test_key_screens(snap_compare, app, name, run_before):
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
