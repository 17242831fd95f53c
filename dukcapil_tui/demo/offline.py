"""The demo replays the news behind issue 12: a central-server block of ten days three weeks ago
that left recordings unsent (a backlog the office is working off: some sent since), a recording
set in Pujut broken for two months (and Pujut the lowest-coverage kecamatan, as in the Lombok
Tengah report), a power cut at the Dinas, and the device register of every site.

``seed_block_backlog`` writes the block's recordings in bulk with the rest of the seed backlog;
``record_offline`` records the outages and devices through the services (audited) at the end of
the build.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.demo.backlog import insert_cards
from dukcapil_tui.services import audit, devices, outages
from dukcapil_tui.services.context import Actor

PUJUT = "52.02.04"
PUJUT_SITE = "UPT-PUJUT"
BLOCK_START_DAYS, BLOCK_DAYS = 21, 10  # began three weeks ago, lasted ten days
BLOCK_SHARE = 0.08  # of the recorded residents without a card were recorded during the block
WORKED_OFF = 0.45  # of those sent to the centre since the block ended
PUJUT_UNRECORDED = 0.5  # of Pujut's recorded residents without a card turned back to not recorded
PUJUT_BROKEN_DAYS = 60


def block_span(today: date) -> tuple[date, date]:
    start = today - timedelta(days=BLOCK_START_DAYS)
    return start, start + timedelta(days=BLOCK_DAYS)


def seed_block_backlog(rng: random.Random, today: date, actor: Actor, upt_of: dict[str, str]) -> int:
    """Recordings made at the kecamatan UPTs while the central server was blocked: most still
    unsent, some sent after it reopened. And Pujut, whose recording stopped, the lowest coverage."""
    people = database.execute_sql(
        "SELECT r.id, r.kecamatan_code FROM resident r WHERE r.recording_status = 'sudah' AND r.life_status = 'hidup' "
        "AND NOT EXISTS (SELECT 1 FROM card c WHERE c.resident_id = r.id) ORDER BY r.id").fetchall()
    pujut = [p for p in people if p[1] == PUJUT]
    unrecorded = rng.sample(pujut, int(len(pujut) * PUJUT_UNRECORDED))
    taken = {p[0] for p in unrecorded}
    others = [p for p in people if p[0] not in taken and p[1] != PUJUT]
    chosen = rng.sample(others, int(len(others) * BLOCK_SHARE))
    start, end = block_span(today)
    first = database.execute_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM card").fetchone()[0]
    cards, events = [], []
    for number, (resident_id, kecamatan) in enumerate(chosen):
        site = upt_of.get(kecamatan, "DINAS")
        day = start + timedelta(days=rng.randrange(BLOCK_DAYS))
        recorded = datetime.combine(day, time(0, rng.randrange(60))) + timedelta(hours=rng.randint(0, 7))
        sent = rng.random() < WORKED_OFF
        central = "SENT_FOR_ENROLLMENT" if sent else "BIO_CAPTURED"
        changed = datetime.combine(end + timedelta(days=rng.randint(1, 10)), time(2, 0)) if sent else recorded
        card_id = first + number
        cards.append((card_id, str(uuid.UUID(int=rng.getrandbits(128), version=4)), resident_id, "baru",
                      str(recorded), f"SIAK ({site})", central, "waiting_prr", str(changed), kecamatan, site,
                      "siak", 0, "DEMO", str(recorded), str(changed)))
        events.append((card_id, str(recorded), "BIO_CAPTURED", "waiting_prr", "demo", "perekaman", ""))
        if sent:
            events.append((card_id, str(changed), central, "waiting_prr", "demo", "import", "SIAK"))
    with database.atomic():
        cursor = insert_cards(cards, events)
        cursor.executemany("UPDATE resident SET recording_status = 'belum' WHERE id = ?",
                           [(p[0],) for p in unrecorded])
        audit.record(actor, "card.seed_block", "card", None, {"cards": len(cards), "pujut_unrecorded": len(unrecorded)})
    return len(cards)


def _moment(day: date, hour: int, minute: int = 0) -> str:
    return f"{day:%d-%m-%Y} {hour:02d}:{minute:02d}"


def record_offline(head: Actor, today: date, upt_codes: list[str]) -> None:
    """The outage log and the device register, recorded by the head (the clock at ``today``)."""
    start, end = block_span(today)
    outages.add(head, {"kind": "central", "started": _moment(start, 8), "ended": _moment(end, 8),
                       "note": "Server pusat (SIAK) diblokir; perekaman tersimpan, belum terkirim"})
    broken_since = today - timedelta(days=PUJUT_BROKEN_DAYS)
    outages.add(head, {"kind": "device", "site": PUJUT_SITE, "started": _moment(broken_since, 8),
                       "note": "Perangkat rekam rusak; perekaman kecamatan berhenti"})
    power = today - timedelta(days=3)
    outages.add(head, {"kind": "power", "site": "DINAS", "started": _moment(power, 10),
                       "ended": _moment(power, 14, 30), "note": "Listrik padam, tanpa genset"})
    registered = date(today.year, 1, 5)
    for number, site in enumerate(["DINAS", *upt_codes], start=1):
        kit = devices.add(head, {"kind": "recording_set", "serial": f"KTPEL-{number:03d}", "site": site,
                                 "day": registered.isoformat()})
        for part in ("camera", "fingerprint", "iris", "signature_pad", "pc"):
            devices.add(head, {"kind": part, "serial": f"{part[:3].upper()}-{number:03d}", "set": kit.id,
                               "day": registered.isoformat()})
        if site == PUJUT_SITE:
            devices.record(head, kit.id, "broken", {"day": broken_since.isoformat(),
                                                    "note": "Kamera dan pemindai sidik jari mati"})
            devices.record(head, kit.id, "sent_for_repair", {
                "day": (broken_since + timedelta(days=5)).isoformat(), "place": "Dinas Dukcapil Provinsi NTB",
                "document": f"BA/045/DUKCAPIL/{broken_since:%m/%Y}"})
    for serial in ("PRN-001", "PRN-002"):
        devices.add(head, {"kind": "card_printer", "serial": serial, "site": "DINAS", "day": registered.isoformat()})
