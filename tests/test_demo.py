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


def test_a_demo_built_on_an_earlier_office_day_is_built_again(tmp_path, monkeypatch):
    from datetime import datetime

    from dukcapil_tui.demo import builder
    from dukcapil_tui.services import context

    # 23:30 UTC on 22-11 is already 07:30 WITA on 23-11: the demo's day is the office's.
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 22, 23, 30))
    assert builder.office_today() == date(2026, 11, 23)
    path = build_demo(tmp_path / "demo.sqlite3", residents=300, seed=3, activity=False)
    assert builder.demo_is_current(path)
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 23, 23, 30))  # the next office day
    assert not builder.demo_is_current(path)


def test_commands_on_a_missing_office_database_say_how_to_reach_the_demo(tmp_path):
    from click.testing import CliRunner

    from dukcapil_tui import paths
    from dukcapil_tui.cli import cli

    build_demo(paths.demo_db_path(), residents=300, seed=3, today=TODAY, activity=False)
    database.close()
    result = CliRunner().invoke(cli, ["board"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Untuk kantor demo: dukcapil --db {paths.demo_db_path()} board …"


def test_demo_backlog_looks_like_a_real_offices(tmp_path):
    """Cards across the Dinas, the twelve UPTs and the mobile units, in every stage: unsent
    recordings, records at the centre (duplicates and adjudications among them), a print-ready
    pile, reprints of every reason; some residents died or moved away."""
    path = build_demo(tmp_path / "demo.sqlite3", residents=3000, seed=7, today=TODAY)
    with sqlite3.connect(path) as conn:
        def grouped(sql: str) -> dict:
            return dict(conn.execute(sql).fetchall())

        by_site = grouped("SELECT site_code, COUNT(*) FROM card GROUP BY 1")
        by_central = grouped("SELECT central_status, COUNT(*) FROM card WHERE office_status IN "
                             "('waiting_prr', 'ready_to_print', 'printed', 'needs_rerecording') GROUP BY 1")
        by_reason = grouped("SELECT reason, COUNT(*) FROM card GROUP BY 1")
        recorded = conn.execute("SELECT COUNT(*) FROM resident WHERE recording_status = 'sudah'").fetchone()[0]
        cards = conn.execute("SELECT COUNT(*) FROM card").fetchone()[0]
        life = grouped("SELECT life_status, COUNT(*) FROM resident GROUP BY 1")
        origins = grouped("SELECT origin, COUNT(*) FROM card GROUP BY 1")
        reprint_unsent = conn.execute("SELECT COUNT(*) FROM card WHERE reason != 'baru' AND central_status = "
                                      "'BIO_CAPTURED'").fetchone()[0]
        old_unsent = conn.execute("SELECT COUNT(*) FROM card WHERE central_status = 'BIO_CAPTURED' AND "
                                  "recorded_at < ?", (str(TODAY.replace(day=1)),)).fetchone()[0]
    assert len(by_site) == 15 and min(by_site.values()) >= 10  # Dinas, 12 UPTs, 2 mobile units
    assert cards >= recorded // 5  # a quarter of the recorded have a card in the app
    assert by_central["BIO_CAPTURED"] >= 50 and old_unsent >= 3  # unsent, some for weeks
    assert by_central["DUPLICATE_RECORD"] >= 3 and by_central["ADJUDICATE_RECORD"] >= 3
    assert by_central["PRINT_READY_RECORD"] > by_central["BIO_CAPTURED"]
    assert {"rusak", "hilang", "perubahan_data", "pindah_datang"} <= set(by_reason) and reprint_unsent == 0
    assert origins["siak"] > origins["loket"] > 0
    assert life["mati"] >= 5 and life["pindah"] >= 3


def test_the_demo_replays_the_news(tmp_path):
    """A central block of ten days three weeks ago whose recordings are being worked off, Pujut's
    recording set broken for two months and Pujut the lowest coverage, a power cut at the Dinas."""
    path = build_demo(tmp_path / "demo.sqlite3", residents=3000, seed=7, today=TODAY)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT kind, site_code, started_at, ended_at FROM outage ORDER BY id").fetchall() == [
            ("central", None, "2026-11-01 00:00:00", "2026-11-11 00:00:00"),
            ("device", "UPT-PUJUT", "2026-09-23 00:00:00", None),
            ("power", "DINAS", "2026-11-19 02:00:00", "2026-11-19 06:30:00")]
        assert conn.execute("SELECT site_code, kind, status FROM device WHERE status != 'in_service'").fetchall() == [
            ("UPT-PUJUT", "recording_set", "in_repair")]
        assert conn.execute("SELECT COUNT(*) FROM device").fetchone()[0] == 13 * 6 + 2
        block = dict(conn.execute("SELECT central_status, COUNT(*) FROM card WHERE origin = 'siak' AND reason = "
                                  "'baru' AND recorded_at >= '2026-11-01' AND recorded_at < '2026-11-11' "
                                  "AND central_status IN ('BIO_CAPTURED', 'SENT_FOR_ENROLLMENT') GROUP BY 1"))
        assert block["BIO_CAPTURED"] > block["SENT_FOR_ENROLLMENT"] > 20  # a backlog being worked off
        coverage = conn.execute("SELECT kecamatan_code FROM resident GROUP BY 1 "
                                "ORDER BY AVG(recording_status = 'sudah') LIMIT 1").fetchone()[0]
        assert coverage == "52.02.04"  # Pujut
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.reports import capaian
    from dukcapil_tui.reports.periods import Period
    from dukcapil_tui.services.check import run_checks

    dbmod.open_database(path)
    try:
        assert run_checks() == []
        notes = capaian.collect(Period.for_month(2026, 11, TODAY)).notes
        assert notes[-1].startswith("Lokasi perekaman terganggu 01-11-2026 s.d. 22-11-2026: Kecamatan Pujut "
                                    "(UPT-PUJUT: alat rusak;")
    finally:
        database.close()


def test_the_demo_hint_drops_the_database_the_user_named():
    from dukcapil_tui.cli.common import _without_db_option

    assert _without_db_option(["--db", "/srv/x.sqlite3", "check"]) == ["check"]
    assert _without_db_option(["--db=/srv/x.sqlite3", "--user", "admin", "status"]) == ["--user", "admin", "status"]
    assert _without_db_option(["status", "--dbx"]) == ["status", "--dbx"]
