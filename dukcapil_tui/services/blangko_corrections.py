"""Correcting a wrong blank-ledger entry (koreksi): never by editing rows, never through a
stock count.

The stock keeper asks: "entry #12, a receipt recorded as 5.000, was really 500", with a reason.
The head approves (or rejects); approval writes a ``correction`` movement of the difference
that references the entry, dated the day of approval (a closed month stays closed), so the
ledger screen and the monthly report show it beside the original. The stock never goes below
zero through a correction either; a correction larger than the largest plausible lot needs a
confirmation like any unusual number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import fn

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.formatting import format_date, format_int
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import BlangkoCorrection, BlangkoMovement
from dukcapil_tui.services import audit, blangko, context
from dukcapil_tui.services.context import Actor, NeedsConfirmation, NotFound, ServiceError, require_role

MAX_REASON = 300


def effective_quantity(movement: BlangkoMovement) -> int:
    """The entry's signed quantity with the corrections approved so far."""
    corrected = (BlangkoMovement.select(fn.COALESCE(fn.SUM(BlangkoMovement.quantity), 0))
                 .where(BlangkoMovement.corrects == movement.id).scalar())
    return movement.quantity + corrected


def _movement(movement_id: object) -> BlangkoMovement:
    number = numbers.whole(movement_id, thousands=False)
    found = BlangkoMovement.get_or_none(BlangkoMovement.id == number) if number else None
    if found is None:
        raise NotFound(t("correction.no_movement", number=movement_id))
    return found


def describe(movement: BlangkoMovement) -> str:
    """"Penerimaan 03-11-2026 SJ/12/2026 (5.000)": how a correction names its entry."""
    day = movement.day if isinstance(movement.day, date) else date.fromisoformat(str(movement.day)[:10])
    parts = [t(f"blangko.kind.{movement.kind}"), format_date(day)]
    if movement.reference:
        parts.append(movement.reference)
    return " ".join(parts) + f" ({format_int(abs(movement.quantity))})"


def request(actor: Actor, movement_id: object, quantity: object, reason: str, *,
            confirmed: bool = False) -> BlangkoCorrection:
    """Ask for entry ``movement_id`` to be corrected to ``quantity`` blanks (0: it should not
    have been recorded at all)."""
    require_role(actor, "action.keep_stock", *blangko.KEEPER_ROLES)
    problems = {}
    right = numbers.whole(quantity)
    if right is None or right < 0:
        problems["quantity"] = t("correction.bad_quantity")
    reason = squash(reason)
    if not reason:
        problems["reason"] = t("field.required", field=t("correction.field.reason"))
    elif len(reason) > MAX_REASON:
        problems["reason"] = t("field.too_long", field=t("correction.field.reason"), max=MAX_REASON)
    if problems:
        raise ValidationError(problems)
    with database.atomic("IMMEDIATE"):
        movement = _movement(movement_id)
        if movement.kind not in rules.CORRECTABLE_KINDS:
            raise ServiceError(
                t(f"correction.not_correctable.{_why(movement.kind)}", kind=t(f"blangko.kind.{movement.kind}"))
            )
        pending = BlangkoCorrection.get_or_none((BlangkoCorrection.movement == movement.id)
                                                & (BlangkoCorrection.status == "pending"))
        if pending is not None:
            raise ServiceError(t("correction.already_pending", number=pending.id))
        current = effective_quantity(movement)
        delta = rules.MOVEMENT_KINDS[movement.kind] * right - current
        if delta == 0:
            raise ValidationError({"quantity": t("correction.no_change", quantity=format_int(right))})
        limit = blangko.receipt_max()
        if abs(delta) > limit and not confirmed:
            raise NeedsConfirmation(t("correction.unusual", delta=f"{delta:+,}".replace(",", "."),
                                      limit=format_int(limit)))
        row = BlangkoCorrection.create(movement=movement.id, quantity=right, delta=delta, reason=reason,
                                       requested_by=actor.username, requested_at=context.now_utc(),
                                       workstation=actor.workstation, status="pending")
        audit.record(actor, "blangko.correction_request", "blangko_correction", row.id,
                     {"movement": movement.id, "quantity": [abs(current), right], "delta": delta, "reason": reason})
    return row


def _why(kind: str) -> str:
    if kind in ("print_ok", "print_failed", "damaged"):
        return "card"
    return "count" if kind == "adjustment" else "correction"


def decide(actor: Actor, correction_id: int, approve: bool) -> BlangkoCorrection:
    """The head approves (the correction movement is written, today) or rejects."""
    require_role(actor, "action.approve", "admin")
    with database.atomic("IMMEDIATE"):
        row = BlangkoCorrection.get_or_none(BlangkoCorrection.id == correction_id)
        if row is None:
            raise NotFound(t("error.not_found", entity=t("correction.entity")))
        if row.status != "pending":
            raise ServiceError(t("correction.decided", status=t(f"blangko.count_status.{row.status}")))
        movement_id = None
        if approve:
            movement = row.movement
            written = blangko.append(actor, "correction", row.delta, reference=f"koreksi #{movement.id}",
                                     note=row.reason, corrects_id=movement.id)
            movement_id = written.id
        BlangkoCorrection.update(status="approved" if approve else "rejected", decided_by=actor.username,
                                 decided_at=context.now_utc(), correction_movement=movement_id
                                 ).where(BlangkoCorrection.id == row.id).execute()
        audit.record(actor, "blangko.correction_" + ("approve" if approve else "reject"), "blangko_correction",
                     row.id, {"movement": row.movement_id, "delta": row.delta, "correction_movement": movement_id})
    return BlangkoCorrection.get_by_id(correction_id)


@dataclass(frozen=True)
class PendingCorrection:
    id: int
    movement_id: int
    entry: str  # the entry, described
    quantity: int
    delta: int
    reason: str
    requested_by: str


def pending() -> list[PendingCorrection]:
    rows = []
    for row in (BlangkoCorrection.select(BlangkoCorrection, BlangkoMovement).join(
            BlangkoMovement, on=(BlangkoCorrection.movement == BlangkoMovement.id))
            .where(BlangkoCorrection.status == "pending").order_by(BlangkoCorrection.id)):
        rows.append(PendingCorrection(row.id, row.movement_id, describe(row.movement), row.quantity, row.delta,
                                      row.reason, row.requested_by))
    return rows


def corrected_ids(movement_ids: list[int]) -> set[int]:
    """Of these entries, those with an approved correction (the ledger marks them)."""
    if not movement_ids:
        return set()
    return {r[0] for r in BlangkoMovement.select(BlangkoMovement.corrects).where(
        BlangkoMovement.corrects.in_(movement_ids)).tuples()}
