"""Field drives of the demo office (perekaman keliling): the first one, a week or so before the
demo's today, is recorded on a laptop's field database and merged back while the demo is built;
the second is ``sample_data/hasil_keliling_kll02.dkf``, a sealed result (two days, five desa in
five kecamatan, newcomers and an edit) that ``dukcapil field merge`` accepts on any fresh
``dukcapil demo`` (the demo's field key is fixed: ``builder.DEMO_FIELD_SECRET``). To make the
sample again:

    dukcapil demo --build-only
    python -m dukcapil_tui.demo.field_sample sample_data/hasil_keliling_kll02.dkf

The demo database itself is left as it was: the second drive is prepared on a copy of it.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.models import AppUser, RecordingSite, Resident
from dukcapil_tui.services import context, field_package, field_work, residents, settings, workstations
from dukcapil_tui.services.context import Actor

PER_DESA = 3


@dataclass(frozen=True)
class Drive:
    laptop: str
    site: str
    days: tuple[datetime, ...]  # the first recording of each day (naive UTC)
    kecamatan: slice  # which of the regency's kecamatan (in code order) the drive visits
    newcomers: tuple[tuple[str, date, str], ...] = ()  # (name, birth date, sex); the first one records
    edit: bool = False  # correct the address of one resident not recorded


SECOND = Drive("KLL-02", "KELILING-2", (datetime(2026, 11, 17, 0, 30), datetime(2026, 11, 18, 0, 30)), slice(0, 5),
               (("BAIQ NURHAYATI", date(1998, 5, 12), "P"), ("LALU MUHAMMAD ZAINI", date(2001, 9, 3), "L")), True)


def first_drive(today: date) -> Drive:
    """Two working days a week or more before ``today`` (days the demo's head has locked)."""
    day = today - timedelta(days=7)
    while day.weekday() > 3:  # Monday to Thursday: the next day is a working day too
        day -= timedelta(days=1)
    start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=30)
    return Drive("KLL-01", "KELILING-2", (start, start + timedelta(days=1)), slice(5, 8))


def _choose_desa(drive: Drive, on: date) -> list[str]:
    """The first desa (by code) of each kecamatan of the drive with enough adults not recorded."""
    from dukcapil_tui.services import regions

    chosen = []
    for _kecamatan, desas in sorted(regions.index().desa_by_kecamatan.items())[drive.kecamatan]:
        for code, _name in desas:
            if len(_adults_to_record(code, PER_DESA + 1, on)) > PER_DESA:
                chosen.append(code)
                break
    return chosen


def _adults_to_record(desa: str, limit: int, on: date) -> list[Resident]:
    """Residents of ``desa`` aged 25 to 60, alive, not recorded, in UUID order (the same in every demo)."""
    found = []
    for resident in (Resident.select().where((Resident.desa_code == desa) & (Resident.recording_status == "belum")
                                             & (Resident.life_status == "hidup")).order_by(Resident.uuid)):
        if 25 <= resident_rules.age_on(resident.birth_date, on) <= 60:
            found.append(resident)
            if len(found) == limit:
                break
    return found


def _admin() -> Actor:
    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", workstations.here().code or "DEMO", user.full_name)


def record_drive(office: Path, drive: Drive, work: Path, out: Path) -> field_package.Result | None:
    """Prepare ``drive`` from the office database at ``office`` (open), record it on a field
    database in ``work`` and seal its result at ``out``; the office database is closed after.
    None when the office has no desa the drive could visit."""
    desa = _choose_desa(drive, drive.days[0].date())
    if not desa:
        return None
    site = drive.site if RecordingSite.get_or_none(RecordingSite.code == drive.site) else None
    prepared = field_package.prepare(_admin(), desa, drive.laptop, work / "paket.dkf", site_code=site)
    database.close()
    field_package.open_package(work / "lapangan.sqlite3", prepared.path, prepared.key_path,
                               admin_username="petugas", admin_full_name="Petugas Keliling",
                               admin_password=secrets.token_urlsafe(16))
    user = AppUser.get(AppUser.username == "petugas")
    petugas = Actor(user.id, "petugas", "admin", drive.laptop, user.full_name)
    moment = [drive.days[0]]

    def tick() -> datetime:
        moment[0] += timedelta(minutes=7)
        return moment[0]

    original = context.now_utc
    context.now_utc = tick
    try:
        per_day = -(-len(desa) // len(drive.days))
        for number, code in enumerate(desa):
            moment[0] = max(moment[0], drive.days[number // per_day])
            for resident in _adults_to_record(code, PER_DESA, moment[0].date()):
                field_work.record(petugas, resident.nik, note=f"Balai desa {code}")
        for sequence, (name, born, sex) in enumerate(drive.newcomers, start=901):
            saved = residents.create(petugas, {
                "nik": nik_rules.compose(desa[-1][:8], born, sex, sequence), "name": name,
                "birth_date": born.strftime("%d-%m-%Y"), "sex": sex, "desa_code": desa[-1],
                "marital_status": "kawin", "recording_status": "belum", "life_status": "hidup",
                "address": "DUSUN BARU"}, settings.office_today())
            if sequence == 901:
                field_work.record(petugas, saved.resident.nik, note="Penduduk datang")
        if drive.edit:
            moved = _adults_to_record(desa[0], 1, moment[0].date())[0]  # the next one not recorded
            residents.update(petugas, moved.id, {**residents.to_form(moved), "address": "DUSUN TANAK AWU"},
                             settings.office_today())
        return field_package.write_result(petugas, out)
    finally:
        context.now_utc = original
        _forget_field_enrolment()
        database.close()


def _forget_field_enrolment() -> None:
    """The throwaway field database's workstation enrolment goes with it."""
    from dukcapil_tui import enrolment
    from dukcapil_tui.services import chain

    enrolment.remove(chain.office_uid())


def merge_first_drive(path: Path, today: date) -> None:
    """The demo's first drive, recorded and merged back into the demo database at ``path`` (open;
    it is open again afterwards), on the morning of ``today``."""
    from dukcapil_tui.services import field_merge

    with tempfile.TemporaryDirectory() as work:
        result = record_drive(path, first_drive(today), Path(work), Path(work) / "hasil.dkf")
        open_database(path)
        if result is None:
            return
        original = context.now_utc
        context.now_utc = lambda: datetime.combine(today, datetime.min.time())  # 08:00 WITA
        try:
            field_merge.merge(_admin(), result.path, today=today)
        finally:
            context.now_utc = original


def build(demo: Path, out: Path) -> field_package.Result:
    """The second drive's result, from a copy of the demo database at ``demo``."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        office = work / "kantor.sqlite3"
        shutil.copyfile(demo, office)
        open_database(office)
        return record_drive(office, SECOND, work, out)


def main() -> None:
    from dukcapil_tui import paths

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("sample_data/hasil_keliling_kll02.dkf")
    if out.exists():
        out.unlink()
    result = build(paths.demo_db_path(), out)
    print(f"{result.path}: {result.recordings} recordings, {result.newcomers} newcomers, {result.edits} edits")


if __name__ == "__main__":
    main()
