"""A rule broken by some input: a message key with parameters, translated when shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from dukcapil_tui.i18n import t


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)
    field_name: str | None = None

    @property
    def message(self) -> str:
        return t(self.code, **self.params)

    def __str__(self) -> str:
        return self.message


def shown(value: object, limit: int = 40) -> str:
    """A value someone typed or a file holds, inside a message: never ``None`` (it says
    "(kosong)"), never a whole megabyte, no control characters."""
    if value is None:
        return t("tabular.empty_value")
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())
    if not text:
        return t("tabular.empty_value")
    return text if len(text) <= limit else text[:limit] + "…"


def bad_choice(field: str, value: object, choices: str) -> str:
    """A choice left empty ("wajib dipilih") or not one of ``choices`` (a text listing them)."""
    if value is None or str(value).strip() in ("", "-"):
        return t("field.choose", field=field, choices=choices)
    return t("field.bad_choice", field=field, value=shown(value), choices=choices)


def rejected_line(line: int, field: str, reason: str) -> str:
    """One rejected row of an import: its line, and its field unless the reason names it
    already ("baris 27, Status rekam: nilai …", not "Status rekam: Status rekam: …")."""
    if not field or field == "-" or reason.casefold().startswith(field.casefold()):
        return t("import.rejected_line_plain", line=line, reason=reason)
    return t("import.rejected_line", line=line, field=field, reason=reason)


FORM = "_form"  # the key of a problem that concerns the whole operation, not one field


class Refusal(Exception):
    """Every "no" the user reads — a rule broken by input, an operation a service refuses, a
    file that cannot be used — shares this base: ``problems`` maps a field name (or ``FORM``)
    to its message, in the user's language. Screens put each message under its field
    (``try_service``); the command line prints them and exits 2 (``cli.RefusalGroup``)."""

    def __init__(self, problems: dict[str, str] | str):
        self.problems = problems if isinstance(problems, dict) else {FORM: str(problems)}
        super().__init__("; ".join(self.problems.values()))

    def __str__(self) -> str:
        return "\n".join(self.problems.values())


class ValidationError(Refusal):
    """Input broke one or more rules. ``problems`` maps a field name to its message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)


class ServiceError(Refusal):
    """An operation was refused; the message is ready for the user."""

    def __init__(self, message: str):
        super().__init__(message)


class PermissionDenied(ServiceError):
    pass


class NeedsConfirmation(ServiceError):
    """Allowed but unusual input (a number far above what is plausible): the operation is
    done only when the user confirms it (the service's ``confirmed=True``). The message names
    the number and why it looks wrong; the TUI asks in a dialog, the CLI wants a flag."""


class NotFound(ServiceError):
    pass


def bad_kind(field_key: str, value: str, label_prefix: str, kinds: tuple[str, ...]) -> str | None:
    """The problem of a kind typed outside ``kinds`` (each offered with its label
    ``<label_prefix>.<kind>``), or None when it is one of them."""
    if value in kinds:
        return None
    return bad_choice(t(field_key), value, ", ".join(f"{k} ({t(f'{label_prefix}.{k}')})" for k in kinds))
