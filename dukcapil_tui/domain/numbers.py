"""Numbers as people type them and spreadsheets hold them: one home for reading them.

Only the ASCII digits 0–9 count as digits. Python's ``str.isdigit`` and the regex ``\\d``
also accept full-width (``１２３``), Arabic-Indic (``١٢٣``) and other Unicode digits, and
``int()`` reads them: a NIK typed with them would look like a new person and a quantity would be
stored in a form nobody can search. Every number the app reads goes through here.
"""

from __future__ import annotations

import re
import unicodedata

_THOUSANDS = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")  # 1.000 or 12.345.678: Indonesian thousands
_THOUSANDS_ANY = re.compile(r"^[0-9]{1,3}([.,][0-9]{3})+$")  # also 1,234 (an English spreadsheet)


def is_digits(text: str) -> bool:
    """Non-empty and ASCII 0–9 only."""
    return bool(text) and text.isascii() and text.isdigit()


def foreign_digit(text: str) -> str | None:
    """The first digit in ``text`` that is not an ASCII 0–9 (``"１"``), or None."""
    for char in text or "":
        if not char.isascii() and (char.isdigit() or unicodedata.category(char) == "Nd"):
            return char
    return None


def digit_name(char: str) -> str:
    """How to name a foreign digit in a message, in no language: the character, the digit it
    stands for and its code point (``'５' = 5, U+FF15``)."""
    value = unicodedata.decimal(char, None)
    shown = f" = {value}" if value is not None else ""
    return f"'{char}'{shown}, U+{ord(char):04X}"


def to_ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script written as ASCII (``"５٢"`` -> ``"52"``):
    how two spellings of one NIK are recognised as the same."""
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None
                   else c for c in text)


def whole(value: object, *, thousands: bool = True, commas: bool = False) -> int | None:
    """A whole number: an int, a float that is whole (Excel stores 1234 as 1234.0), or text of
    ASCII digits, with Indonesian thousands dots when ``thousands`` (``1.000``; also ``1,000``
    when ``commas``). Never ``1.5``, never a sign, never other digits. None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value if value is not None else "").strip()
    if thousands and (_THOUSANDS_ANY if commas else _THOUSANDS).match(text):
        text = text.replace(".", "").replace(",", "")
    return int(text) if is_digits(text) else None


def whole_in(value: object, low: int, high: int, **kwargs) -> int | None:
    """``whole`` within ``low``..``high`` (both included), else None."""
    number = whole(value, **kwargs)
    return number if number is not None and low <= number <= high else None
