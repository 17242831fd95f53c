"""The core must run without Textual (DESIGN.md §2): import each module in a fresh process."""

import subprocess
import sys

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
