"""Passwords: the policy a new password must meet, and hashing with hashlib.scrypt.

Hashes are stored as ``scrypt$n$r$p$salt$hash`` (hex), so a hash made with older parameters
still verifies and is replaced at the user's next good login (``needs_upgrade``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from importlib import resources

# scrypt at the current recommendation (OWASP: N=2^17, r=8, p=1): ~0.3-0.5 s and 128 MiB per hash.
N, R, P = 2**17, 8, 1
MIN_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# Every login attempt answers no sooner than this after it started, whatever happened (unknown
# user, disabled or locked account, wrong password, a hash of older cost): the time tells nothing.
LOGIN_FLOOR_S = 1.0


def _cost(n: int) -> int:
    """Memory scrypt needs for ``n`` (128 * r * n bytes) plus headroom, for OpenSSL's maxmem."""
    return 128 * R * n * 2


def hash_password(password: str, *, n: int | None = None) -> str:
    n = n or N
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=R, p=P, dklen=32, maxmem=_cost(n))
    return f"scrypt${n}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(digest) // 2, maxmem=128 * int(r) * int(n) * 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def needs_upgrade(stored: str) -> bool:
    """A hash made with other parameters than today's (rehashed at the next good login)."""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        return scheme != "scrypt" or (int(n), int(r), int(p)) != (N, R, P)
    except ValueError:
        return True


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (a few thousand, lowercase)."""
    text = resources.files("dukcapil_tui.data").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("# "))


MIN_OTHER = 4  # characters a password must hold beside its username ("loket2loket2" holds none)


def problem(password: str, username: str) -> str | None:
    """The i18n key of what is wrong with a new password, or None when it is acceptable:
    at least MIN_LENGTH characters, not the username, not a common password."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return "user.password_short"
    folded = password.strip().lower()
    name = (username or "").strip().lower()
    if name and (folded == name or folded == name[::-1] or len(folded.replace(name, "")) < MIN_OTHER):
        return "user.password_is_username"  # also the username repeated or with a digit or two added
    if folded in common_passwords():
        return "user.password_common"
    return None
