"""A small office with known data for the report tests, and helpers to read workbooks.

The office is made once per session (``init_office`` hashes a password and loads regions)
and copied for every test. The data are chosen so that every number of every report can be
worked out by hand; the expected values are written next to the tests.

Today is Sunday 22-11-2026 (the clock stands at 10:00 WITA = 02:00 UTC).

Residents (wajib KTP on 22-11-2026 = born on or before 22-11-2009, or ever married):

    #   desa       sex  born        marital      recorded  wajib today / on 21-11
    1   Rembitan   L    1990-05-17  kawin        sudah     yes / yes
    2   Rembitan   P    1985-01-01  kawin        sudah     yes / yes
    3   Rembitan   P    2000-03-03  belum_kawin  belum     yes / yes
    4   Rembitan   L    2009-11-22  belum_kawin  belum     yes (17 today) / no (16)
    5   Rembitan   L    2009-11-23  belum_kawin  sudah     no (16, recorded early) / no
    6   Rembitan   P    2010-02-02  kawin        belum     yes (married at 16) / yes
    7   Rembitan   L    2015-01-01  belum_kawin  belum     no / no
    8   Kuta       L    1970-07-07  cerai_mati   sudah     yes / yes
    9   Kuta       P    1999-09-09  belum_kawin  sudah     yes / yes
    10  Praya      P    1960-06-06  cerai_hidup  belum     yes / yes
    11  Praya      L    1995-12-12  kawin        sudah     yes / yes, but first recorded 22-11 (card)

Cards (events give the status on 21-11):
    #1  recorded 01-11, PRR 22-11 01:00 UTC           today ready_to_print, 21-11 waiting_prr
    #2  recorded 01-10, PRR 05-10, printed 06-10, handed over 22-11 01:00 UTC
                                                      today handed_over, 21-11 printed
    #8  recorded 01-08, PRR 10-08, printed 11-08       printed (not collected)
    #9  recorded 20-11                                waiting_prr
    #11 recorded 22-11 02:00 UTC (a new e-KTP)        today waiting_prr, 21-11 not there yet
Suket: #9 issued 10-11 (open); #2 issued 02-10, closed 22-11 01:00 UTC; #1 issued 22-11 01:30 UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import (
    BlangkoMovement, Card, CardEvent, Destruction, Handover, Resident, Service, SpoiledCard, Suket, Ticket,
    TicketEvent,
)
from dukcapil_tui.services import context

from conftest import ON_POSTGRES, PASSWORD, Clock, _keep_pristine, actor, admin, closed_office_copy  # noqa: F401  (admin, actor re-exported: this office's admin)

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 2, 0, 0)
REMBITAN, KUTA, PRAYA = "52.02.04.2008", "52.02.04.2009", "52.02.01.1001"

RESIDENTS = (
    (REMBITAN, "L", date(1990, 5, 17), "kawin", "sudah"),
    (REMBITAN, "P", date(1985, 1, 1), "kawin", "sudah"),
    (REMBITAN, "P", date(2000, 3, 3), "belum_kawin", "belum"),
    (REMBITAN, "L", date(2009, 11, 22), "belum_kawin", "belum"),
    (REMBITAN, "L", date(2009, 11, 23), "belum_kawin", "sudah"),
    (REMBITAN, "P", date(2010, 2, 2), "kawin", "belum"),
    (REMBITAN, "L", date(2015, 1, 1), "belum_kawin", "belum"),
    (KUTA, "L", date(1970, 7, 7), "cerai_mati", "sudah"),
    (KUTA, "P", date(1999, 9, 9), "belum_kawin", "sudah"),
    (PRAYA, "P", date(1960, 6, 6), "cerai_hidup", "belum"),
    (PRAYA, "L", date(1995, 12, 12), "kawin", "sudah"),
)
NAMES = ("LALU AHMAD", "BAIQ NURUL", "=BAIQ SITI", "LALU RIZKI", "MUHAMMAD", "INAQ SAHNUN", "AMAQ KECIL",
         "H. ZAENURI", "SITI AMINAH", "INAQ MARNI", "LALU SAPARUDIN")

_numbers = count(1)


def utc(year: int, month: int, day: int, hour: int = 2, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute)


def wita(hour: int, minute: int = 0, day: date = TODAY) -> datetime:
    """``hour:minute`` WITA on ``day`` as stored (naive UTC)."""
    return datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=8)


def adult_resident(tag: str, number: int, desa: str = KUTA) -> Resident:
    """A married resident of ``desa`` born on 1 January 1990, recorded (SUDAH REKAM): wajib KTP
    on every day the recaps ask about; ``tag`` keeps the UUIDs and NIKs of tests apart."""
    birth = date(1990, 1, 1)
    return Resident.create(
        uuid=f"{tag}-{number}", nik=nik_rules.compose(desa[:8], birth, "L", number), name=f"WARGA {number}",
        birth_place="PRAYA", birth_date=birth, sex="L", desa_code=desa, kecamatan_code=desa[:8], address="X",
        rt="001", rw="001", marital_status="kawin", recording_status="sudah", workstation="TEST-01",
        created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1))


def _card(resident: Resident, events: list[tuple[datetime, str, str]], reason: str = "baru") -> Card:
    first, last = events[0], events[-1]
    number = next(_numbers)
    card = Card.create(uuid=f"card-{number}", resident=resident.id, reason=reason, recorded_at=first[0],
                       recorded_where="TEST", central_status=last[1], office_status=last[2], workstation="TEST-01",
                       created_at=first[0], updated_at=last[0], status_changed_at=last[0])
    for at, central, office in events:
        CardEvent.create(card=card.id, at=at, central_status=central, office_status=office, username="t",
                         source="test")
    return card


def _movement(day: date, kind: str, quantity: int, reference: str = "", source: str = "", card=None):
    number = next(_numbers)
    return BlangkoMovement.create(uuid=f"mv-{number}", at=datetime(day.year, day.month, day.day, 1), day=day,
                                  kind=kind, quantity=quantity, reference=reference, source=source, card=card,
                                  username="blangko1", workstation="TEST-01")


def _ticket(service: Service, number: int, status: str, queued: datetime, events: list[tuple[str, datetime]],
            outcome: str | None = None) -> Ticket:
    ticket = Ticket.create(uuid=f"tk-{next(_numbers)}", service=service.id, day=TODAY, number=number,
                           channel="langsung", status=status, queued_at=queued, created_at=queued,
                           outcome=outcome, workstation="TEST-01", counter=1)
    TicketEvent.create(ticket=ticket.id, at=queued, event="take", from_status=None, to_status="waiting",
                       username="loket1")
    for event, at in events:
        TicketEvent.create(ticket=ticket.id, at=at, event=event, from_status="x", to_status="y", username="loket1",
                           counter=1)
    return ticket


def fill(path: Path) -> None:
    """Write the documented data into the open database."""
    with database.atomic():
        residents = []
        for number, ((desa, sex, birth, marital, recorded), name) in enumerate(zip(RESIDENTS, NAMES), start=1):
            residents.append(Resident.create(
                uuid=f"res-{number}", nik=nik_rules.compose(desa[:8], birth, sex, number), name=name,
                birth_place="PRAYA", birth_date=birth, sex=sex, desa_code=desa, kecamatan_code=desa[:8],
                address="DUSUN SADE" if number != 3 else "=HYPERLINK(\"x\")", rt="001", rw="002",
                marital_status=marital, recording_status=recorded, workstation="TEST-01",
                created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1)))
        r = {i + 1: res for i, res in enumerate(residents)}
        c1 = _card(r[1], [(utc(2026, 11, 1), "BIO_CAPTURED", "waiting_prr"),
                          (utc(2026, 11, 22, 1), "PRINT_READY_RECORD", "ready_to_print")])
        c2 = _card(r[2], [(utc(2026, 10, 1), "BIO_CAPTURED", "waiting_prr"),
                          (utc(2026, 10, 5), "PRINT_READY_RECORD", "ready_to_print"),
                          (utc(2026, 10, 6), "PRINT_READY_RECORD", "printed"),
                          (utc(2026, 11, 22, 1), "PRINT_READY_RECORD", "handed_over")])
        _card(r[8], [(utc(2026, 8, 1), "BIO_CAPTURED", "waiting_prr"),
                     (utc(2026, 8, 10), "PRINT_READY_RECORD", "ready_to_print"),
                     (utc(2026, 8, 11), "PRINT_READY_RECORD", "printed")])
        c9 = _card(r[9], [(utc(2026, 11, 20), "BIO_CAPTURED", "waiting_prr")])
        _card(r[11], [(utc(2026, 11, 22, 2), "BIO_CAPTURED", "waiting_prr")])
        Handover.create(card=c2.id, at=utc(2026, 11, 22, 1), collected_by="resident", collector_name="BAIQ NURUL",
                        receipt_no="TT-1", id_checked=True, username="cetak1", workstation="TEST-01")
        for number, (resident, card, issued, closed) in enumerate((
            (r[9], c9, utc(2026, 11, 10), None),
            (r[2], c2, utc(2026, 10, 2), utc(2026, 11, 22, 1)),
            (r[1], c1, utc(2026, 11, 22, 1, 30), None),
        ), start=1):
            Suket.create(uuid=f"suket-{number}", number=f"470/{number:04d}", year=issued.year, seq=number,
                         resident=resident.id, card=card.id, issued_at=issued, username="cetak1",
                         status="closed" if closed else "open", closed_at=closed,
                         closed_reason="handover" if closed else None)

        # Blangko: October leaves 998; November as in test_blangko_month.
        _movement(date(2026, 10, 15), "receipt", 1000, "B-001/2026", "Ditjen Dukcapil Kemendagri")
        _movement(date(2026, 10, 20), "print_ok", -1, "batch 1")
        oct_failed = _movement(date(2026, 10, 20), "print_failed", -1, "gagal_cetak")
        _movement(date(2026, 11, 2), "receipt", 500, "B-002/2026", "Ditjen Dukcapil Kemendagri")
        for _ in range(3):
            _movement(date(2026, 11, 3), "print_ok", -1, "batch 2")
        nov_failed = _movement(date(2026, 11, 3), "print_failed", -1, "gagal_cetak")
        nov_damaged = _movement(date(2026, 11, 4), "damaged", -1, "rusak_fisik")
        _movement(date(2026, 11, 4), "loan_out", -10, "PJ-7", "Disdukcapil Lombok Timur")
        _movement(date(2026, 11, 4), "loan_in", 5, "PJ-8", "Disdukcapil Lombok Barat")
        _movement(date(2026, 11, 5), "returned", 2, "", "Disdukcapil Lombok Timur")
        _movement(date(2026, 11, 5), "adjustment", -1, "opname #1")
        _movement(date(2026, 11, 22), "print_ok", -1, "batch 3")
        _movement(date(2026, 11, 22), "print_ok", -1, "batch 3")
        destruction = Destruction.create(berita_acara_no="BA/01/XI/2026", day=date(2026, 11, 10),
                                         at=utc(2026, 11, 10), username="admin", count=4)
        for movement, nik, reason, day in ((oct_failed, r[2].nik, "gagal_cetak", date(2026, 10, 20)),
                                           (nov_failed, r[1].nik, "gagal_cetak", date(2026, 11, 3)),
                                           (nov_damaged, None, "rusak_fisik", date(2026, 11, 4))):
            SpoiledCard.create(at=movement.at, day=day, nik=nik, reason=reason, movement=movement.id,
                               destruction=destruction.id, username="cetak1")
        # the old card taken back when a data change's new card was handed over: no blank, no movement
        SpoiledCard.create(at=utc(2026, 11, 6), day=date(2026, 11, 6), kind="ditarik", nik=r[3].nik,
                           reason="perubahan_data", movement=None, destruction=destruction.id, username="loket1")

        # Tickets of 22-11: see test_harian_layanan for the times.
        a = Service.get(Service.code == "rekam_baru")
        b = Service.get(Service.code == "cetak_ulang")
        e = Service.get(Service.code == "pengambilan")
        _ticket(a, 1, "done", wita(8, 0), [("call", wita(8, 10)), ("start", wita(8, 12)), ("finish", wita(8, 22))],
                "recorded")
        _ticket(a, 2, "done", wita(8, 5), [("call", wita(8, 25)), ("start", wita(8, 25)), ("finish", wita(8, 45))],
                "recorded")
        _ticket(a, 3, "no_show", wita(8, 30), [("call", wita(8, 40))])
        _ticket(b, 1, "done", wita(9, 0), [("call", wita(9, 30)), ("start", wita(9, 30)), ("finish", wita(9, 35))],
                "failed_device")  # a failed recording: not served
        _ticket(e, 1, "waiting", wita(9, 45), [])


@pytest.fixture(scope="session")
def report_template(tmp_path_factory, request) -> Path | str:
    """The documented office, made once per session: a file, or on PostgreSQL (DUKCAPIL_TEST_DB)
    a database of the session whose rows are put back before every test."""
    from dukcapil_tui.services.office import init_office

    if ON_POSTGRES:
        server = request.getfixturevalue("pg_server")
        path = server.new()
        request.addfinalizer(lambda: server.drop(path))
    else:
        path = tmp_path_factory.mktemp("report_template") / "office.sqlite3"
    init_office(path, office_name=OFFICE, region_code="52.02", timezone="Asia/Makassar", admin_username="admin",
                admin_full_name="Kepala Dinas", admin_password=PASSWORD, workstation="TEST-01")
    fill(path)
    from dukcapil_tui.services import settings
    from dukcapil_tui.services.context import system_actor

    system = system_actor("TEST-01")
    with database.atomic():
        settings._write(system, "head_name", "H. LALU AHMAD ZAENURI, S.H.")
        settings._write(system, "head_nip", "19700101 199003 1 001")
    database.close()
    if ON_POSTGRES:
        _keep_pristine(path)
    return path


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock(NOW)
    monkeypatch.setattr(context, "now_utc", c)
    return c


@pytest.fixture
def office(report_template, tmp_path, clock) -> Path | str:
    path = closed_office_copy(report_template, tmp_path, "office.sqlite3")
    open_database(path)
    return path




# --- reading workbooks -----------------------------------------------------------------------

def values(ws, row: int) -> list:
    return [c.value for c in ws[row]]


def find_row(ws, column: int, text: str) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in column {column} of {ws.title}")


def by_header(ws, header_row: int, row: int) -> dict:
    return {h: v for h, v in zip(values(ws, header_row), values(ws, row)) if h is not None}
