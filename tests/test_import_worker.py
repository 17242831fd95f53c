"""A first import of a large listing reads and checks its rows in a second process
(``import_worker``): the same results, messages and database as in one process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dukcapil_tui.db import database
from dukcapil_tui.models import Card, Resident
from dukcapil_tui.services import import_worker, resident_import
from dukcapil_tui.services.context import ServiceError

from test_resident_import import HEADER, ROWS, _many_rows, run, write_csv

@pytest.fixture
def workers(monkeypatch) -> list[int]:
    """Every listing is read by a second process; the list counts the imports that started one."""
    started: list[int] = []
    real = import_worker.entries

    def counting(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_worker, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(import_worker, "entries", counting)
    return started


def empty_register() -> None:
    for table in ("card_event", "card", "resident"):
        database.execute_sql(f"DELETE FROM {table}")


def residents_stored() -> list[tuple]:
    return database.execute_sql(
        "SELECT nik, name, birth_place, birth_date, sex, desa_code, kecamatan_code, address, rt, rw, marital_status,"
        " recording_status, life_status, life_status_on, religion, occupation, citizenship, marital_known,"
        " import_hash FROM resident ORDER BY nik").fetchall()


LINES = [
    ROWS[0],
    "5202045708050002,BAIQ NURUL,PRAYA,31-02-2005,PEREMPUAN,52.02.04.2008,,,,KAWIN,",  # bad date
    ROWS[2],
    ROWS[0].replace("LALU AHMAD", "LALU AHMAD KEDUA"),  # NIK repeated
    ROWS[1].replace("BELUM REKAM", "PRINT READY RECORD"),  # a card recorded elsewhere
    "5202010202800001,AMAQ SAHNUN,MATARAM,02-02-1980,L,52.02.01.1001,,,,KAWIN,SUDAH CETAK",  # unknown status
]


def test_a_listing_read_by_a_second_process_gives_what_one_process_gives(admin, tmp_path, workers, monkeypatch):
    path = write_csv(tmp_path, LINES)
    parallel = run(admin, path)
    assert workers == [1]
    stored = residents_stored()
    cards = [(c.resident.nik, c.central_status) for c in Card.select()]
    assert cards == [(ROWS[1][:16], "PRINT_READY_RECORD")]
    # The same file into the same register emptied, read in this process.
    empty_register()
    monkeypatch.setattr(import_worker, "PARALLEL_ROWS", 10**9)
    single = run(admin, path)
    assert workers == [1]
    assert residents_stored() == stored
    for field in ("total", "inserted", "updated", "unchanged", "rejected", "cards_created", "cards_changed"):
        assert getattr(parallel, field) == getattr(single, field), field
    assert (parallel.total, parallel.inserted) == (6, 3)
    assert [(r.line, r.field) for r in parallel.rejected] == [(3, "Tanggal lahir"), (5, "NIK"), (7, "Status rekam")]


def test_a_card_the_listing_cannot_make_is_refused_by_the_writer(admin, tmp_path, workers):
    header = HEADER + ",ALASAN"
    line = ROWS[1].replace("BELUM REKAM", "PRINT READY RECORD") + ",ALASAN ANEH"
    result = run(admin, write_csv(tmp_path, [ROWS[0] + ",", line], header=header))
    assert workers == [1] and result.inserted == 1
    assert [(r.line, r.field, r.nik) for r in result.rejected] == [(3, "ALASAN", ROWS[1][:16])]


def test_progress_totals_the_rows_read_by_the_second_process(admin, tmp_path, workers):
    calls: list[int] = []
    result = run(admin, write_csv(tmp_path, _many_rows(2345)), progress=calls.append)
    assert workers == [1] and result.inserted == 2345
    assert calls == [1000, 1000, 345]


def test_only_a_large_listing_into_an_empty_register_starts_a_second_process(admin, tmp_path, workers, monkeypatch):
    path = write_csv(tmp_path, ROWS)  # three rows
    monkeypatch.setattr(import_worker, "PARALLEL_ROWS", 4)
    run(admin, path)
    assert workers == []
    database.execute_sql("DELETE FROM resident")
    monkeypatch.setattr(import_worker, "PARALLEL_ROWS", 3)
    run(admin, path)
    assert workers == [1]
    run(admin, write_csv(tmp_path, _many_rows(5), name="lagi.csv"))  # the register holds residents now
    assert workers == [1]


def broken_listing(tmp_path, good: int) -> tuple:
    """A UTF-8 listing whose line ``good + 2`` holds a byte that is no UTF-8, past the first
    64 KB that tell the encoding."""
    rows = _many_rows(good + 5)
    text = "\n".join([HEADER, *rows[:good]]) + "\n"
    assert len(text) > 64 * 1024
    path = tmp_path / "rusak.csv"
    path.write_bytes(text.encode() + b"\xff" + "\n".join(rows[good:]).encode() + b"\n")
    return path, rows


def test_a_file_that_breaks_part_way_in_the_second_process_says_what_was_kept(admin, tmp_path, workers,
                                                                               monkeypatch):
    """The rows before the bad line are checked and the chunks completed before it kept, as in
    one process; the message is the same."""
    monkeypatch.setattr(resident_import, "CHUNK", 500)
    path, rows = broken_listing(tmp_path, 1200)
    with pytest.raises(ServiceError) as caught:
        run(admin, path)
    assert workers == [1]
    assert Resident.select().count() == 1000
    message = str(caught.value)
    assert message.startswith("Berkas rusak.csv rusak di tengah jalan: baris ")
    assert "memuat huruf yang tidak bisa dibaca sebagai utf-8" in message
    assert "1000 baris sebelumnya sudah tersimpan" in message
    empty_register()
    monkeypatch.setattr(import_worker, "PARALLEL_ROWS", 10**9)
    with pytest.raises(ServiceError) as alone:
        run(admin, path)
    assert str(alone.value) == message and Resident.select().count() == 1000
    mended = write_csv(tmp_path, rows, name="rusak.csv")
    resumed = run(admin, mended)
    assert (resumed.inserted, resumed.unchanged) == (205, 1000)


FAILING = """
from dukcapil_tui.domain import residents

