"""Recording sites with no database: their kinds, codes, and matching a listing's site text."""

from __future__ import annotations

import re

KINDS = ("dinas", "upt", "keliling", "lain")
# The Dinas itself (made by migration 10): where a workstation placed at no site records.
DEFAULT_SITE = "DINAS"
CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,31}$")
MAX_NAME = 80


def normalise_code(value: object) -> str:
    return str(value or "").strip().upper()


def match_key(value: object) -> str:
    """What a listing's site text is compared by: case, spaces, dots, hyphens and underscores do
    not matter ('UPT Pujut', 'upt-pujut', 'UPT_PUJUT')."""
    return re.sub(r"[\s._\-]+", "", str(value or "")).upper()
