"""README's table of who may import and export is what the services enforce: every role in a
row is let through the role check, every other role is refused by it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import actor
from dukcapil_tui import reports
from dukcapil_tui.domain.problems import PermissionDenied
from dukcapil_tui.services import (bookings, capaian, cetak_figures, field_merge, field_package, resident_import,
                                   status_import, unsent)
from dukcapil_tui.services.context import ROLES

README = Path(__file__).resolve().parents[1] / "README.md"
MISSING = "/tidak/ada.csv"

# what each command of the table runs, up to the point where the role is checked
RUNS = {
    "import residents": lambda who: resident_import.import_residents(who, MISSING, today=date(2026, 11, 22)),
    "import wajib-ktp": lambda who: capaian.import_figures(who, MISSING),
    "import cetak-desa": lambda who: cetak_figures.import_figures(who, MISSING),
    "import statuses": lambda who: status_import.import_statuses(who, MISSING),
    "mark-sent": lambda who: unsent.mark_sent(who, "TIDAK-ADA", None),
    "import bookings": lambda who: bookings.import_bookings(who, MISSING),
    "export belum-rekam": lambda who: reports.require_allowed("belum-rekam", who),
    "export menunggu-kartu": lambda who: reports.require_allowed("menunggu-kartu", who),
    "export capaian": lambda who: reports.require_allowed("capaian", who),
    "field prepare": lambda who: field_package.prepare(who, [], "KLL-01", Path(MISSING)),
    "field merge": lambda who: field_merge.merge(who, MISSING),
}


def readme_rows() -> dict[str, tuple[str, ...]]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| listing | roles |"):].split("\n\n")[0]
    rows = {}
    for line in table.splitlines()[2:]:
        commands, roles = [cell.strip() for cell in line.strip("|").split("|")]
        allowed = ROLES if roles == "every role" else tuple(r.strip() for r in roles.split(","))
        named = re.findall(r"`([^`]+)`", commands)
        verb = named[0].split()[0] if " " in named[0] else ""
        for command in named:  # `export capaian`, `blangko`: the row's verb goes before a bare name
            rows[command if " " in command or verb != "export" else f"export {command}"] = allowed
    return rows


def test_the_readme_table_names_every_command_checked():
    assert set(RUNS) <= set(readme_rows())


@pytest.mark.parametrize("command", sorted(RUNS))
def test_the_readme_table_is_what_the_services_enforce(office, command):
    allowed = readme_rows()[command]
    for role in ROLES:
        try:
            RUNS[command](actor(role))
        except PermissionDenied:
            assert role not in allowed, f"{command}: README lets {role} but the service refuses"
        except Exception:  # noqa: BLE001 - past the role check (the file or site does not exist)
            assert role in allowed, f"{command}: the service lets {role} through but README does not"
        else:
            assert role in allowed, f"{command}: the service lets {role} through but README does not"
