"""Helpers of the field tests: an office with residents in two kecamatan, switching between the
office database and a laptop's field database, and the actors of each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import AppUser
from dukcapil_tui.services.context import Actor

from conftest import PASSWORD

DESA_RMB = "52.02.04.2008"  # Rembitan, Pujut
DESA_KUTA = "52.02.04.2009"  # Kuta, Pujut
DESA_PRAYA = "52.02.01.1001"  # a kelurahan of Praya
LAPTOP = "KLL-01"


def use(path: Path) -> None:
    """Work on the database at ``path`` (the office's or the laptop's)."""
    if database.obj is not None:
        database.close()
    open_database(path)


def office_admin() -> Actor:
    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", "TEST-01", user.full_name)


def field_actor() -> Actor:
    user = AppUser.get(AppUser.username == "petugas")
    return Actor(user.id, "petugas", "admin", LAPTOP, user.full_name)


def add_resident(actor: Actor, nik: str, name: str, desa: str, born: str = "01-02-1990", sex: str = "L",
                 recording: str = "belum", marital: str = "kawin", address: str = "DUSUN AIK"):
    from dukcapil_tui.services import residents

    return residents.create(actor, {"nik": nik, "name": name, "birth_date": born, "sex": sex, "desa_code": desa,
                                    "marital_status": marital, "recording_status": recording,
                                    "life_status": "hidup", "address": address}, date(2026, 11, 22)).resident


def open_field(tmp_path: Path, package: Path, key: Path) -> Path:
    """The laptop's field database, opened from ``package``."""
    from dukcapil_tui.services import field_package

    path = tmp_path / "lapangan.sqlite3"
    if database.obj is not None:
        database.close()
    field_package.open_package(path, package, key, admin_username="petugas", admin_full_name="Petugas Keliling",
                               admin_password=PASSWORD)
    return path
