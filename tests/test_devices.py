"""The device register: registering sets, parts and printers; dated events (broken, sent for
repair, repaired) and their refusals; a failed recording at a counter naming the device; the
days out of service the monthly report counts; the command line."""

from __future__ import annotations

from datetime import date

import pytest

from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, Device, DeviceEvent, RecordingSite
from dukcapil_tui.services import devices
from dukcapil_tui.services.context import NotFound, PermissionDenied, ServiceError

from cetak_helpers import START, actor, admin, clock, office, office_template  # noqa: F401

TODAY = date(2026, 11, 22)


@pytest.fixture
def pujut(office):
    RecordingSite.create(code="UPT-PUJUT", name="UPT Pujut", kind="upt", kecamatan_code="52.02.04",
                         created_at=START, created_by="admin")


def _set(admin_, serial="SET-01", site="UPT-PUJUT", day="01-09-2026") -> Device:
    return devices.add(admin_, {"kind": "recording_set", "serial": serial, "site": site, "day": day})


def _events(device) -> list[tuple]:
    return [(e.kind, e.day, e.status, e.repair_place, e.document) for e in
            DeviceEvent.select().where(DeviceEvent.device == device.id).order_by(DeviceEvent.id)]


def test_a_set_and_its_parts_are_registered_where_the_set_stands(admin, clock, pujut):
    kit = _set(admin)
    camera = devices.add(admin, {"kind": "camera", "serial": "cam-7", "set": "set-01", "site": "DINAS"})
    printer = devices.add(admin, {"kind": "card_printer", "serial": "PR-1"})
    assert (camera.site_code, camera.parent_id, camera.serial) == ("UPT-PUJUT", kit.id, "CAM-7")
    assert printer.site_code == "DINAS"
    assert _events(kit) == [("added", date(2026, 9, 1), "in_service", "", "")]
    assert AuditLog.select().where(AuditLog.action == "device.add").count() == 3
    assert [(r.id, r.set_id) for r in devices.list_devices()] == [
        (printer.id, None), (kit.id, None), (camera.id, kit.id)]


@pytest.mark.parametrize("values, field, message", [
    ({"kind": "scanner"}, "kind", "Jenis alat: nilai 'scanner' tidak dikenal"),
    ({"kind": "camera", "serial": "x" * 61}, "serial", "Nomor seri terlalu panjang (maksimal 60 karakter)."),
    ({"kind": "camera", "site": "UPT-ENTAH"}, "site", "UPT-ENTAH"),
    ({"kind": "camera", "set": "PR-1"}, "set", "'PR-1' bukan perangkat rekam."),
    ({"kind": "camera", "set": "NOPE"}, "set", "Alat 'NOPE' tidak ditemukan"),
    ({"kind": "card_printer", "set": "SET-01"}, "set", "printer kartu bukan bagian perangkat rekam."),
    ({"kind": "camera", "day": "23-11-2026"}, "day", "Tanggal tidak boleh di masa depan."),
    ({"kind": "camera", "day": "kemarin"}, "day", "Tanggal"),
    ({"kind": "recording_set", "serial": "set-01"}, "serial",
     "Nomor seri SET-01 sudah terdaftar untuk perangkat rekam."),
])
def test_bad_registrations_are_refused_naming_the_field(admin, clock, pujut, values, field, message):
    _set(admin)
    devices.add(admin, {"kind": "card_printer", "serial": "PR-1"})
    before = Device.select().count()
    with pytest.raises(ValidationError) as caught:
        devices.add(admin, values)
    assert message in caught.value.problems[field]
    assert Device.select().count() == before


def test_only_the_admin_keeps_the_register_but_anyone_on_duty_reports_a_failure(admin, clock, pujut):
    with pytest.raises(PermissionDenied):
        devices.add(actor("loket"), {"kind": "camera"})
    kit = _set(admin)
    assert devices.record(actor("loket"), kit.id, "broken", {}).status == "broken"


