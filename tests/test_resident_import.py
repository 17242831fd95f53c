"""Resident import from CSV and XLSX files through ``import_residents``."""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dukcapil_tui import paths
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import AuditLog, Resident
from dukcapil_tui.services import resident_import, residents
from dukcapil_tui.services.context import PermissionDenied, ServiceError
from dukcapil_tui.services.resident_import import import_residents

from conftest import TODAY

HEADER = "NIK,NAMA,TMPT_LHR,TGL_LHR,JENIS_KLMIN,KODE_DESA,ALAMAT,RT,RW,STAT_KWN,STATUS_REKAM"
ROWS = [
    "5202041708050001,LALU AHMAD,PRAYA,17-08-2005,LAKI-LAKI,52.02.04.2008,DUSUN SADE,1,2,BELUM KAWIN,SUDAH REKAM",
    "5202045708050002,BAIQ NURUL,PRAYA,17-08-2005,PEREMPUAN,5202042008,DUSUN SADE,1,2,KAWIN TERCATAT,BELUM REKAM",
    "5202010101800001,MUHAMMAD SAHNAN,MATARAM,01-01-1980,L,52.02.01.1001,JL. SUDIRMAN,3,1,KAWIN,SUDAH REKAM",
]


def write_csv(tmp_path: Path, lines: list[str], name: str = "penduduk.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def run(actor, path, **kw):
    return import_residents(actor, path, today=TODAY, **kw)


def audit_count() -> int:
    return AuditLog.select().count()


def snapshot() -> dict:
    return {r.nik: (r.name, r.updated_at, r.recording_status) for r in Resident.select()}


def test_good_csv_inserts_rows(admin, tmp_path, frozen_now):
    path = write_csv(tmp_path, ROWS)
    before = audit_count()
    result = run(admin, path)
    assert (result.total, result.inserted, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert result.rejected == [] and result.report_path is None
    assert result.summary == "3 baris dibaca: 3 baru, 0 diperbarui, 0 tidak berubah, 0 ditolak."
    baiq = Resident.get(Resident.nik == "5202045708050002")
    assert (baiq.name, baiq.sex, baiq.marital_status, baiq.recording_status) == ("BAIQ NURUL", "P", "kawin", "belum")
    assert baiq.birth_date == date(2005, 8, 17)
    assert (baiq.desa_code, baiq.kecamatan_code, baiq.rt, baiq.rw) == ("52.02.04.2008", "52.02.04", "001", "002")
    assert baiq.workstation == "TEST-01" and baiq.created_at == frozen_now
    assert Resident.get(Resident.nik == "5202010101800001").address == "JL. SUDIRMAN"
    assert audit_count() == before + 1
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.action, entry.entity, entry.username) == ("resident.import", "resident", "admin")
    changes = json.loads(entry.changes)
    assert changes["file"] == "penduduk.csv" and changes["inserted"] == 3 and changes["lines"] == [2, 4]
    # Imported residents are found like any other.
    assert [r.nik for r in residents.search(residents.ResidentQuery("baiq")).rows] == ["5202045708050002"]


def test_reimporting_the_same_file_changes_nothing(admin, tmp_path, monkeypatch):
    path = write_csv(tmp_path, ROWS)
    run(admin, path)
    before, entries = snapshot(), audit_count()
    from dukcapil_tui.services import context

    monkeypatch.setattr(context, "now_utc", lambda: datetime(2030, 1, 1))
    result = run(admin, path)
    assert (result.total, result.inserted, result.updated, result.unchanged) == (3, 0, 0, 3)
    assert snapshot() == before
    assert audit_count() == entries


def test_a_changed_row_updates_only_that_resident(admin, tmp_path, monkeypatch):
    run(admin, write_csv(tmp_path, ROWS))
    before, entries = snapshot(), audit_count()
    from dukcapil_tui.services import context

    later = datetime(2030, 1, 1, 3, 0)
    monkeypatch.setattr(context, "now_utc", lambda: later)
    changed = [ROWS[0], ROWS[1].replace("BAIQ NURUL", "BAIQ NURUL HIDAYATI").replace(",1,2,", ",4,2,"), ROWS[2]]
    result = run(admin, write_csv(tmp_path, changed, name="v2.csv"))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    after = snapshot()
    assert after["5202045708050002"] == ("BAIQ NURUL HIDAYATI", later, "belum")
    assert after["5202041708050001"] == before["5202041708050001"]
    assert after["5202010101800001"] == before["5202010101800001"]
    assert audit_count() == entries + 1
    baiq = Resident.get(Resident.nik == "5202045708050002")
    changes = json.loads(AuditLog.select().order_by(AuditLog.id.desc()).get().changes)
    assert changes["inserted"] == 0
    assert changes["updated"] == {str(baiq.id): {"name": ["BAIQ NURUL", "BAIQ NURUL HIDAYATI"], "rt": ["001", "004"]}}


def test_bad_rows_are_reported_with_line_field_and_reason(admin, tmp_path):
    lines = [
        ROWS[0],
        "5202045708050002,BAIQ NURUL,PRAYA,31-02-2005,PEREMPUAN,52.02.04.2008,,,,KAWIN,",  # line 3
        "",  # line 4: blank, skipped but counted
        "5202010101800001,MUHAMMAD SAHNAN,MATARAM,01-01-1980,L,52.02.99.9999,,,,KAWIN,",  # line 5
        "520201010180000,,MATARAM,01-01-1980,X,52.02.01.1001,,,,KAWIN,",  # line 6
        ROWS[2].replace("5202010101800001", "5202010202800001"),  # line 7
    ]
    result = run(admin, write_csv(tmp_path, lines))
    assert (result.total, result.inserted) == (5, 2)
    rejected = {(r.line, r.field): r.reason for r in result.rejected}
    assert rejected[(3, "Tanggal lahir")] == "Tanggal lahir bukan tanggal yang benar (gunakan DD-MM-YYYY)."
    assert rejected[(5, "Desa/kelurahan")] == "Kode desa/kelurahan 52.02.99.9999 tidak dikenal di kabupaten/kota ini."
    assert rejected[(6, "NIK")] == "NIK harus 16 angka (terisi 15)."
    assert rejected[(6, "Nama lengkap")] == "Nama lengkap wajib diisi."
    assert rejected[(6, "Jenis kelamin")].startswith("Jenis kelamin: nilai 'X' tidak dikenal")
    assert set(rejected) == {
        (3, "Tanggal lahir"),
        (5, "Desa/kelurahan"),
        (6, "NIK"),
        (6, "Nama lengkap"),
        (6, "Jenis kelamin"),
    }
    assert {r.nik for r in result.rejected if r.line == 3} == {"5202045708050002"}
    assert sorted(r.nik for r in Resident.select()) == ["5202010202800001", "5202041708050001"]
    assert "ditolak" in result.summary and "5 ditolak" in result.summary


def test_rejected_rows_report_file(admin, tmp_path, frozen_now):
    lines = [ROWS[0], ROWS[1].replace("17-08-2005", "kemarin")]
    result = run(admin, write_csv(tmp_path, lines))
    report = result.report_path
    assert report is not None and report.exists()
    assert report.parent == paths.export_dir()
    assert report.name == "impor-penduduk_penduduk_20261122-100000_ditolak.csv"
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["BARIS", "NIK", "KOLOM", "ALASAN"],
        ["3", "5202045708050002", "Tanggal lahir", "Tanggal lahir bukan tanggal yang benar (gunakan DD-MM-YYYY)."],
    ]
    elsewhere = run(admin, write_csv(tmp_path, lines, name="lagi.csv"), report_dir=tmp_path / "laporan")
    assert elsewhere.report_path.parent == tmp_path / "laporan" and elsewhere.report_path.exists()


