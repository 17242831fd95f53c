"""Every importer facing the files offices really produce, and worse: each gets one clear
Indonesian message naming the line and the field, never a traceback, never Python's ``None`` or
an exception class name; nothing is written when a file is refused; control characters never
reach the database."""

from __future__ import annotations

import io
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import Resident
from dukcapil_tui.services import bookings, capaian, cetak_figures, status_import
from dukcapil_tui.services.context import ServiceError
from dukcapil_tui.services.resident_import import import_residents

from conftest import TODAY

HEADER = ["NIK", "NAMA", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA", "ALAMAT", "STAT_KWN"]
GOOD = ["5202041708050001", "LALU AHMAD", "17-08-2005", "L", "52.02.04.2008", "DUSUN SADE", "KAWIN"]
GOOD_2 = ["5202045708050002", "BAIQ NURUL", "17-08-2005", "P", "52.02.04.2008", "DUSUN SADE", "KAWIN"]
PYTHONISH = re.compile(r"\bNone\b|Error\b|Exception|Traceback|BadZipFile|UnicodeDecode|KeyError")


def _csv(path, rows, delimiter=",", encoding="utf-8"):
    path.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding) + b"\r\n")
    return path


def _xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(admin, path):
    return import_residents(admin, path, today=TODAY, report_dir=path.parent / "laporan")


def _refused(admin, path) -> str:
    before = Resident.select().count()
    with pytest.raises(ServiceError) as caught:
        _import(admin, path)
    message = str(caught.value)
    assert not PYTHONISH.search(message), message
    assert Resident.select().count() == before
    return message


# --- files refused whole ---------------------------------------------------------------------

def test_binary_garbage(admin, tmp_path):
    path = tmp_path / "sampah.csv"
    path.write_bytes(os.urandom(4096).replace(b"\n", b"x") + b"\x00\x01\x02" * 100)
    assert _refused(admin, path).endswith("isi berkas bukan teks CSV (data biner); simpan ulang dari Excel sebagai CSV "
                                          "atau .xlsx")


def test_an_xlsx_named_csv_and_a_csv_named_xlsx(admin, tmp_path):
    named_csv = tmp_path / "penduduk.csv"
    named_csv.write_bytes(_xlsx_bytes([HEADER, GOOD]))
    assert _refused(admin, named_csv) == ("Berkas penduduk.csv tidak dapat dibaca: berkas ini buku kerja Excel (.xlsx) "
                                          "yang bernama .csv; ganti akhiran namanya menjadi .xlsx")
    named_xlsx = _csv(tmp_path / "penduduk.xlsx", [HEADER, GOOD])
    assert _refused(admin, named_xlsx) == ("Berkas penduduk.xlsx tidak dapat dibaca: berkas ini bukan buku kerja Excel "
                                           ".xlsx (mungkin berkas lain yang diganti namanya)")


def test_a_truncated_xlsx(admin, tmp_path):
    whole = _xlsx_bytes([HEADER] + [GOOD] * 200)
    path = tmp_path / "terpotong.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert _refused(admin, path) == ("Berkas terpotong.xlsx tidak dapat dibaca: buku kerja Excel rusak atau terpotong; "
                                     "simpan ulang dari Excel lalu impor lagi")


def test_an_old_xls(admin, tmp_path):
    path = tmp_path / "lama.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(1000))
    assert "format Excel lama (.xls)" in _refused(admin, path)


def test_a_duplicated_header(admin, tmp_path):
    path = _csv(tmp_path / "ganda.csv", [HEADER + ["NAMA_LENGKAP"], GOOD + ["X"]])
    assert _refused(admin, path) == ("Berkas ganda.csv tidak dapat dibaca: kolom NAMA muncul dua kali di judul (kolom "
                                     "ke-2 dan ke-8); hapus salah satu")


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n"])
def test_an_empty_file(admin, tmp_path, content):
    path = tmp_path / "kosong.csv"
    path.write_bytes(content)
    assert _refused(admin, path) == "Berkas kosong.csv tidak dapat dibaca: berkas kosong"


# --- files that are read, rows refused one by one ----------------------------------------------

