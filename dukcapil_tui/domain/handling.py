"""Special handling of a resident with no database: the kinds of note, and how a name that may
not be spoken is shown to a role that does not need it."""

from __future__ import annotations

# name_unspoken: a Suku Anak Dalam resident whose name may not be spoken (masked on screens for
# the roles that do not need it; the desk and the counter call by the ticket number);
# home_recording: the bedridden, recorded at home; other: any other note (its text required).
KINDS = ("name_unspoken", "home_recording", "other")
MAX_NOTE = 300
# Who sees a protected name: the head (admin) and the desk and counter staff who check identity.
NAME_ROLES = ("admin", "loket")
MASK = "•••"


def mask(name: str) -> str:
    """``M••• (2 kata)``: the first letter and how many words, enough to match a document
    without reading the name out."""
    words = name.split()
    if not words:
        return MASK
    return f"{words[0][0]}{MASK} ({len(words)} kata)"


def shown_name(name: str, protected: bool, role: str | None) -> str:
    """The name as a screen shows it to ``role``."""
    if not protected or role in NAME_ROLES:
        return name
    return mask(name)
