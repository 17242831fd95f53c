"""The sections of the main menu, in one registry used by the menu, its keys and the palette.

A section appears only when its screen exists and the user's role may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    id: str
    key: str  # the key that opens it from anywhere ("": none; the menu, the palette and the dashboard open it)
    title_key: str  # i18n key
    help_key: str  # i18n key
    roles: tuple[str, ...]
    factory: Callable[[], Screen]


def _residents() -> Screen:
    from dukcapil_tui.screens.residents import ResidentsScreen

    return ResidentsScreen()


def _backlog() -> Screen:
    from dukcapil_tui.screens.backlog import BacklogScreen

    return BacklogScreen()


def _handover() -> Screen:
    from dukcapil_tui.screens.handover import HandoverScreen

    return HandoverScreen()


def _blangko() -> Screen:
    from dukcapil_tui.screens.blangko import BlangkoScreen

    return BlangkoScreen()


def _queue_desk() -> Screen:
    from dukcapil_tui.screens.queue_desk import DeskScreen

    return DeskScreen()


def _counter() -> Screen:
    from dukcapil_tui.screens.queue_counter import CounterScreen

    return CounterScreen()


def _queue_summary() -> Screen:
    from dukcapil_tui.screens.queue_summary import QueueSummaryScreen

    return QueueSummaryScreen()


def _queue_catalog() -> Screen:
    from dukcapil_tui.screens.queue_catalog import CatalogScreen

    return CatalogScreen()


# The queue (antrian) takes F4–F6, and F10 for its admin catalogue; the queue screens bind no
# F-key that opens a section. (Inside Penduduk, F3/F4/F5 stay new/edit/reload.)
def _laporan() -> Screen:
    from dukcapil_tui.screens.laporan import LaporanScreen

    return LaporanScreen()


def _day_review() -> Screen:
    from dukcapil_tui.screens.day_review import DayReviewScreen

    return DayReviewScreen()


def _outages() -> Screen:
    from dukcapil_tui.screens.outages import OutagesScreen

    return OutagesScreen()


def _devices() -> Screen:
    from dukcapil_tui.screens.devices import DevicesScreen

    return DevicesScreen()


def _field() -> Screen:
    from dukcapil_tui.screens.field import FieldScreen

    return FieldScreen()


def _audit_log() -> Screen:
    from dukcapil_tui.screens.audit_log import AuditLogScreen

    return AuditLogScreen()


def _settings() -> Screen:
    from dukcapil_tui.screens.settings import SettingsScreen

    return SettingsScreen()


SECTIONS: tuple[Section, ...] = (
    Section(
        "residents",
        "f2",
        "residents.title",
        "section.residents_help",
        ("admin", "loket", "cetak", "blangko"),
        _residents,
    ),
    Section("queue_desk", "f4", "queue_ui.desk_title", "queue_ui.desk_help", ("admin", "loket"), _queue_desk),
    Section("counter", "f5", "queue_ui.counter_title", "queue_ui.counter_help", ("admin", "loket"), _counter),
    Section(
        "queue_summary", "f6", "queue_ui.summary_title", "queue_ui.summary_help", ("admin", "loket"), _queue_summary
    ),
    Section("cetak", "f7", "section.cetak", "section.cetak_help", ("admin", "cetak"), _backlog),
    Section(
        "penyerahan", "f8", "section.penyerahan", "section.penyerahan_help", ("admin", "cetak", "loket"), _handover
    ),
    Section("blangko", "f9", "section.blangko", "section.blangko_help", ("admin", "blangko", "cetak"), _blangko),
    Section("queue_catalog", "f10", "queue_ui.catalog_title", "queue_ui.catalog_help", ("admin",), _queue_catalog),
    Section("pengaturan", "f11", "settings.title", "settings.help", ("admin",), _settings),
    Section(
        "laporan", "f12", "section.laporan", "section.laporan_help", ("admin", "loket", "cetak", "blangko"), _laporan
    ),
    Section("day_review", "", "review.title", "review.help", ("admin",), _day_review),
    Section("outages", "", "section.outages", "section.outages_help", ("admin", "loket", "cetak", "blangko"), _outages),
    Section("devices", "", "section.devices", "section.devices_help", ("admin", "loket", "cetak", "blangko"), _devices),
    Section("field", "", "section.field", "section.field_help", ("admin", "loket"), _field),
    Section("audit", "", "audit_ui.title", "audit_ui.help", ("admin",), _audit_log),
)


def sections_for(role: str) -> list[Section]:
    return [s for s in SECTIONS if role in s.roles]