def test_duplicate_nik_inside_the_file(admin, tmp_path):
    lines = [ROWS[0], ROWS[1], ROWS[0].replace("LALU AHMAD", "LALU AHMAD KEDUA"), "5202.0417.0805.0001" + ROWS[0][16:]]
    result = run(admin, write_csv(tmp_path, lines))
    assert result.inserted == 2
    assert [(r.line, r.field) for r in result.rejected] == [(4, "NIK"), (5, "NIK")]
    assert result.rejected[0].reason == "NIK 5202041708050001 muncul lagi di berkas (pertama di baris 2)."
    assert Resident.get(Resident.nik == "5202041708050001").name == "LALU AHMAD"


def test_a_nik_repeated_in_later_chunks_names_its_first_line(admin, tmp_path, monkeypatch):
    """The file's NIKs are remembered across chunks: a NIK of the first chunk repeated twice in
    the second (and once in the third) is refused each time, naming line 2; nothing of it is
    written but the first row."""
    monkeypatch.setattr(resident_import, "CHUNK", 2)
    again = ROWS[0].replace("LALU AHMAD", "LALU AHMAD KEDUA")
    lines = [ROWS[0], ROWS[1], again, again, ROWS[2], again]
    result = run(admin, write_csv(tmp_path, lines))
    assert (result.total, result.inserted) == (6, 3)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (line, "NIK 5202041708050001 muncul lagi di berkas (pertama di baris 2).") for line in (4, 5, 7)]
    assert Resident.get(Resident.nik == "5202041708050001").name == "LALU AHMAD"
    again_result = run(admin, write_csv(tmp_path, lines, name="lagi.csv"))
    assert (again_result.unchanged, len(again_result.rejected)) == (3, 3)  # a fresh import remembers afresh


