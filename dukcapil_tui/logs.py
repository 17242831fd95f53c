"""The application log: one rotating file in the log folder (see ``dukcapil locate``).

What is logged: start-up, migrations, backups, imports (counts), logins (username only) and
failures. Never personal data: no NIK, no resident names, no file contents.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from dukcapil_tui import paths

LOGGER_NAME = "dukcapil"
_configured = False


def setup(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    try:
        target = paths.log_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(target, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # a read-only disk must not stop the office working
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)


def get(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}")
