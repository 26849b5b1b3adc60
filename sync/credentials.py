"""The workstation's secrets in the OS keyring: HQ's bearer token and the signing key.

Never in files, the database or logs. Windows Credential Manager holds at most 2,560
bytes per secret; both secrets here are well under 100.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Protocol

import keyring
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from keyring.errors import KeyringError

from sync.protocol import b64d, b64e

SERVICE = "counter-app"
log = logging.getLogger(__name__)


class CredentialsUnavailable(RuntimeError):
    """The OS keyring cannot be used; the message says what the IT officer can do."""


@dataclass(frozen=True)
class Credentials:
    token: str
    signing_key: Ed25519PrivateKey


def _unavailable(exc: Exception) -> CredentialsUnavailable:
    return CredentialsUnavailable(
        f"the OS keyring is not usable ({type(exc).__name__}): on Windows use Credential "
        "Manager; on Linux unlock the Secret Service (gnome-keyring or KWallet) in the "
        "clerk's session\nمخزن كلمات السر في نظام التشغيل غير متاح"
    )


class FallbackStore(Protocol):
    """Where a demo profile keeps its secrets when the OS keyring cannot be used."""

    def holds_secrets(self) -> bool: ...

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...


# Set by the demo only (counter_app/services/demo.py); a real window has none, and every
# workstation that opens resets it.
_fallback: FallbackStore | None = None
# Counts changes to where secrets come from (a save, a fallback store): a holder of a
# cached key reads it again when this moves.
_generation = 0
# Keys that protect what the database keeps: read once per process (cleared when the
# secret store changes), made on first use.
_keys: dict[str, bytes] = {}


def generation() -> int:
    return _generation


def use_fallback(store: FallbackStore | None) -> None:
    global _fallback, _generation  # noqa: PLW0603 (one process, one workstation)
    _fallback = store
    _generation += 1
    _keys.clear()


def _call(method: str, *args: str) -> str | None:
    """The keyring call, or the demo's fallback store: once that holds the demo's secrets
    it is used alone; until then only when the OS keyring refuses. The OS keyring is
    asked only when a secret is needed (finding its backend costs a tenth of a second)."""
    fallback = _fallback
    if fallback is not None and fallback.holds_secrets():
        return getattr(fallback, method)(SERVICE, *args)  # type: ignore[no-any-return]
    try:
        return getattr(keyring, method)(SERVICE, *args)  # type: ignore[no-any-return]
    except KeyringError as exc:
        if fallback is None:
            raise _unavailable(exc) from exc
        log.warning("OS keyring not usable (%s): the demo's secret file is used", exc)
        return getattr(fallback, method)(SERVICE, *args)  # type: ignore[no-any-return]


def os_keyring_usable() -> bool:
    """True when the OS keyring answers (a locked or absent one raises)."""
    try:
        keyring.get_password(SERVICE, "probe")
    except KeyringError as exc:
        log.info("OS keyring not usable: %s", type(exc).__name__)
        return False
    return True


def save(workstation_id: str, credentials: Credentials) -> None:
    global _generation  # noqa: PLW0603
    _generation += 1
    raw = credentials.signing_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    _call("set_password", f"{workstation_id}:token", credentials.token)
    _call("set_password", f"{workstation_id}:signing-key", b64e(raw))


def load(workstation_id: str) -> Credentials | None:
    token = _call("get_password", f"{workstation_id}:token")
    key = _call("get_password", f"{workstation_id}:signing-key")
    if not token or not key:
        return None
    return Credentials(token, Ed25519PrivateKey.from_private_bytes(b64d(key)))


def load_signing_key(workstation_id: str) -> Ed25519PrivateKey | None:
    key = _call("get_password", f"{workstation_id}:signing-key")
    return None if not key else Ed25519PrivateKey.from_private_bytes(b64d(key))


def save_anchor(workstation_id: str, hq_public_key: str) -> None:
    """HQ's public key as enrolled, kept where the database cannot change it: the store's
    copy is checked against this one at start, by doctor and by verify-certificate."""
    _call("set_password", f"{workstation_id}:hq-key", hq_public_key)


def load_anchor(workstation_id: str) -> str | None:
    return _call("get_password", f"{workstation_id}:hq-key")


def store_key(workstation_id: str, name: str, legacy: bytes | None = None) -> bytes:
    """A 32-byte key kept in the keyring under `name` ("citizen-key", "pin-key"), made
    on first use, or taken over from `legacy` (a key an older version kept elsewhere)."""
    slot = f"{workstation_id}:{name}"
    if slot in _keys:
        return _keys[slot]
    text = _call("get_password", slot)
    if text:
        key = b64d(text)
    else:
        key = legacy if legacy is not None else os.urandom(32)
        _call("set_password", slot, b64e(key))
    _keys[slot] = key
    return key
