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
    key: str  # the key that opens it from the main screen
    title_key: str  # i18n key
    help_key: str  # i18n key
    roles: tuple[str, ...]
    factory: Callable[[], Screen]


def _residents() -> Screen:
    from dukcapil_tui.screens.residents import ResidentsScreen

    return ResidentsScreen()


SECTIONS: tuple[Section, ...] = (
    Section("residents", "f2", "residents.title", "section.residents_help", ("admin", "loket", "cetak", "blangko"), _residents),
)


def sections_for(role: str) -> list[Section]:
    return [s for s in SECTIONS if role in s.roles]
