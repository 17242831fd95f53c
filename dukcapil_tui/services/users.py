"""Users, roles, passwords and login."""

from __future__ import annotations

import re
import time
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
    problems = new_user_shape_problems(username, full_name, role, password)
    if "username" not in problems and AppUser.select().where(AppUser.username == username).exists():
        problems["username"] = t("user.username_taken", username=username)
    return problems


def new_user_shape_problems(username: str, full_name: str, role: str, password: str) -> dict[str, str]:
    """What is wrong with a new user's fields, without looking at the database."""
    problems = {}
    if not _USERNAME.match(username or ""):
        problems["username"] = t("user.username_bad")
    if not (full_name or "").strip():
        problems["full_name"] = t("user.full_name_required")
    if role not in ROLES:
        problems["role"] = t("user.role_bad", role=role)
    weakness = passwords.problem(password, username)
    if weakness:
        problems["password"] = t(weakness, min=passwords.MIN_LENGTH)
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
        audit.record(
            actor, "user.enable" if active else "user.disable", "user", user.id, {"active": [user.active, active]}
        )
    return get_user(username)


def set_password(actor: Actor, username: str, password: str) -> None:
    """Change a password (admin for anyone, a user for themself) and lift any lock."""
    if actor.username != (username or "").strip().lower():
        require_role(actor, "action.manage_users", "admin")
    weakness = passwords.problem(password, (username or "").strip().lower())
    if weakness:
        raise ValidationError({"password": t(weakness, min=passwords.MIN_LENGTH)})
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


def authenticate(username: str, password: str, workstation: str, *, action: str = "login") -> LoginResult:
    """Check a login on this workstation (``workstation``: the code its settings propose, used
    only to register the very first workstation of an upgraded database).

    An unknown user, a disabled or locked account and a wrong password get the same answer
    after the same time (one scrypt verification, then a floor of LOGIN_FLOOR_S). Failures are
    counted; the fifth in a row locks the account a while. A good login upgrades a hash made
    with older scrypt parameters."""
    username = (username or "").strip().lower()
    if not username or not password:
        return LoginResult(None, t("login.empty"))
    started = time.monotonic()
    try:
        return _authenticate(username, password, workstation, action)
    finally:
        time.sleep(max(0.0, started + passwords.LOGIN_FLOOR_S - time.monotonic()))


def _authenticate(username: str, password: str, proposed: str, action: str) -> LoginResult:
    from dukcapil_tui.services import chain, workstations

    station = workstations.here()
    user = AppUser.get_or_none(AppUser.username == username)
    # Exactly one scrypt verification whatever the case, outside any write lock.
    good = passwords.verify_password(password, user.password_hash if user else _dummy_hash())
    if station.code is None and not station.bootstrap:
        return LoginResult(None, station.problem)
    failed = LoginResult(None, t("login.failed"))
    if user is None:
        _log().info("failed login: unknown username")
        return failed
    now = context.now_utc()
    code = station.code or workstations.normalise_code(proposed)
    actor = Actor(user.id, user.username, user.role, code, user.full_name)
    locked = bool(user.locked_until and _as_dt(user.locked_until) > now)
    if not good or not user.active or locked:
        reason = "disabled" if not user.active else "locked" if locked else "wrong_password"
        _refused(actor, user, now, reason, counts=reason == "wrong_password")
        return failed
    if station.bootstrap:
        if user.role != "admin":
            return LoginResult(None, t("workstation.bootstrap_admin"))
        workstations.bootstrap(actor, code)
    upgraded = passwords.hash_password(password) if passwords.needs_upgrade(user.password_hash) else None
    with database.atomic("IMMEDIATE"):
        changes = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if upgraded:
            changes["password_hash"] = upgraded
        AppUser.update(**changes).where(AppUser.id == user.id).execute()
        audit.record(actor, f"{action}.ok", "user", user.id, {"hash_upgraded": True} if upgraded else None)
    chain.remember_heads()
    return LoginResult(actor, t("login.welcome", name=user.full_name))


def _refused(actor: Actor, user: AppUser, now: datetime, reason: str, counts: bool) -> None:
    """Count a wrong password (the fifth in a row locks the account) and audit the refusal."""
    from dukcapil_tui.services import chain

    locked_until = None
    with database.atomic("IMMEDIATE"):
        if counts:
            failures = AppUser.get_by_id(user.id).failed_logins + 1
            if failures >= passwords.MAX_FAILED_LOGINS:
                locked_until = now + timedelta(minutes=passwords.LOCK_MINUTES)
                failures = 0
            AppUser.update(failed_logins=failures, locked_until=locked_until).where(AppUser.id == user.id).execute()
        if chain.available():
            audit.record(actor, "login.failed", "user", user.id, {"reason": reason, "locked_until": locked_until})
    if locked_until:
        _log().warning("account %s locked after %d wrong passwords", user.username, passwords.MAX_FAILED_LOGINS)


def unlock(actor: Actor, password: str) -> LoginResult:
    """Unlock an idle session: the same user's password, checked (and counted) like a login."""
    result = authenticate(actor.username, password, actor.workstation, action="unlock")
    if result.ok and result.actor.user_id != actor.user_id:
        return LoginResult(None, t("login.failed"))
    return result


def _log():
    from dukcapil_tui.logs import get

    return get("users")


@lru_cache(maxsize=4)
def _dummy_for(n: int) -> str:
    return passwords.hash_password("not-a-real-password", n=n)


def _dummy_hash() -> str:
    """A hash at today's cost, verified for an unknown username so it takes as long as a known one."""
    return _dummy_for(passwords.N)


def _as_dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _local_time(value) -> str:
    from dukcapil_tui.domain.formatting import format_datetime
    from dukcapil_tui.services.settings import office_timezone

    return format_datetime(_as_dt(value), office_timezone())
