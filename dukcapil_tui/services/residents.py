"""The resident register: look-ups, paged search, create and edit."""

from __future__ import annotations

import string
import uuid
from dataclasses import dataclass, field
from datetime import date

from peewee import SQL, NodeList, Tuple, fn

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.problems import Problem, ValidationError
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Resident
from dukcapil_tui.services import audit, card_status, context, regions
from dukcapil_tui.services.context import Actor, NotFound, require_role
from dukcapil_tui.domain.formatting import format_date

EDITOR_ROLES = ("admin", "loket")
PAGE_SIZE = 100

LIST_COLUMNS = (
    Resident.id, Resident.nik, Resident.name, Resident.sex, Resident.birth_date,
    Resident.desa_code, Resident.marital_status, Resident.recording_status, Resident.name_protected,
)


@dataclass(frozen=True)
class ResidentRow:
    id: int
    nik: str
    name: str
    sex: str
    birth_date: date
    desa_code: str
    marital_status: str
    recording_status: str
    name_protected: bool = False  # a name that may not be spoken (services.handling)


@dataclass(frozen=True)
class ResidentQuery:
    text: str = ""
    kecamatan_code: str | None = None
    desa_code: str | None = None

    @property
    def digits(self) -> str | None:
        """The NIK (or NIK prefix) searched for, when the text is only digits."""
        cleaned = nik_rules.normalise(self.text)
        return cleaned if numbers.is_digits(cleaned) else None

    @property
    def problem(self) -> str | None:
        """What is wrong with a NIK typed with digits other than 0–9 (full-width, Arabic-Indic):
        such a search would silently find nobody."""
        foreign = numbers.foreign_digit(self.text)
        return t("nik.foreign_digit", char=numbers.digit_name(foreign)) if foreign else None


@dataclass(frozen=True)
class Page:
    rows: list[ResidentRow]
    has_more: bool
    next_cursor: tuple | None
    order: str = "name"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# SQLite's NOCASE collation folds the ASCII letters only; this folds the same way.
_NOCASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _prefix_end(prefix: str) -> str | None:
    """The least string above every name that starts with ``prefix``, under the name column's
    collation: on SQLite (NOCASE) ``prefix`` with its last character moved one up.

    On PostgreSQL the names' ``nocase`` is an ICU collation, which does not sort by code point
    (``{`` comes before the letters, so ``z`` -> ``{`` would select nothing); ICU gives U+FFFF
    the highest weight of all, so every name that starts with ``prefix`` sorts below ``prefix``
    followed by it."""
    if dbmod.on_postgres():
        return prefix + "\uffff"
    code = ord(prefix[-1].translate(_NOCASE)) + 1
    if ord("A") <= code <= ord("Z"):  # after "@": NOCASE reads "A" as "a", so go past "Z"
        code = ord("[")
    elif 0xD800 <= code <= 0xDFFF:  # surrogates cannot be stored
        code = 0xE000
    elif code > 0x10FFFF:
        return None
    return prefix[:-1] + chr(code)


def _digits_end(digits: str) -> str | None:
    """The least digit string above every string that starts with ``digits`` (``5209`` ->
    ``521``; None for ``99…``): digits only, so that any collation orders it as SQLite's BINARY
    does (``5209`` -> ``520:`` would not: ICU and glibc locales sort ``:`` before or around the
    digits, and the NIK column takes the server's default collation)."""
    kept = digits.rstrip("9")
    if not kept:
        return None
    return kept[:-1] + str(int(kept[-1]) + 1)


