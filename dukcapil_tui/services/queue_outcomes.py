"""What a counter's outcome puts into the printing backlog (part of ``services.queue.finish``,
inside its transaction): a recording makes the resident SUDAH REKAM and a card BIO_CAPTURED at
the workstation's recording site; a reprint or data change makes a print-ready card of the
record the centre holds, with the reason the clerk chose, and records nothing."""

from __future__ import annotations

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import queue as rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, Resident, Service, Ticket
from dukcapil_tui.services import audit, card_status, context, settings, sites
from dukcapil_tui.services.context import Actor, ServiceError


def refuse_if_not_alive(resident: Resident) -> None:
    if resident.life_status != resident_rules.ALIVE:
        raise ServiceError(t("life.not_alive", status=resident_rules.life_label(resident.life_status)))


def request_reprint(actor: Actor, ticket: Ticket, service: Service, card_reason: str | None) -> Card:
    """A print of the record the centre holds: the resident has recorded, has no card on its
    way, and gets one print-ready; their register status does not change."""
    allowed = rules.reprint_reasons(service.card_reason)
    reason = card_reason or service.card_reason
    if reason not in allowed:
        raise ValidationError({"card_reason": bad_choice(t("service.field.card_reason"), reason,
                                                         ", ".join(t(f"cards.reason.{r}") for r in allowed))})
    if ticket.resident_id is None:
        raise ServiceError(t("queue.reprint_needs_resident"))
    resident = ticket.resident
    refuse_if_not_alive(resident)
    if resident.recording_status != "sudah":
        raise ServiceError(t("queue.reprint_not_recorded"))
    previous = (Card.select().where((Card.resident == resident.id) & Card.office_status.in_(card_rules.OPEN_STATUSES))
                .order_by(Card.id.desc()).first())
    if previous is not None:
        raise ServiceError(t("queue.reprint_card_open", status=t(f"cards.office.{previous.office_status}")))
    where = settings.get("office_name") or actor.workstation
    return card_status.create(actor, resident, reason=reason, recorded_where=f"{where} ({actor.workstation})",
                              ticket_id=ticket.id, central=card_rules.PRINT_READY,
                              note=rules.label(service.prefix, ticket.number), source="permohonan",
                              site_code=sites.site_of_workstation(actor.workstation))


def record_biometrics(actor: Actor, ticket: Ticket, service: Service) -> Card:
    if ticket.resident_id is None:
        raise ServiceError(t("queue.recorded_needs_resident"))
    return record_resident(actor, ticket.resident, reason=service.card_reason or "baru",
                           note=rules.label(service.prefix, ticket.number), ticket_id=ticket.id)


def record_resident(actor: Actor, resident: Resident, *, reason: str = "baru", note: str = "",
                    ticket_id: int | None = None) -> Card:
    """A biometric recording of ``resident`` (at a counter, or in the field): refused for the
    dead or moved, below the recording age, or while a card is on its way; a card the centre
    failed is replaced. The resident becomes SUDAH REKAM; the card is BIO_CAPTURED at the
    workstation's recording site. Call inside the caller's transaction."""
    refuse_if_not_alive(resident)
    today = settings.office_today()
    age = resident_rules.age_on(resident.birth_date, today)
    if not resident_rules.may_record(resident.birth_date, resident.marital_status, today):
        raise ServiceError(t("queue.warn_too_young", age=age, min=resident_rules.RECORDING_MIN_AGE))
    now = context.now_utc()
    previous = (Card.select().where((Card.resident == resident.id) & Card.office_status.in_(card_rules.OPEN_STATUSES))
                .order_by(Card.id.desc()).first())
    if previous is not None and previous.office_status != "needs_rerecording":
        raise ServiceError(t("queue.card_open", status=t(f"cards.office.{previous.office_status}")))
    if previous is not None:
        # Re-recorded after a failed enrolment: the old card is replaced.
        card_status.change(actor, previous, "perekaman", "card.replaced", office="replaced", note=note,
                           detail={"ticket": ticket_id})
    if resident.recording_status != "sudah":
        Resident.update(recording_status="sudah", updated_at=now, import_hash=None).where(
            Resident.id == resident.id).execute()
        audit.record(actor, "resident.update", "resident", resident.id,
                     {"recording_status": [resident.recording_status, "sudah"], "ticket": ticket_id})
    where = settings.get("office_name") or actor.workstation
    return card_status.create(actor, resident, reason=reason, recorded_where=f"{where} ({actor.workstation})",
                              ticket_id=ticket_id, note=note, site_code=sites.site_of_workstation(actor.workstation))
