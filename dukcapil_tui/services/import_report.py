"""The rejected-rows report every import writes: one CSV per import run, kept in the exports
folder (or the folder given), its path shown to whoever imported.

A cell of the report can never become a live formula when the file is opened in a spreadsheet:
text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading apostrophe (the OWASP advice against CSV injection), so a rejected row carrying
``=HYPERLINK(…)`` in its name shows as text.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from dukcapil_tui import files, private
from dukcapil_tui.tabular import clean_cell

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell value safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = str(clean_cell(value)) if value[:1] not in ("\t", "\r") else value
        return "'" + text if text.startswith(_FORMULA_START) else text
    return value


def write(kind: str, source: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]],
          directory: Path | None = None) -> Path:
    """Write ``rows`` under ``header`` to ``<kind>_<source name>_<stamp>_ditolak.csv`` in
    ``directory`` (default: the exports folder), the stamp in the office's own time (what the
    clerk's clock showed); a name already taken gets a number."""
    from dukcapil_tui import paths
    from dukcapil_tui.services import settings

    directory = files.ensure_folder(directory if directory else paths.export_dir(), own=directory is None)
    stamp = settings.office_now().strftime("%Y%m%d-%H%M%S")
    target = files.reserve(directory / f"{kind}_{Path(source).stem}_{stamp}_ditolak.csv")
    partial = target.with_name(f".{target.name}.tmp")
    try:
        with private.open_private(partial, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([neutralise(value) for value in row])
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise
    return target
