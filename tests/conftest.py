"""Shared fixtures: every test gets its own data folder and, when asked, an office database
(a copy of one made per session), its admin, and the service clock it moves by hand."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dukcapil_tui import i18n
from dukcapil_tui.domain import passwords

PASSWORD = "praya-kantor-26"
TODAY = date(2026, 11, 22)
START = datetime(2026, 11, 22, 2, 0, 0)  # 10:00 WITA on Sunday 22-11-2026 (naive UTC, as stored)
OFFICE = "Disdukcapil Kabupaten Lombok Tengah"


# scrypt at the production cost (N=2^17: ~0.4 s and 128 MiB a hash) and the one-second login
# floor would multiply the suite's time; tests hash at a small cost and answer at once. The
# production values are asserted by tests/test_passwords.py in a fresh interpreter.
TEST_SCRYPT_N = 2**10
PRODUCTION_SCRYPT_N = passwords.N


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory):
    """A data folder for what the session builds once (office templates): their workstation
    enrolment (the audit chain's key) lands here and every test gets a copy of it."""
    home = tmp_path_factory.mktemp("session-home")
    patch = pytest.MonkeyPatch()
    patch.setenv("DUKCAPIL_HOME", str(home))
    patch.delenv("DUKCAPIL_DB", raising=False)
    patch.setattr(passwords, "N", TEST_SCRYPT_N)
    patch.setattr(passwords, "LOGIN_FLOOR_S", 0.0)
    yield home
    patch.undo()


@pytest.fixture(autouse=True)
def isolated_home(session_home, tmp_path, monkeypatch):
    """No test touches the real data folders, and each starts in Indonesian. The enrolments of
    the session's office templates come along, so a copied template can be written to."""
    home = tmp_path / "home"
    monkeypatch.setenv("DUKCAPIL_HOME", str(home))
    monkeypatch.delenv("DUKCAPIL_DB", raising=False)
    shared = session_home / "config" / "enrolment.json"
    if shared.exists():
        (home / "config").mkdir(parents=True, mode=0o700)
        shutil.copy2(shared, home / "config" / "enrolment.json")
    i18n.set_language("id")
    yield home
    i18n.set_language("id")
    from dukcapil_tui.db import database

    if database.obj is not None:
        database.close()


@pytest.fixture
def no_tui(monkeypatch):
    """Any attempt to start the Textual app fails the test instead of taking the terminal
    (command-line tests: ``pytestmark = pytest.mark.usefixtures("no_tui")``)."""
    import sys
    import types

    fake = types.ModuleType("dukcapil_tui.app")

    class DukcapilApp:
        def __init__(self, *args, **kwargs):
            raise AssertionError("the TUI must not start in a test")

    fake.DukcapilApp = DukcapilApp
    monkeypatch.setitem(sys.modules, "dukcapil_tui.app", fake)


def login_args(username: str = "admin", password: str = PASSWORD) -> list[str]:
    """``--user NAME --password-file FILE`` for a command line run in a test: the password file
    is written into the test's data folder."""
    import os

    secret = Path(os.environ["DUKCAPIL_HOME"]) / f"password-{username}.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(password + "\n", encoding="utf-8")
    secret.chmod(0o600)
    return ["--user", username, "--password-file", str(secret)]


# --- the service clock ---------------------------------------------------------------------------

class Clock:
    """The services' clock (``context.now_utc``), moved by hand; with ``tick`` every reading
    also moves it on, so that events written in one test keep their order."""

    def __init__(self, start: datetime = START, tick: timedelta | None = None):
        self.now = start
        self.tick = tick

    def __call__(self) -> datetime:
        if self.tick:
            self.now += self.tick
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def at_wita(self, hour: int, minute: int = 0, day: date = TODAY) -> None:
        """Move to ``hour:minute`` WITA (UTC+8) on ``day``."""
        self.now = datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=8)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    from dukcapil_tui.services import context

    c = Clock(START)
    monkeypatch.setattr(context, "now_utc", c)
    return c


@pytest.fixture
def frozen_now(clock) -> datetime:
    """The service clock standing at 22-11-2026 02:00 UTC (10:00 WITA)."""
    return clock.now


# --- the office -----------------------------------------------------------------------------------

def make_office(path: Path | str) -> Path | str:
    from dukcapil_tui.db import database
    from dukcapil_tui.services.office import init_office

    init_office(
        path, office_name=OFFICE, region_code="52.02", timezone="Asia/Makassar", admin_username="admin",
        admin_full_name="Kepala Dinas", admin_password=PASSWORD, workstation="TEST-01",
    )
    database.close()  # the last connection checkpoints the WAL: one self-contained file
    return path


