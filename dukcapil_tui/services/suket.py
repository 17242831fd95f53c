"""Suket (Surat Keterangan pengganti KTP-el): a numbered letter while the card waits.

For any recorded resident waiting for a card (a card in the backlog, not printed yet: waiting
for PRR or ready to print, however it came there); every one is registered, numbered by the
pattern in settings, valid for ``suket_validity_months`` months (default six), renewed by a new
letter from a week before it expires, and closed when the card is handed over. A Suket holder's
card comes first in print batches (``services.printing``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import fn

from dukcapil_tui import wilayah
from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import resident_details as details
from dukcapil_tui.domain.formatting import format_date, to_local
from dukcapil_tui.domain.residents import marital_label, sex_label
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, Suket
from dukcapil_tui.services import audit, blangko, context, day_lock, regions, settings
from dukcapil_tui.services.cards import card_by_nik
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

SUKET_ROLES = ("admin", "cetak", "loket")
WAITING = ("waiting_prr", "ready_to_print")


def pattern() -> str:
    return settings.get("suket_number_pattern") or rules.DEFAULT_SUKET_PATTERN


def forbid_when_stock() -> bool:
    return settings.get("suket_forbid_when_stock") in ("1", "true", "ya")


def validity_months() -> int:
    return settings.whole_setting("suket_validity_months") or rules.DEFAULT_SUKET_VALIDITY_MONTHS


def _waiting_card(nik: str) -> Card:
    """The card a Suket stands in for: the resident has recorded and the card waits."""
    card = card_by_nik(nik)
    if card.resident.recording_status != "sudah":
        raise ServiceError(t("suket.not_recorded"))
    if card.office_status not in WAITING:
        raise ServiceError(t("suket.card_state", status=t(f"cards.office.{card.office_status}")))
    return card


def _refuse_when_stock() -> None:
    if forbid_when_stock():
        stock = blangko.balance()
        if stock > 0:
            raise ServiceError(t("suket.stock_available", stock=stock))


def _open_of(resident_id: int) -> Suket | None:
    return Suket.get_or_none((Suket.resident == resident_id) & (Suket.status == "open"))


def _new(actor: Actor, card: Card, today: date, renews: Suket | None = None) -> Suket:
    seq = (Suket.select(fn.COALESCE(fn.MAX(Suket.seq), 0)).where(Suket.year == today.year).scalar()) + 1
    try:
        number = rules.suket_number(pattern(), seq, today)
    except (KeyError, ValueError, IndexError, AttributeError, TypeError):
        raise ServiceError(t("suket.bad_pattern", pattern=pattern())) from None
    if Suket.select().where(Suket.number == number).exists():
        raise ServiceError(t("suket.number_taken", number=number))
    valid_until = rules.suket_valid_until(today, validity_months())
    return Suket.create(uuid=str(uuid.uuid4()), number=number, year=today.year, seq=seq, resident=card.resident_id,
                        card=card.id, issued_at=context.now_utc(), username=actor.username, status="open",
                        valid_until=valid_until, renews=renews.id if renews else None)


def issue(actor: Actor, nik: str) -> Suket:
    require_role(actor, "action.suket", *SUKET_ROLES)
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open()
        card = _waiting_card(nik)
        today = settings.office_today()
        # One open Suket per resident (not per card: a re-recorded resident's earlier card may hold one).
        existing = _open_of(card.resident_id)
        if existing is not None:
            if existing.valid_until is not None and existing.valid_until < today:
                raise ServiceError(t("suket.expired_renew", number=existing.number,
                                     until=format_date(existing.valid_until)))
            raise ServiceError(t("suket.already_open", number=existing.number))
        _refuse_when_stock()
        row = _new(actor, card, today)
        audit.record(actor, "suket.issue", "suket", row.id,
                     {"number": row.number, "card": card.id, "valid_until": row.valid_until})
    return row


def renew(actor: Actor, nik: str) -> Suket:
    """A new letter for a holder whose card still waits, from ``SUKET_RENEW_DAYS`` days before
    the old one expires (or after it has): the old one is closed as renewed."""
    require_role(actor, "action.suket", *SUKET_ROLES)
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open()
        card = _waiting_card(nik)
        today = settings.office_today()
        old = _open_of(card.resident_id)
        if old is None:
            raise NotFound(t("suket.nothing_to_renew"))
        until = old.valid_until or today
        if not rules.suket_renewable(until, today):
            raise ServiceError(t("suket.too_early", number=old.number, until=format_date(until),
                                 since=format_date(until - timedelta(days=rules.SUKET_RENEW_DAYS - 1))))
        _refuse_when_stock()
        Suket.update(status="closed", closed_at=context.now_utc(), closed_reason="renewed").where(
            Suket.id == old.id).execute()
        row = _new(actor, card, today, renews=old)
        audit.record(actor, "suket.renew", "suket", row.id,
                     {"number": row.number, "renews": old.number, "card": card.id, "valid_until": row.valid_until})
    return row


# --- the register ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SuketRow:
    id: int
    number: str
    nik: str
    name: str
    issued_on: date
    valid_until: date | None
    card_status: str

    def state(self, today: date) -> str:
        """``valid``, ``expiring`` (renewable: within a week of its end) or ``expired``."""
        if self.valid_until is None:
            return "valid"
        if self.valid_until < today:
            return "expired"
        return "expiring" if rules.suket_renewable(self.valid_until, today) else "valid"


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def open_register(today: date | None = None, *, state: str | None = None) -> list[SuketRow]:
    """Open Suket, oldest first; ``state`` keeps only ``valid``/``expiring``/``expired`` ones."""
    today = today or settings.office_today()
    zone = settings.office_timezone()
    rows = [
        SuketRow(sid, number, nik, name, to_local(issued if isinstance(issued, datetime)
                                                  else datetime.fromisoformat(str(issued)), zone).date(),
                 _date(until), office)
        for sid, number, nik, name, issued, until, office in database.execute_sql(
            "SELECT s.id, s.number, r.nik, r.name, s.issued_at, s.valid_until, c.office_status "
            "FROM suket s JOIN resident r ON r.id = s.resident_id JOIN card c ON c.id = s.card_id "
            "WHERE s.status = 'open' ORDER BY s.issued_at, s.id").fetchall()
    ]
    return [r for r in rows if state is None or r.state(today) == state]


@dataclass(frozen=True)
class SuketCounts:
    open: int
    expiring: int  # still valid, ending within SUKET_RENEW_DAYS days
    expired: int  # past their end, the holder's card still not handed over


def counts(today: date) -> SuketCounts:
    """The open Suket and how many end this week or have ended (two reads of the partial index)."""
    soon = today + timedelta(days=rules.SUKET_RENEW_DAYS - 1)
    row = database.execute_sql(
        "SELECT COUNT(*), SUM(valid_until BETWEEN ? AND ?), SUM(valid_until < ?) FROM suket WHERE status = 'open'",
        (today.isoformat(), soon.isoformat(), today.isoformat())).fetchone()
    return SuketCounts(row[0] or 0, row[1] or 0, row[2] or 0)


def open_count() -> int:
    return Suket.select().where(Suket.status == "open").count()


# --- the letter ------------------------------------------------------------------------------

def letter_text(suket: Suket) -> str:
    """The letter as plain text, ready to print on the office's letterhead. What the register
    does not know (a resident known only from a SIAK listing has no birthplace, address,
    religion…) is left out, never guessed: the clerk writes it in by hand from the KK."""
    resident = suket.resident
    office = settings.get("office_name")
    zone = settings.office_timezone()
    issued = to_local(suket.issued_at, zone).date()
    place = regions.index().name(resident.desa_code)
    kecamatan = regions.index().name(resident.kecamatan_code)
    head = settings.get("head_name") or "………………………"
    nip = settings.get("head_nip") or "………………………"
    until = _date(suket.valid_until)
    government = settings.get("region_name")

    def line(label: str, value: str) -> str:
        return f"  {label:<20}: {value}"

    known = [
        (t("resident.field.name"), resident.name),
        (t("resident.field.nik"), resident.nik),
        (t("suket.birth"), ", ".join(p for p in (resident.birth_place, format_date(resident.birth_date)) if p)),
        (t("resident.field.sex"), sex_label(resident.sex)),
        (t("resident.field.religion"), details.religion_label(resident.religion)),
        (t("resident.field.marital_status"), marital_label(resident.marital_status) if resident.marital_known else ""),
        (t("resident.field.occupation"), resident.occupation),
        (t("resident.field.citizenship"), resident.citizenship),
        (t("resident.field.address"), _address(resident, place, kecamatan)),
    ]
    lines = [
        *([f"PEMERINTAH {government.upper()}"] if government else []),
        office.upper(),
        "",
        t("suket.letter_title").upper(),
        t("suket.letter_number", number=suket.number),
        "",
        t("suket.letter_opening"),
        "",
        *(line(label, value) for label, value in known if value),
        "",
        t("suket.letter_body"),
    ]
    if until is not None:
        lines.append(t("suket.letter_validity", until=format_date(until)))
    if suket.renews_id:
        lines.append(t("suket.letter_renews", number=suket.renews.number))
    lines += [
        "",
        f"{wilayah.place_name(settings.get('region_name'))}, {format_date(issued)}",
        t("suket.letter_signer"),
        "",
        "",
        head,
        f"NIP. {nip}",
    ]
    return "\n".join(lines) + "\n"


def _address(resident, desa: str, kecamatan: str) -> str:
    """Street, RT/RW when known, then desa and kecamatan: "Dusun Sade RT 001/RW 002, Rembitan,
    Kec. Pujut"; a resident from a listing: "Rembitan, Kec. Pujut"."""
    rt_rw = "/".join(p for p in (f"RT {resident.rt}" if resident.rt else "", f"RW {resident.rw}" if resident.rw else "")
                     if p)
    street = " ".join(p for p in (resident.address, rt_rw) if p)
    return ", ".join(p for p in (street, desa, f"Kec. {kecamatan}" if kecamatan else "") if p)


def save_letter(suket: Suket, folder: Path | str | None = None) -> Path:
    """Write the letter (a private file) into ``folder`` (default: exports/suket) and return its
    path; a second copy of the same number gets a numbered name."""
    from dukcapil_tui import files, paths, private

    target_dir = files.ensure_folder(folder if folder else paths.export_dir() / "suket", own=not folder)
    target = files.reserve(target_dir / (suket.number.replace("/", "-") + ".txt"))
    return private.write_text(target, letter_text(suket))