def test_missing_required_columns_are_named(admin, tmp_path):
    path = write_csv(tmp_path, ["5202041708050001,LALU AHMAD"], header="NIK,NAMA")
    with pytest.raises(ServiceError) as caught:
        run(admin, path)
    message = str(caught.value)
    assert message.startswith("Kolom wajib tidak ada: TGL_LHR, JENIS_KLMIN, KODE_DESA, STAT_KWN.")
    assert "Kolom yang ditemukan: NIK, NAMA." in message
    assert Resident.select().count() == 0


def test_semicolon_delimited_csv(admin, tmp_path):
    path = write_csv(tmp_path, [r.replace(",", ";") for r in ROWS], header=HEADER.replace(",", ";"))
    result = run(admin, path)
    assert result.inserted == 3 and result.rejected == []
    assert Resident.get(Resident.nik == "5202010101800001").address == "JL. SUDIRMAN"


def test_header_aliases(admin, tmp_path):
    header = (
        "No NIK;Nama_Lgkp;Tempat Lahir;TGL_LAHIR;Jenis Kelamin;kode desa;ALAMAT;NO_RT;NO_RW;STATUS_KAWIN;STAT_REKAM"
    )
    path = write_csv(tmp_path, [r.replace(",", ";") for r in ROWS], header=header)
    result = run(admin, path)
    assert result.inserted == 3 and result.rejected == []
    row = Resident.get(Resident.nik == "5202041708050001")
    assert (row.name, row.birth_place, row.rt, row.recording_status) == ("LALU AHMAD", "PRAYA", "001", "sudah")


def test_siak_region_parts_instead_of_kode_desa(admin, tmp_path):
    header = "NIK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN,NO_PROP,NO_KAB,NO_KEC,NO_KEL,STAT_KWN"
    lines = [
        "5202041708050001,LALU AHMAD,17-08-2005,LAKI-LAKI,52,2,4,2008,BELUM KAWIN",
        "5202010101800001,MUHAMMAD SAHNAN,01-01-1980,LAKI-LAKI,52,02,01,1001,KAWIN",
        "5202010202800001,AMAQ SAHNUN,02-02-1980,LAKI-LAKI,52,2,1,,KAWIN",
    ]
    result = run(admin, write_csv(tmp_path, lines, header=header))
    assert result.inserted == 2
    assert Resident.get(Resident.nik == "5202041708050001").desa_code == "52.02.04.2008"
    assert Resident.get(Resident.nik == "5202010101800001").desa_code == "52.02.01.1001"
    assert [(r.line, r.field, r.reason) for r in result.rejected] == [
        (4, "Desa/kelurahan", "Desa/kelurahan wajib diisi.")
    ]


