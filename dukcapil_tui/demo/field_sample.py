"""Makes ``sample_data/hasil_keliling_kll02.dkf``: the sealed result of a second field drive of the
demo office (two days, five desa in five kecamatan, newcomers and an edit), which
``dukcapil field merge`` accepts on any fresh ``dukcapil demo`` (the demo's field key is fixed:
``builder.DEMO_FIELD_SECRET``).

    dukcapil demo --build-only
    python -m dukcapil_tui.demo.field_sample sample_data/hasil_keliling_kll02.dkf

The demo database itself is left as it was: the drive is prepared on a copy of it.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.models import AppUser, RecordingSite, Resident
from dukcapil_tui.services import context, field_package, field_work, residents, settings, workstations
from dukcapil_tui.services.context import Actor

LAPTOP = "KLL-02"
SITE = "KELILING-2"
DAYS = (datetime(2026, 11, 17, 0, 30), datetime(2026, 11, 18, 0, 30))  # 08:30 WITA
PER_DESA = 3
NEWCOMERS = (  # (name, birth date, sex): moved in, registered in the field; the first one records
    ("BAIQ NURHAYATI", date(1998, 5, 12), "P"),
    ("LALU MUHAMMAD ZAINI", date(2001, 9, 3), "L"),
)


def _choose_desa(count: int = 5) -> list[str]:
    """The first desa (by code) of each of the first ``count`` kecamatan with enough adults not recorded."""
    chosen = []
    from dukcapil_tui.services import regions

    for _kecamatan, desas in sorted(regions.index().desa_by_kecamatan.items()):
        for code, _name in desas:
            if len(_adults_to_record(code, PER_DESA + 1)) > PER_DESA:
                chosen.append(code)
                break
        if len(chosen) == count:
            break
    return chosen


def _adults_to_record(desa: str, limit: int, on: date = DAYS[0].date()) -> list[Resident]:
    """Residents of ``desa`` aged 25 to 60, alive, not recorded, in UUID order (the same in every demo)."""
    found = []
    for resident in (Resident.select().where((Resident.desa_code == desa) & (Resident.recording_status == "belum")
                                             & (Resident.life_status == "hidup")).order_by(Resident.uuid)):
        if 25 <= resident_rules.age_on(resident.birth_date, on) <= 60:
            found.append(resident)
            if len(found) == limit:
                break
    return found


def build(demo: Path, out: Path) -> field_package.Result:
    original = context.now_utc
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        office = work / "kantor.sqlite3"
        shutil.copyfile(demo, office)
        open_database(office)
        user = AppUser.get(AppUser.username == "admin")
        admin = Actor(user.id, "admin", "admin", workstations.here().code or "DEMO", user.full_name)
        desa = _choose_desa()
        site = SITE if RecordingSite.get_or_none(RecordingSite.code == SITE) else None
        prepared = field_package.prepare(admin, desa, LAPTOP, work / "paket.dkf", site_code=site)
        database.close()
        field_package.open_package(work / "lapangan.sqlite3", prepared.path, prepared.key_path,
                                   admin_username="petugas", admin_full_name="Petugas Keliling",
                                   admin_password=secrets.token_urlsafe(16))
        user = AppUser.get(AppUser.username == "petugas")
        petugas = Actor(user.id, "petugas", "admin", LAPTOP, user.full_name)
        moment = [DAYS[0]]

        def tick() -> datetime:
            moment[0] += timedelta(minutes=7)
            return moment[0]

        context.now_utc = tick
        try:
            for number, code in enumerate(desa):
                moment[0] = max(moment[0], DAYS[0 if number < 3 else 1])
                for resident in _adults_to_record(code, PER_DESA):
                    field_work.record(petugas, resident.nik, note=f"Balai desa {code}")
            for sequence, (name, born, sex) in enumerate(NEWCOMERS, start=901):
                kecamatan = desa[-1][:8]
                saved = residents.create(petugas, {
                    "nik": nik_rules.compose(kecamatan, born, sex, sequence), "name": name, "birth_date":
                    born.strftime("%d-%m-%Y"), "sex": sex, "desa_code": desa[-1], "marital_status": "kawin",
                    "recording_status": "belum", "life_status": "hidup", "address": "DUSUN BARU"},
                    settings.office_today())
                if sequence == 901:
                    field_work.record(petugas, saved.resident.nik, note="Penduduk datang")
            moved = _adults_to_record(desa[0], 1)[0]  # the next one not recorded: an address corrected
            residents.update(petugas, moved.id, {**residents.to_form(moved), "address": "DUSUN TANAK AWU"},
                             settings.office_today())
            return field_package.write_result(petugas, out)
        finally:
            context.now_utc = original
            database.close()


def main() -> None:
    from dukcapil_tui import paths

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("sample_data/hasil_keliling_kll02.dkf")
    if out.exists():
        out.unlink()
    result = build(paths.demo_db_path(), out)
    print(f"{result.path}: {result.recordings} recordings, {result.newcomers} newcomers, {result.edits} edits")


if __name__ == "__main__":
    main()
