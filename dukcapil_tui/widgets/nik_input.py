"""The NIK field every screen uses: 16 ASCII digits, whatever is typed, pasted or scanned.

Spaces, dots and dashes around the digits (how a NIK is often written or copied) are dropped as
they arrive. A digit of another script — full-width ``５``, Arabic-Indic ``٥``, what some input
methods and scanners send — is refused with a message naming it, not stored (the same person
would look new) and not dropped without a word (the clerk would not know why the field stays
short). Anything else that is not a digit is refused like any restricted input.
"""

from __future__ import annotations

import re

from textual.widgets import Input

from dukcapil_tui.domain import numbers
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import FieldRefused

_SEPARATORS = re.compile(r"[\s.\-]")


class NikInput(Input):
    Refused = FieldRefused  # every screen shows it under the field (ui.base)

    def __init__(self, value: str = "", **kwargs) -> None:
        kwargs.setdefault("placeholder", t("nik.placeholder"))
        super().__init__(value, max_length=16, restrict=r"[0-9]*", **kwargs)

    def replace(self, text: str, start: int, end: int) -> None:
        foreign = numbers.foreign_digit(text)
        if foreign is not None:
            self.post_message(self.Refused(self, t("nik.foreign_digit", char=numbers.digit_name(foreign))))
            self.app.bell()
            return
        super().replace(_SEPARATORS.sub("", text), start, end)
