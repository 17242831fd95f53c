"""What is read about an office before anything else: whether its database exists and is
initialised (every command's database check, the TUI's start) and its settings with their
defaults (the TUI's title, time zone, idle lock). Plain SQL, kept apart from
``services.office`` and ``services.settings`` (which re-export these names) so that starting
does not import the models and the audit (issue 14)."""

from __future__ import annotations

from pathlib import Path

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.domain.cards import (
    DEFAULT_COUNT_VARIANCE_MAX,
    DEFAULT_RECEIPT_MAX,
    DEFAULT_REORDER_THRESHOLD,
    DEFAULT_SUKET_PATTERN,
)
from dukcapil_tui.domain.queue import DEFAULT_NO_SHOW_AFTER, DEFAULT_NO_SHOW_MINUTES

DEFAULTS = {
    "office_name": "",
    "region_code": "",
    "region_name": "",
    "timezone": "Asia/Makassar",
    "head_name": "",
    "head_nip": "",
    "report_place": "",
    "reorder_threshold": str(DEFAULT_REORDER_THRESHOLD),
    "blangko_receipt_max": str(DEFAULT_RECEIPT_MAX),
    "blangko_count_variance_max": str(DEFAULT_COUNT_VARIANCE_MAX),
    "suket_number_pattern": DEFAULT_SUKET_PATTERN,
    "suket_forbid_when_stock": "0",
    "noshow_after_recalls": str(DEFAULT_NO_SHOW_AFTER),
    "noshow_min_minutes": str(DEFAULT_NO_SHOW_MINUTES),
    "slip_printer_command": "",
    "idle_lock_minutes": "10",
    "suket_validity_months": "6",
    "report_deadline_capaian": "10",
    "report_deadline_blangko": "5",
    "report_warn_days": "3",
    "reports_due_from": "",
}


def setting(key: str) -> str:
    """One setting's value, or its default (``""`` for a key without one)."""
    row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else DEFAULTS.get(key, "")


def all_settings() -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update(dict(database.execute_sql("SELECT key, value FROM setting").fetchall()))
    return values


def database_exists(path: Path | str) -> bool:
    """A file that already holds a schema (an empty file is not a database yet); for a
    PostgreSQL URL, a database that holds this app's schema."""
    if dbmod.is_url(path):
        return dbmod.holds_office(str(path))
    path = Path(path)
    return path.exists() and path.stat().st_size > 0


def is_initialised() -> bool:
    """The open database is an office: its region is set and it has a user."""
    if not setting("region_code"):
        return False
    return database.execute_sql("SELECT 1 FROM app_user LIMIT 1").fetchone() is not None
