"""Two weeks of office life for the demo, made through the real services on a demo clock.

So that every section shows something when the demo opens: tickets and their outcomes for
the last working days (and a few people waiting today), cards in every backlog state, blank
lots received and used, a failed print, handovers, an open Suket. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, UTC
from zoneinfo import ZoneInfo

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain.residents import age_on
from dukcapil_tui.models import AppUser, Card, Resident
from dukcapil_tui.services import (
    blangko,
    blangko_requests,
    cards,
    context,
    day_review,
    printing,
    queue,
    report_deadlines,
    settings,
    suket,
)
from dukcapil_tui.services.context import Actor, ServiceError

ZONE = ZoneInfo("Asia/Makassar")
DAYS_BACK = 14
SERVICES = (("rekam_baru", 9), ("cetak_ulang", 2), ("pengambilan", 4), ("konsultasi", 2), ("kia", 1),
            ("perubahan", 1), ("pindah_datang", 1))
NON_RECORDING_OUTCOMES = ("served", "served", "served", "referred")


class DemoClock:
    """The services' clock during the build: office-local times on chosen days."""

    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1)

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def _clock() -> Iterator[DemoClock]:
    clock = DemoClock()
    real = context.now_utc
    context.now_utc = clock
    try:
        yield clock
    finally:
        context.now_utc = real


def _actor(username: str) -> Actor:
    user = AppUser.get(AppUser.username == username)
    return Actor(user.id, user.username, user.role, "DEMO", user.full_name)


def _working_days(today: date) -> list[date]:
    days = [today - timedelta(days=n) for n in range(DAYS_BACK, 0, -1)]
    return [d for d in days if d.weekday() < 5]


def generate_activity(rng: random.Random, today: date) -> None:
    from dukcapil_tui.demo import offline
    from dukcapil_tui.demo.backlog import register_sites, seed_backlog
    from dukcapil_tui.services import regions

    kecamatan = regions.index().kecamatan
    head = _actor("admin")
    codes = register_sites(head, kecamatan)
    upt_of = {code: site for (code, _), site in zip(kecamatan, codes, strict=False)}
    seed_backlog(rng, today, Actor(None, "demo", "admin", "DEMO", "Demo"), upt_of)
    offline.seed_block_backlog(rng, today, Actor(None, "demo", "admin", "DEMO", "Demo"), upt_of)
    desk, counter_a, counter_b = _actor("loket1"), _actor("loket1"), _actor("loket2")
    printer, keeper, head = _actor("cetak1"), _actor("blangko1"), _actor("admin")
    unrecorded = [r.id for r in Resident.select(Resident.id, Resident.birth_date)
                  .where((Resident.recording_status == "belum") & (Resident.life_status == "hidup"))
                  if age_on(r.birth_date, today) >= 17]
    rng.shuffle(unrecorded)
    recorded = [r.id for r in Resident.select(Resident.id).where((Resident.recording_status == "sudah")
                                                                 & (Resident.life_status == "hidup")).limit(2000)]
    days = _working_days(today)
    with _clock() as clock:
        clock.at(days[0], 7, 30)
        blangko.receive(keeper, 400, "SPB-0417/DUK/X/2026", "Kemendagri", note="Lot 2026-B")
        asked = blangko_requests.request(keeper, 2000, f"470/098/DKPS/{days[0]:%m/%Y}", note="Stok menipis")
        for number, day in enumerate(days):
            _serve_day(rng, clock, day, desk, (counter_a, counter_b), unrecorded, recorded)
            if number == len(days) // 2:
                clock.at(day, 13, 0)
                blangko.receive(keeper, 150, "470/112/DUKCAPIL-NTB/2026", "Provinsi NTB", note="Alokasi provinsi",
                                request_id=asked.id)
            _centre_and_print(rng, clock, day, printer, desk)
            clock.at(day, 16, 30)
            queue.end_of_day(desk, day, carry_over=False)
            if day != days[-1]:  # the head reviews and locks each day; the last one still waits
                clock.at(day, 17, 0)
                day_review.lock(head, day)
        _reports_sent(clock, head, today)
        clock.at(days[-1], 15, 0)
        blangko.damaged(keeper, "rusak_fisik", note="Terjatuh saat dipindahkan")
        count = blangko.record_count(keeper, blangko.balance() - 1, note="Opname akhir minggu")
        blangko.decide_count(head, count.id, approve=True)
        clock.at(today, 7, 45)
        offline.record_offline(head, today, [c for c in codes if c.startswith("UPT-")])
        clock.at(today, 8, 0)
        for _ in range(6):  # the morning's first arrivals, waiting when the demo opens
            _take(rng, clock, desk, unrecorded, recorded, today)


def _reports_sent(clock, head, today: date) -> None:
    """Last month's blank report sent on the first of this month; its coverage recap not yet."""
    previous = today.replace(day=1) - timedelta(days=1)
    clock.at(today, 7, 45)
    settings.put(head, "reports_due_from", previous.strftime("%Y-%m"))
    report_deadlines.record_sent(head, "blangko", previous.strftime("%Y-%m"), via="email",
                                 sent_on=today.replace(day=1), reference=f"470/{previous:%m}/DKPS/{today:%Y}")


