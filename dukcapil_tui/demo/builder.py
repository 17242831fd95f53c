"""Builds a demo office database for Lombok Tengah (52.02), the same for the same seed.

Residents live in the regency's real desa, hold NIKs consistent with their sex, birth date and
kecamatan (most were first registered where they live), and come in a realistic mix of ages
(about 70 % wajib KTP), marital status and recording status.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from dukcapil_tui import db as dbmod
from dukcapil_tui import wilayah
from dukcapil_tui.db import database
from dukcapil_tui.demo import names
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain.residents import years_ago
from dukcapil_tui.models import Setting
from dukcapil_tui.services import audit, regions, users
from dukcapil_tui.services.office import init_office

REGION = "52.02"
MOVED_IN_FROM = "15.03"  # 1 % of NIKs were first issued in Sarolangun (Jambi): residents who moved here
OFFICE = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Lombok Tengah"
TIMEZONE = "Asia/Makassar"
DEMO_PASSWORD = "dukcapil"
DEMO_LOGINS = (
    ("admin", DEMO_PASSWORD, "admin"),
    ("loket1", DEMO_PASSWORD, "loket"),
    ("loket2", DEMO_PASSWORD, "loket"),
    ("cetak1", DEMO_PASSWORD, "cetak"),
    ("blangko1", DEMO_PASSWORD, "blangko"),
)
_FULL_NAMES = {
    "admin": "H. Lalu Ahmad Zaenuri",
    "loket1": "Baiq Nurul Hidayati",
    "loket2": "Muhammad Sahnan",
    "cetak1": "Rizki Ardiansyah",
    "blangko1": "Siti Khotimah",
}
DEMO_MARK = "demo_seed"
# The demo office's field key is the same in every demo (a real office's is random, migration 13),
# so the field result in sample_data/ merges into any fresh demo. Never use it for real data.
DEMO_FIELD_SECRET = hashlib.sha256(b"dukcapil-tui demo office field key").hexdigest()
DEMO_DAY = "demo_day"  # the office-local day the demo's queue and history were built for

# (lowest age, highest age, weight): a young population like Lombok Tengah's.
AGE_BRACKETS = (
    (0, 4, 8.5), (5, 9, 8.5), (10, 14, 8.3), (15, 15, 1.6), (16, 16, 1.6),
    (17, 24, 12.5), (25, 34, 15.5), (35, 44, 14.5), (45, 54, 12.0), (55, 64, 9.5), (65, 90, 7.5),
)
CHUNK = 20_000


def office_today() -> date:
    """The demo office's local date (WITA): early in a Lombok morning the UTC date is still
    yesterday, and a demo built on it would open with an empty queue."""
    from dukcapil_tui.domain.formatting import to_local
    from dukcapil_tui.services import context

    return to_local(context.now_utc(), TIMEZONE).date()


def demo_is_current(path: Path) -> bool:
    """A demo database that exists, opens, was fully built, and was built for the office's
    today (its queue and recent history are about today; on a later day it is built again)."""
    if not path.exists():
        return False
    try:
        dbmod.open_database(path)
        from dukcapil_tui.services import workstations

        # Built, and this workstation holds its enrolment (the key to write its audit log).
        done = Setting.get_or_none(Setting.key == DEMO_MARK) is not None and workstations.here().code is not None
        built_for = Setting.get_or_none(Setting.key == DEMO_DAY)
        done = done and built_for is not None and built_for.value == office_today().isoformat()
        database.close()
        return done
    except Exception:  # noqa: BLE001 - anything wrong means: build it again
        return False


def _remove(path: Path) -> None:
    dbmod.dbfiles.leave(path)
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def build_demo(
    path: Path,
    *,
    residents: int = 20_000,
    seed: int = 20261122,
    workstation: str = "DEMO",
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    activity: bool = True,
) -> Path:
    """Build into a temporary file, then rename: an interrupted build leaves nothing half-made.

    ``activity`` adds two weeks of queue, printing and stock work (``demo.activity``); tests
    that need a quiet office turn it off."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    _remove(tmp)
    if database.obj is not None:
        database.close()
    today = today or office_today()
    _forget_enrolment(path)
    init_office(
        tmp, office_name=OFFICE, region_code=REGION, timezone=TIMEZONE,
        admin_username="admin", admin_full_name=_FULL_NAMES["admin"],
        admin_password=secrets.token_urlsafe(16), workstation=workstation,
    )
    from dukcapil_tui.services.context import system_actor

    actor = system_actor(workstation)
    for username, _password, role in DEMO_LOGINS[1:]:
        users.create_user(actor, username, _FULL_NAMES[username], role, secrets.token_urlsafe(16))
    _demo_passwords()
    _demo_field_key(actor)
    rng = random.Random(seed)
    with _bulk_load("resident"):
        generate_residents(rng, residents, today, workstation, progress)
    if activity:
        from dukcapil_tui.demo.activity import generate_activity

        generate_activity(random.Random(seed + 1), today)
        from dukcapil_tui.demo.field_sample import merge_first_drive

        merge_first_drive(tmp, today)
    with database.atomic():
        Setting.insert(key=DEMO_MARK, value=str(seed)).on_conflict_replace().execute()
        Setting.insert(key=DEMO_DAY, value=today.isoformat()).on_conflict_replace().execute()
        audit.record(actor, "demo.build", "office", REGION, {"residents": residents, "seed": seed})
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    _remove(path)
    os.replace(tmp, path)
    dbmod.dbfiles.leave(tmp)
    for suffix in ("-wal", "-shm", ".lock"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    return path


def _demo_passwords() -> None:
    """The demo's logins keep the short password printed on screen, which the password policy
    refuses for a real office: the demo sets its hashes itself, at today's scrypt cost."""
    from dukcapil_tui.domain import passwords
    from dukcapil_tui.models import AppUser

    with database.atomic():
        for username, password, _role in DEMO_LOGINS:
            AppUser.update(password_hash=passwords.hash_password(password)).where(
                AppUser.username == username).execute()


def _demo_field_key(actor) -> None:
    from dukcapil_tui.models import FieldKey

    with database.atomic():
        FieldKey.update(secret=DEMO_FIELD_SECRET).where(FieldKey.id == 1).execute()
        audit.record(actor, "field.key", "field_key", 1, {"demo": True})


def _forget_enrolment(path: Path) -> None:
    """A demo built anew gets a new office id: drop this workstation's enrolment for the old one."""
    import sqlite3

    from dukcapil_tui import enrolment

    if not path.exists():
        return
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = 'office_uid'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return
    if row:
        try:
            enrolment.remove(row[0])
        except enrolment.EnrolmentError:
            pass


@contextmanager
def _bulk_load(table: str) -> Iterator[None]:
    """Load ``table`` fast: secondary indexes are dropped first and built again afterwards.

    Building an index once over the loaded rows is much faster than updating it row by row
    (DESIGN §6). The indexes are recreated from the very ``CREATE INDEX`` statements the
    migrations ran, as SQLite stored them in ``sqlite_master``, so the schema ends up
    identical. The indexes behind UNIQUE constraints (NIK, UUID) cannot be dropped and stay.
    Durability is relaxed while loading: the file is a temporary one that ``build_demo``
    renames only once it is complete.
    """
    indexes = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    database.execute_sql("PRAGMA synchronous = OFF")
    with database.atomic():
        for name, _sql in indexes:
            database.execute_sql(f'DROP INDEX "{name}"')
    yield
    with database.atomic():
        for _name, sql in indexes:
            database.execute_sql(sql)
    database.execute_sql(f"PRAGMA synchronous = {dbmod.PRAGMAS['synchronous']}")


def _age(rng: random.Random) -> int:
    low, high, _ = rng.choices(AGE_BRACKETS, weights=[b[2] for b in AGE_BRACKETS])[0]
    return rng.randint(low, high)


def _marital(rng: random.Random, age: int) -> str:
    if age < 15:
        return "belum_kawin"
    if age < 17:
        return "kawin" if rng.random() < 0.03 else "belum_kawin"
    if age < 25:
        return "kawin" if rng.random() < 0.42 else "belum_kawin"
    roll = rng.random()
    widowed = 0.02 + max(0, age - 50) * 0.012
    if roll < widowed:
        return "cerai_mati"
    if roll < widowed + 0.05:
        return "cerai_hidup"
    if roll < widowed + 0.05 + (0.12 if age < 35 else 0.03):
        return "belum_kawin"
    return "kawin"


def _recorded(rng: random.Random, age: int, marital: str) -> str:
    if age < 16:
        return "belum"
    if age == 16 and marital == "belum_kawin":
        return "sudah" if rng.random() < 0.35 else "belum"
    if age < 20:
        return "sudah" if rng.random() < 0.80 else "belum"
    return "sudah" if rng.random() < 0.95 else "belum"


def _name(rng: random.Random, sex: str) -> str:
    given = names.MALE if sex == "L" else names.FEMALE
    parts = []
    if rng.random() < 0.08:
        parts.append(names.NOBLE_MALE if sex == "L" else names.NOBLE_FEMALE)
    parts.append(rng.choice(given))
    roll = rng.random()
    if roll < 0.55:
        parts.append(rng.choice(names.FAMILY if sex == "L" else names.FAMILY + names.FEMALE_FAMILY))
    elif roll < 0.75:
        parts.append(rng.choice(given))
    return " ".join(dict.fromkeys(parts))


def generate_residents(
    rng: random.Random, count: int, today: date, workstation: str,
    progress: Callable[[int], None] | None = None,
) -> None:
    index = regions.index()
    desas = [(code, name) for kec in index.desa_by_kecamatan.values() for code, name in kec]
    kecamatan_codes = [code for code, _ in index.kecamatan]
    outside = [r.code for r in wilayah.regency_rows(MOVED_IN_FROM) if r.level == "kecamatan"]
    sequences: dict[str, int] = {}
    stamp = str(datetime(today.year, today.month, today.day, 0, 0))
    columns = ("uuid", "nik", "name", "birth_place", "birth_date", "sex", "desa_code", "kecamatan_code",
               "address", "rt", "rw", "marital_status", "recording_status", "workstation",
               "created_at", "updated_at")
    sql = f"INSERT INTO resident ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})"
    made = 0
    while made < count:
        batch = []
        for _ in range(min(CHUNK, count - made)):
            desa_code, desa_name = rng.choice(desas)
            kecamatan = desa_code[:8]
            sex = "L" if rng.random() < 0.495 else "P"
            age = _age(rng)
            birth = years_ago(today, age) - timedelta(days=rng.randint(0, 364))
            marital = _marital(rng, age)
            roll = rng.random()
            issued_in = (
                kecamatan if roll < 0.9 else (rng.choice(kecamatan_codes) if roll < 0.99 else rng.choice(outside))
            )
            nik = _unique_nik(issued_in, birth, sex, sequences)
            place_roll = rng.random()
            birth_place = (index.name(kecamatan).upper() if place_roll < 0.6 else
                           desa_name.upper() if place_roll < 0.9 else rng.choice(names.OTHER_PLACES))
            batch.append((
                str(uuid.UUID(int=rng.getrandbits(128), version=4)), nik, _name(rng, sex), birth_place,
                birth.isoformat(), sex, desa_code, kecamatan, rng.choice(names.DUSUN),
                f"{rng.randint(1, 12):03d}", f"{rng.randint(1, 6):03d}", marital,
                _recorded(rng, age, marital), workstation, stamp, stamp,
            ))
        with database.atomic():
            database.cursor().executemany(sql, batch)
        made += len(batch)
        if progress:
            progress(len(batch))


def _unique_nik(kecamatan: str, birth: date, sex: str, sequences: dict[str, int]) -> str:
    head = nik_rules.compose(kecamatan, birth, sex, 1)[:12]
    sequence = sequences.get(head, 0) + 1
    sequences[head] = sequence
    return nik_rules.compose(kecamatan, birth, sex, sequence)
