"""The message catalogues: every key the core uses exists, in both languages, with the same
placeholders, so a user never sees a raw key or a crash from a missing parameter."""

import re
import string
from pathlib import Path

import pytest

from dukcapil_tui import i18n
from dukcapil_tui.i18n import _CATALOG

PACKAGE = Path(i18n.__file__).resolve().parent.parent
CORE = ["cli", "domain", "services", "db", "tabular.py"]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z_.]+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _core_sources():
    for part in CORE:
        target = PACKAGE / part
        yield from (sorted(target.rglob("*.py")) if target.is_dir() else [target])


def test_every_key_used_by_the_core_exists():
    used = {key for path in _core_sources() for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 50
    assert sorted(k for k in used if not i18n.has(k)) == []


def test_both_languages_present_with_the_same_placeholders():
    bad = [
        key for key, (indonesian, english) in _CATALOG.items()
        if not indonesian.strip() or not english.strip() or _fields(indonesian) != _fields(english)
    ]
    assert bad == []


def test_missing_key_shows_itself_and_unknown_language_is_refused():
    assert i18n.t("tidak.ada") == "tidak.ada"
    with pytest.raises(ValueError):
        i18n.set_language("fr")
    assert i18n.get_language() == "id"