def _take(rng, clock, desk, unrecorded, recorded, day):
    codes, weights = zip(*SERVICES)
    code = rng.choices(codes, weights=weights)[0]
    priority = "lansia" if rng.random() < 0.08 else None
    if code == "konsultasi":
        return queue.take_ticket(desk, code, visitor_name=rng.choice(("AMAQ SAHNUN", "INAQ RAHMI", "PAK RUSDI")),
                                 priority=priority)
    pool = unrecorded if code == "rekam_baru" else recorded
    if not pool:
        return None
    resident_id = pool.pop() if code == "rekam_baru" else rng.choice(pool)
    clock.advance(rng.uniform(0.5, 6))
    try:
        return queue.take_ticket(desk, code, resident_id=resident_id, priority=priority)
    except ServiceError:
        return None  # a quota that day: the resident is told to come back


def _serve_day(rng, clock, day, desk, counters, unrecorded, recorded) -> None:
    clock.at(day, 8, 0)
    taken = [_take(rng, clock, desk, unrecorded, recorded, day) for _ in range(rng.randint(14, 22))]
    clock.at(day, 8, 20)
    for index, _ in enumerate([t for t in taken if t]):
        counter_actor = counters[index % 2]
        counter = index % 2 + 1
        ticket = queue.claim_next(counter_actor, counter)
        if ticket is None:
            break
        clock.advance(rng.uniform(0.5, 3))
        roll = rng.random()
        if roll < 0.04:
            for _ in range(3):
                queue.recall(counter_actor, ticket.id, counter)
                clock.advance(2)  # three recalls over six minutes: the no-show waits five
            queue.no_show(counter_actor, ticket.id, counter)
            continue
        queue.start(counter_actor, ticket.id, counter)
        clock.advance(rng.uniform(4, 14))
        if ticket.service.card_reason and not ticket.service.records_biometrics:
            try:  # a reprint: print-ready at once (lost or damaged, as the resident says)
                queue.finish(counter_actor, ticket.id, counter, "served",
                             card_reason=rng.choice(("hilang", "rusak")) if ticket.service.code == "cetak_ulang"
                             else None)
            except ServiceError:
                queue.finish(counter_actor, ticket.id, counter, "referred", note="kartu masih dalam antrean")
        elif ticket.service.records_biometrics:
            if roll < 0.08:
                queue.finish(counter_actor, ticket.id, counter, "failed_device", device="alat perekam loket 2")
            elif roll < 0.12:
                queue.finish(counter_actor, ticket.id, counter, "failed_biometric", note="sidik jari aus")
            else:
                try:
                    queue.finish(counter_actor, ticket.id, counter, "recorded")
                except ServiceError:
                    queue.finish(counter_actor, ticket.id, counter, "referred", note="kartu masih dalam antrean")
        else:
            queue.finish(counter_actor, ticket.id, counter, rng.choice(NON_RECORDING_OUTCOMES))


def _centre_and_print(rng, clock, day, printer, desk) -> None:
    """What SIAK says of older cards (entered in the afternoon), a print batch, handovers."""
    clock.at(day, 14, 0)
    # the counter's own recordings of these two weeks (the seeded backlog keeps what SIAK said)
    since = clock.now - timedelta(days=DAYS_BACK + 1)
    waiting = list(Card.select(Card, Resident).join(Resident)
                   .where((Card.office_status == "waiting_prr") & (Card.recorded_at < clock.now - timedelta(days=2))
                          & (Card.recorded_at >= since) & (Card.origin == "loket")))
    for card in waiting:
        roll = rng.random()
        status = ("PRINT_READY_RECORD" if roll < 0.7 else "SENT_FOR_ENROLLMENT" if roll < 0.85
                  else "DUPLICATE_RECORD" if roll < 0.88 else "ENROLL_FAILURE_AT_CENTRAL" if roll < 0.9 else None)
        if status and status != card.central_status:
            try:
                cards.set_central_status(printer, card.resident.nik, status)
            except ServiceError:
                pass
    clock.at(day, 14, 30)
    try:
        batch = printing.create_batch(printer, rng.randint(8, 15), confirmed=True)
    except ServiceError:
        batch = None
    if batch is not None:
        for job in printing.batch_jobs(batch.id):
            clock.advance(1.5)
            failed = rng.random() < 0.05
            printing.record_result(printer, job.job_id, not failed, "gagal_cetak" if failed else None)
        printing.close_batch(printer, batch.id, confirmed=True)
    clock.at(day, 15, 30)
    # the cards this office printed in these two weeks (those SIAK lists as printed elsewhere wait)
    from dukcapil_tui.models import PrintJob

    printed = list(Card.select(Card, Resident).join(Resident)
                   .where((Card.office_status == "printed")
                          & Card.id.in_(PrintJob.select(PrintJob.card).where(PrintJob.result == "ok"))))
    for _number, card in enumerate(printed):
        if rng.random() < 0.5:
            clock.advance(3)
            family = rng.random() < 0.25
            printing.handover(desk, card.resident.nik, collected_by="family" if family else "resident",
                              collector_name="INAQ SAHNUN" if family else "", relation="ibu" if family else "",
                              receipt_no=f"TT/{day:%y%m%d}/{card.id:05d}", id_checked=True,
                              withdrawn=card_rules.WITHDRAWN_FOR.get(card.reason))  # the old card taken back
    still_waiting = Card.select(Card, Resident).join(Resident).where(Card.office_status == "waiting_prr").first()
    if still_waiting is not None and rng.random() < 0.3:
        try:
            suket.issue(desk, still_waiting.resident.nik)
        except ServiceError:
            pass
