"""Blank requests to the province: what was asked for, what arrived against it, what is still
outstanding.

A request is a letter (its number, the day, how many blanks, to whom). A receipt recorded
with ``blangko.receive(..., request_id=N)`` delivers (part of) request N; a correction of that
receipt counts too. Outstanding = requested - delivered, never below zero; the head may close a
request the province will not fill any further (with a reason), which ends its outstanding.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from dukcapil_tui.db import database
from dukcapil_tui.domain.formatting import format_date, format_int
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import BlangkoDelivery, BlangkoRequest
from dukcapil_tui.services import audit, blangko, context, day_lock, settings
from dukcapil_tui.services.context import Actor, NeedsConfirmation, NotFound, ServiceError, require_role

DEFAULT_ADDRESSEE = "Dinas Dukcapil Provinsi"
MAX_TEXT = 200


@dataclass(frozen=True)
class RequestRow:
    id: int
    day: date
    quantity: int
    letter_no: str
    addressed_to: str
    delivered: int
    closed: bool
    closed_reason: str | None
    receipts: tuple[tuple[date, str, int], ...]  # (day, document, quantity) of the receipts that delivered it

    @property
    def outstanding(self) -> int:
        return 0 if self.closed else max(0, self.quantity - self.delivered)


def request(actor: Actor, quantity: object, letter_no: str, addressed_to: str = "", note: str = "",
            day: date | None = None, *, confirmed: bool = False) -> BlangkoRequest:
    """Record a request letter. A quantity above the plausible maximum (the largest lot,
    ``blangko_receipt_max``) needs ``confirmed``."""
    require_role(actor, "action.keep_stock", *blangko.KEEPER_ROLES)
    today = settings.office_today()
    day = day or today
    problems = {}
    try:
        v = blangko._check({"quantity": quantity, "letter_no": letter_no}, {"letter_no": "request.field.letter_no"})
    except ValidationError as exc:
        problems, v = dict(exc.problems), {}
    if len(v.get("letter_no", "")) > MAX_TEXT:
        problems["letter_no"] = t("field.too_long", field=t("request.field.letter_no"), max=MAX_TEXT)
    if day > today:
        problems["day"] = t("field.future_date", field=t("request.field.day"))
    if problems:
        raise ValidationError(problems)
    amount, letter_no = v["quantity"], v["letter_no"]
    addressed_to = squash(addressed_to) or DEFAULT_ADDRESSEE
    limit = blangko.receipt_max()
    if amount > limit and not confirmed:
        raise NeedsConfirmation(t("request.unusual", quantity=format_int(amount), limit=format_int(limit)))
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open(day)
        row = BlangkoRequest.create(uuid=str(uuid.uuid4()), day=day, quantity=amount, letter_no=letter_no,
                                    addressed_to=addressed_to[:MAX_TEXT], note=squash(note)[:MAX_TEXT],
                                    username=actor.username, workstation=actor.workstation,
                                    created_at=context.now_utc())
        audit.record(actor, "blangko.request", "blangko_request", row.id,
                     {"quantity": amount, "letter_no": letter_no, "day": day})
    return row


def link_receipt(actor: Actor, movement_id: int, request_id: object, receipt_day: date) -> None:
    """Tie a receipt to the request it delivers (inside the receipt's transaction)."""
    number = blangko._positive(request_id)
    row = BlangkoRequest.get_or_none(BlangkoRequest.id == number) if number else None
    if row is None:
        raise ValidationError({"request_id": t("request.unknown", number=request_id)})
    if row.closed_at is not None:
        raise ValidationError({"request_id": t("request.closed", number=row.id, letter=row.letter_no)})
    if receipt_day < row.day:
        raise ValidationError({"request_id": t("request.before", number=row.id, day=format_date(row.day),
                                               receipt=format_date(receipt_day))})
    BlangkoDelivery.create(movement=movement_id, request=row.id)
    audit.record(actor, "blangko.delivery", "blangko_request", row.id, {"movement": movement_id})


def close(actor: Actor, request_id: int, reason: str) -> BlangkoRequest:
    """The head closes a request that will not be filled further; its outstanding ends."""
    require_role(actor, "action.approve", "admin")
    reason = squash(reason)
    if not reason:
        raise ValidationError({"reason": t("field.required", field=t("request.field.close_reason"))})
    with database.atomic("IMMEDIATE"):
        row = BlangkoRequest.get_or_none(BlangkoRequest.id == request_id)
        if row is None:
            raise NotFound(t("request.unknown", number=request_id))
        if row.closed_at is not None:
            raise ServiceError(t("request.closed", number=row.id, letter=row.letter_no))
        BlangkoRequest.update(closed_at=context.now_utc(), closed_by=actor.username, closed_reason=reason[:MAX_TEXT]
                              ).where(BlangkoRequest.id == row.id).execute()
        audit.record(actor, "blangko.request_close", "blangko_request", row.id, {"reason": reason})
    return BlangkoRequest.get_by_id(row.id)


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _local_day(moment) -> date:
    from dukcapil_tui.domain.formatting import to_local

    at = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    return to_local(at, settings.office_timezone()).date()


def rows(*, open_only: bool = False, until: date | None = None) -> list[RequestRow]:
    """Every request, oldest first, with what its receipts delivered (up to ``until``, when
    given: the state at the end of that day)."""
    limit = (until or date.max).isoformat()
    receipts: dict[int, list[tuple[date, str, int]]] = {}
    for request_id, day, document, quantity in database.execute_sql(
            "SELECT d.request_id, m.day, m.reference, m.quantity + COALESCE("
            "  (SELECT SUM(c.quantity) FROM blangko_movement c WHERE c.corrects_id = m.id AND c.day <= ?), 0) "
            "FROM blangko_delivery d JOIN blangko_movement m ON m.id = d.movement_id WHERE m.day <= ? "
            "ORDER BY m.day, m.id", (limit, limit)).fetchall():
        receipts.setdefault(request_id, []).append((_date(day), document, quantity))
    result = []
    query = BlangkoRequest.select().where(BlangkoRequest.day <= limit).order_by(BlangkoRequest.day, BlangkoRequest.id)
    for r in query:
        closed = r.closed_at is not None and (until is None or _local_day(r.closed_at) <= until)
        got = tuple(receipts.get(r.id, ()))
        row = RequestRow(r.id, _date(r.day), r.quantity, r.letter_no, r.addressed_to, sum(q for _, _, q in got),
                         closed, r.closed_reason if closed else None, got)
        if not open_only or (not row.closed and row.outstanding):
            result.append(row)
    return result


@dataclass(frozen=True)
class Outstanding:
    requests: int
    blanks: int
    oldest: date | None


def outstanding() -> Outstanding:
    open_rows = rows(open_only=True)
    return Outstanding(len(open_rows), sum(r.outstanding for r in open_rows),
                       min((r.day for r in open_rows), default=None))


def describe(row: RequestRow) -> list[str]:
    """A request as text lines (the CLI's ``blangko requests`` and the Blangko screen): the
    request, then each receipt that delivered it."""
    line = t("request.line", number=row.id, day=format_date(row.day), letter=row.letter_no,
             quantity=format_int(row.quantity), delivered=format_int(row.delivered),
             outstanding=format_int(row.outstanding))
    if row.closed:
        line += " · " + t("request.closed_line", reason=row.closed_reason)
    return [line] + [f"    {format_date(day)}  {document}  {format_int(quantity)}"
                     for day, document, quantity in row.receipts]
