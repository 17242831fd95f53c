"""The outage log: recording, ending, refusals, the warnings of work that needs the central link,
the recordings an outage left unsent, and the hours and days the reports count."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dukcapil_tui.domain import outages as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, Card, Outage, RecordingSite
from dukcapil_tui.services import outages, printing, status_import, unsent
from dukcapil_tui.services.context import NeedsConfirmation, NotFound, PermissionDenied, ServiceError

from cetak_helpers import (START, actor, add_card, admin, clock, office, office_template,  # noqa: F401
                           ready_card, stock)

# The clock stands at 22-11-2026 10:00 WITA (02:00 UTC).


def _pujut(admin_) -> None:
    RecordingSite.create(code="UPT-PUJUT", name="UPT Pujut", kind="upt", kecamatan_code="52.02.04",
                         created_at=START, created_by="admin")


def _add(admin_, **values) -> Outage:
    return outages.add(admin_, {"kind": "central", "site": "", "started": "20-11-2026 08:00", **values})


# --- reading moments --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("03-11-2026 08:00", datetime(2026, 11, 3, 8, 0)),
    ("3-11-2026 8.05", datetime(2026, 11, 3, 8, 5)),
    ("2026-11-03 23:59", datetime(2026, 11, 3, 23, 59)),
    ("03-11-2026", datetime(2026, 11, 3, 0, 0)),
    ("31-02-2026 08:00", None), ("03-11-2026 24:00", None), ("03-11-2026 08:60", None),
    ("kemarin", None), ("", None), ("０３-11-2026 08:00", None),
])
def test_a_moment_is_day_month_year_and_an_optional_time(text, expected):
    assert rules.parse_moment(text) == expected


def test_overlapping_spans_are_counted_once():
    spans = [(datetime(2026, 11, 1, 0), datetime(2026, 11, 1, 10)),
             (datetime(2026, 11, 1, 5), datetime(2026, 11, 1, 12))]
    assert rules.hours_within(spans, datetime(2026, 11, 1), datetime(2026, 11, 2)) == 12
    assert rules.hours_within(spans, datetime(2026, 11, 1, 11), datetime(2026, 11, 2)) == 1
    assert rules.hours_within(spans, datetime(2026, 11, 1, 12), datetime(2026, 11, 2)) == 0


# --- recording and ending ---------------------------------------------------------------------

def test_an_outage_is_recorded_in_office_time_and_audited(admin, clock):
    row = _add(admin, note="  server  pusat  diblokir ")
    row = Outage.get_by_id(row.id)
    # 20-11-2026 08:00 WITA is 00:00 UTC
    assert (row.kind, row.site_code, row.started_at, row.ended_at, row.note, row.created_by) == (
        "central", None, datetime(2026, 11, 20, 0, 0), None, "server pusat diblokir", "admin")
    entry = AuditLog.select().where(AuditLog.action == "outage.add").get()
    assert entry.entity_id == str(row.id)
    ended = outages.end(actor("cetak"), row.id, {"ended": "21-11-2026 08:00", "note": "dibuka"})
    assert (ended.ended_at, ended.ended_by, ended.end_note) == (datetime(2026, 11, 21, 0, 0), "petugas_cetak", "dibuka")
    assert AuditLog.select().where(AuditLog.action == "outage.end").count() == 1


def test_without_a_time_it_starts_or_ends_now(admin, clock):
    assert _add(admin, kind="power", started="  ").started_at == START
    row = _add(admin)
    assert outages.end(admin, str(row.id), {"ended": ""}).ended_at == START


@pytest.mark.parametrize("values, field, message", [
    ({"kind": "banjir"}, "kind", "Jenis gangguan: nilai 'banjir' tidak dikenal"),
    ({"kind": ""}, "kind", "Jenis gangguan wajib dipilih: network (jaringan putus)"),
    ({"site": "UPT-NOWHERE"}, "site", "UPT-NOWHERE"),
    ({"started": "besok"}, "started", "Mulai: 'besok' bukan waktu yang dikenal"),
    ({"started": "22-11-2026 10:01"}, "started", "Mulai tidak boleh di masa depan."),
    ({"ended": "22-11-2026 10:01"}, "ended", "Selesai tidak boleh di masa depan."),
    ({"ended": "20-11-2026 08:00"}, "ended", "Selesai harus sesudah mulai."),
    ({"note": "x" * 301}, "note", "Catatan terlalu panjang (maksimal 300 karakter)."),
])
def test_bad_input_is_refused_naming_the_field(admin, clock, values, field, message):
    with pytest.raises(ValidationError) as caught:
        _add(admin, **values)
    assert message in caught.value.problems[field]
    assert Outage.select().count() == 0


def test_the_edges_are_accepted(admin, clock):
    # a start of right now, an end a minute after the start, a note of 300 characters
    row = _add(admin, kind="power", started="22-11-2026 10:00", note="x" * 300)
    assert row.started_at == START
    other = _add(admin, kind="network", started="20-11-2026 08:00", ended="20-11-2026 08:01")
    assert other.ended_at == datetime(2026, 11, 20, 0, 1)


def test_two_outages_of_one_kind_at_one_scope_never_overlap(admin, clock):
    _pujut(admin)
    first = _add(admin, ended="21-11-2026 08:00")
    with pytest.raises(ServiceError) as caught:
        _add(admin, started="21-11-2026 07:59")
    assert f"Sudah ada gangguan #{first.id} (server pusat diblokir, seluruh kantor)" in str(caught.value)
    # touching is not overlapping; another kind or another scope is another outage
    _add(admin, started="21-11-2026 08:00")
    _add(admin, kind="network", started="20-11-2026 09:00")
    _add(admin, site="upt-pujut", started="20-11-2026 09:00")
    assert Outage.select().count() == 4


def test_an_outage_ends_once_and_after_it_started(admin, clock):
    row = _add(admin)
    with pytest.raises(ValidationError) as caught:
        outages.end(admin, row.id, {"ended": "20-11-2026 08:00"})
    assert caught.value.problems["ended"] == "Selesai harus sesudah mulai."
    outages.end(admin, row.id, {"ended": "20-11-2026 08:01"})
    with pytest.raises(ServiceError) as caught:
        outages.end(admin, row.id, {})
    assert str(caught.value) == "Gangguan #1 sudah selesai pada 20-11-2026 08:01 WITA."
    with pytest.raises(NotFound):
        outages.end(admin, "99", {})
    with pytest.raises(NotFound):
        outages.end(admin, "satu", {})


def test_any_user_on_duty_records_an_outage_and_nobody_else(admin, clock):
    from dukcapil_tui.services.context import Actor

    for day, role in enumerate(("loket", "cetak", "blangko"), start=17):
        _add(actor(role), kind="power", site="DINAS", started=f"{day}-11-2026 08:00", ended=f"{day}-11-2026 09:00")
    assert [o.created_by for o in Outage.select().order_by(Outage.id)] == [
        "petugas_loket", "petugas_cetak", "petugas_blangko"]
    with pytest.raises(PermissionDenied):
        _add(Actor(None, "tamu", "tamu", "X"))


# --- the central link -------------------------------------------------------------------------

def test_printing_asks_first_while_the_central_link_is_down(admin, clock):
    stock(admin, 10)
    ready_card()
    row = _add(admin)
    with pytest.raises(NeedsConfirmation) as caught:
        printing.create_batch(admin, 1)
    assert str(caught.value).startswith("Koneksi ke pusat sedang terputus: server pusat diblokir (seluruh kantor, "
                                        "sejak 20-11-2026 08:00 WITA). mencetak kartu memerlukan koneksi")
    assert printing.open_batches() == []
    assert printing.create_batch(admin, 1, confirmed=True).size == 1
    outages.end(admin, row.id, {})
    ready_card()
    assert printing.create_batch(admin, 1).size == 1  # asked no more


def test_a_cut_at_a_kecamatan_site_or_a_power_cut_does_not_stop_printing(admin, clock):
    _pujut(admin)
    stock(admin, 10)
    ready_card()
    _add(admin, kind="network", site="UPT-PUJUT")
    _add(admin, kind="power")
    assert printing.create_batch(admin, 1).size == 1


def test_a_network_cut_at_the_dinas_asks_before_a_status_import(admin, clock, tmp_path):
    listing = tmp_path / "status.csv"
    listing.write_text("NIK,STATUS\n", encoding="utf-8")
    _add(admin, kind="network", site="DINAS")
    with pytest.raises(NeedsConfirmation) as caught:
        status_import.import_statuses(admin, listing)
    assert "jaringan putus (DINAS" in str(caught.value)
    assert "mengimpor daftar status SIAK memerlukan koneksi ke pusat" in str(caught.value)
    assert status_import.import_statuses(admin, listing, tmp_path, confirmed=True).total == 0


def test_marking_a_sites_recordings_sent_asks_while_its_link_or_the_offices_is_down(admin, clock):
    _pujut(admin)

    def recorded() -> Card:
        card = add_card(recorded_at=datetime(2026, 11, 21, 2, 0))
        Card.update(site_code="UPT-PUJUT").where(Card.id == card.id).execute()
        return card

    first = recorded()
    cut = _add(admin, kind="network", site="UPT-PUJUT")
    with pytest.raises(NeedsConfirmation) as caught:
        unsent.mark_sent(admin, "UPT-PUJUT", date(2026, 11, 22))
    assert "jaringan putus (UPT-PUJUT" in str(caught.value)
    assert "menandai rekaman terkirim ke pusat memerlukan koneksi ke pusat" in str(caught.value)
    assert Card.get_by_id(first.id).central_status == "BIO_CAPTURED"  # nothing written
    assert unsent.mark_sent(admin, "UPT-PUJUT", date(2026, 11, 22), confirmed=True) == 1
    outages.end(admin, cut.id, {})
    recorded()
    _add(admin, kind="network", site="DINAS")  # another site's cut
    _add(admin, kind="power", site="UPT-PUJUT")  # not the link
    assert unsent.mark_sent(admin, "upt-pujut", date(2026, 11, 22)) == 1  # asked nothing
    recorded()
    _add(admin)  # the central server blocked for the whole office
    with pytest.raises(NeedsConfirmation):
        unsent.mark_sent(admin, "UPT-PUJUT", date(2026, 11, 22))


def test_an_outage_starting_later_than_now_is_not_open_yet(admin, clock):
    _add(admin, started="22-11-2026 09:00")
    clock.set(datetime(2026, 11, 22, 0, 59))  # 08:59 WITA: cannot happen through add, but the check reads the clock
    assert outages.open_link_outages() == []
    clock.set(datetime(2026, 11, 22, 1, 0))
    assert len(outages.open_link_outages()) == 1


def test_the_recordings_made_under_a_link_outage_wait_unsent(admin, clock):
    _pujut(admin)
    cut = _add(admin, kind="network", site="UPT-PUJUT", started="20-11-2026 08:00", ended="21-11-2026 08:00")
    office_wide = _add(admin, started="21-11-2026 08:00")
    power = _add(admin, kind="power", site="UPT-PUJUT", started="20-11-2026 08:00")
    made = [add_card(recorded_at=at) for at in (
        datetime(2026, 11, 19, 23, 59),  # 07:59 WITA, before
        datetime(2026, 11, 20, 0, 0),  # the first minute
        datetime(2026, 11, 20, 23, 59),  # the last minute
        datetime(2026, 11, 21, 0, 0),  # the end: under the central block only
        datetime(2026, 11, 21, 5, 0),
    )]
    for card in made:
        Card.update(site_code="UPT-PUJUT").where(Card.id == card.id).execute()
    elsewhere = add_card(recorded_at=datetime(2026, 11, 20, 5, 0))
    Card.update(site_code="DINAS").where(Card.id == elsewhere.id).execute()
    sent = add_card(recorded_at=datetime(2026, 11, 20, 6, 0), central="SENT_FOR_ENROLLMENT")
    Card.update(site_code="UPT-PUJUT").where(Card.id == sent.id).execute()
    shown = {row.id: row.unsent for row in outages.list_outages()}
    assert shown == {cut.id: 2, office_wide.id: 2, power.id: 0}
    assert [row.id for row in outages.list_outages(open_only=True)] == [office_wide.id, power.id]


# --- what the reports read --------------------------------------------------------------------

def test_a_days_outages_and_the_hours_they_took_of_it(admin, clock):
    _pujut(admin)
    _add(admin, started="20-11-2026 20:00", ended="21-11-2026 02:30")  # 6.5 h over two days
    _add(admin, kind="power", site="UPT-PUJUT", started="21-11-2026 10:00", ended="21-11-2026 13:15")
    _add(admin, kind="network", started="21-11-2026 23:00")  # still open at 22-11 10:00
    day = outages.day_rows(date(2026, 11, 21))
    assert [(r.kind, r.hours) for r in day] == [("central", 2.5), ("power", 3.25), ("network", 1.0)]
    assert [(r.kind, r.hours) for r in outages.day_rows(date(2026, 11, 22))] == [("network", 10.0)]
    assert outages.day_rows(date(2026, 11, 19)) == []


def test_days_lost_per_site_count_each_hour_once(admin, clock):
    _pujut(admin)
    # the whole office: 01-11 08:00 to 11-11 08:00 (ten days), and Pujut's own power cut inside it
    _add(admin, started="01-11-2026 08:00", ended="11-11-2026 08:00")
    _add(admin, kind="power", site="UPT-PUJUT", started="05-11-2026 08:00", ended="05-11-2026 20:00")
    # Pujut's device failure from 20-11 to now (22-11 10:00 WITA): 50 hours
    _add(admin, kind="device", site="UPT-PUJUT", started="20-11-2026 08:00")
    rows = {r.code: r for r in outages.monthly(date(2026, 11, 1), date(2026, 11, 22))}
    assert rows["DINAS"].hours == 240 and rows["DINAS"].days_touched == 11 and rows["DINAS"].outages == 1
    assert rows["UPT-PUJUT"].hours == 290 and rows["UPT-PUJUT"].days_touched == 14
    assert rows["UPT-PUJUT"].counts == {"network": 0, "central": 1, "power": 1, "device": 1}
    # a period cuts them: 10-11 only
    rows = {r.code: r for r in outages.monthly(date(2026, 11, 10), date(2026, 11, 10))}
    assert rows["DINAS"].hours == 24 and rows["DINAS"].days_touched == 1
    # the kecamatan whose site was down on its own: Pujut, its own hours only
    down = outages.sites_down(date(2026, 11, 1), date(2026, 11, 22))
    assert [(r.code, r.hours, r.counts["device"]) for r in down] == [("UPT-PUJUT", 62, 1)]
    assert outages.sites_down(date(2026, 11, 6), date(2026, 11, 19)) == []


def test_the_day_review_shows_the_days_outages_and_the_devices_out(admin, clock):
    from dukcapil_tui.services import day_review, devices

    _pujut(admin)
    _add(admin, kind="power", site="UPT-PUJUT", started="21-11-2026 10:00", ended="21-11-2026 13:15")
    _add(admin, kind="network", started="21-11-2026 23:00")  # still open
    devices.add(admin, {"kind": "recording_set", "serial": "SET-01", "site": "UPT-PUJUT", "day": "01-09-2026"})
    devices.record(admin, "SET-01", "broken", {"day": "21-11-2026"})
    (part,) = [s for s in day_review.sections(day_review.review(date(2026, 11, 21))) if s.key == "outages"]
    assert part.title == "Gangguan dan alat: 2 gangguan hari itu, 1 alat tidak berfungsi di akhir hari"
    assert part.lines == (
        "listrik padam (UPT-PUJUT): 21-11-2026 10:00 WITA s.d. 21-11-2026 13:15 WITA, 3,2 jam hari itu",
        "SET-01 di UPT-PUJUT: rusak sejak 21-11-2026")
    assert part.warnings == ("jaringan putus (seluruh kantor): 21-11-2026 23:00 WITA s.d. masih berlangsung, "
                             "1,0 jam hari itu",)
    (quiet,) = [s for s in day_review.sections(day_review.review(date(2026, 11, 19))) if s.key == "outages"]
    assert (quiet.title, quiet.lines, quiet.warnings) == (
        "Gangguan dan alat: 0 gangguan hari itu, 0 alat tidak berfungsi di akhir hari", (), ())
