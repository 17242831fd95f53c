"""The core must run without Textual (DESIGN.md §2): import each module in a fresh process."""

import subprocess
import sys
import textwrap

import pytest

CORE_MODULES = [
    "dukcapil_tui.db",
    "dukcapil_tui.models",
    "dukcapil_tui.migrations",
    "dukcapil_tui.paths",
    "dukcapil_tui.config",
    "dukcapil_tui.i18n",
    "dukcapil_tui.tabular",
    "dukcapil_tui.wilayah",
    "dukcapil_tui.logs",
    "dukcapil_tui.domain.nik",
    "dukcapil_tui.domain.residents",
    "dukcapil_tui.domain.passwords",
    "dukcapil_tui.domain.formatting",
    "dukcapil_tui.services.context",
    "dukcapil_tui.services.audit",
    "dukcapil_tui.services.settings",
    "dukcapil_tui.services.regions",
    "dukcapil_tui.services.users",
    "dukcapil_tui.services.residents",
    "dukcapil_tui.services.resident_import",
    "dukcapil_tui.services.queue",
    "dukcapil_tui.services.queue_views",
    "dukcapil_tui.services.cards",
    "dukcapil_tui.services.printing",
    "dukcapil_tui.services.blangko",
    "dukcapil_tui.services.suket",
    "dukcapil_tui.services.office",
    "dukcapil_tui.services.check",
    "dukcapil_tui.demo.builder",
    "dukcapil_tui.cli",
    "dukcapil_tui.cli.export",
    "dukcapil_tui.services.capaian",
    "dukcapil_tui.reports",
    "dukcapil_tui.reports.periods",
    "dukcapil_tui.reports.common",
    "dukcapil_tui.reports.layout",
    "dukcapil_tui.reports.capaian",
    "dukcapil_tui.reports.blangko",
    "dukcapil_tui.reports.harian",
    "dukcapil_tui.reports.belum_rekam",
    "dukcapil_tui.reports.backlog",
    "dukcapil_tui.private",
    "dukcapil_tui.spool",
    "dukcapil_tui.enrolment",
    "dukcapil_tui.dbfiles",
    "dukcapil_tui.domain.backups",
    "dukcapil_tui.services.chain",
    "dukcapil_tui.services.workstations",
    "dukcapil_tui.services.backups",
    "dukcapil_tui.services.check_record",
    "dukcapil_tui.cli.workstations",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_without_textual(module):
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_log_file_written_without_personal_data(tmp_path, monkeypatch):
    """The log records upkeep events in the log folder, and never a NIK."""
    import logging

    from dukcapil_tui import logs, paths
    from dukcapil_tui.services.office import init_office

    monkeypatch.setattr(logs, "_configured", False)
    logs.setup()
    db_path = tmp_path / "office.sqlite3"
    init_office(db_path, office_name="Kantor Uji", region_code="52.02", timezone="Asia/Makassar",
                admin_username="admin", admin_full_name="Admin", admin_password="praya-kantor-26", workstation="W")
    from dukcapil_tui.services import users
    from dukcapil_tui.services.residents import create
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor
    from datetime import date

    admin = AppUser.get(AppUser.username == "admin")
    actor = Actor(admin.id, "admin", "admin", "W", "Admin")
    create(actor, {"nik": "5202045708050003", "name": "Siti", "birth_date": "17-08-2005", "sex": "P",
                   "desa_code": "52.02.04.2008", "marital_status": "belum_kawin", "recording_status": "belum"},
           date(2026, 11, 22))
    for _ in range(5):
        users.authenticate("admin", "salah-salah", "W")
    for handler in logging.getLogger(logs.LOGGER_NAME).handlers:
        handler.flush()
    text = paths.log_file().read_text(encoding="utf-8")
    assert "account admin locked" in text
    assert "5202045708050003" not in text
    logger = logging.getLogger(logs.LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def _fresh(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


_PEEWEE_WITHOUT_DRIVER = (
    "import sys, dukcapil_tui.db as d, peewee; "
    "assert peewee.psycopg is None and 'psycopg' not in sys.modules; "
    "import psycopg; from psycopg.pq import TransactionStatus; "  # importable again afterwards
)


def test_postgres_office_brings_the_driver_peewee_did_not_load():
    """peewee was imported with psycopg hidden; a PostgreSQL office's database gets psycopg 3
    through its own adapter (transaction states, JSON types), and peewee itself is left as it
    was (no server needed: the database object connects lazily)."""
    pytest.importorskip("psycopg")
    result = _fresh(
        _PEEWEE_WITHOUT_DRIVER
        + "db = d.make_database('postgresql://nobody@127.0.0.1:1/none'); "
        "assert peewee.psycopg is None; "
        "assert isinstance(db._adapter, peewee.Psycopg3Adapter), db._adapter; "
        "assert db.index_value_literals; "
        "assert db._adapter.txn_idle == TransactionStatus.IDLE; "
        "assert db._adapter.txn_inerror == TransactionStatus.INERROR; "
        "assert db._adapter.txn_unknown == TransactionStatus.UNKNOWN; "
        "assert db._adapter.jsonb_type is psycopg.types.json.Jsonb; "
        "assert db.get_binary_type() is psycopg.Binary"
    )
    assert result.returncode == 0, result.stderr


def test_postgres_office_after_peewee_loaded_the_driver_itself():
    """The same adapter when peewee was imported first and took psycopg at its import."""
    pytest.importorskip("psycopg")
    result = _fresh(
        "import peewee; assert peewee.psycopg is not None; import dukcapil_tui.db as d, psycopg; "
        "db = d.make_database('postgresql://nobody@127.0.0.1:1/none'); "
        "assert type(db._adapter).__name__ == '_Psycopg3', db._adapter; "
        "assert db._adapter.jsonb_type is psycopg.types.json.Jsonb"
    )
    assert result.returncode == 0, result.stderr


def test_postgres_office_works_when_peewee_never_saw_the_driver(pg_server):
    """On the server, in a process where peewee was imported without psycopg: the office is
    made (every migration, each one transaction), a failed transaction is rolled back and the
    connection stays usable (peewee reads the transaction states from the adapter)."""
    url = pg_server.new()
    try:
        result = _fresh(_PEEWEE_WITHOUT_DRIVER + textwrap.dedent(f"""
            db = d.open_database({url!r}, create=True)
            assert d.schema_version(db) == d.LATEST_VERSION
            assert peewee.psycopg is None
            try:
                with d.database.atomic():
                    d.database.execute_sql("INSERT INTO setting (key, value) VALUES ('x', '1')")
                    d.database.execute_sql("SELECT no_such_column FROM setting")
            except peewee.ProgrammingError:
                pass
            assert db.is_connection_usable()
            assert db.execute_sql("SELECT count(*) FROM setting WHERE key = 'x'").fetchone()[0] == 0
            db.close()
        """))
        assert result.returncode == 0, result.stderr
    finally:
        pg_server.drop(url)
