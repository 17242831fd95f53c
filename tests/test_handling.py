"""Residents' special handling notes: added and ended audited, the name masked by role on the
lists, the desk and the counter, and the command line's refusals."""

from __future__ import annotations

import pytest

from dukcapil_tui.domain import handling as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, HandlingNote, Resident
from dukcapil_tui.services import handling
from dukcapil_tui.services.context import NotFound, PermissionDenied, ServiceError

from cetak_helpers import START, actor, add_resident, admin, clock, office, office_template  # noqa: F401


def _protected(resident) -> bool:
    return bool(Resident.get_by_id(resident.id).name_protected)


@pytest.mark.parametrize("name, role, shown", [
    ("MELATI BINTI SALEH", "admin", "MELATI BINTI SALEH"),
    ("MELATI BINTI SALEH", "loket", "MELATI BINTI SALEH"),
    ("MELATI BINTI SALEH", "cetak", "M••• (3 kata)"),
    ("MELATI BINTI SALEH", "blangko", "M••• (3 kata)"),
    ("MELATI BINTI SALEH", None, "M••• (3 kata)"),
    ("", "cetak", "•••"),
])
def test_a_protected_name_shows_only_to_the_roles_that_need_it(name, role, shown):
    assert rules.shown_name(name, True, role) == shown
    assert rules.shown_name(name, False, role) == name


def test_a_note_is_added_and_ended_audited_and_the_name_flag_follows(admin, clock):
    resident = add_resident(name="MELATI")
    note = handling.add(actor("loket"), resident.nik, {"kind": "name_unspoken", "note": " Suku Anak  Dalam "})
    assert (note.kind, note.note, note.created_by) == ("name_unspoken", "Suku Anak Dalam", "petugas_loket")
    assert _protected(resident)
    home = handling.add(admin, str(resident.id), {"kind": "home_recording"})
    assert [n.text for n in handling.notes_for(resident.nik)] == [
        "nama tidak boleh disebut (panggil dengan nomor antrean): Suku Anak Dalam",
        "perekaman di rumah (terbaring sakit)"]
    handling.end(admin, home.id, "sudah direkam")
    assert _protected(resident)  # the name note stands
    handling.end(admin, str(note.id), "keluarga mengizinkan")
    assert not _protected(resident)
    assert handling.notes_for(resident.nik) == []
    assert len(handling.notes_for(resident.nik, open_only=False)) == 2
    entries = list(AuditLog.select().where(AuditLog.action.startswith("handling.")).order_by(AuditLog.id))
    assert [e.action for e in entries] == ["handling.add", "handling.add", "handling.end", "handling.end"]
    assert all("MELATI" not in (e.changes or "") for e in entries)  # the audit names the kind, never the name


def test_refusals(admin, clock):
    resident = add_resident()
    with pytest.raises(ValidationError) as caught:
        handling.add(admin, resident.nik, {"kind": "other", "note": "  "})
    assert caught.value.problems == {"note": "Catatan wajib diisi."}
    with pytest.raises(ValidationError) as caught:
        handling.add(admin, resident.nik, {"kind": "rahasia"})
    assert "Jenis penanganan: nilai 'rahasia' tidak dikenal" in caught.value.problems["kind"]
    with pytest.raises(ValidationError):
        handling.add(admin, resident.nik, {"kind": "other", "note": "x" * 301})
    handling.add(admin, resident.nik, {"kind": "other", "note": "x" * 300})  # the longest note
    handling.add(admin, resident.nik, {"kind": "other", "note": "kursi roda"})  # several "other" notes stand
    handling.add(admin, resident.nik, {"kind": "name_unspoken"})
    with pytest.raises(ServiceError) as caught:
        handling.add(admin, resident.nik, {"kind": "name_unspoken"})
    assert "sudah punya catatan 'nama tidak boleh disebut" in str(caught.value)
    with pytest.raises(NotFound):
        handling.add(admin, "5202040000000000", {"kind": "home_recording"})
    for role in ("cetak", "blangko"):
        with pytest.raises(PermissionDenied):
            handling.add(actor(role), resident.nik, {"kind": "home_recording"})
    note = HandlingNote.select().order_by(HandlingNote.id.desc()).get()
    with pytest.raises(ValidationError):
        handling.end(admin, note.id, " ")
    handling.end(admin, note.id, "selesai")
    with pytest.raises(ServiceError):
        handling.end(admin, note.id, "lagi")
    with pytest.raises(NotFound):
        handling.end(admin, "999", "x")


