"""User-facing strings in Bahasa Indonesia (default) and English.

Catalogues live in the modules beside this one, one per area, each a dict of
``key -> (indonesian, english)``. ``t(key, **params)`` formats the string for the current
language; a missing key returns the key itself so a gap shows instead of crashing.
"""

from __future__ import annotations

import importlib
import pkgutil

LANGUAGES = ("id", "en")
_CATALOG: dict[str, tuple[str, str]] = {}
# Every module beside this one is a catalogue: a new area adds a module and touches no shared file.
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    _overlap = _CATALOG.keys() & _module.MESSAGES.keys()
    assert not _overlap, f"duplicate i18n keys: {_overlap}"
    _CATALOG.update(_module.MESSAGES)

_language = "id"


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    _language = language


def get_language() -> str:
    return _language


def t(key: str, **params: object) -> str:
    entry = _CATALOG.get(key)
    if entry is None:
        return key
    text = entry[0] if _language == "id" else entry[1]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in _CATALOG


def keys() -> set[str]:
    return set(_CATALOG)