def search(query: ResidentQuery, after: tuple | None = None, limit: int = PAGE_SIZE) -> Page:
    """One page of residents, keyset-paged so that any page costs the same at 1 M rows.

    Digits search the NIK (exact for 16 digits, prefix otherwise) in NIK order; other text is
    a case-insensitive name prefix in name order.

    A prefix is a range (``>= prefix AND < end``) on the indexed column; on later pages the
    cursor replaces the prefix as the lower bound. SQLite seeks to one lower bound only, and
    when it took the prefix (as it always does for ``LIKE``), a page deep in a long prefix
    walked every row before it. The name range compares under the column's NOCASE collation,
    which selects exactly the rows a case-insensitive ``LIKE 'prefix%'`` does.
    """
    select = Resident.select(*LIST_COLUMNS)
    conditions = []
    digits = query.digits
    if query.desa_code:
        conditions.append(Resident.desa_code == query.desa_code)
    elif query.kecamatan_code:
        kecamatan = Resident.kecamatan_code
        if digits and not dbmod.on_postgres():
            # NIK order within a kecamatan: walk the NIK index and check the kecamatan, rather
            # than fetch and sort the whole kecamatan (100-250 ms at 1 M residents) for every
            # page. The unary "+" keeps SQLite off the kecamatan index. (A desa is small enough
            # to sort. PostgreSQL's planner weighs both indexes itself.)
            kecamatan = NodeList((SQL("+"), kecamatan), glue="")
        conditions.append(kecamatan == query.kecamatan_code)

    if digits:
        order = "nik"
        nik = Resident.nik
        if query.desa_code and len(digits) < 16 and dbmod.on_postgres():
            # A desa (some 6,500 of 1 M residents) is sorted, as SQLite does. PostgreSQL's
            # planner, taking a desa's NIKs to be spread evenly over a prefix, would walk the NIK
            # index and check each row's desa: 250 ms when the desa's NIKs lie deep in a long
            # prefix (docs/performance.md). ``nik || ''`` keeps it off the NIK index.
            nik = nik.concat("")
        if len(digits) == 16:
            conditions.append(Resident.nik == digits)
        else:
            end = _digits_end(digits)
            if end is not None:
                conditions.append(nik < end)
            if not (after and after[0] >= digits):
                conditions.append(nik >= digits)
        if after:
            conditions.append(nik > after[0])
        ordering = [Resident.nik]
    else:
        order = "name"
        text = squash(query.text).upper()
        end = _prefix_end(text) if text else None
        if text and end is None:  # nothing sorts above it (never so for a real name)
            conditions.append(Resident.name ** (_escape_like(text) + "%"))
        elif text:
            conditions.append(Resident.name < end)
            if not (after and after[0].translate(_NOCASE) >= text.translate(_NOCASE)):
                conditions.append(Resident.name >= text)
        if after:
            conditions.append(Tuple(Resident.name, Resident.id) > Tuple(*after))
        ordering = [Resident.name, Resident.id]

    for condition in conditions:
        select = select.where(condition)
    raw = list(select.order_by(*ordering).limit(limit + 1).tuples())
    has_more = len(raw) > limit
    rows = [ResidentRow(*r) for r in raw[:limit]]
    cursor = None
    if has_more and rows:
        last = rows[-1]
        cursor = (last.nik,) if order == "nik" else (last.name, last.id)
    return Page(rows=rows, has_more=has_more, next_cursor=cursor, order=order)


def get(resident_id: int) -> Resident:
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        raise NotFound(t("error.not_found", entity=t("resident.entity")))
    return resident


def find_by_nik(nik: str) -> Resident | None:
    return Resident.get_or_none(Resident.nik == nik_rules.checked(nik))


@dataclass(frozen=True)
class ResidentView:
    """Everything the detail view shows, computed once."""

    resident: Resident
    reading: nik_rules.NikReading
    wajib: rules.WajibKtp
    age: int
    desa_name: str
    kecamatan_name: str
    region_name: str


def view(resident_id: int, on: date) -> ResidentView:
    resident = get(resident_id)
    index = regions.index()
    reading = nik_rules.parse(
        resident.nik,
        today=on,
        known_kecamatan=regions.known_kecamatan(index),
        recorded_birth_date=resident.birth_date,
        recorded_sex=resident.sex,
    )
    return ResidentView(
        resident=resident,
        reading=reading,
        wajib=rules.wajib_ktp(resident.birth_date, resident.marital_status, on, resident.life_status,
                              resident.life_status_on),
        age=rules.age_on(resident.birth_date, on),
        desa_name=index.name(resident.desa_code),
        kecamatan_name=index.name(resident.kecamatan_code),
        region_name=regions.describe_kecamatan(reading.kecamatan_code, index),
    )