def test_the_lists_and_the_counter_mask_the_name(admin, clock):
    from dukcapil_tui.screens import queue_text
    from dukcapil_tui.services import queue, queue_views
    from dukcapil_tui.services.residents import ResidentQuery, search

    resident = add_resident(name="MELATI BINTI SALEH", recording="belum")
    handling.add(admin, resident.nik, {"kind": "name_unspoken"})
    handling.add(admin, resident.nik, {"kind": "home_recording"})
    row = next(r for r in search(ResidentQuery(text="MELATI")).rows if r.id == resident.id)
    assert row.name_protected and rules.shown_name(row.name, row.name_protected, "cetak") == "M••• (3 kata)"
    lookup = queue_views.desk_lookup(resident.nik)
    assert lookup.resident.name_protected and len(lookup.resident.handling) == 2
    taken = queue.take_ticket(admin, "rekam_baru", resident_id=resident.id)
    view = queue_views.ticket_view(taken.ticket.id)
    lines = queue_text.ticket_lines(view, 3, "loket")
    assert lines[1] == f"MELATI BINTI SALEH · NIK {resident.nik}"
    assert lines[2] == ("PENANGANAN KHUSUS: nama tidak boleh disebut (panggil dengan nomor antrean); perekaman di "
                        "rumah (terbaring sakit)")
    assert queue_text.ticket_lines(view, 3, "cetak")[1].startswith("M••• (3 kata) · NIK")
    # the counter's waiting list is what is called from: masked for everyone
    from datetime import datetime

    cells = queue_text.row_cells("1", view, datetime(2026, 11, 22, 3), "Asia/Makassar")
    assert cells[3] == "M••• (3 kata)"


def test_the_handling_commands(admin, clock, monkeypatch):
    from click.testing import CliRunner

    from dukcapil_tui.cli import cli
    from dukcapil_tui.cli.common import State
    from dukcapil_tui.db import database

    from conftest import login_args

    resident = add_resident()
    nik = resident.nik
    db = database.database
    database.close()
    monkeypatch.setenv("DUKCAPIL_DB", db)

    def run(*args):
        result = CliRunner().invoke(cli, [*login_args(), *args], obj=State())
        if database.obj is not None:
            database.close()
        return result

    added = run("handling", "add", nik, "--kind", "home_recording", "--note", "lumpuh")
    assert added.exit_code == 0, added.output
    assert added.output == "Catatan #1 dicatat: perekaman di rumah (terbaring sakit): lumpuh.\n"
    listed = run("handling", "list", nik)
    assert listed.output.startswith("#1 perekaman di rumah (terbaring sakit): lumpuh (oleh admin, 22-11-2026 10:00")
    refused = run("handling", "add", nik, "--kind", "other")
    assert refused.exit_code == 2 and "Catatan wajib diisi." in refused.output
    missing = run("handling", "end", "1")
    assert missing.exit_code == 2 and "Opsi wajib belum diberikan: '--reason'" in missing.output
    assert run("handling", "end", "1", "--reason", "sudah direkam").output == "Catatan #1 diakhiri.\n"
    assert run("handling", "list", nik).output == "Tidak ada catatan penanganan khusus.\n"
    assert "diakhiri" in run("handling", "list", nik, "--all").output
    unknown = run("handling", "list", "5202040000000000")
    assert unknown.exit_code == 2 and "tidak ditemukan" in unknown.output
