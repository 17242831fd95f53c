"""A first import of a large listing reads and checks its rows in a second process.

Reading the file and checking its rows (``import_rows``) is about half of a first import's
work; the writer (``resident_import``) the other half. Into an empty register the reading side
needs nothing from the database (no row can be stored yet: ``RowReader.look_up`` is off), so a
second process started for the import (``COMMAND``: a fresh interpreter, nothing shared with
the writer's connection) reads the file, checks each row as the import always has, and hands
the entries over in batches through a pipe, which holds at most 64 KB: the worker waits while it
is full, so memory stays flat whatever the file's size. Rows come in the file's order; the writer works as
before (chunks, duplicates, cards, audit), so a result is the same as in one process.

What the worker cannot do without the database — what a row's STATUS_REKAM does to a card
(``listing_cards.Planner``: sites, the office's time zone) — it leaves to the writer: such a
row comes with its cells (``CardCells``). A file that breaks part-way comes as the rows before
and then the reason (the writer says what was kept, as in one process); anything else that goes
wrong in the worker is raised again in the writer; a worker that dies is reported as such.
If the writer stops (a damaged chunk, Ctrl+C) the worker is stopped with it.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dukcapil_tui.i18n import t
from dukcapil_tui.services.context import ServiceError

# Listings of at least this many lines are read by a second process (below it, starting one
# costs more than it gives). Tests lower it.
PARALLEL_ROWS = 50_000
BATCH = 1_000  # rows per message
# The second process: this module run by the same interpreter (a fresh one, so nothing of the
# writer's state or database connection is shared; tests put another command here).
COMMAND = [sys.executable, "-m", "dukcapil_tui.services.import_worker"]


@dataclass(frozen=True)
class CardCells:
    """A row's cells, for the writer to read what its STATUS_REKAM does to a card."""

    cells: dict

    def get(self, key, default=None):
        return self.cells.get(key, default)


def entries(path: Path, aliases: dict, columns: list[str], *, known_desa, today: date, language: str, result,
            planner, progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """The listing's entries as ``RowReader.entries`` gives them, read by a second process.

    The messages come through a pipe: the worker writes a batch and waits while the pipe is full
    (the operating system's buffer, 64 KB), so no more than a batch or two wait in memory."""
    from dukcapil_tui.services.import_rows import BrokePartWay, Rejection

    worker = subprocess.Popen(COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        try:
            pickle.dump((str(path), aliases, columns, frozenset(known_desa), today, language), worker.stdin)
            worker.stdin.close()
        except BrokenPipeError:  # it died at once: said below
            pass
        while True:
            message = _next(worker)
            kind = message[0]
            if kind == "rows":
                _, count, rejected, batch = message
                before = result.total
                result.total += count
                result.rejected.extend(Rejection(*r) for r in rejected)
                for line, nik, values, card, digest in batch:
                    if type(card) is CardCells:
                        cells = card
                        card, refused = planner.read(cells, line)
                        if refused is not None:
                            shown = str(cells.get("NIK") or "").strip()[:20]  # as the file has it
                            result.rejected.append(Rejection(line, refused[0], refused[1], shown))
                            continue
                    yield line, nik, values, card, digest
                if progress:
                    for _ in range(result.total // 1000 - before // 1000):
                        progress(1000)
            elif kind == "broken":
                raise BrokePartWay(message[1])
            elif kind == "refused":
                raise ServiceError(message[1])
            elif kind == "failed":
                raise RuntimeError(f"the import's reading process failed:\n{message[1]}")
            else:  # "done"
                return
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        worker.stdout.close()


def _next(worker) -> tuple:
    try:
        return pickle.load(worker.stdout)
    except (EOFError, pickle.UnpicklingError, BrokenPipeError):
        raise ServiceError(t("import.reader_died", code=worker.wait())) from None


def main() -> None:
    """The worker: read, check, send (every message a tuple; see ``entries``)."""
    import traceback

    from dukcapil_tui import i18n
    from dukcapil_tui.domain import residents as rules
    from dukcapil_tui.domain.problems import Refusal
    from dukcapil_tui.services.import_rows import BrokePartWay, RowReader
    from dukcapil_tui.tabular import TabularError, open_table

    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else writes to stdout goes where stderr goes, never into the messages
    path, aliases, columns, known_desa, today, language = pickle.load(sys.stdin.buffer)
    sink = _Sink(channel)
    try:
        i18n.set_language(language)
        table = open_table(Path(path), aliases)
        if table.columns != columns:
            raise ServiceError(t("import.changed_while_read", path=Path(path).name))
        reader = RowReader(table.columns, _DeferredCards(rules), known_desa=known_desa, known_kecamatan=None,
                           today=today, look_up=False)
        for entry in reader.entries(table, sink):
            sink.add(entry)
        sink.flush()
        sink.send(("done",))
    except BrokePartWay as broke:
        sink.flush()
        sink.send(("broken", broke.reason))
    except TabularError as exc:  # the file cannot be opened again (removed meanwhile)
        sink.send(("refused", t("import.unreadable", path=Path(path).name, reason=exc)))
    except Refusal as refusal:
        sink.send(("refused", str(refusal)))
    except BrokenPipeError:  # the writer stopped
        return
    except BaseException:  # noqa: BLE001 - handed to the writer, which raises it
        sink.send(("failed", traceback.format_exc()))
    channel.close()


class _DeferredCards:
    """Stands for ``listing_cards.Planner`` in the worker: a row naming a central status goes to
    the writer with its cells."""

    def __init__(self, rules) -> None:
        self._rules = rules

    def read(self, row, line):
        if self._rules.central_of_recording(row.get("STATUS_REKAM")) is None:
            return None, None
        return CardCells(dict(row)), None


class _Sink:
    """Gathers a batch of entries and of rejections, as the result of one import would."""

    def __init__(self, channel) -> None:
        self.channel = channel
        self.total = 0
        self.rejected: list = []
        self.batch: list = []
        self.sent = 0

    def add(self, entry) -> None:
        self.batch.append(entry)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        count, self.sent = self.total - self.sent, self.total
        rejected = [(r.line, r.field, r.reason, r.nik) for r in self.rejected]
        self.send(("rows", count, rejected, self.batch))
        self.rejected, self.batch = [], []

    def send(self, message: tuple) -> None:
        pickle.dump(message, self.channel, protocol=pickle.HIGHEST_PROTOCOL)
        self.channel.flush()


if __name__ == "__main__":
    # Run as this module's own name, so that what it sends (CardCells) unpickles in the writer.
    from dukcapil_tui.services.import_worker import main as worker_main

    worker_main()
