"""SIAK's printed-card figures per desa (``dukcapil import cetak-desa``): the edges of each
row's rule, and the per-desa file rules it shares with the wajib KTP figures
(``services/desa_figures``)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dukcapil_tui.services import cetak_figures, context
from dukcapil_tui.services.context import ServiceError

REMBITAN, KUTA = "52.02.04.2008", "52.02.04.2009"


@pytest.fixture
def today(monkeypatch) -> date:
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2026, 11, 22, 2, 0))  # 10:00 in Lombok
    return date(2026, 11, 22)


def _file(tmp_path, text: str, name: str = "cetak.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _reasons(result) -> list[tuple[int, str, str]]:
    return [(line, code, reason) for line, code, reason in result.rejected]


def test_a_count_of_zero_and_a_figure_read_today_are_taken(admin, tmp_path, today):
    result = cetak_figures.import_figures(admin, _file(tmp_path, (
        f"KODE_DESA;SUDAH_CETAK;TANGGAL\n{REMBITAN};0;22-11-2026\n{KUTA};1.250;\n")))
    assert (result.applied, result.printed, result.rejected) == (2, 1250, [])
    assert cetak_figures.figures() == {REMBITAN: (0, today), KUTA: (1250, today)}  # no TANGGAL: today


def test_a_negative_count_a_figure_of_tomorrow_and_a_bad_date_are_refused_and_nothing_is_saved(
        admin, tmp_path, today):
    result = cetak_figures.import_figures(admin, _file(tmp_path, (
        f"KODE_DESA;SUDAH_CETAK;TANGGAL\n{REMBITAN};-1;\n{KUTA};5;23-11-2026\n52.02.04.2010;5;31-02-2026\n")),
        report_dir=tmp_path / "laporan")
    assert _reasons(result) == [
        (2, REMBITAN, "SUDAH_CETAK harus bilangan bulat 0 atau lebih, bukan '-1'."),
        (3, KUTA, "TANGGAL tidak boleh di masa depan."),
        (4, "52.02.04.2010", "TANGGAL bukan tanggal yang benar (gunakan DD-MM-YYYY)."),
    ]
    assert cetak_figures.figures() == {}
    assert result.report_path is not None and result.report_path.read_text(encoding="utf-8-sig").count("\n") == 4


def test_a_desa_named_twice_or_not_at_all_is_refused_with_its_line(admin, tmp_path, today):
    result = cetak_figures.import_figures(admin, _file(tmp_path, (
        "NO_PROP;NO_KAB;NO_KEC;NO_KEL;SUDAH_CETAK\n52;2;4;2008;10\n52;2;4;2008;11\n;;;;3\n")),
        report_dir=tmp_path / "laporan")
    assert [(line, code) for line, code, _ in result.rejected] == [(3, REMBITAN), (4, "")]
    assert "baris 2" in result.rejected[0][2]
    assert cetak_figures.figures() == {}


def test_files_it_cannot_take_are_refused_with_a_reason(admin, tmp_path, today):
    with pytest.raises(ServiceError, match="tidak didukung"):
        cetak_figures.import_figures(admin, _file(tmp_path, "KODE_DESA;SUDAH_CETAK\n", name="cetak.txt"))
    with pytest.raises(ServiceError, match="SUDAH_CETAK"):
        cetak_figures.import_figures(admin, _file(tmp_path, f"KODE_DESA;JUMLAH\n{REMBITAN};3\n"))
    with pytest.raises(ServiceError, match="cetak.csv tidak berisi baris data"):
        cetak_figures.import_figures(admin, _file(tmp_path, "KODE_DESA;SUDAH_CETAK\n"))
