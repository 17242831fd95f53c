"""Every file location the app uses, in one place.

Locations come from platformdirs. Two environment variables override them:
``DUKCAPIL_HOME`` puts every location under one folder (handy for a USB stick, a test, or
an office that keeps its data on a separate disk), and ``DUKCAPIL_DB`` (or ``--db``) names the
database file. Directories are created when something is written, never at import.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "dukcapil-tui"
DB_FILENAME = "dukcapil.sqlite3"
DEMO_DB_FILENAME = "demo.sqlite3"


def _home() -> Path | None:
    home = os.environ.get("DUKCAPIL_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    home = _home()
    if home:
        return home / "data"
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    home = _home()
    if home:
        return home / "config"
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    home = _home()
    if home:
        return home / "logs"
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    return data_dir() / DEMO_DB_FILENAME


def backup_dir() -> Path:
    return data_dir() / "backups"


def export_dir() -> Path:
    return data_dir() / "exports"


def log_file() -> Path:
    return log_dir() / "dukcapil.log"


def kept_backup_dir() -> Path:
    """Copies made before a restore or a migration: kept apart, never rotated away."""
    return backup_dir() / "kept"


def spool_dir() -> Path:
    """The app's private temporary folder (openpyxl's spool files while an export runs)."""
    return data_dir() / "spool"


def enrolment_file() -> Path:
    """This workstation's registration for each office database it works on: its code, its
    token and the key of the audit chain (private; see ``dukcapil_tui.enrolment``)."""
    return config_dir() / "enrolment.json"


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path | str:
    """The database to open: ``--db`` first, then ``DUKCAPIL_DB``, then the default. A URL
    (``postgresql://user@host/dbname``) is a PostgreSQL database and stays a string: it is
    never taken for a file name."""
    chosen = explicit or os.environ.get("DUKCAPIL_DB")
    if not chosen:
        return default_db_path()
    if _URL.match(str(chosen)):
        if not re.match(r"^postgres(ql)?://", str(chosen), re.IGNORECASE):
            from dukcapil_tui.domain.problems import ServiceError
            from dukcapil_tui.i18n import t

            raise ServiceError(t("db.url_unsupported", url=re.sub(r"//[^@/]*@", "//…@", str(chosen))))
        return str(chosen)
    return Path(chosen).expanduser()


@dataclass(frozen=True)
class Locations:
    database: Path
    config: Path
    backups: Path
    exports: Path
    log: Path


def locations(db: str | os.PathLike | None = None) -> Locations:
    return Locations(
        database=resolve_db_path(db),
        config=config_file(),
        backups=backup_dir(),
        exports=export_dir(),
        log=log_file(),
    )