def test_utf16_as_excel_writes_unicode_text(admin, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes(b"\xff\xfe" + "\r\n".join("\t".join(r) for r in [HEADER, GOOD, GOOD_2]).encode("utf-16-le"))
    result = _import(admin, path)
    assert (result.inserted, result.rejected) == (2, [])


def test_latin1_and_semicolons(admin, tmp_path):
    row = GOOD[:5] + ["DUSUN SADÉ"] + GOOD[6:]
    path = _csv(tmp_path / "latin.csv", [HEADER, row], delimiter=";", encoding="latin-1")
    assert _import(admin, path).inserted == 1
    assert Resident.get().address == "DUSUN SADÉ"


def test_over_long_fields_and_a_one_megabyte_line_are_rejected_rows(admin, tmp_path):
    long_name = GOOD_2[:1] + ["X" * 5000] + GOOD_2[2:]
    megabyte = ["5202040101900003"] + ["Y" * 1000] * 1048
    path = _csv(tmp_path / "panjang.csv", [HEADER, GOOD, long_name, megabyte])
    result = _import(admin, path)
    assert result.inserted == 1
    assert [(r.line, r.field, r.reason) for r in result.rejected] == [
        (3, "NAMA", "kolom NAMA terlalu panjang (5000 karakter; paling banyak 1000)"),
        (4, "-", "baris ini punya 1049 sel berisi, judul hanya 7 kolom (pemisah kolom salah?)"),
    ]
    assert result.report_path.exists()


def test_too_few_cells(admin, tmp_path):
    path = _csv(tmp_path / "pendek.csv", [HEADER, GOOD, GOOD_2[:3]])
    result = _import(admin, path)
    assert result.inserted == 1
    (rejected,) = result.rejected
    assert (rejected.line, rejected.field, rejected.reason) == (
        3, "JENIS_KLMIN", "baris ini hanya punya 3 dari 7 kolom; tidak ada: JENIS_KLMIN, KODE_DESA, ALAMAT, STAT_KWN")


def test_control_characters_never_reach_the_database(admin, tmp_path):
    row = GOOD[:5] + ["DUSUN\x00 SADE\x07\x1b[31m"] + GOOD[6:]
    result = _import(admin, _csv(tmp_path / "kontrol.csv", [HEADER, row]))
    assert result.inserted == 1
    assert Resident.get().address == "DUSUN SADE[31M"
    raw = database.execute_sql("SELECT address FROM resident").fetchone()[0]  # as stored, no model between
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in raw)


def test_no_message_shows_none_for_empty_cells(admin, tmp_path):
    path = _csv(tmp_path / "kosong-sel.csv", [HEADER, ["5202041708050001", "", "", "", "", "", ""]])
    result = _import(admin, path)
    reasons = [r.reason for r in result.rejected]
    assert reasons and not any(PYTHONISH.search(r) for r in reasons), reasons


# --- the other importers on the same files ------------------------------------------------------

def _bad_files(tmp_path) -> dict[str, object]:
    files = {}
    garbage = tmp_path / "sampah.csv"
    garbage.write_bytes(os.urandom(2048) + b"\x00" * 64)
    files["garbage"] = garbage
    truncated = tmp_path / "terpotong.xlsx"
    truncated.write_bytes(_xlsx_bytes([["NIK", "STATUS"]] + [["1", "PRR"]] * 200)[:1500])
    files["truncated"] = truncated
    named = tmp_path / "excel.csv"
    named.write_bytes(_xlsx_bytes([["NIK"]]))
    files["named"] = named
    return files


@pytest.mark.parametrize("importer", ["statuses", "bookings", "wajib", "cetak"])
def test_the_other_importers_refuse_bad_files_cleanly(admin, tmp_path, importer):
    run = {"statuses": lambda p: status_import.import_statuses(admin, p),
           "bookings": lambda p: bookings.import_bookings(admin, p),
           "wajib": lambda p: capaian.import_figures(admin, p),
           "cetak": lambda p: cetak_figures.import_figures(admin, p)}[importer]
    for name, path in _bad_files(tmp_path).items():
        with pytest.raises(ServiceError) as caught:
            run(path)
        assert not PYTHONISH.search(str(caught.value)), (name, str(caught.value))


def test_a_booking_list_with_a_long_field_books_the_good_rows_in_one_go(admin, tmp_path, monkeypatch):
    """The list that used to write rows and then die on a long field."""
    Resident.create(uuid="r1", nik=GOOD[0], name="LALU AHMAD", birth_date="2005-08-17", sex="L",
                    desa_code="52.02.04.2008", kecamatan_code="52.02.04", marital_status="kawin",
                    recording_status="belum", workstation="T", created_at=TODAY, updated_at=TODAY)
    path = tmp_path / "booking.csv"
    path.write_text("TANGGAL;NIK;NAMA;LAYANAN;JAM\n"
                    f"22-12-2026;{GOOD[0]};LALU;rekam_baru;09:00\n"
                    f"22-12-2026;{GOOD[0]};{'Z' * 300_000};konsultasi;09:30\n", encoding="utf-8")
    from dukcapil_tui.services import context
    from datetime import datetime

    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 22, 2, 0))
    result = bookings.import_bookings(admin, path, report_dir=tmp_path / "laporan")
    assert (result.booked, [(r.line, r.field) for r in result.rejected]) == (1, [(3, "NAMA")])
    assert "terlalu panjang (300000 karakter" in result.rejected[0].reason


# --- any bytes at all -----------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_give_a_result_or_the_apps_own_refusal_and_nothing_half_written(admin, tmp_path, content, suffix):
    path = tmp_path / f"acak{suffix}"
    path.write_bytes(content)
    counts = lambda: tuple(database.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: E731
                           for t in ("resident", "ticket", "card_event", "wajib_ktp_figure", "audit_log"))
    for run in (lambda: _import(admin, path), lambda: status_import.import_statuses(admin, path),
                lambda: bookings.import_bookings(admin, path), lambda: capaian.import_figures(admin, path)):
        before = counts()
        try:
            run()
        except (ServiceError, ValidationError) as refused:
            assert not PYTHONISH.search(str(refused)), str(refused)
            assert counts() == before
