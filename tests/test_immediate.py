"""``db.immediate``: BEGIN IMMEDIATE that asks for the write lock every millisecond instead of
SQLite's growing sleeps; what it leaves behind whatever happens inside."""

from __future__ import annotations

import sqlite3
import threading

import peewee
import pytest

from dukcapil_tui import db
from dukcapil_tui.db import database, immediate

pytestmark = pytest.mark.sqlite_only("SQLite's write lock and busy handler")



def _busy_timeout() -> int:
    return database.execute_sql("PRAGMA busy_timeout").fetchone()[0]


def _setting(key: str):
    row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row and row[0]


def _holder(path, hold: threading.Event, release: threading.Event) -> None:
    """Another workstation: holds the write lock until ``release`` is set."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    hold.set()
    release.wait(10)
    other.execute("COMMIT")
    other.close()


def test_waits_for_another_writer_then_commits(office):
    hold, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=_holder, args=(office, hold, release))
    thread.start()
    hold.wait(5)
    threading.Timer(0.2, release.set).start()
    with immediate():
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('bench.probe', 'x')")
    thread.join()
    assert _setting("bench.probe") == "x"
    assert _busy_timeout() == db.BUSY_TIMEOUT_S * 1000  # SQLite's own wait is back for everything else


def test_gives_up_after_the_busy_timeout_with_sqlites_message(office, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0)
    hold, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=_holder, args=(office, hold, release))
    thread.start()
    hold.wait(5)
    try:
        with pytest.raises(peewee.OperationalError, match="locked"), immediate():
            pytest.fail("entered without the lock")
    finally:
        release.set()
        thread.join()
    assert database.transaction_depth() == 0
    assert _busy_timeout() == 0  # the patched timeout, restored


def test_an_error_inside_rolls_back_and_propagates(office):
    with pytest.raises(ZeroDivisionError), immediate():
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('bench.probe', 'x')")
        raise ZeroDivisionError
    assert _setting("bench.probe") is None
    assert database.transaction_depth() == 0
    with immediate():  # and the next one starts cleanly
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('bench.probe', 'y')")
    assert _setting("bench.probe") == "y"


def test_inside_a_transaction_it_is_a_savepoint(office):
    with database.atomic("IMMEDIATE"):
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('bench.outer', 'x')")
        with pytest.raises(ZeroDivisionError), immediate():
            database.execute_sql("INSERT INTO setting (key, value) VALUES ('bench.inner', 'x')")
            raise ZeroDivisionError
    assert (_setting("bench.outer"), _setting("bench.inner")) == ("x", None)
