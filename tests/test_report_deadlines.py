"""Report deadlines: each monthly report's deadline day (a setting), the record of what was sent
when and how, and the states the dashboard shows: sent, sent late, due soon, late."""

from __future__ import annotations

from datetime import date

import pytest

from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, ReportSent
from dukcapil_tui.services import report_deadlines as deadlines
from dukcapil_tui.services import settings
from dukcapil_tui.services.context import PermissionDenied

from cetak_helpers import TODAY, actor, admin, clock, office, office_template  # noqa: F401


@pytest.fixture
def tracked(admin):
    settings.put(admin, "reports_due_from", "2026-09")
    return admin


def states(today: date, report: str) -> list[tuple[str, str, int]]:
    return [(d.period, d.state, d.days) for d in deadlines.status(today) if d.report == report]


def test_the_deadline_is_a_day_of_the_following_month(admin):
    assert deadlines.deadline("capaian", 2026, 10) == date(2026, 11, 10)  # default: the 10th
    assert deadlines.deadline("blangko", 2026, 12) == date(2027, 1, 5)  # default: the 5th
    settings.put(admin, "report_deadline_blangko", "28")  # the last day every month has
    assert deadlines.deadline("blangko", 2027, 1) == date(2027, 2, 28)
    settings.put(admin, "report_deadline_capaian", "1")
    assert deadlines.deadline("capaian", 2026, 12) == date(2027, 1, 1)
    for bad in ("0", "29", "akhir"):
        with pytest.raises(ValidationError):
            settings.put(admin, "report_deadline_blangko", bad)
    assert settings.put(admin, "report_warn_days", "27") == "27"
    with pytest.raises(ValidationError):
        settings.put(admin, "report_warn_days", "28")


def test_late_due_and_upcoming_on_either_side_of_the_deadline(tracked, clock):
    # 22-11-2026, warning 3 days: September's reports (due 5 and 10 October) and October's
    # blangko (due 5 November) and capaian (due 10 November) are late; November's are ahead
    assert states(TODAY, "blangko") == [("2026-09", "late", 48), ("2026-10", "late", 17), ("2026-11", "upcoming", 13)]
    assert states(TODAY, "capaian") == [("2026-09", "late", 43), ("2026-10", "late", 12), ("2026-11", "upcoming", 18)]
    # four days before the deadline: not yet due; three days before: due; on the day: due; the day after: late
    assert states(date(2026, 12, 1), "blangko")[-2:] == [("2026-11", "upcoming", 4), ("2026-12", "upcoming", 35)]
    assert states(date(2026, 12, 2), "blangko")[-2][1:] == ("due", 3)
    assert states(date(2026, 12, 5), "blangko")[-2][1:] == ("due", 0)
    assert states(date(2026, 12, 6), "blangko")[-2][1:] == ("late", 1)
    settings.put(tracked, "report_warn_days", "0")
    assert states(date(2026, 12, 4), "blangko")[-2][1:] == ("upcoming", 1)
    assert states(date(2026, 12, 5), "blangko")[-2][1:] == ("due", 0)


def test_recording_a_report_as_sent(tracked, clock):
    row = deadlines.record_sent(actor("blangko"), "blangko", "2026-10", via="email", sent_on=date(2026, 11, 5),
                                reference="  470/12/XI/2026 ")
    assert (row.sent_on, row.via, row.reference, row.username) == (date(2026, 11, 5), "email", "470/12/XI/2026",
                                                                    "petugas_blangko")
    assert AuditLog.select().where(AuditLog.action == "report.sent").count() == 1
    deadlines.record_sent(tracked, "capaian", "2026-10", via="aplikasi", sent_on=date(2026, 11, 11))
    october = {d.report: d for d in deadlines.status(TODAY) if d.period == "2026-10"}
    assert (october["blangko"].state, october["blangko"].days) == ("sent", 0)  # on the deadline day: on time
    assert (october["capaian"].state, october["capaian"].days) == ("sent_late", 1)
    assert deadlines.describe(october["capaian"]) == ("Rekap capaian perekaman KTP-el 2026-10: terkirim 11-11-2026 "
                                                      "(aplikasi/portal), terlambat 1 hari")
    # sent again (a corrected version): the first sending still counts
    deadlines.record_sent(tracked, "capaian", "2026-10", via="surat", sent_on=date(2026, 11, 20), note="revisi")
    october = {d.report: d for d in deadlines.status(TODAY) if d.period == "2026-10"}
    assert october["capaian"].sent_on == date(2026, 11, 11)
    assert ReportSent.select().count() == 3
    assert [r.via for r in deadlines.sent_list()] == ["surat", "aplikasi", "email"]


def test_what_a_sent_record_refuses(tracked, clock):
    with pytest.raises(ValidationError) as caught:
        deadlines.record_sent(tracked, "harian", "2026-13", via="merpati", sent_on=date(2026, 11, 23))
    assert set(caught.value.problems) == {"report", "period", "via", "sent_on"}
    assert caught.value.problems["report"] == ("Laporan 'harian' bukan laporan bulanan; pilih salah satu dari "
                                               "capaian, blangko.")
    with pytest.raises(ValidationError) as caught:
        deadlines.record_sent(tracked, "blangko", "2026-12", via="email")
    assert caught.value.problems == {"period": "Bulan 2026-12 belum dimulai (hari ini 22-11-2026)."}
    with pytest.raises(ValidationError) as caught:
        deadlines.record_sent(tracked, "blangko", "2026-10", via="email", sent_on=date(2026, 9, 30))
    assert caught.value.problems == {"sent_on": "Tanggal kirim 30-09-2026 mendahului bulan laporannya (2026-10)."}
    # the first day of the month reported and today are the edges that pass
    assert deadlines.record_sent(tracked, "blangko", "2026-10", via="email", sent_on=date(2026, 10, 1))
    assert deadlines.record_sent(tracked, "blangko", "2026-11", via="diantar").sent_on == TODAY
    assert ReportSent.select().count() == 2


def test_months_before_the_office_tracked_them_are_not_asked_for(admin, clock):
    settings.put(admin, "reports_due_from", "2026-11")
    assert states(TODAY, "blangko") == [("2026-11", "upcoming", 13)]
    for bad in ("11-2026", "2026-13", "2026-00", "1999-12", "2026-1"):
        with pytest.raises(ValidationError) as caught:
            settings.put(admin, "reports_due_from", bad)
        assert "YYYY-MM" in caught.value.problems["reports_due_from"]
    assert settings.put(admin, "reports_due_from", "2000-01") == "2000-01"
    assert settings.put(admin, "reports_due_from", "") == ""  # back to the office's first month
    with pytest.raises(PermissionDenied):
        settings.put(actor("loket"), "reports_due_from", "2026-01")


def test_the_reference_is_at_most_200_characters(tracked, clock):
    assert deadlines.record_sent(tracked, "blangko", "2026-10", via="email", reference="R" * 200).reference == "R" * 200
    with pytest.raises(ValidationError) as caught:
        deadlines.record_sent(tracked, "blangko", "2026-10", via="email", reference="R" * 201)
    assert set(caught.value.problems) == {"reference"}
