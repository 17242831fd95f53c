"""Numbered schema migrations, applied in order at start-up.

One module per migration, named ``vNNNN_<what>.py``, holding ``DESCRIPTION`` and
``STATEMENTS`` (plain SQL, so that a migration stays valid when the models change later).
The schema version is SQLite's ``PRAGMA user_version``. Add a new module with the next
number; never edit one that has shipped. Modules are found by name, so work that adds a
migration touches no shared file.

A migration that rebuilds a table (SQLite cannot change a CHECK constraint in place) sets
``FOREIGN_KEYS_OFF = True``: the runner then turns foreign-key enforcement off around its
transaction and runs ``PRAGMA foreign_key_check`` before committing, as SQLite's documented
twelve-step table change requires.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

_NAME = re.compile(r"^v(\d{4})_\w+$")


FOREIGN_KEYS_OFF: set[int] = set()  # migrations that rebuild a table referenced by foreign keys


def _discover() -> list[tuple[int, str, list[str]]]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = _NAME.match(info.name)
        if not match:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append((int(match.group(1)), module.DESCRIPTION, list(module.STATEMENTS)))
        if getattr(module, "FOREIGN_KEYS_OFF", False):
            FOREIGN_KEYS_OFF.add(int(match.group(1)))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps or repeats, found {numbers}")
    return found


MIGRATIONS: list[tuple[int, str, list[str]]] = _discover()
LATEST_VERSION = MIGRATIONS[-1][0]