def test_broken_sent_for_repair_and_back_each_a_dated_event(admin, clock, pujut):
    kit = _set(admin)
    devices.record(admin, "SET-01", "broken", {"day": "20-09-2026", "note": "layar mati"})
    with pytest.raises(ValidationError) as caught:
        devices.record(admin, kit.id, "sent_for_repair", {"day": "21-09-2026"})
    assert caught.value.problems["place"] == "Tempat perbaikan wajib diisi."
    devices.record(admin, f"#{kit.id}", "sent_for_repair",
                   {"day": "21-09-2026", "place": "Dinas Dukcapil Provinsi NTB", "document": "BA-17/2026"})
    row = devices.list_devices(out_only=True)[0]
    assert (row.status, row.since, row.place, row.document) == ("in_repair", date(2026, 9, 21),
                                                                "Dinas Dukcapil Provinsi NTB", "BA-17/2026")
    assert devices.record(admin, kit.id, "repaired", {"day": "21-10-2026"}).status == "in_service"
    assert _events(kit) == [
        ("added", date(2026, 9, 1), "in_service", "", ""),
        ("broken", date(2026, 9, 20), "broken", "", ""),
        ("sent_for_repair", date(2026, 9, 21), "in_repair", "Dinas Dukcapil Provinsi NTB", "BA-17/2026"),
        ("repaired", date(2026, 10, 21), "in_service", "", ""),
    ]
    assert devices.list_devices(out_only=True) == []


def test_impossible_events_are_refused(admin, clock, pujut):
    kit = _set(admin)
    with pytest.raises(ServiceError) as caught:
        devices.record(admin, kit.id, "repaired", {})
    assert str(caught.value) == (f"#{kit.id} perangkat rekam SET-01 (UPT-PUJUT) sedang berfungsi: tidak ada yang "
                                 "diperbaiki.")
    with pytest.raises(ServiceError):
        devices.record(admin, kit.id, "sent_for_repair", {"place": "x"})
    devices.record(admin, kit.id, "broken", {"day": "10-11-2026"})
    with pytest.raises(ServiceError):
        devices.record(admin, kit.id, "broken", {})
    with pytest.raises(ValidationError) as caught:  # not before its last event; the same day is fine
        devices.record(admin, kit.id, "repaired", {"day": "09-11-2026"})
    assert caught.value.problems["day"] == "Tanggal tidak boleh sebelum kejadian terakhir alat ini (10-11-2026)."
    devices.record(admin, kit.id, "repaired", {"day": "10-11-2026"})
    with pytest.raises(NotFound):
        devices.record(admin, "#999", "broken", {})
    with pytest.raises(ValidationError):
        devices.record(admin, kit.id, "broken", {"day": "23-11-2026"})


def _failed_recording_ticket(admin_):
    """A recording ticket being served at counter 1."""
    from test_queue import serving

    return serving(admin_)


def test_a_failed_recording_at_the_counter_names_the_device_and_breaks_it(admin, clock, pujut):
    from dukcapil_tui.models import Ticket
    from dukcapil_tui.services import queue as q

    kit = _set(admin, site="DINAS")
    ticket = _failed_recording_ticket(admin)
    done = q.finish(admin, ticket.id, 1, "failed_device", device_id=kit.id, note="kamera mati")
    assert done.device == f"#{kit.id} perangkat rekam SET-01 (DINAS)"
    assert Device.get_by_id(kit.id).status == "broken"
    event = DeviceEvent.select().where(DeviceEvent.kind == "failed_recording").get()
    assert (event.ticket_id, event.day, event.status, event.username) == (ticket.id, TODAY, "broken", "admin")
    assert devices.out_by_site() == {"DINAS": 1}
    # a second failure on the broken device keeps it broken and adds its event
    second = _failed_recording_ticket(admin)
    q.finish(admin, second.id, 1, "failed_device", device_id=kit.id)
    assert [e.ticket_id for e in DeviceEvent.select().where(DeviceEvent.kind == "failed_recording")] == [
        ticket.id, second.id]
    assert Device.get_by_id(kit.id).status == "broken"
    # free text stays the fallback; another outcome ignores a device
    third = _failed_recording_ticket(admin)
    assert q.finish(admin, third.id, 1, "failed_device", device="alat pinjaman").device == "alat pinjaman"
    fourth = _failed_recording_ticket(admin)
    q.finish(admin, fourth.id, 1, "recorded", device_id=kit.id)
    assert DeviceEvent.select().where(DeviceEvent.kind == "failed_recording").count() == 2
    assert Ticket.get_by_id(fourth.id).device in (None, "")


def test_an_unknown_device_refuses_the_whole_finish(admin, clock, pujut):
    from dukcapil_tui.models import Ticket
    from dukcapil_tui.services import queue as q

    ticket = _failed_recording_ticket(admin)
    with pytest.raises(NotFound):
        q.finish(admin, ticket.id, 1, "failed_device", device_id=999)
    assert Ticket.get_by_id(ticket.id).status != "done"
    assert DeviceEvent.select().count() == 0


