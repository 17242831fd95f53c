"""The head's audit log viewer: filters by user, office-local day and kind of record, newest
first, keyset-paged, admin only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import actor
from dukcapil_tui.domain.problems import PermissionDenied
from dukcapil_tui.models import AuditLog
from dukcapil_tui.services import audit, audit_view
from dukcapil_tui.services.audit_view import AuditFilter


def entries(flt: AuditFilter, size: int = 50) -> list[tuple[str, str]]:
    rows, _ = audit_view.page(actor("admin"), flt, None, size)
    return [(r.username, r.action) for r in rows]


def test_filters_and_pages(admin, clock):
    for number in range(5):
        audit.record(actor("loket", "loket1"), "ticket.take", "ticket", number, {"number": number})
    audit.record(actor("cetak", "cetak1"), "card.status", "card", 7, {"central_status": ["BIO", "PRR"]})
    clock.advance(days=1)  # 23-11-2026 10:00 WITA
    audit.record(actor("loket", "loket1"), "resident.update", "resident", 3, {"address": ["A", "B"]})
    assert entries(AuditFilter(username="cetak1")) == [("cetak1", "card.status")]
    assert entries(AuditFilter(entity="resident")) == [("loket1", "resident.update")]
    assert [a for _, a in entries(AuditFilter(username="loket1", day=date(2026, 11, 22)))] == ["ticket.take"] * 5
    assert entries(AuditFilter(day=date(2026, 11, 23))) == [("loket1", "resident.update")]
    assert entries(AuditFilter(day=date(2026, 11, 24))) == []
    # newest first, two at a time, the next page starting below the last shown
    first, cursor = audit_view.page(actor("admin"), AuditFilter(username="loket1"), None, 2)
    assert [r.action for r in first] == ["resident.update", "ticket.take"] and cursor == first[-1].id
    assert first[0].summary == "address" and first[0].changes == {"address": ["A", "B"]}
    seen = [r.id for r in first]
    while cursor is not None:
        rows, cursor = audit_view.page(actor("admin"), AuditFilter(username="loket1"), cursor, 2)
        seen += [r.id for r in rows]
    assert seen == sorted(seen, reverse=True) and len(seen) == 6  # every entry once, the last page flagged


def test_an_office_day_runs_from_local_midnight(admin, clock):
    clock.at_wita(23, 59)
    audit.record(actor("loket", "loket1"), "ticket.take", "ticket", 1, {})
    clock.advance(minutes=1)  # 00:00 WITA on the 23rd is 16:00 UTC on the 22nd
    audit.record(actor("loket", "loket1"), "ticket.take", "ticket", 2, {})
    latest = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (latest.at + timedelta(hours=8)).date() == date(2026, 11, 23)
    ids = lambda day: [r.entity_id for r in audit_view.page(actor("admin"), AuditFilter(  # noqa: E731
        username="loket1", day=day), None, 10)[0]]
    assert ids(date(2026, 11, 22)) == ["1"] and ids(date(2026, 11, 23)) == ["2"]


@pytest.mark.parametrize("role", ["loket", "cetak", "blangko"])
def test_only_the_head_reads_it(admin, role):
    with pytest.raises(PermissionDenied, match="membaca log audit"):
        audit_view.page(actor(role), AuditFilter(), None, 10)
    with pytest.raises(PermissionDenied):
        audit_view.choices(actor(role))


def test_choices_and_labels(admin):
    audit.record(actor("loket", "loket1"), "ticket.take", "ticket", 1, {})
    users, entities = audit_view.choices(actor("admin"))
    assert "loket1" in users and "ticket" in entities
    assert audit_view.entity_label("ticket") == "Tiket antrean" and audit_view.entity_label("lainnya") == "lainnya"
