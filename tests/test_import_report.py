"""The rejected-rows report: every import writes one, and no cell of it is a live formula."""

from __future__ import annotations

import csv

import pytest

from dukcapil_tui.services import import_report
from dukcapil_tui.services.context import ServiceError


@pytest.mark.parametrize("value, written", [
    ("=HYPERLINK(\"http://x\",\"klik\")", "'=HYPERLINK(\"http://x\",\"klik\")"),
    ("+62 812", "'+62 812"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("LALU AHMAD", "LALU AHMAD"), ("a=b", "a=b"), (None, ""), (42, 42), ("", ""),
    ("NUL\x00DI\x01TENGAH", "NULDITENGAH"),
])
def test_cells_are_neutralised(value, written):
    assert import_report.neutralise(value) == written


def test_the_report_is_written_with_a_free_name_and_read_back_as_text(office, tmp_path, frozen_now):
    rows = [[2, "=1+1", "alasan"], [3, "5202041708050001", "-baris"]]
    first = import_report.write("impor-x", tmp_path / "daftar.csv", ["BARIS", "NIK", "ALASAN"], rows, tmp_path / "out")
    second = import_report.write("impor-x", tmp_path / "daftar.csv", ["BARIS", "NIK", "ALASAN"], rows, tmp_path / "out")
    assert first.name == "impor-x_daftar_20261122-100000_ditolak.csv"  # 10:00 WITA, the office's clock
    assert second.name == "impor-x_daftar_20261122-100000_ditolak_v2.csv"
    with first.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["BARIS", "NIK", "ALASAN"], ["2", "'=1+1", "alasan"],
                                            ["3", "5202041708050001", "'-baris"]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([first.name, second.name])


def test_an_unusable_folder_is_a_clear_refusal(tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("x")
    with pytest.raises(ServiceError) as caught:
        import_report.write("impor-x", tmp_path / "a.csv", ["A"], [], blocker)
    assert str(caught.value) == (f"Folder {blocker} tidak bisa dipakai untuk menyimpan berkas: sudah ada berkas dengan "
                                 "nama itu, bukan folder")


def test_a_rejected_line_names_its_field_once():
    from dukcapil_tui.domain.problems import rejected_line

    assert rejected_line(27, "Status rekam", "Status rekam: nilai 'X' tidak dikenal.") == \
        "baris 27: Status rekam: nilai 'X' tidak dikenal."
    assert rejected_line(5, "JAM", "Jam '24:30' tidak dikenal.") == "baris 5: Jam '24:30' tidak dikenal."
    assert rejected_line(3, "NIK", "Baris kosong.") == "baris 3, NIK: Baris kosong."
    assert rejected_line(4, "", "Kolom kurang.") == rejected_line(4, "-", "Kolom kurang.") == "baris 4: Kolom kurang."
