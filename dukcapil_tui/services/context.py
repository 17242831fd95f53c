"""Who is acting, from which workstation; errors every service may raise; the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, UTC

from dukcapil_tui.domain.problems import NeedsConfirmation, NotFound, PermissionDenied, ServiceError
from dukcapil_tui.i18n import t

ROLES = ("admin", "loket", "cetak", "blangko")


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    workstation: str
    full_name: str = ""

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def system_actor(workstation: str) -> Actor:
    """The actor for set-up work done from the command line before any user exists."""
    return Actor(user_id=None, username="system", role="admin", workstation=workstation, full_name="System")


# The refusals every service may raise live with the other refusals (domain.problems), so
# that the modules below the services (files, db) raise the same ones.
__all__ = ["ROLES", "Actor", "NeedsConfirmation", "NotFound", "PermissionDenied", "ServiceError", "now_utc",
           "require_role", "system_actor"]


def require_role(actor: Actor, action_key: str, *roles: str) -> None:
    allowed = roles or ("admin",)
    if actor.role not in allowed:
        raise PermissionDenied(t("error.permission", role=actor.role, action=t(action_key)))


def now_utc() -> datetime:
    """Naive UTC, the way timestamps are stored. Tests monkeypatch this one function."""
    return datetime.now(UTC).replace(tzinfo=None)
