"""Printing batches, print results, and handing cards over.

A batch takes up to N cards ready to print: Suket holders first (their letter stands in for a
card nobody could print), then priority, then the oldest. Each result is one
transaction with its ledger movement: a good print uses one blank and the card becomes
printed; a failed print spoils one blank (registered) and the card stays ready to print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.problems import ValidationError, bad_choice, shown
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, Handover, PrintBatch, PrintJob, Resident
from dukcapil_tui.services import audit, blangko, card_status, context, day_lock, outages
from dukcapil_tui.services.cards import card_by_nik
from dukcapil_tui.services.context import Actor, NeedsConfirmation, NotFound, ServiceError, require_role

PRINT_ROLES = ("admin", "cetak")
HANDOVER_ROLES = ("admin", "cetak", "loket")
FAIL_REASONS = ("gagal_cetak", "chip_rusak")
MAX_BATCH = 500


def _open_job_cards():
    return (PrintJob.select(PrintJob.card).join(PrintBatch)
            .where(PrintBatch.closed_at.is_null() & PrintJob.result.is_null()))


# Cards in open batches still without a result (the open batches first: few, then their jobs).
_IN_OPEN_BATCHES = ("SELECT j.card_id FROM print_batch b CROSS JOIN print_job j ON j.batch_id = b.id "
                    "WHERE b.closed_at IS NULL AND j.result IS NULL")
# From the open Suket to their holders' cards (``+``: by resident, not by the office-status index).
_SUKET_HOLDERS_FIRST = (
    "SELECT c.id FROM suket s CROSS JOIN card c ON c.resident_id = s.resident_id "
    f"WHERE s.status = 'open' AND +c.office_status = 'ready_to_print' AND c.id NOT IN ({_IN_OPEN_BATCHES}) "
    "ORDER BY c.priority DESC, c.recorded_at, c.id LIMIT ?"
)


def next_cards(wanted: int) -> list[int]:
    """The ids of the next ``wanted`` print-ready cards outside open batches, in batch order:
    Suket holders first, then priority, then the oldest recording. Two reads: the holders (few:
    from the open Suket), then the rest in ``card_ready`` index order up to the limit."""
    holders = [row[0] for row in database.execute_sql(_SUKET_HOLDERS_FIRST, (wanted,)).fetchall()]
    if len(holders) >= wanted:
        return holders
    marks = ", ".join("?" * len(holders))
    rest = database.execute_sql(
        f"SELECT c.id FROM card c WHERE c.office_status = 'ready_to_print' AND c.id NOT IN ({_IN_OPEN_BATCHES}) "
        + (f"AND c.id NOT IN ({marks}) " if holders else "")
        + "ORDER BY c.priority DESC, c.recorded_at, c.id LIMIT ?", (*holders, wanted - len(holders))).fetchall()
    return holders + [row[0] for row in rest]


def create_batch(actor: Actor, size: object, *, confirmed: bool = False) -> PrintBatch:
    """A batch of up to ``size`` print-ready cards (Suket holders first, then priority, then
    oldest). Fewer ready cards than asked for is said (``confirmed`` makes the smaller batch);
    so is an open network cut or central block (``outages.require_link``)."""
    require_role(actor, "action.print", *PRINT_ROLES)
    outages.require_link("action.print", confirmed)
    wanted = numbers.whole_in(size, 1, MAX_BATCH, thousands=False)
    if wanted is None:
        raise ValidationError({"size": t("printing.bad_size", max=MAX_BATCH)})
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open()
        cards = next_cards(wanted)
        if not cards:
            raise ServiceError(t("printing.nothing_ready"))
        if len(cards) < wanted and not confirmed:
            raise NeedsConfirmation(t("printing.fewer_ready", ready=len(cards), wanted=wanted))
        stock = blangko.balance()
        # Blanks the cards of other open batches will use are not free for this one.
        reserved = _open_job_cards().count()
        if len(cards) > stock - reserved:
            if reserved:
                raise ServiceError(t("printing.not_enough_blanks_reserved", needed=len(cards), stock=stock,
                                     reserved=reserved))
            raise ServiceError(t("printing.not_enough_blanks", needed=len(cards), stock=stock))
        batch = PrintBatch.create(created_at=context.now_utc(), username=actor.username,
                                  workstation=actor.workstation, size=len(cards))
        PrintJob.insert_many([{"batch": batch.id, "card": card_id} for card_id in cards]).execute()
        audit.record(actor, "print.batch", "print_batch", batch.id, {"cards": len(cards), "stock": stock})
    return batch


@dataclass(frozen=True)
class JobRow:
    job_id: int
    card_id: int
    nik: str
    name: str
    reason: str
    recorded_at: datetime
    result: str | None
    fail_reason: str | None


def batch_jobs(batch_id: int) -> list[JobRow]:
    query = (PrintJob.select(PrintJob.id, Card.id, Resident.nik, Resident.name, Card.reason, Card.recorded_at,
                             PrintJob.result, PrintJob.reason)
             .join(Card).join(Resident).where(PrintJob.batch == batch_id).order_by(PrintJob.id).tuples())
    return [JobRow(*row) for row in query]


def open_batches() -> list[PrintBatch]:
    return list(PrintBatch.select().where(PrintBatch.closed_at.is_null()).order_by(PrintBatch.id))


def record_result(actor: Actor, job_id: int, ok: bool, fail_reason: str | None = None) -> PrintJob:
    """One card's print result, with its blank movement, in one transaction."""
    require_role(actor, "action.print", *PRINT_ROLES)
    if not ok and fail_reason not in FAIL_REASONS:
        raise ValidationError({"reason": bad_choice(t("printing.field.fail_reason"), fail_reason,
                                                    ", ".join(t(f"blangko.spoil.{r}") for r in FAIL_REASONS))})
    with database.atomic("IMMEDIATE"):
        job = PrintJob.get_or_none(PrintJob.id == job_id)
        if job is None:
            raise NotFound(t("error.not_found", entity=t("printing.job")))
        if job.result is not None:
            raise ServiceError(t("printing.already_recorded"))
        if job.batch.closed_at is not None:
            raise ServiceError(t("printing.batch_closed"))
        card = job.card
        if card.office_status != "ready_to_print":
            raise ServiceError(t("printing.card_not_ready", status=t(f"cards.office.{card.office_status}")))
        now = context.now_utc()
        nik = card.resident.nik
        if ok:
            fail_reason = None
            blangko.append(actor, "print_ok", 1, reference=f"batch {job.batch_id}", card_id=card.id)
        else:
            blangko.spoil(actor, "print_failed", fail_reason, nik=nik, card_id=card.id, note=f"batch {job.batch_id}")
        # A failed print leaves the card ready to print; its event still records the attempt.
        card_status.change(actor, card, "print", "print.result", office="printed" if ok else card.office_status,
                           note=f"batch {job.batch_id}" if ok else fail_reason,
                           detail={"ok": ok, "reason": fail_reason, "job": job.id})
        PrintJob.update(result="ok" if ok else "failed", reason=fail_reason, at=now, username=actor.username
                        ).where(PrintJob.id == job.id).execute()
    return PrintJob.get_by_id(job_id)


