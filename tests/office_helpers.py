"""The office every service test starts from, and the clock it moves by hand.

The fixtures live in conftest.py (one definition each); this module keeps the names test
modules and the other helper modules import: ``from office_helpers import admin, clock, office,
office_template``.
"""

from __future__ import annotations

from conftest import (  # noqa: F401  (re-exported)
    OFFICE,
    START,
    TODAY,
    Clock,
    actor,
    admin,
    clock,
    make_office,
    office,
    office_template,
)
