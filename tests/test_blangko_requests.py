"""Blank requests to the province: requested, delivered by the receipts that name them,
outstanding; closing a request; the monthly blank report's requests and days without stock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from dukcapil_tui import reports
from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, BlangkoDelivery, BlangkoRequest
from dukcapil_tui.reports import blangko as blangko_report
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import blangko, blangko_corrections, blangko_requests, day_review
from dukcapil_tui.services.context import NeedsConfirmation, NotFound, PermissionDenied, ServiceError
from dukcapil_tui.services.day_lock import DayLocked

from cetak_helpers import TODAY, actor, admin, clock, db_state, office, office_template  # noqa: F401

KEEPER = actor("blangko")
NOV = lambda d: date(2026, 11, d)  # noqa: E731


def test_a_request_is_delivered_by_the_receipts_that_name_it(admin, clock):
    asked = blangko_requests.request(KEEPER, "2.000", "470/112/DKPS/2026", note="stok menipis", day=NOV(2))
    assert (asked.quantity, asked.addressed_to, asked.day) == (2000, "Dinas Dukcapil Provinsi", NOV(2))
    assert AuditLog.select().where(AuditLog.action == "blangko.request").count() == 1
    blangko.receive(KEEPER, 500, "BAST-1", "Provinsi NTB", day=NOV(10), request_id=asked.id)
    blangko.receive(KEEPER, 300, "SJ-9", "Kemendagri", day=NOV(11))  # not against the request
    row, = blangko_requests.rows()
    assert (row.quantity, row.delivered, row.outstanding) == (2000, 500, 1500)
    assert row.receipts == ((NOV(10), "BAST-1", 500),)
    blangko.receive(KEEPER, "1.500", "BAST-2", "Provinsi NTB", day=NOV(20), request_id=str(asked.id))
    row, = blangko_requests.rows()
    assert (row.delivered, row.outstanding) == (2000, 0)
    assert blangko_requests.rows(open_only=True) == []
    # the state at the end of an earlier day
    then, = blangko_requests.rows(until=NOV(15))
    assert (then.delivered, then.outstanding) == (500, 1500)
    assert blangko_requests.outstanding().requests == 0


def test_more_than_asked_leaves_nothing_outstanding_and_a_correction_counts(admin, clock):
    asked = blangko_requests.request(KEEPER, 100, "S/1", day=NOV(1))
    receipt = blangko.receive(KEEPER, 150, "BAST-1", "Provinsi", day=NOV(3), request_id=asked.id)
    assert blangko_requests.rows()[0].outstanding == 0
    # the receipt was really 50: corrected, the request is outstanding again
    request = blangko_corrections.request(KEEPER, receipt.id, "50", "salah ketik")
    blangko_corrections.decide(admin, request.id, True)
    row, = blangko_requests.rows()
    assert (row.delivered, row.outstanding) == (50, 50)
    summary = blangko_requests.outstanding()
    assert (summary.requests, summary.blanks, summary.oldest) == (1, 50, NOV(1))


def test_what_a_request_refuses(admin, clock):
    with pytest.raises(ValidationError) as caught:
        blangko_requests.request(KEEPER, "0", " ", day=TODAY + timedelta(days=1))
    assert caught.value.problems == {"quantity": "Jumlah harus angka bulat lebih dari 0.",
                                     "letter_no": "Nomor surat permintaan wajib diisi.",
                                     "day": "Tanggal surat tidak boleh di masa depan."}
    with pytest.raises(PermissionDenied):
        blangko_requests.request(actor("loket"), 10, "S/1")
    with pytest.raises(NeedsConfirmation) as caught:
        blangko_requests.request(KEEPER, 10_001, "S/1")
    assert "10.001" in str(caught.value) and "10.000" in str(caught.value)
    assert blangko_requests.request(KEEPER, 10_000, "S/2").quantity == 10_000  # the largest lot: no question
    assert blangko_requests.request(KEEPER, 10_001, "S/3", confirmed=True).quantity == 10_001
    day_review.lock(admin, NOV(20))
    with pytest.raises(DayLocked):
        blangko_requests.request(KEEPER, 10, "S/4", day=NOV(20))


def test_a_receipt_cannot_deliver_a_closed_a_later_or_an_unknown_request(admin, clock):
    asked = blangko_requests.request(KEEPER, 100, "S/1", day=NOV(10))
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        blangko.receive(KEEPER, 50, "BAST-0", "Provinsi", day=NOV(9), request_id=asked.id)
    assert caught.value.problems == {"request_id": "Permintaan #1 bertanggal 10-11-2026; penerimaan 09-11-2026 "
                                                   "tidak bisa memenuhinya."}
    with pytest.raises(ValidationError) as caught:
        blangko.receive(KEEPER, 50, "BAST-0", "Provinsi", request_id=99)
    assert caught.value.problems == {"request_id": "Permintaan blangko nomor 99 tidak ada."}
    assert db_state() == before  # the receipt was not written either
    # the same day as the request is fine
    blangko.receive(KEEPER, 40, "BAST-1", "Provinsi", day=NOV(10), request_id=asked.id)
    with pytest.raises(PermissionDenied):
        blangko_requests.close(KEEPER, asked.id, "provinsi kehabisan")
    with pytest.raises(ValidationError):
        blangko_requests.close(admin, asked.id, "  ")
    with pytest.raises(NotFound):
        blangko_requests.close(admin, 99, "x")
    closed = blangko_requests.close(admin, asked.id, "provinsi kehabisan")
    assert closed.closed_by == "admin"
    row, = blangko_requests.rows()
    assert (row.delivered, row.outstanding, row.closed, row.closed_reason) == (40, 0, True, "provinsi kehabisan")
    with pytest.raises(ServiceError, match="sudah ditutup"):
        blangko_requests.close(admin, asked.id, "lagi")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        blangko.receive(KEEPER, 60, "BAST-2", "Provinsi", request_id=asked.id)
    assert BlangkoDelivery.select().count() == 1


def test_only_a_receipt_can_deliver_in_the_schema(admin, clock):
    import peewee

    asked = blangko_requests.request(KEEPER, 100, "S/1")
    blangko.receive(KEEPER, 10, "SJ", "Kemendagri")
    loan = blangko.loan(KEEPER, "in", 5, "Lombok Barat")
    with pytest.raises(peewee.IntegrityError, match="only a receipt"):
        database.execute_sql("INSERT INTO blangko_delivery (movement_id, request_id) VALUES (?, ?)",
                             (loan.id, asked.id))
    assert BlangkoRequest.select().count() == 1


def test_the_monthly_report_shows_requests_deliveries_and_days_without_stock(admin, clock, tmp_path):
    # October: a request that November's receipts deliver in part
    october = blangko_requests.request(KEEPER, 1000, "470/90/X/2026", day=date(2026, 10, 20))
    closed = blangko_requests.request(KEEPER, 50, "470/91/X/2026", day=date(2026, 10, 21))
    blangko_requests.close(admin, closed.id, "dibatalkan")
    # no blank until 4 November; the stock runs out again on the 10th, refilled on the 12th
    blangko.receive(KEEPER, 10, "BAST-1", "Provinsi", day=NOV(4), request_id=october.id)
    with database.atomic():
        blangko.append(admin, "print_ok", 10, day=NOV(9))
    november = blangko_requests.request(KEEPER, 500, "470/100/XI/2026", day=NOV(10))
    blangko.receive(KEEPER, 200, "BAST-2", "Provinsi", day=NOV(12), request_id=november.id)
    period = Period.for_month(2026, 11, TODAY)
    data = blangko_report.collect(period)
    assert data.no_stock_days == [NOV(1), NOV(2), NOV(3), NOV(4), NOV(10), NOV(11), NOV(12)]
    assert blangko_report.day_ranges(data.no_stock_days) == "01-11-2026 s.d. 04-11-2026, 10-11-2026 s.d. 12-11-2026"
    assert [r.letter_no for r in data.requests] == ["470/90/X/2026", "470/100/XI/2026"]  # the closed one is done
    assert (data.requested, data.delivered) == (500, 210)
    shown = dict(reports.preview("blangko", period).lines())
    assert (shown["Permintaan blangko (surat bulan ini)"], shown["Diterima atas permintaan"],
            shown["Permintaan belum dipenuhi"], shown["Hari tanpa stok"]) == ("500", "210", "1.290", "7")
    wb = load_workbook(reports.export("blangko", period, tmp_path, KEEPER))
    daily = wb["Mutasi harian"]
    notes = [daily.cell(row=r, column=1).value for r in range(1, 8)]
    assert ("Hari tanpa stok (saldo awal hari nol): 7 hari, 01-11-2026 s.d. 04-11-2026, 10-11-2026 s.d. "
            "12-11-2026.") in notes
    sheet = wb["Permintaan"]
    header = next(r for r in range(1, 12) if sheet.cell(row=r, column=2).value == "Tanggal Surat")
    first = [c.value for c in sheet[header + 1]]
    assert first[2:7] == ["470/90/X/2026", "Dinas Dukcapil Provinsi", 1000, 10, 990]
    assert first[7] == "04-11-2026 BAST-1 (10)"
    second = [c.value for c in sheet[header + 2]]
    assert second[2:7] == ["470/100/XI/2026", "Dinas Dukcapil Provinsi", 500, 200, 300]
    total = [c.value for c in sheet[header + 3]]
    assert total[1] == "JUMLAH" and total[4] == f"=SUM(E{header + 1}:E{header + 2})"
    # October's own report: both October requests, nothing delivered yet
    october_data = blangko_report.collect(Period.for_month(2026, 10, TODAY))
    assert [r.letter_no for r in october_data.requests] == ["470/90/X/2026", "470/91/X/2026"]
    assert october_data.requested == 1050 and october_data.delivered == 0
    # counted from the first blank record (the request of 20 October): before it the stock is not known
    assert october_data.no_stock_days == [date(2026, 10, day) for day in range(20, 32)]


def test_the_letter_number_is_at_most_200_characters(admin, clock):
    assert blangko_requests.request(KEEPER, 1, "S" * 200).letter_no == "S" * 200
    with pytest.raises(ValidationError) as caught:
        blangko_requests.request(KEEPER, 1, "S" * 201)
    assert caught.value.problems == {"letter_no": "Nomor surat permintaan terlalu panjang (maksimal 200 karakter)."}