def boom(*args, **kwargs):
    raise ZeroDivisionError("boom in the reader")

residents.validate = boom
from dukcapil_tui.services.import_worker import main
main()
"""


@pytest.fixture
def processes(monkeypatch) -> list[subprocess.Popen]:
    """The second processes started."""
    started = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(import_worker.subprocess, "Popen", Recorded)
    return started


def test_a_second_process_that_dies_is_reported(admin, tmp_path, workers, monkeypatch):
    monkeypatch.setattr(import_worker, "COMMAND", [sys.executable, "-c", "import os; os._exit(3)"])
    with pytest.raises(ServiceError) as caught:
        run(admin, write_csv(tmp_path, ROWS))
    assert str(caught.value) == ("Proses pembaca berkas berhenti tiba-tiba (kode 3); baris yang sudah tersimpan tetap "
                                 "ada, impor ulang berkasnya untuk melanjutkan.")
    assert Resident.select().count() == 0


def test_an_error_in_the_second_process_is_raised_in_the_writer(admin, tmp_path, workers, processes, monkeypatch):
    monkeypatch.setattr(import_worker, "COMMAND", [sys.executable, "-c", FAILING])
    with pytest.raises(RuntimeError, match="ZeroDivisionError: boom in the reader"):
        run(admin, write_csv(tmp_path, ROWS))
    assert len(processes) == 1 and processes[0].returncode is not None


def test_a_writer_that_stops_stops_the_second_process(admin, tmp_path, workers, processes, monkeypatch):
    monkeypatch.setattr(resident_import, "CHUNK", 100)
    real_apply = resident_import._apply
    calls = []

    def failing_apply(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(resident_import, "_apply", failing_apply)
    with pytest.raises(KeyboardInterrupt):
        run(admin, write_csv(tmp_path, _many_rows(3000)))
    assert len(processes) == 1 and processes[0].returncode is not None  # stopped and waited for
    assert Resident.select().count() == 100
    monkeypatch.setattr(resident_import, "_apply", real_apply)
    resumed = run(admin, write_csv(tmp_path, _many_rows(3000)))
    assert (resumed.inserted, resumed.unchanged) == (2900, 100) and resumed.rejected == []