def _validate(raw: dict, today: date) -> tuple[rules.ResidentInput, list[Problem]]:
    index = regions.index()
    cleaned, errors, warnings = rules.validate(
        raw,
        known_desa=index.desa_codes,
        known_kecamatan=regions.known_kecamatan(index),
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    return cleaned, warnings


def _values(data: rules.ResidentInput) -> dict:
    return {
        "nik": data.nik, "name": data.name, "birth_place": data.birth_place,
        "birth_date": data.birth_date, "sex": data.sex, "desa_code": data.desa_code,
        "kecamatan_code": data.kecamatan_code, "address": data.address, "rt": data.rt,
        "rw": data.rw, "marital_status": data.marital_status,
        "recording_status": data.recording_status, "life_status": data.life_status,
        "life_status_on": data.life_status_on, "religion": data.religion, "occupation": data.occupation,
        "citizenship": data.citizenship, "marital_known": data.marital_known,
    }


@dataclass(frozen=True)
class SaveResult:
    resident: Resident
    warnings: list[Problem] = field(default_factory=list)
    changed: bool = True


def create(actor: Actor, raw: dict, today: date, *, resident_uuid: str | None = None,
           workstation: str | None = None) -> SaveResult:
    """A new resident; one registered elsewhere (a field laptop) keeps its UUID and workstation."""
    require_role(actor, "action.edit_residents", *EDITOR_ROLES)
    data, warnings = _validate(raw, today)
    with database.atomic("IMMEDIATE"):
        existing = find_by_nik(data.nik)
        if existing is not None:
            raise ValidationError({"nik": t("resident.duplicate_nik", nik=data.nik, name=existing.name)})
        now = context.now_utc()
        values = _values(data)
        resident = Resident.create(
            uuid=resident_uuid or str(uuid.uuid4()), workstation=workstation or actor.workstation, created_at=now,
            updated_at=now, **values
        )
        audit.record(actor, "resident.create", "resident", resident.id, {k: [None, v] for k, v in values.items()})
    return SaveResult(resident, warnings)


def update(actor: Actor, resident_id: int, raw: dict, today: date) -> SaveResult:
    require_role(actor, "action.edit_residents", *EDITOR_ROLES)
    data, warnings = _validate(raw, today)
    with database.atomic("IMMEDIATE"):
        resident = get(resident_id)
        if data.nik != resident.nik:
            other = find_by_nik(data.nik)
            if other is not None:
                raise ValidationError({"nik": t("resident.duplicate_nik", nik=data.nik, name=other.name)})
        values = _values(data)
        before = {k: getattr(resident, k) for k in values}
        changes = audit.diff(before, values)
        if not changes:
            return SaveResult(resident, warnings, changed=False)
        Resident.update(updated_at=context.now_utc(), import_hash=None, **values).where(
            Resident.id == resident_id).execute()
        audit.record(actor, "resident.update", "resident", resident_id, changes)
        # Died, moved away, missing: the cards on the way leave the backlog; back to HIDUP: they return.
        if before["life_status"] == rules.ALIVE and data.life_status != rules.ALIVE:
            card_status.close_for_life(actor, [resident_id], data.life_status, single=True)
        elif before["life_status"] != rules.ALIVE and data.life_status == rules.ALIVE:
            card_status.reopen_for_life(actor, [resident_id], single=True)
    return SaveResult(get(resident_id), warnings)


def to_form(resident: Resident) -> dict:
    """A resident's values in the shape ``create``/``update`` accept."""
    return {
        "nik": resident.nik, "name": resident.name, "birth_place": resident.birth_place,
        "birth_date": format_date(resident.birth_date), "sex": resident.sex,
        "desa_code": resident.desa_code, "address": resident.address, "rt": resident.rt,
        "rw": resident.rw, "marital_status": resident.marital_status,
        "recording_status": resident.recording_status, "life_status": resident.life_status,
        "life_status_on": format_date(resident.life_status_on) if resident.life_status_on else "",
        "religion": resident.religion, "occupation": resident.occupation, "citizenship": resident.citizenship,
    }


@dataclass(frozen=True)
class Summary:
    residents: int
    wajib_ktp: int
    recorded: int
    recorded_wajib: int
    on: date


def summary(on: date) -> Summary:
    """The register on ``on``: residents still counted (HIDUP, or died / moved only later), the
    wajib KTP among them (17 or older, or ever married), the recorded."""
    cutoff = rules.years_ago(on, rules.WAJIB_KTP_AGE)
    alive = (Resident.life_status == rules.ALIVE) | (Resident.life_status_on > on)
    wajib = alive & ((Resident.birth_date <= cutoff) | (Resident.marital_status != "belum_kawin"))
    recorded = Resident.recording_status == "sudah"
    row = Resident.select(
        fn.SUM(alive.cast("INTEGER")),
        fn.SUM(wajib.cast("INTEGER")),
        fn.SUM((alive & recorded).cast("INTEGER")),
        fn.SUM((wajib & recorded).cast("INTEGER")),
    ).tuples().get()
    total, w, r, rw = (v or 0 for v in row)
    return Summary(total, w, r, rw, on)
