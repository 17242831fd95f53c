"""The office's settings as stored, each missing one at its default: what the TUI reads at
start-up (its title, time zone, idle lock). Kept apart from ``services.settings`` (which
re-exports both names, and changes settings) so that start-up does not import the models and
the audit (issue 14)."""

from __future__ import annotations

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


def all_settings() -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update(dict(database.execute_sql("SELECT key, value FROM setting").fetchall()))
    return values
