"""The demo office's backlog as SIAK shows a real one: recorded at the Dinas, at the twelve
kecamatan UPTs and by two mobile units over the past year, in every central status — hundreds
recorded and not sent, others waiting at the centre (some duplicates and adjudications), a
print-ready pile the blanks cannot cover, reprints (rusak, hilang, perubahan data) — plus a
few residents who died or moved away. Seed data, written in bulk like the residents (each card
with its events, one audit entry for them all).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.services import audit, sites
from dukcapil_tui.services.context import Actor

MOBILE_UNITS = (("KELILING-1", "Perekaman keliling 1 (sekolah)"), ("KELILING-2", "Perekaman keliling 2 (desa)"))
SHARE = 0.25  # of the recorded residents have a card in the app
# central status -> weight, for a new recording
RECORDING_MIX = (
    ("BIO_CAPTURED", 12), ("SENT_FOR_ENROLLMENT", 8), ("PROCESSING", 3), ("RECEIVED_AT_CENTRAL", 2),
    ("ADJUDICATE_RECORD", 2), ("DUPLICATE_RECORD", 1.5), ("ENROLL_FAILURE_AT_CENTRAL", 0.8),
    ("SEARCH_FAILURE_AT_CENTRAL", 0.7), ("PRINT_READY_RECORD", 38), ("SENT_FOR_CARD_PRINTING", 2),
    ("CARD_PRINTED", 8), ("CARD_SHIPPED", 1), ("CARD_ISSUED", 21),
)
# a reprint of a record the centre holds: never recorded, never unsent
REPRINT_MIX = (("REQUEST_VALIDATION", 6), ("PRINT_READY_RECORD", 50), ("SENT_FOR_CARD_PRINTING", 4),
               ("CARD_PRINTED", 12), ("CARD_ISSUED", 28))
REASONS = (("baru", 80), ("rusak", 7), ("hilang", 6), ("perubahan_data", 5), ("pindah_datang", 2))
LIFE = (("mati", 0.005), ("pindah", 0.003))


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def register_sites(actor: Actor, kecamatan: list[tuple[str, str]]) -> list[str]:
    """The Dinas (there from the start), one UPT per kecamatan, two mobile units."""
    codes = []
    for code, name in kecamatan:
        site = "UPT-" + name.upper().replace(" ", "-")
        sites.save(actor, {"code": site, "name": f"UPT Disdukcapil Kecamatan {name}", "kind": "upt",
                           "kecamatan_code": code})
        codes.append(site)
    for site, name in MOBILE_UNITS:
        sites.save(actor, {"code": site, "name": name, "kind": "keliling", "kecamatan_code": None})
        codes.append(site)
    return codes


def _age_days(rng: random.Random, central: str) -> int:
    if central == "BIO_CAPTURED":  # a few days usually; a UPT whose link is down piles up for weeks
        return int(rng.expovariate(1 / 9)) % 120
    if rules.stage_of(central) == "at_centre":
        return 3 + int(rng.expovariate(1 / 40)) % 300
    return 8 + int(rng.expovariate(1 / 90)) % 400


def seed_backlog(rng: random.Random, today: date, actor: Actor, upt_of: dict[str, str]) -> int:
    """Cards for about ``SHARE`` of the recorded residents, and the residents who died or moved."""
    people = database.execute_sql(
        "SELECT id, kecamatan_code FROM resident WHERE recording_status = 'sudah' ORDER BY id").fetchall()
    chosen = rng.sample(people, int(len(people) * SHARE))
    first = database.execute_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM card").fetchone()[0]
    cards, events, rerecord = [], [], []
    for number, (resident_id, kecamatan) in enumerate(chosen):
        reason = _pick(rng, REASONS)
        central = _pick(rng, RECORDING_MIX if reason == "baru" else REPRINT_MIX)
        roll = rng.random()
        site = upt_of.get(kecamatan, "DINAS") if roll < 0.68 else "DINAS" if roll < 0.9 else \
            rng.choice(MOBILE_UNITS)[0]
        recorded = datetime.combine(today - timedelta(days=_age_days(rng, central)),
                                    time(0, 30 + rng.randint(0, 400) % 30)) + timedelta(hours=rng.randint(0, 7))
        office = rules.office_status_for(central)
        changed = min(recorded + timedelta(days=rng.randint(0, 20)), datetime.combine(today, time(0, 0)))
        card_id = first + number
        cards.append((card_id, str(uuid.UUID(int=rng.getrandbits(128), version=4)), resident_id, reason,
                      str(recorded), f"SIAK ({site})", central, office, str(changed), kecamatan, site,
                      "loket" if site == "DINAS" else "siak", int(rng.random() < 0.01), "DEMO", str(recorded),
                      str(changed)))
        first_status = "BIO_CAPTURED" if reason == "baru" else "PRINT_READY_RECORD"
        events.append((card_id, str(recorded), first_status, rules.office_status_for(first_status), "demo",
                       "perekaman" if reason == "baru" else "permohonan", ""))
        if central != first_status:
            events.append((card_id, str(changed), central, office, "demo", "import", "SIAK"))
        if central in rules.ENROLL_FAILURES:
            rerecord.append((resident_id,))
    carded = {resident_id for resident_id, _ in chosen}
    others = [r for r in database.execute_sql("SELECT id FROM resident ORDER BY id").fetchall() if r[0] not in carded]
    life = []
    for status, share in LIFE:
        for (resident_id,) in rng.sample(others, int(len(others) * share)):
            life.append((status, str(today - timedelta(days=rng.randint(1, 360))), resident_id))
    with database.atomic():
        cursor = insert_cards(cards, events)
        cursor.executemany("UPDATE resident SET recording_status = 'belum' WHERE id = ?", rerecord)
        cursor.executemany("UPDATE resident SET life_status = ?, life_status_on = ? WHERE id = ?", life)
        audit.record(actor, "card.seed", "card", None, {"cards": len(cards), "events": len(events),
                                                        "rerecord": len(rerecord), "life": len(life)})
    return len(cards)


def insert_cards(cards: list[tuple], events: list[tuple]):
    """Seed cards and their events in bulk (inside the caller's transaction); returns the cursor.
    A card: (id, uuid, resident, reason, recorded_at, recorded_where, central, office, changed,
    kecamatan, site, origin, priority, workstation, created_at, updated_at)."""
    cursor = database.cursor()
    cursor.executemany(
        "INSERT INTO card (id, uuid, resident_id, reason, recorded_at, recorded_where, central_status, "
        "office_status, status_changed_at, kecamatan_code, site_code, origin, priority, workstation, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
    cursor.executemany("INSERT INTO card_event (card_id, at, central_status, office_status, username, source, "
                       "note) VALUES (?,?,?,?,?,?,?)", events)
    return cursor
