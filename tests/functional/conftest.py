"""Functional tests drive the real app with key presses against a small demo office."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from dukcapil_tui.db import database

DEMO_RESIDENTS = 400


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    from dukcapil_tui.demo.builder import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo(path, residents=DEMO_RESIDENTS, seed=7, today=date(2026, 11, 22), activity=False)
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """A private copy of the demo office for one test."""
    target = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
def app(demo_db):
    from dukcapil_tui.app import DukcapilApp

    return DukcapilApp(db_path=demo_db, workstation="LOKET-01")


def query_db(path: Path, sql: str, *params):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


async def settle(pilot) -> None:
    """Let workers finish and their messages be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def login(pilot, username: str = "admin", password: str = "dukcapil") -> None:
    await settle(pilot)
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture(autouse=True)
def _close_db():
    yield
    if database.obj is not None:
        database.close()


async def wait_until(pilot, predicate, timeout: float = 5.0, what: str = "condition") -> None:
    """Keep the app running until ``predicate()`` holds (workers chained through messages,
    or a screen that refreshes itself on a timer)."""
    import time

    from textual.worker import WorkerCancelled

    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause(0.05)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a worker a newer one replaced (an exclusive reload) is done too
            pass
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")


async def pick_option(pilot, select_id: str, text: str) -> None:
    """Choose an option of a Select with the keyboard: focus, open, type to search, confirm."""
    from textual.widgets import Select

    pilot.app.screen.query_one(f"#{select_id}", Select).focus()
    await pilot.press("enter")
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


@pytest.fixture(autouse=True)
def _office_day(monkeypatch):
    """Every functional test runs on the demo's day, 22-11-2026 (10:00 WITA onwards), whatever
    the machine's date: ages, ticket days and report periods stay the same in any year."""
    from datetime import datetime, timedelta

    from dukcapil_tui.services import context

    start = datetime(2026, 11, 22, 2, 0, 0)
    ticks = iter(range(10**9))
    monkeypatch.setattr(context, "now_utc", lambda: start + timedelta(milliseconds=next(ticks)))


def actor_for(db: Path, username: str, workstation: str = "LOKET-02"):
    """The Actor of a demo user, for service calls made around the app."""
    from dukcapil_tui.services.context import Actor

    user_id, role, name = query_db(db, "SELECT id, role, full_name FROM app_user WHERE username = ?", username)[0]
    return Actor(user_id, username, role, workstation, name)


def before_start(db: Path, fn, *args, **kwargs):
    """Prepare the office with service calls before the app opens it."""
    from dukcapil_tui import db as dbmod

    dbmod.open_database(db)
    try:
        return fn(*args, **kwargs)
    finally:
        database.close()


async def meanwhile(fn, *args, **kwargs):
    """Another desk, counter or workstation acting on the same database while the app runs."""
    import asyncio

    from dukcapil_tui.ui.base import in_db

    return await asyncio.to_thread(in_db, fn, *args, **kwargs)