def test_xlsx_with_text_nik_and_real_dates(admin, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Penduduk"
    workbook.create_sheet("Catatan").append(["NIK"])  # only the first sheet is read
    sheet.append(["NIK", "NAMA_LGKP", "TGL_LHR", "JENIS_KELAMIN", "KODE_DESA", "RT", "STAT_KWN", "STATUS_REKAM"])
    sheet.append(
        [
            "5202041708050001",
            "Lalu Ahmad",
            datetime(2005, 8, 17),
            "LAKI-LAKI",
            "52.02.04.2008",
            1,
            "BELUM KAWIN",
            "SUDAH REKAM",
        ]
    )
    sheet.append([5202045708050002, "Baiq Nurul", "17-08-2005", "PEREMPUAN", 5202042008, 12.0, "KAWIN", "BELUM REKAM"])
    sheet.append([None, None, None, None, None, None, None, None])  # row 4: blank, skipped
    sheet.append(["5202010101800001", "Bad Date", "kemarin", "L", "52.02.01.1001", None, "KAWIN", None])
    sheet["A2"].number_format = "@"
    path = tmp_path / "penduduk.xlsx"
    workbook.save(path)

    result = run(admin, path)
    assert (result.total, result.inserted) == (3, 2)
    lalu = Resident.get(Resident.nik == "5202041708050001")
    assert (lalu.name, lalu.birth_date, lalu.rt, lalu.recording_status) == (
        "LALU AHMAD",
        date(2005, 8, 17),
        "001",
        "sudah",
    )
    baiq = Resident.get(Resident.nik == "5202045708050002")
    assert (baiq.desa_code, baiq.rt, baiq.sex) == ("52.02.04.2008", "012", "P")
    assert [(r.line, r.field) for r in result.rejected] == [(5, "Tanggal lahir")]
    # Re-importing the workbook changes nothing.
    again = run(admin, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


def test_broken_xlsx_is_a_service_error(admin, tmp_path):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(ServiceError) as caught:
        run(admin, path)
    assert str(caught.value) == ("Berkas rusak.xlsx tidak dapat dibaca: berkas ini bukan buku kerja Excel .xlsx "
                                 "(mungkin berkas lain yang diganti namanya)")


def test_unsupported_and_missing_files(admin, tmp_path):
    text = tmp_path / "penduduk.txt"
    text.write_text(HEADER + "\n" + ROWS[0])
    with pytest.raises(ServiceError) as caught:
        run(admin, text)
    assert str(caught.value) == "Jenis berkas tidak didukung: .txt (gunakan .csv atau .xlsx)."
    with pytest.raises(ServiceError) as caught:
        run(admin, tmp_path / "tidak-ada.csv")
    assert str(caught.value) == "Berkas tidak-ada.csv tidak dapat dibaca: berkas tidak ditemukan"
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    with pytest.raises(ServiceError) as caught:
        run(admin, empty)
    assert str(caught.value) == "Berkas kosong.csv tidak dapat dibaca: berkas kosong"


def test_an_over_long_cell_rejects_its_row_only(admin, tmp_path):
    huge = "X" * 200_000  # over the csv module's default field size limit, which used to end the import
    path = write_csv(tmp_path, [ROWS[0], f"5202045708050002,{huge},PRAYA,17-08-2005,P,52.02.04.2008,,,,KAWIN,"])
    result = run(admin, path)
    assert result.inserted == 1
    (rejected,) = result.rejected
    assert (rejected.line, rejected.field, rejected.reason) == (
        3, "NAMA", "kolom NAMA terlalu panjang (200000 karakter; paling banyak 1000)")


def test_a_file_that_breaks_part_way_says_what_was_kept(admin, tmp_path, monkeypatch):
    """A file damaged after its first rows (a disk error, a truncated copy): the chunks written
    before stay, the message says how many, and importing the mended file again resumes it."""
    from dukcapil_tui import tabular

    monkeypatch.setattr(resident_import, "CHUNK", 2)
    path = write_csv(tmp_path, ROWS)
    real_open = tabular.open_table

    def breaking(*args, **kwargs):
        table = real_open(*args, **kwargs)
        rows = list(table.rows)

        def broken():
            yield from rows
            raise tabular.TabularError(tabular.t("tabular.decode", line=5, encoding="utf-8"))

        table.rows = broken()
        return table

    monkeypatch.setattr(tabular, "open_table", breaking)  # as every listing is opened
    with pytest.raises(ServiceError) as caught:
        run(admin, path)
    assert str(caught.value) == (
        "Berkas penduduk.csv rusak di tengah jalan: baris 5 memuat huruf yang tidak bisa dibaca sebagai utf-8; simpan "
        "berkas sebagai CSV UTF-8. 2 baris sebelumnya sudah tersimpan; perbaiki berkas lalu impor ulang seluruhnya "
        "(baris yang sudah masuk tidak berubah).")
    assert Resident.select().count() == 2  # the first chunk; the third row was in the chunk not yet written
    monkeypatch.setattr(tabular, "open_table", real_open)
    resumed = run(admin, path)
    assert (resumed.inserted, resumed.unchanged) == (1, 2)


def test_cp1252_file_is_read(admin, tmp_path):
    path = tmp_path / "lama.csv"
    path.write_bytes((HEADER + "\n" + ROWS[0].replace("DUSUN SADE", "DUSUN SADÉ") + "\n").encode("cp1252"))
    result = run(admin, path)
    assert result.inserted == 1
    assert Resident.get(Resident.nik == "5202041708050001").address == "DUSUN SADÉ"


def test_absent_recording_column_keeps_the_recording_status(admin, tmp_path):
    run(admin, write_csv(tmp_path, ROWS))
    header = HEADER.rsplit(",", 1)[0]
    lines = [r.rsplit(",", 1)[0] for r in ROWS]
    lines[0] = lines[0].replace("DUSUN SADE", "DUSUN KUTA")
    lines.append("5202040101000001,AMAQ BARU,PRAYA,01-01-2000,L,52.02.04.2009,,,,KAWIN")
    result = run(admin, write_csv(tmp_path, lines, header=header, name="tanpa-rekam.csv"))
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 2)
    statuses = {r.nik: r.recording_status for r in Resident.select()}
    assert statuses == {
        "5202041708050001": "sudah", "5202045708050002": "belum", "5202010101800001": "sudah",
        "5202040101000001": "belum",
    }
    assert Resident.get(Resident.nik == "5202041708050001").address == "DUSUN KUTA"


def _many_rows(count: int) -> list[str]:
    lines = []
    for i in range(count):
        birth = date(1960, 1, 1) + timedelta(days=i * 7)
        nik = nik_rules.compose("52.02.04", birth, "L", 1 + i // 3000)
        lines.append(f"{nik},WARGA NOMOR,PRAYA,{birth:%d-%m-%Y},L,52.02.04.2009,,,,KAWIN,BELUM REKAM")
    return lines


def test_progress_callback_totals_the_row_count(admin, tmp_path):
    calls = []
    result = run(admin, write_csv(tmp_path, _many_rows(2345)), progress=calls.append)
    assert result.total == result.inserted == 2345
    assert sum(calls) == 2345
    assert Resident.select().count() == 2345


def test_chunks_commit_separately_and_an_interrupted_import_resumes(admin, tmp_path, monkeypatch):
    monkeypatch.setattr(resident_import, "CHUNK", 4)
    path = write_csv(tmp_path, _many_rows(10))
    real_apply = resident_import._apply
    calls = []

    def failing_apply(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl+C, or the power went
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(resident_import, "_apply", failing_apply)
    before = audit_count()
    with pytest.raises(KeyboardInterrupt):
        run(admin, path)
    assert Resident.select().count() == 4  # the first chunk was committed
    assert audit_count() == before + 1

    monkeypatch.setattr(resident_import, "_apply", real_apply)
    result = run(admin, path)
    assert (result.inserted, result.unchanged) == (6, 4)
    assert Resident.select().count() == 10
    entries = list(AuditLog.select().where(AuditLog.id > before).order_by(AuditLog.id))
    assert [json.loads(e.changes)["lines"] for e in entries] == [[2, 5], [6, 9], [10, 11]]


@pytest.mark.parametrize(("size", "held", "expected"), [
    (20_000, 0.4, 20_000),  # held as long as aimed at: the same
    (20_000, 0.8, 10_000),  # twice as long: half
    (20_000, 1.9, 4_210),
    (5_000, 0.1, 10_000),  # quick: at most doubles
    (5_000, 0.0, 10_000),
    (15_000, 0.1, 20_000),  # ... up to CHUNK
    (2_000, 30.0, 1_000),  # never below MIN_CHUNK
])
def test_the_next_chunk_is_sized_by_how_long_the_last_held_the_lock(size, held, expected, monkeypatch):
    monkeypatch.setattr(resident_import, "LOCK_HOLD_S", 0.4)
    assert resident_import.next_chunk(size, held) == expected


def test_a_chunk_that_held_the_lock_long_makes_the_next_smaller(admin, tmp_path, monkeypatch):
    """Chunks of 4 rows; the first 'holds' the lock for twice LOCK_HOLD_S (a fake clock), so the
    next holds 2 rows; a quick one lets the size grow back to 4. Each chunk, whatever its size,
    is one transaction with one audit entry."""
    monkeypatch.setattr(resident_import, "CHUNK", 4)
    monkeypatch.setattr(resident_import, "MIN_CHUNK", 1)
    monkeypatch.setattr(resident_import, "LOCK_HOLD_S", 0.4)
    ticks = iter([0.0, 0.8, 10.0, 10.1, 20.0, 20.1, 30.0, 30.1])
    monkeypatch.setattr(resident_import, "clock", lambda: next(ticks))
    before = audit_count()
    result = run(admin, write_csv(tmp_path, _many_rows(10)))
    assert result.inserted == 10
    entries = list(AuditLog.select().where(AuditLog.id > before).order_by(AuditLog.id))
    assert [json.loads(e.changes)["lines"] for e in entries] == [[2, 5], [6, 7], [8, 11]]


def test_import_needs_admin(admin, tmp_path):
    from dukcapil_tui.services import users
    from dukcapil_tui.services.context import Actor

    user = users.create_user(admin, "loket1", "Petugas", "loket", "praya-kantor-26")
    loket = Actor(user.id, "loket1", "loket", "TEST-02")
    with pytest.raises(PermissionDenied):
        run(loket, write_csv(tmp_path, ROWS))
    assert Resident.select().count() == 0


def test_a_married_resident_under_16_may_be_imported_as_recorded(admin, tmp_path):
    """Married means wajib KTP at any age (Pasal 63 ayat (1) UU 23/2006 as amended by UU 24/2013)."""
    path = write_csv(tmp_path, [
        "5202046312120001,BAIQ MUDA,PRAYA,23-12-2012,P,52.02.04.2008,DUSUN SADE,1,2,KAWIN,SUDAH REKAM",
        "5202042312120002,LALU MUDA,PRAYA,23-12-2012,L,52.02.04.2008,DUSUN SADE,1,2,BELUM KAWIN,SUDAH REKAM",
    ])
    result = run(admin, path)
    assert (result.inserted, len(result.rejected)) == (1, 1)
    assert Resident.get(Resident.nik == "5202046312120001").recording_status == "sudah"
    (refused,) = result.rejected
    assert (refused.line, refused.nik) == (3, "5202042312120002")
    assert refused.reason.endswith("perekaman baru boleh sejak umur 16 tahun, atau sejak kawin.")
