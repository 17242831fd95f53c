"""The blank-card ledger: signed movements whose sum is the stock, which never goes negative.

Movements are append-only (database triggers refuse UPDATE and DELETE) and a closed month
accepts none (a trigger refuses those too); corrections are new movements. Print results
write their movement inside the printing transaction (see ``services.printing``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import fn

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.formatting import format_date, format_int
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.i18n import t
from dukcapil_tui.models import BlangkoMonth, BlangkoMovement, Card, Destruction, SpoiledCard, StockCount
from dukcapil_tui.services import audit, chain, context, day_lock, settings
from dukcapil_tui.services.context import Actor, NeedsConfirmation, NotFound, ServiceError, require_role

KEEPER_ROLES = ("admin", "blangko")


def balance(until: date | None = None) -> int:
    query = BlangkoMovement.select(fn.COALESCE(fn.SUM(BlangkoMovement.quantity), 0))
    if until is not None:
        query = query.where(BlangkoMovement.day <= until)
    return query.scalar()


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def is_closed(day: date) -> bool:
    return BlangkoMonth.select().where(BlangkoMonth.month == month_of(day)).exists()


def append(actor: Actor, kind: str, quantity: int, *, reference: str = "", source: str = "", note: str = "",
           card_id: int | None = None, day: date | None = None, corrects_id: int | None = None) -> BlangkoMovement:
    """Add one movement; call inside the caller's IMMEDIATE transaction. Refuses a closed
    month and a stock that would go below zero, with the numbers."""
    today = settings.office_today()
    day = day or today
    if day > today:
        raise ValidationError({"day": t("blangko.future_day")})
    day_lock.ensure_open(day)
    if is_closed(day):
        raise ServiceError(t("blangko.month_closed", month=month_of(day)))
    signed = rules.signed_quantity(kind, quantity)
    if signed == 0:
        raise ValidationError({"quantity": t("blangko.zero_quantity")})
    if signed < 0 and day < today:
        # An outflow dated back must not have made any later day's stock negative.
        later = database.execute_sql(
            "SELECT MIN(running) FROM (SELECT SUM(SUM(quantity)) OVER (ORDER BY day) AS running, day "
            "FROM blangko_movement GROUP BY day) AS days WHERE day > ?", (day.isoformat(),)).fetchone()[0]
        floor = balance(until=day) if later is None else min(balance(until=day), later)
        if floor + signed < 0:
            raise ServiceError(t("blangko.not_enough_then", day=format_date(day), needed=format_int(-signed),
                                 stock=format_int(max(floor, 0))))
    current = balance()
    if current + signed < 0:
        raise ServiceError(t("blangko.not_enough", needed=format_int(-signed), stock=format_int(current)))
    movement = chain.add_movement(  # BlangkoMovement.create with the ledger's chain link
        uuid=str(uuid.uuid4()), at=context.now_utc(), day=day, kind=kind, quantity=signed,
        reference=reference.strip(), source=source.strip(), note=note.strip(), card=card_id,
        username=actor.username, workstation=actor.workstation, corrects=corrects_id,
    )
    audit.record(actor, f"blangko.{kind}", "blangko_movement", movement.id,
                 {"quantity": signed, "reference": reference or None, "balance": [current, current + signed],
                  **({"corrects": corrects_id} if corrects_id else {})})
    return movement


def _whole(quantity: object) -> int | None:
    """1000 or 1.000 (Indonesian thousands), never 1.5, ASCII digits only."""
    return numbers.whole(quantity)


def _positive(quantity: object) -> int | None:
    value = _whole(quantity)
    return value if value is not None and value > 0 else None


def _check(values: dict[str, object], required: dict[str, str]) -> dict:
    """Validate every field at once: ``quantity`` must be a positive whole number, the
    ``required`` ones (field -> label key) non-empty. Raises with all problems together."""
    problems: dict[str, str] = {}
    cleaned: dict = {}
    if "quantity" in values:
        cleaned["quantity"] = _positive(values["quantity"])
        if cleaned["quantity"] is None:
            problems["quantity"] = t("blangko.bad_quantity")
    for name, label_key in required.items():
        cleaned[name] = " ".join(str(values.get(name) or "").split())
        if not cleaned[name]:
            problems[name] = t("field.required", field=t(label_key))
    if problems:
        raise ValidationError(problems)
    return cleaned


def receipt_max() -> int:
    """The largest plausible single movement: the largest lot the ministry sends (a setting)."""
    value = numbers.whole(settings.get("blangko_receipt_max"))
    return value if value else rules.DEFAULT_RECEIPT_MAX


def count_variance_max() -> int:
    value = numbers.whole(settings.get("blangko_count_variance_max"))
    return value if value is not None else rules.DEFAULT_COUNT_VARIANCE_MAX


def _unusual(confirmed: bool, message: str) -> None:
    if not confirmed:
        raise NeedsConfirmation(message)


def receive(actor: Actor, quantity: object, document_no: str, source: str, note: str = "",
            day: date | None = None, *, confirmed: bool = False, request_id: object = None) -> BlangkoMovement:
    """A lot received from Kemendagri or the province, with its document number, dated ``day``
    (default today; a locked day refuses it). A lot above the plausible maximum (a typo such as
    99999999) needs ``confirmed``. ``request_id``: the blank request it delivers
    (``services.blangko_requests``)."""
    require_role(actor, "action.keep_stock", *KEEPER_ROLES)
    v = _check({"quantity": quantity, "document_no": document_no, "source": source},
               {"document_no": "blangko.field.document_no", "source": "blangko.field.source"})
    limit = receipt_max()
    if v["quantity"] > limit:
        _unusual(confirmed, t("blangko.unusual_receipt", quantity=format_int(v["quantity"]), limit=format_int(limit)))
    earlier = (BlangkoMovement.select().where((BlangkoMovement.kind == "receipt")
                                              & (fn.UPPER(BlangkoMovement.reference) == v["document_no"].upper()))
               .order_by(BlangkoMovement.id).first())
    if earlier is not None:  # the same lot recorded twice?
        _unusual(confirmed, t("blangko.document_used", document=earlier.reference, day=format_date(earlier.day),
                              quantity=format_int(earlier.quantity)))
    with database.atomic("IMMEDIATE"):
        movement = append(actor, "receipt", v["quantity"], reference=v["document_no"], source=v["source"], note=note,
                          day=day)
        if request_id not in (None, ""):
            from dukcapil_tui.services import blangko_requests

            blangko_requests.link_receipt(actor, movement.id, request_id, movement.day)
        return movement


def loan(actor: Actor, direction: str, quantity: object, office: str, reference: str = "", note: str = "",
         day: date | None = None, *, confirmed: bool = False) -> BlangkoMovement:
    """Blanks lent to (``out``) or borrowed from (``in``) another office. A loan above the
    plausible maximum needs ``confirmed``; lending more than the stock is refused outright
    (borrowing when the stock is empty is what a loan is for)."""
    require_role(actor, "action.keep_stock", *KEEPER_ROLES)
    if direction not in ("in", "out"):
        raise ValidationError({"direction": t("blangko.bad_direction")})
    v = _check({"quantity": quantity, "office": office}, {"office": "blangko.field.office"})
    with database.atomic("IMMEDIATE"):
        stock, limit = balance(), receipt_max()
        if direction == "out" and v["quantity"] > stock:
            raise ServiceError(t("blangko.not_enough", needed=format_int(v["quantity"]), stock=format_int(stock)))
        if v["quantity"] > limit:
            _unusual(confirmed, t("blangko.unusual_loan", quantity=format_int(v["quantity"]),
                                  limit=format_int(limit)))
        return append(actor, f"loan_{direction}", v["quantity"], reference=reference, source=v["office"], note=note,
                      day=day)


def returned(actor: Actor, quantity: object, source: str, reference: str = "", note: str = "",
             day: date | None = None) -> BlangkoMovement:
    """Blanks lent earlier that come back, dated ``day`` (default today; a locked day refuses it)."""
    require_role(actor, "action.keep_stock", *KEEPER_ROLES)
    v = _check({"quantity": quantity, "source": source}, {"source": "blangko.field.source"})
    with database.atomic("IMMEDIATE"):
        return append(actor, "returned", v["quantity"], reference=reference, source=v["source"], note=note, day=day)


def spoil(actor: Actor, kind: str, reason: str, *, nik: str | None = None, card_id: int | None = None,
          note: str = "") -> SpoiledCard:
    """One spoiled blank (called inside a transaction): the movement and the register entry."""
    if reason not in rules.SPOIL_REASONS:
        raise ValidationError({"reason": bad_choice(t("blangko.field.reason"), reason,
                                                    ", ".join(t(f"blangko.spoil.{r}") for r in rules.SPOIL_REASONS))})
    movement = append(actor, kind, 1, reference=reason, note=note, card_id=card_id)
    return SpoiledCard.create(at=movement.at, day=movement.day, nik=nik, card=card_id, reason=reason,
                              movement=movement.id, username=actor.username)


def damaged(actor: Actor, reason: str = "rusak_fisik", nik: str | None = None, note: str = "") -> SpoiledCard:
    """A blank damaged outside printing (dropped, bent, a chip found dead in stock); ``nik``,
    when the blank was already personalised, is checked like every NIK typed."""
    require_role(actor, "action.keep_stock", *KEEPER_ROLES, "cetak")
    if nik is not None and str(nik).strip():
        reading = nik_rules.parse(str(nik), today=settings.office_today())
        if reading.errors:
            raise ValidationError({"nik": reading.errors[0].message})
        nik = reading.nik
        from dukcapil_tui.models import Resident

        if not Resident.select().where(Resident.nik == nik).exists():
            raise ValidationError({"nik": t("booking.unknown_nik", nik=nik)})
    else:
        nik = None
    with database.atomic("IMMEDIATE"):
        return spoil(actor, "damaged", reason, nik=nik, note=note)


WITHDRAW_ROLES = (*KEEPER_ROLES, "cetak", "loket")


def register_withdrawn(actor: Actor, nik: str, reason: str, *, card_id: int | None = None,
                       note: str = "") -> SpoiledCard:
    """An old card withdrawn from its holder (call inside a transaction): registered with the
    spoiled blanks, to be destroyed under a berita acara; it is no blank of the stock, so the
    ledger does not move."""
    if reason not in rules.WITHDRAW_REASONS:
        choices = ", ".join(t(f"blangko.spoil.{r}") for r in rules.WITHDRAW_REASONS)
        raise ValidationError({"withdrawn": bad_choice(t("withdrawn.field.reason"), reason, choices)})
    now = context.now_utc()
    row = SpoiledCard.create(at=now, day=settings.office_today(), kind="ditarik", nik=nik, card=card_id, reason=reason,
                             movement=None, username=actor.username, note=note.strip()[:200])
    audit.record(actor, "blangko.withdrawn", "spoiled_card", row.id, {"reason": reason, "card": card_id})
    return row


def withdraw(actor: Actor, nik: str, reason: str, note: str = "") -> SpoiledCard:
    """Register an old card taken in outside a handover (brought in by a resident who moved in,
    found at the counter); the NIK is checked like every NIK typed."""
    require_role(actor, "action.withdraw_card", *WITHDRAW_ROLES)
    reading = nik_rules.parse(str(nik or ""), today=settings.office_today())
    if reading.errors:
        raise ValidationError({"nik": reading.errors[0].message})
    with database.atomic("IMMEDIATE"):
        return register_withdrawn(actor, reading.nik, reason, note=note)


# --- stock count (opname) ----------------------------------------------------------------

def record_count(actor: Actor, counted: object, note: str = "", *, confirmed: bool = False) -> StockCount:
    """A stock count (opname). A variance above the plausible maximum needs ``confirmed``: a
    miscount is likelier than that many blanks gone or found."""
    require_role(actor, "action.keep_stock", *KEEPER_ROLES)
    value = _whole(counted)
    if value is None or value < 0:
        raise ValidationError({"counted": t("blangko.bad_count")})
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open()
        computed, limit = balance(), count_variance_max()
        if abs(value - computed) > limit:
            # A blind count: the book's figure is not told to the one counting (the head sees it).
            _unusual(confirmed, t("blangko.unusual_count", counted=format_int(value), limit=format_int(limit)))
        count = StockCount.create(at=context.now_utc(), day=settings.office_today(), counted=value,
                                  computed=balance(), note=note.strip(), username=actor.username, status="pending")
        audit.record(actor, "blangko.count", "stock_count", count.id,
                     {"counted": count.counted, "computed": count.computed})
    return count


def decide_count(actor: Actor, count_id: int, approve: bool) -> StockCount:
    """The head approves (an adjustment movement of the variance is written) or rejects."""
    require_role(actor, "action.approve", "admin")
    with database.atomic("IMMEDIATE"):
        count = StockCount.get_or_none(StockCount.id == count_id)
        if count is None:
            raise NotFound(t("error.not_found", entity=t("blangko.count")))
        if count.status != "pending":
            raise ServiceError(t("blangko.count_decided", status=t(f"blangko.count_status.{count.status}")))
        movement = None
        variance = count.counted - count.computed
        if approve and variance:
            movement = append(actor, "adjustment", variance, reference=f"opname #{count.id}",
                              note=count.note)
        StockCount.update(status="approved" if approve else "rejected", decided_by=actor.username,
                          decided_at=context.now_utc(), movement=movement.id if movement else None
                          ).where(StockCount.id == count.id).execute()
        audit.record(actor, "blangko.count_" + ("approve" if approve else "reject"), "stock_count", count.id,
                     {"variance": variance})
    return StockCount.get_by_id(count_id)


def pending_counts() -> list[StockCount]:
    return list(StockCount.select().where(StockCount.status == "pending").order_by(StockCount.id))


# --- months, spoiled cards, destruction --------------------------------------------------------

def close_month(actor: Actor, month: str) -> BlangkoMonth:
    """Lock a month: no movement dated in it is accepted afterwards."""
    require_role(actor, "action.approve", "admin")
    try:
        year, mon = (int(part) for part in str(month).strip().split("-"))
        first = date(year, mon, 1)
    except (ValueError, TypeError):
        raise ValidationError({"month": t("blangko.bad_month", month=month)}) from None
    month = month_of(first)  # "2026-1" -> "2026-01", the key the closed-month trigger reads
    today = settings.office_today()
    if (first.year, first.month) >= (today.year, today.month):
        raise ServiceError(t("blangko.month_not_over", month=month))
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    with database.atomic("IMMEDIATE"):
        if BlangkoMonth.select().where(BlangkoMonth.month == month).exists():
            raise ServiceError(t("blangko.month_closed", month=month))
        closing = balance(until=last)
        row = BlangkoMonth.create(month=month, closed_at=context.now_utc(), username=actor.username,
                                  closing_balance=closing)
        audit.record(actor, "blangko.close_month", "blangko_month", month, {"closing_balance": closing})
    return row


def spoiled_waiting_destruction() -> list[SpoiledCard]:
    return list(SpoiledCard.select().where(SpoiledCard.destruction.is_null()).order_by(SpoiledCard.id))


def destroy(actor: Actor, berita_acara_no: str, day: date, spoiled_ids: list[int] | None = None) -> Destruction:
    """Record the destruction of spoiled cards (all those waiting, or the ones given) under a
    berita acara."""
    require_role(actor, "action.approve", "admin")
    number = _check({"berita_acara_no": berita_acara_no},
                    {"berita_acara_no": "blangko.field.berita_acara"})["berita_acara_no"]
    if day > settings.office_today():
        raise ValidationError({"day": t("blangko.destroy_future", day=format_date(day))})
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open(day)
        if Destruction.select().where(Destruction.berita_acara_no == number).exists():
            raise ValidationError({"berita_acara_no": t("blangko.ba_taken", number=number)})
        query = SpoiledCard.select().where(SpoiledCard.destruction.is_null() & (SpoiledCard.day <= day))
        if spoiled_ids is not None:
            query = query.where(SpoiledCard.id.in_(spoiled_ids))
        ids = [s.id for s in query]
        if not ids:
            raise ServiceError(t("blangko.nothing_to_destroy"))
        row = Destruction.create(berita_acara_no=number, day=day, at=context.now_utc(), username=actor.username,
                                 count=len(ids))
        SpoiledCard.update(destruction=row.id).where(SpoiledCard.id.in_(ids)).execute()
        audit.record(actor, "blangko.destroy", "destruction", row.id, {"count": len(ids), "berita_acara": number})
    return row


# --- forecast ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Forecast:
    balance: int
    prints_per_day: float
    days_left: float | None
    ready_to_print: int
    shortfall: int
    threshold: int

    @property
    def below_threshold(self) -> bool:
        return self.balance < self.threshold


def reorder_threshold() -> int:
    value = settings.get("reorder_threshold")
    return int(value) if numbers.is_digits(value) else rules.DEFAULT_REORDER_THRESHOLD


def forecast(today: date | None = None) -> Forecast:
    """Average blanks used per working day over the last 14 days, days of stock left, and the
    shortfall against the cards ready to print."""
    today = today or settings.office_today()
    start = today - timedelta(days=rules.FORECAST_DAYS - 1)
    used = -(BlangkoMovement.select(fn.COALESCE(fn.SUM(BlangkoMovement.quantity), 0))
             .where(BlangkoMovement.kind.in_(("print_ok", "print_failed")) & (BlangkoMovement.day >= start)
                    & (BlangkoMovement.day <= today)).scalar())
    per_day = used / max(1, rules.working_days(today, rules.FORECAST_DAYS))
    stock = balance()
    ready = Card.select().where(Card.office_status == "ready_to_print").count()
    return Forecast(
        balance=stock,
        prints_per_day=per_day,
        days_left=(stock / per_day) if per_day else None,
        ready_to_print=ready,
        shortfall=max(0, ready - stock),
        threshold=reorder_threshold(),
    )


def movements_page(before_id: int | None = None, limit: int = 50) -> list[BlangkoMovement]:
    """The ledger, newest first, keyset-paged on id."""
    query = BlangkoMovement.select().order_by(BlangkoMovement.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(BlangkoMovement.id < before_id)
    return list(query)