def test_days_out_of_service_per_site_in_a_month(admin, clock, pujut):
    kit = _set(admin, day="01-09-2026")
    _set(admin, serial="SET-02", day="01-09-2026")
    devices.add(admin, {"kind": "card_printer", "serial": "PR-1", "day": "01-11-2026"})
    devices.add(admin, {"kind": "card_printer", "serial": "PR-2", "day": "23-11-2025"})
    devices.record(admin, kit.id, "broken", {"day": "20-09-2026"})  # broken two months: all of November
    devices.record(admin, "PR-1", "broken", {"day": "10-11-2026"})
    devices.record(admin, "PR-1", "repaired", {"day": "12-11-2026"})  # out on the 10th and 11th
    rows = {r.code: r for r in devices.monthly(date(2026, 11, 1), TODAY)}
    assert (rows["UPT-PUJUT"].devices, rows["UPT-PUJUT"].out_at_end, rows["UPT-PUJUT"].days_out) == (2, 1, 22)
    assert (rows["DINAS"].devices, rows["DINAS"].out_at_end, rows["DINAS"].days_out) == (2, 0, 2)
    october = {r.code: r for r in devices.monthly(date(2026, 10, 1), date(2026, 10, 31))}
    assert october["UPT-PUJUT"].days_out == 31 and october["DINAS"].devices == 1  # PR-1 came in November
    # the first and the last day of a breakdown count
    assert {r.code: r.days_out for r in devices.monthly(date(2026, 11, 10), date(2026, 11, 10))} == {
        "UPT-PUJUT": 1, "DINAS": 1}
    assert {r.code: r.days_out for r in devices.monthly(date(2026, 11, 12), date(2026, 11, 12))}["DINAS"] == 0


def test_the_device_commands(admin, clock, pujut, monkeypatch):
    from click.testing import CliRunner

    from dukcapil_tui.cli import cli
    from dukcapil_tui.cli.common import State
    from dukcapil_tui.db import database

    from conftest import login_args

    db = database.database
    database.close()
    monkeypatch.setenv("DUKCAPIL_DB", db)

    def run(*args, login=True):
        result = CliRunner().invoke(cli, [*(login_args() if login else []), *args], obj=State())
        if database.obj is not None:
            database.close()
        return result

    added = run("device", "add", "recording_set", "--serial", "SET-09", "--site", "UPT-PUJUT", "--date", "01-09-2026")
    assert added.exit_code == 0, added.output
    assert added.output == "Alat didaftarkan: #1 perangkat rekam SET-09 (UPT-PUJUT).\n"
    assert run("device", "add", "camera", "--set", "SET-09", "--serial", "CAM-1").exit_code == 0
    broken = run("device", "broken", "SET-09", "--date", "20-09-2026", "--note", "mati total")
    assert broken.output == "#1 perangkat rekam SET-09 (UPT-PUJUT): rusak (20-09-2026).\n"
    sent = run("device", "sent", "1", "--to", "Provinsi", "--document", "BA-1")
    assert sent.exit_code == 0 and "dikirim untuk diperbaiki (hari ini)" in sent.output
    listed = run("device", "list", "--broken", login=False)
    lines = listed.output.splitlines()
    assert lines[1].split()[:6] == ["1", "perangkat", "rekam", "SET-09", "UPT-PUJUT", "dalam"]
    assert lines[1].endswith("Provinsi BA-1") and lines[-1] == "1 alat, 1 tidak berfungsi (100,0 %)."
    assert run("device", "list").output.splitlines()[-1] == "2 alat, 1 tidak berfungsi (50,0 %)."
    # an open device failure shows on its site
    assert "Alat tidak berfungsi per lokasi: UPT-PUJUT 1 (dukcapil device list --broken)." in run(
        "sites", "list", login=False).output
    for args, message in ((("device", "sent", "1"), "Opsi wajib belum diberikan: '--to'"),
                          (("device", "repaired", "SET-99"), "Alat 'SET-99' tidak ditemukan"),
                          (("device", "broken", "1"), "sedang dalam perbaikan"),
                          (("device", "add", "camera", "--set", "CAM-1"), "'CAM-1' bukan perangkat rekam.")):
        result = run(*args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert run("device", "repaired", "SET-09").exit_code == 0
