"""Setting up an office database: schema, regions, settings, first administrator."""

from __future__ import annotations

from pathlib import Path

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.services import audit, regions, settings
from dukcapil_tui.services.context import Actor, ServiceError, system_actor
from dukcapil_tui.services.office_state import database_exists, is_initialised  # noqa: F401 (this module's API)
from dukcapil_tui.services.users import create_user


def init_office(
    path: Path,
    *,
    office_name: str,
    region_code: str,
    timezone: str,
    admin_username: str,
    admin_full_name: str,
    admin_password: str,
    workstation: str,
) -> Actor:
    """Create a new office database. Refuses when ``path`` already holds one."""
    path = path if dbmod.is_url(path) else Path(path)
    if database_exists(path):
        raise ServiceError(t("db.exists", path=dbmod.shown(path)))
    office_name = squash(office_name)
    if not office_name:
        raise ServiceError(t("field.required", field=t("settings.office_name")))
    settings.validate_timezone(timezone)
    regency = regions.rows_for_regency(region_code)[0]  # refuses unknown codes before creating a file
    from dukcapil_tui.services.users import new_user_shape_problems

    problems = new_user_shape_problems(admin_username.strip().lower(), admin_full_name, "admin", admin_password)
    if problems:  # before anything is created: a refused init leaves no file or schema behind
        from dukcapil_tui.domain.problems import ValidationError

        raise ValidationError(problems)
    dbmod.open_database(path, create=True)
    from dukcapil_tui.services import workstations

    with database.atomic("IMMEDIATE"):
        workstation = workstations.bootstrap(system_actor(workstation), workstation, region_code=regency.code)
        system = system_actor(workstation)
        regions.load_regency(regency.code)
        for key, value in (
            ("office_name", office_name),
            ("region_code", regency.code),
            ("region_name", regency.name),  # "Kabupaten Tebo", "Kota Serang": the letterheads read it
            ("timezone", timezone),
        ):
            settings._write(system, key, value)
        audit.record(system, "office.init", "office", regency.code, {"office_name": office_name})
        admin = create_user(system, admin_username, admin_full_name, "admin", admin_password)
    return Actor(admin.id, admin.username, "admin", workstation, admin.full_name)