# --- the engine: SQLite files, or PostgreSQL with DUKCAPIL_TEST_DB=postgresql://… ---------------
#
# With DUKCAPIL_TEST_DB set (a URL of a server's maintenance database, e.g.
# postgresql://postgres@127.0.0.1:54329/postgres), every test's office is a fresh PostgreSQL
# database copied from a template made once per session; tests about SQLite files (backups,
# file modes, restores) carry the ``sqlite_only`` mark and are skipped there.

TEST_DB = os.environ.get("DUKCAPIL_TEST_DB", "")
ON_POSTGRES = TEST_DB.lower().startswith("postgres")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(why): about SQLite files; skipped when the suite runs on PostgreSQL")


def pytest_collection_modifyitems(config, items):
    if not ON_POSTGRES:
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {mark.args[0] if mark.args else ''}"))


class PgServer:
    """Databases made and dropped on the test server."""

    def __init__(self, url: str):
        from urllib.parse import urlsplit, urlunsplit

        self.url = url
        self.prefix = f"dukcapil_test_{os.getpid()}"
        self.count = 0
        parts = urlsplit(url)
        self._base = lambda name: urlunsplit(parts._replace(path="/" + name))

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql)

    def new(self, template: str | None = None) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self.admin(f"DROP DATABASE IF EXISTS {name}")
        self.admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""))
        return self._base(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server():
    if not ON_POSTGRES:
        pytest.skip("needs DUKCAPIL_TEST_DB=postgresql://…")
    return PgServer(TEST_DB)


def fresh_office_location(tmp_path: Path, name: str = "office.sqlite3", *, pg=None):
    """Where a test makes an office of its own: a file, or on PostgreSQL a new empty database."""
    return pg.new() if pg is not None else tmp_path / name


@pytest.fixture(scope="session")
def office_template(tmp_path_factory, request) -> Path | str:
    """The office made once per session (``init_office`` hashes a password and loads regions);
    tests get copies (copying a closed SQLite file is much cheaper). On PostgreSQL the office is
    made in a working database of the session, and its rows are kept aside (schema
    ``pristine``) to be put back before every test."""
    if ON_POSTGRES:
        server = request.getfixturevalue("pg_server")
        url = server.new()
        request.addfinalizer(lambda: server.drop(url))
        make_office(url)
        _keep_pristine(url)
        return url
    return make_office(tmp_path_factory.mktemp("template") / "office.sqlite3")


def _keep_pristine(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        conn.execute("CREATE SCHEMA pristine")
        for table in tables:
            conn.execute(f"CREATE TABLE pristine.{table} AS SELECT * FROM public.{table}")


def _restore_pristine(url: str) -> None:
    """The session's office as ``make_office`` left it, in a few tens of milliseconds (a new
    database from a template takes a second): every table emptied and refilled."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'pristine' ORDER BY tablename")]
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")  # no triggers, no key checks
            conn.execute("TRUNCATE " + ", ".join(f"public.{t}" for t in tables))
            for table in tables:
                conn.execute(f"INSERT INTO public.{table} SELECT * FROM pristine.{table}")


def closed_office_copy(office_template: Path | str, tmp_path: Path, name: str = "kantor.sqlite3") -> Path | str:
    """A fresh office, not opened: a copied file, or on PostgreSQL the session's database put
    back as it was made (its URL)."""
    if ON_POSTGRES:
        _restore_pristine(office_template)
        return office_template
    path = tmp_path / name
    shutil.copyfile(office_template, path)
    return path


@pytest.fixture
def office(office_template, tmp_path, request) -> Path | str:
    """A fresh copy of the Lombok Tengah office database (admin / PASSWORD), opened: a file,
    or on PostgreSQL (DUKCAPIL_TEST_DB) the session's database put back as it was made."""
    from dukcapil_tui.db import open_database

    if ON_POSTGRES:
        _restore_pristine(office_template)
        open_database(office_template)
        return office_template
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(office_template, path)
    open_database(path)
    return path


@pytest.fixture
def office_db(office) -> Path:
    """The same fresh office (the name older tests use)."""
    return office


@pytest.fixture
def admin(office):
    """The office's administrator, as the services see a logged-in user. A module that brings its
    own ``office`` fixture (another template) gets that office's admin."""
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor

    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", "TEST-01", user.full_name)


def actor(role: str, username: str | None = None):
    """An actor of ``role`` (no user row needed: the audit log keeps the name)."""
    from dukcapil_tui.services.context import Actor

    return Actor(None, username or f"petugas_{role}", role, "TEST-02", f"Petugas {role}")
