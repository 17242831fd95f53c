"""The application log: one rotating file in the log folder (see ``dukcapil locate``).

What is logged: start-up, migrations, backups, imports (counts), logins (username only) and
failures. Never personal data: no NIK, no resident names, no file contents.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler

from dukcapil_tui import paths, private

LOGGER_NAME = "dukcapil"
_configured = False


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files (the current one and each rolled one) are mode 0600."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, private.FILE_MODE)
        private.secure(self.baseFilename)
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    try:
        target = paths.log_file()
        private.ensure_dir(target.parent)
        handler: logging.Handler = PrivateRotatingFileHandler(target, maxBytes=2_000_000, backupCount=5,
                                                              encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # a read-only disk must not stop the office working
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)


def get(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}")
