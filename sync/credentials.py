"""The workstation's secrets in the OS keyring: HQ's bearer token and the signing key.

Never in files, the database or logs. Windows Credential Manager holds at most 2,560
bytes per secret; both secrets here are well under 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import keyring
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from keyring.errors import KeyringError

from sync.protocol import b64d, b64e

SERVICE = "counter-app"


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


def save(workstation_id: str, credentials: Credentials) -> None:
    raw = credentials.signing_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    try:
        keyring.set_password(SERVICE, f"{workstation_id}:token", credentials.token)
        keyring.set_password(SERVICE, f"{workstation_id}:signing-key", b64e(raw))
    except KeyringError as exc:
        raise _unavailable(exc) from exc


def load(workstation_id: str) -> Credentials | None:
    try:
        token = keyring.get_password(SERVICE, f"{workstation_id}:token")
        key = keyring.get_password(SERVICE, f"{workstation_id}:signing-key")
    except KeyringError as exc:
        raise _unavailable(exc) from exc
    if not token or not key:
        return None
    return Credentials(token, Ed25519PrivateKey.from_private_bytes(b64d(key)))
