"""Shared fixtures: every test gets its own data folder and, when asked, an office database."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from dukcapil_tui import i18n

PASSWORD = "rahasia123"
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test touches the real data folders, and each starts in Indonesian."""
    monkeypatch.setenv("DUKCAPIL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DUKCAPIL_DB", raising=False)
    i18n.set_language("id")
    yield tmp_path / "home"
    i18n.set_language("id")
    from dukcapil_tui.db import database

    if database.obj is not None:
        database.close()


@pytest.fixture
def office_db(tmp_path) -> Path:
    """A fresh Lombok Tengah office database with admin/rahasia123, opened."""
    from dukcapil_tui.services.office import init_office

    path = tmp_path / "office.sqlite3"
    init_office(
        path, office_name="Disdukcapil Kabupaten Lombok Tengah", region_code="52.02",
        timezone="Asia/Makassar", admin_username="admin", admin_full_name="Kepala Dinas",
        admin_password=PASSWORD, workstation="TEST-01",
    )
    return path


@pytest.fixture
def admin(office_db):
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor

    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", "TEST-01", user.full_name)


@pytest.fixture
def frozen_now(monkeypatch):
    """The service clock fixed at 22-11-2026 02:00 UTC (10:00 WITA)."""
    from dukcapil_tui.services import context

    moment = datetime(2026, 11, 22, 2, 0, 0)
    monkeypatch.setattr(context, "now_utc", lambda: moment)
    return moment
