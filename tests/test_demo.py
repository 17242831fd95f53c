"""The demo office: the same data for the same seed, and something to see in every section."""

from __future__ import annotations

import sqlite3
from datetime import date

from dukcapil_tui.db import database
from dukcapil_tui.demo.builder import build_demo

TODAY = date(2026, 11, 22)


def _facts(path) -> dict:
    with sqlite3.connect(path) as conn:
        return {
            "residents": conn.execute("SELECT COUNT(*), SUM(recording_status = 'sudah') FROM resident").fetchone(),
            "tickets": conn.execute("SELECT status, COUNT(*) FROM ticket GROUP BY status").fetchall(),
            "cards": conn.execute("SELECT office_status, COUNT(*) FROM card GROUP BY office_status").fetchall(),
            "stock": conn.execute("SELECT SUM(quantity) FROM blangko_movement").fetchone()[0],
            "nik": conn.execute("SELECT nik FROM resident ORDER BY id LIMIT 3").fetchall(),
        }


def test_demo_activity_fills_every_section_and_passes_check(tmp_path):
    path = build_demo(tmp_path / "demo.sqlite3", residents=1500, seed=3, today=TODAY)
    facts = _facts(path)
    tickets = dict(facts["tickets"])
    cards = dict(facts["cards"])
    assert 1 <= tickets["waiting"] <= 6 and tickets["done"] > 50  # two weeks served, today's arrivals waiting
    assert {"waiting_prr", "ready_to_print", "handed_over"} <= set(cards)
    assert 0 < facts["stock"] < 1000  # below the reorder threshold: the warning shows
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ticket WHERE day = ?", (TODAY.isoformat(),)).fetchone()[0] == \
            tickets["waiting"]
        assert conn.execute("SELECT COUNT(*) FROM spoiled_card").fetchone()[0] >= 1

    from dukcapil_tui import db as dbmod
    from dukcapil_tui.services.check import run_checks

    dbmod.open_database(path)
    try:
        assert run_checks() == []
    finally:
        database.close()


def test_same_seed_same_office(tmp_path):
    first = _facts(build_demo(tmp_path / "a.sqlite3", residents=800, seed=11, today=TODAY))
    second = _facts(build_demo(tmp_path / "b.sqlite3", residents=800, seed=11, today=TODAY))
    assert first == second
