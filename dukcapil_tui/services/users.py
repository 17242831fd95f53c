"""Users, roles, passwords and login."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from dukcapil_tui.db import database
from dukcapil_tui.domain import passwords
from dukcapil_tui.i18n import t
from dukcapil_tui.models import AppUser
from dukcapil_tui.services import audit, context
from dukcapil_tui.services.context import (
    ROLES,
    Actor,
    NotFound,
    ServiceError,
    require_role,
)
from dukcapil_tui.domain.problems import ValidationError

_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")


def validate_new_user(username: str, full_name: str, role: str, password: str) -> dict[str, str]:
    problems = {}
    if not _USERNAME.match(username or ""):
        problems["username"] = t("user.username_bad")
    elif AppUser.select().where(AppUser.username == username).exists():
        problems["username"] = t("user.username_taken", username=username)
    if not (full_name or "").strip():
        problems["full_name"] = t("user.full_name_required")
    if role not in ROLES:
        problems["role"] = t("user.role_bad", role=role)
    if len(password or "") < passwords.MIN_LENGTH:
        problems["password"] = t("user.password_short", min=passwords.MIN_LENGTH)
    return problems


def create_user(actor: Actor, username: str, full_name: str, role: str, password: str) -> AppUser:
    require_role(actor, "action.manage_users", "admin")
    username = (username or "").strip().lower()
    with database.atomic("IMMEDIATE"):
        problems = validate_new_user(username, full_name, role, password)
        if problems:
            raise ValidationError(problems)
        user = AppUser.create(
            username=username,
            full_name=full_name.strip(),
            role=role,
            password_hash=passwords.hash_password(password),
            created_at=context.now_utc(),
        )
        audit.record(actor, "user.create", "user", user.id, {"username": username, "role": role})
    return user


def get_user(username: str) -> AppUser:
    user = AppUser.get_or_none(AppUser.username == (username or "").strip().lower())
    if user is None:
        raise NotFound(t("user.not_found", username=username))
    return user


def list_users() -> list[AppUser]:
    return list(AppUser.select().order_by(AppUser.username))


def set_active(actor: Actor, username: str, active: bool) -> AppUser:
    require_role(actor, "action.manage_users", "admin")
    with database.atomic("IMMEDIATE"):
        user = get_user(username)
        if not active and user.role == "admin" and user.active:
            others = AppUser.select().where(
                (AppUser.role == "admin") & (AppUser.active == True) & (AppUser.id != user.id)  # noqa: E712
            )
            if not others.exists():
                raise ServiceError(t("user.last_admin"))
        AppUser.update(active=active).where(AppUser.id == user.id).execute()
        audit.record(actor, "user.enable" if active else "user.disable", "user", user.id, {"active": [user.active, active]})
    return get_user(username)


def set_password(actor: Actor, username: str, password: str) -> None:
    """Change a password (admin for anyone, a user for themself) and lift any lock."""
    if actor.username != (username or "").strip().lower():
        require_role(actor, "action.manage_users", "admin")
    if len(password or "") < passwords.MIN_LENGTH:
        raise ValidationError({"password": t("user.password_short", min=passwords.MIN_LENGTH)})
    with database.atomic("IMMEDIATE"):
        user = get_user(username)
        AppUser.update(
            password_hash=passwords.hash_password(password), failed_logins=0, locked_until=None
        ).where(AppUser.id == user.id).execute()
        audit.record(actor, "user.passwd", "user", user.id, {"password": "changed"})


@dataclass(frozen=True)
class LoginResult:
    actor: Actor | None
    message: str

    @property
    def ok(self) -> bool:
        return self.actor is not None


def authenticate(username: str, password: str, workstation: str) -> LoginResult:
    """Check a login. Failures are counted; the fifth in a row locks the account a while."""
    username = (username or "").strip().lower()
    if not username or not password:
        return LoginResult(None, t("login.empty"))
    now = context.now_utc()
    with database.atomic("IMMEDIATE"):
        user = AppUser.get_or_none(AppUser.username == username)
        if user is None:
            passwords.verify_password(password, _dummy_hash())  # same cost, no user enumeration
            return LoginResult(None, t("login.failed"))
        if not user.active:
            return LoginResult(None, t("login.disabled"))
        if user.locked_until and _as_dt(user.locked_until) > now:
            return LoginResult(None, t("login.locked", until=_local_time(user.locked_until)))
        actor = Actor(user.id, user.username, user.role, workstation, user.full_name)
        if passwords.verify_password(password, user.password_hash):
            AppUser.update(failed_logins=0, locked_until=None, last_login_at=now).where(AppUser.id == user.id).execute()
            audit.record(actor, "login.ok", "user", user.id)
            return LoginResult(actor, t("login.welcome", name=user.full_name))
        failures = user.failed_logins + 1
        locked_until = None
        if failures >= passwords.MAX_FAILED_LOGINS:
            locked_until = now + timedelta(minutes=passwords.LOCK_MINUTES)
            failures = 0
        AppUser.update(failed_logins=failures, locked_until=locked_until).where(AppUser.id == user.id).execute()
        audit.record(actor, "login.failed", "user", user.id, {"locked_until": locked_until})
    if locked_until:
        from dukcapil_tui.logs import get

        get("users").warning("account %s locked after %d wrong passwords", username, passwords.MAX_FAILED_LOGINS)
        return LoginResult(None, t("login.locked", until=_local_time(locked_until)))
    return LoginResult(None, t("login.failed_left", left=passwords.MAX_FAILED_LOGINS - failures))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return passwords.hash_password("not-a-real-password")


def _as_dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _local_time(value) -> str:
    from dukcapil_tui.domain.formatting import format_datetime
    from dukcapil_tui.services.settings import office_timezone

    return format_datetime(_as_dt(value), office_timezone())