def close_batch(actor: Actor, batch_id: int, *, confirmed: bool = False) -> PrintBatch:
    """Close a batch; cards left without a result go back to the pool (skipped, no blank used).
    With such cards the user is asked first (``confirmed``)."""
    require_role(actor, "action.print", *PRINT_ROLES)
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open()
        batch = PrintBatch.get_or_none(PrintBatch.id == batch_id)
        if batch is None:
            raise NotFound(t("error.not_found", entity=t("printing.batch")))
        if batch.closed_at is not None:
            raise ServiceError(t("printing.batch_closed"))
        unprinted = PrintJob.select().where((PrintJob.batch == batch_id) & PrintJob.result.is_null()).count()
        if unprinted and not confirmed:
            raise NeedsConfirmation(t("printing.close_unprinted", count=unprinted, batch=batch_id))
        skipped = PrintJob.update(result="skipped", at=context.now_utc(), username=actor.username).where(
            (PrintJob.batch == batch_id) & PrintJob.result.is_null()).execute()
        PrintBatch.update(closed_at=context.now_utc()).where(PrintBatch.id == batch_id).execute()
        audit.record(actor, "print.batch_close", "print_batch", batch_id, {"skipped": skipped})
    return PrintBatch.get_by_id(batch_id)


# --- handover ----------------------------------------------------------------------------------

