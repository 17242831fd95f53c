"""Suket (Surat Keterangan pengganti KTP-el): a numbered letter while the card waits.

Only for a recorded resident whose card is not printed yet; every one is registered, numbered
by the pattern in settings, and closed when the card is handed over.
"""

from __future__ import annotations

import uuid

from peewee import fn

from dukcapil_tui import wilayah
from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain.formatting import format_date, to_local
from dukcapil_tui.domain.residents import sex_label
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Resident, Suket
from dukcapil_tui.services import audit, blangko, context, regions, settings
from dukcapil_tui.services.cards import card_by_nik
from dukcapil_tui.services.context import Actor, ServiceError, require_role

SUKET_ROLES = ("admin", "cetak", "loket")


def pattern() -> str:
    return settings.get("suket_number_pattern") or rules.DEFAULT_SUKET_PATTERN


def forbid_when_stock() -> bool:
    return settings.get("suket_forbid_when_stock") in ("1", "true", "ya")


def issue(actor: Actor, nik: str) -> Suket:
    require_role(actor, "action.suket", *SUKET_ROLES)
    with database.atomic("IMMEDIATE"):
        card = card_by_nik(nik)
        resident = card.resident
        if resident.recording_status != "sudah":
            raise ServiceError(t("suket.not_recorded"))
        if card.office_status not in ("waiting_prr", "ready_to_print"):
            raise ServiceError(t("suket.card_state", status=t(f"cards.office.{card.office_status}")))
        # One open Suket per resident (not per card: a re-recorded resident's earlier card may hold one).
        existing = Suket.get_or_none((Suket.resident == resident.id) & (Suket.status == "open"))
        if existing is not None:
            raise ServiceError(t("suket.already_open", number=existing.number))
        if forbid_when_stock():
            stock = blangko.balance()
            if stock > 0:
                raise ServiceError(t("suket.stock_available", stock=stock))
        today = settings.office_today()
        seq = (Suket.select(fn.COALESCE(fn.MAX(Suket.seq), 0)).where(Suket.year == today.year).scalar()) + 1
        try:
            number = rules.suket_number(pattern(), seq, today)
        except (KeyError, ValueError, IndexError, AttributeError, TypeError):
            raise ServiceError(t("suket.bad_pattern", pattern=pattern())) from None
        if Suket.select().where(Suket.number == number).exists():
            raise ServiceError(t("suket.number_taken", number=number))
        row = Suket.create(uuid=str(uuid.uuid4()), number=number, year=today.year, seq=seq, resident=resident.id,
                           card=card.id, issued_at=context.now_utc(), username=actor.username, status="open")
        audit.record(actor, "suket.issue", "suket", row.id, {"number": number, "card": card.id})
    return row


def open_register() -> list[Suket]:
    return list(Suket.select(Suket, Resident).join(Resident).where(Suket.status == "open").order_by(Suket.issued_at))


def open_count() -> int:
    return Suket.select().where(Suket.status == "open").count()


def letter_text(suket: Suket) -> str:
    """The letter as plain text, ready to print on the office's letterhead."""
    resident = suket.resident
    office = settings.get("office_name")
    zone = settings.office_timezone()
    issued = to_local(suket.issued_at, zone).date()
    place = regions.index().name(resident.desa_code)
    kecamatan = regions.index().name(resident.kecamatan_code)
    head = settings.get("head_name") or "………………………"
    nip = settings.get("head_nip") or "………………………"
    lines = [
        office.upper(),
        "",
        t("suket.letter_title").upper(),
        t("suket.letter_number", number=suket.number),
        "",
        t("suket.letter_opening"),
        "",
        f"  {t('resident.field.name'):<20}: {resident.name}",
        f"  {t('resident.field.nik'):<20}: {resident.nik}",
        f"  {t('suket.birth'):<20}: "
        f"{resident.birth_place}, {format_date(resident.birth_date)}",
        f"  {t('resident.field.sex'):<20}: {sex_label(resident.sex)}",
        f"  {t('resident.field.address'):<20}: {resident.address} RT {resident.rt}/RW {resident.rw}, "
        f"{place}, Kec. {kecamatan}",
        "",
        t("suket.letter_body"),
        "",
        f"{wilayah.place_name(settings.get('region_name'))}, {format_date(issued)}",
        t("suket.letter_signer"),
        "",
        "",
        head,
        f"NIP. {nip}",
    ]
    return "\n".join(lines) + "\n"

