"""Small text helpers every layer uses: what people type, tidied one way."""

from __future__ import annotations


def squash(value: object) -> str:
    """Text as typed or read from a file with its runs of spaces, tabs and line breaks made one
    space and its ends trimmed; ``None`` is empty."""
    return " ".join(str(value if value is not None else "").split())


def sentence_case(text: str) -> str:
    """The first letter upper-cased and the rest left alone ("menunggu PRR" → "Menunggu PRR",
    where ``str.capitalize`` would give "Menunggu prr")."""
    return text[:1].upper() + text[1:]
