"""Sealing field packages: AES-256-GCM with keys derived by HKDF-SHA256 from the office's field
secret (``field_key``), through the ``cryptography`` library (docs/architecture.md).

A package file is JSON: a header in the clear (what it is, which package, which office) and
the payload (compressed JSON) encrypted with the package's key, the header bound to it as
associated data. Changing one byte of either makes the seal fail. Each package has its own
key, ``HKDF(secret, salt=package uuid)``: the office derives it again at merge time; the laptop
receives it in a key file of its own, carried apart from the package.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dukcapil_tui.domain.problems import ServiceError
from dukcapil_tui.files import os_reason
from dukcapil_tui.i18n import t

FORMAT = "dukcapil-field"
VERSION = 1
KEY_PREFIX = "dukcapil-field-key"
_PACKAGE_INFO = b"dukcapil-tui field package key v1"
_OFFICE_INFO = b"dukcapil-tui field office id v1"


def _hkdf(secret: bytes, salt: bytes | None, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def package_key(secret: bytes, package_uuid: str) -> bytes:
    """The AES-256 key of one package."""
    return _hkdf(secret, UUID(package_uuid).bytes, _PACKAGE_INFO)


def office_id(secret: bytes) -> str:
    """A public name of the office's secret (16 hex digits): a package names the office that can
    open it, so another office's package is refused as such, not as a damaged one."""
    return _hkdf(secret, None, _OFFICE_INFO, 8).hex()


def _aad(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seal(header: dict, payload: dict, key: bytes) -> bytes:
    """The file's bytes: ``header`` in the clear, ``payload`` compressed and encrypted."""
    nonce = os.urandom(12)
    plain = zlib.compress(json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"), 9)
    data = AESGCM(key).encrypt(nonce, plain, _aad(header))
    document = {"format": FORMAT, "version": VERSION, "header": header,
                "nonce": base64.b64encode(nonce).decode("ascii"), "data": base64.b64encode(data).decode("ascii")}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class Sealed:
    """A package file read but not yet opened: its header, and what opens it."""

    path: Path
    header: dict
    nonce: bytes
    data: bytes


def read(path: Path | str) -> Sealed:
    """The package file at ``path``; refused (in words) when it is no field package at all."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ServiceError(t("fieldpkg.unreadable", path=path, reason=os_reason(exc))) from None
    try:
        document = json.loads(raw.decode("utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError("format")
        if document.get("version") != VERSION:
            raise ServiceError(t("fieldpkg.version", path=path, version=document.get("version")))
        header = document["header"]
        if not isinstance(header, dict) or not all(isinstance(header.get(k), str) for k in ("kind", "package")):
            raise ValueError("header")
        UUID(header["package"])
        return Sealed(path, header, base64.b64decode(document["nonce"], validate=True),
                      base64.b64decode(document["data"], validate=True))
    except ServiceError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ServiceError(t("fieldpkg.not_a_package", path=path)) from None


def open_sealed(sealed: Sealed, key: bytes) -> dict:
    """The payload, or a refusal when the file was changed (or the key is not its key)."""
    try:
        plain = AESGCM(key).decrypt(sealed.nonce, sealed.data, _aad(sealed.header))
        return json.loads(zlib.decompress(plain).decode("utf-8"))
    except (InvalidTag, ValueError):
        raise ServiceError(t("fieldpkg.tampered", path=sealed.path)) from None


def key_text(package_uuid: str, key: bytes) -> str:
    """The laptop's key file: which package it opens, and the key."""
    return f"{KEY_PREFIX}:{VERSION}:{package_uuid}:{base64.urlsafe_b64encode(key).decode('ascii')}\n"


def read_key(path: Path | str, package_uuid: str) -> bytes:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise ServiceError(t("fieldpkg.key_unreadable", path=path, reason=reason)) from None
    parts = text.split(":")
    try:
        if len(parts) != 4 or parts[0] != KEY_PREFIX or parts[1] != str(VERSION):
            raise ValueError("prefix")
        key = base64.urlsafe_b64decode(parts[3])
        if len(key) != 32:
            raise ValueError("length")
    except ValueError:
        raise ServiceError(t("fieldpkg.key_bad", path=path)) from None
    if parts[2] != package_uuid:
        raise ServiceError(t("fieldpkg.key_other_package", path=path))
    return key