RELATIONS = ("suami", "istri", "ayah", "ibu", "anak", "saudara", "lainnya")
_RECEIPT = re.compile(r"^[A-Za-z0-9/.\-]{1,40}$")


def handover(actor: Actor, nik: str, *, collected_by: str, collector_name: str, relation: str = "",
             receipt_no: str, id_checked: bool, withdrawn: str | None = None) -> Handover:
    """Hand a printed card over. Closes the resident's open Suket. Twice is impossible.
    ``withdrawn``: the old card taken back in exchange (a reprint of a damaged card, a data
    change, a card from the regency one moved from), registered for destruction in that category."""
    require_role(actor, "action.handover", *HANDOVER_ROLES)
    problems = {}
    collector_name = squash(collector_name).upper()
    receipt_no = (receipt_no or "").strip().upper()  # TT/2026/002 and tt/2026/002 are one number
    if collected_by not in ("resident", "family"):
        problems["collected_by"] = t("handover.bad_collector")
    if collected_by == "family":
        if relation not in RELATIONS:
            problems["relation"] = bad_choice(t("handover.field.relation"), relation, ", ".join(RELATIONS))
        if not collector_name:
            problems["collector_name"] = t("field.required", field=t("handover.field.collector_name"))
    if not receipt_no:
        problems["receipt_no"] = t("field.required", field=t("handover.field.receipt_no"))
    elif not _RECEIPT.match(receipt_no):
        problems["receipt_no"] = t("handover.bad_receipt", value=f"'{shown(receipt_no)}'")
    if not id_checked:
        problems["id_checked"] = t("handover.id_not_checked")
    if withdrawn and withdrawn not in card_rules.WITHDRAW_REASONS:
        problems["withdrawn"] = bad_choice(t("withdrawn.field.reason"), withdrawn,
                                           ", ".join(t(f"blangko.spoil.{r}") for r in card_rules.WITHDRAW_REASONS))
    if problems:
        raise ValidationError(problems)
    with database.atomic("IMMEDIATE"):
        try:
            card = card_by_nik(nik)
        except NotFound:
            resident = Resident.get_or_none(Resident.nik == nik_rules.checked(nik))
            done = (Card.select().where((Card.resident == resident.id) & (Card.office_status == "handed_over")).exists()
                    if resident else False)
            if done:
                raise ServiceError(t("handover.already")) from None
            raise
        if card.office_status != "printed":
            raise ServiceError(t("handover.not_printed", status=t(f"cards.office.{card.office_status}")))
        if Handover.select().where(Handover.receipt_no == receipt_no).exists():
            raise ValidationError({"receipt_no": t("handover.receipt_taken", number=receipt_no)})
        now = context.now_utc()
        name = card.resident.name if collected_by == "resident" else collector_name
        row = Handover.create(card=card.id, at=now, collected_by=collected_by, collector_name=name,
                              relation=relation if collected_by == "family" else "", receipt_no=receipt_no,
                              id_checked=True, username=actor.username, workstation=actor.workstation)
        # Closes the resident's open Suket too (card_status), each audited.
        card_status.change(actor, card, "handover", "card.handover", office="handed_over", note=receipt_no,
                           detail={"collected_by": collected_by, "relation": relation or None,
                                   "receipt_no": receipt_no})
        if withdrawn:
            blangko.register_withdrawn(actor, card.resident.nik, withdrawn, card_id=card.id, note=receipt_no)
    return row


@dataclass(frozen=True)
class Uncollected:
    card_id: int
    nik: str
    name: str
    printed_at: datetime
    days: int


def uncollected(older_than_days: int, today: date) -> list[Uncollected]:
    """Printed cards nobody has collected for more than N days (to call or visit them)."""
    cutoff = datetime.combine(today - timedelta(days=older_than_days), datetime.min.time())
    rows = []
    for card_id, nik, name, printed_at in (
        Card.select(Card.id, Resident.nik, Resident.name, Card.status_changed_at).join(Resident)
        .where((Card.office_status == "printed") & (Card.status_changed_at < cutoff))
        .order_by(Card.status_changed_at).tuples()
    ):
        at = printed_at if isinstance(printed_at, datetime) else datetime.fromisoformat(str(printed_at))
        rows.append(Uncollected(card_id, nik, name, at, (today - at.date()).days))
    return rows
