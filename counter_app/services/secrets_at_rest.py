"""What a stolen counter.db must not give away (DESIGN.md rule 9): the key behind the
citizen-number digests and the PIN verifiers live in the OS keyring, not in the store.

- Citizen numbers appear in journal payloads only as HMAC digests; the HMAC key is the
  keyring's "citizen-key". With governorate and gender in the payload, a digest whose
  key sat beside it in the database inverted in under an hour.
- Clerks' Argon2id PIN hashes are stored wrapped (AES-256-GCM, the username as
  associated data) under the keyring's "pin-key": without it a stolen store cannot test a
  single guess, and a wrapped hash copied to another username does not open.

`take_up` moves what an older version kept in the store, journaled, at start.
"""

from __future__ import annotations

import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.store import Transaction
from sync import credentials
from sync.credentials import CredentialsUnavailable
from sync.protocol import Bundle, b64d, b64e

log = logging.getLogger(__name__)

WRAPPED = "w1:"
LEGACY_DIGEST_FACT = "identity.digest_key"  # where versions before 0.12 kept the key


def citizen_key(tx: Transaction) -> bytes:
    return credentials.store_key(tx.workstation_id, "citizen-key")


def wrap_pin_hash(workstation_id: str, username: str, pin_hash: str) -> str:
    key = credentials.store_key(workstation_id, "pin-key")
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, pin_hash.encode(), username.encode())
    return WRAPPED + b64e(nonce + sealed)


def unwrap_pin_hash(workstation_id: str, username: str, stored: str) -> str | None:
    """The Argon2id hash, or None when it does not open (wrong key, moved, damaged)."""
    if not stored.startswith(WRAPPED):
        return stored  # not yet taken up (the keyring was not at hand at start)
    raw = b64d(stored[len(WRAPPED) :])
    key = credentials.store_key(workstation_id, "pin-key")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], username.encode()).decode()
    except (InvalidTag, ValueError):
        return None


def wrap_users_bundle(workstation_id: str, bundle: Bundle) -> Bundle:
    """HQ's users bundle as the store keeps it: every PIN hash wrapped. (HQ's signature
    was checked on arrival and does not cover this copy.)"""
    users = [
        user
        if str(user["pin_hash"]).startswith(WRAPPED)
        else {**user, "pin_hash": wrap_pin_hash(workstation_id, user["username"], user["pin_hash"])}
        for user in bundle.payload.get("users", [])
    ]
    return bundle.model_copy(update={"payload": {**bundle.payload, "users": users}})


def take_up(uow: UnitOfWork) -> None:
    """Move the digest key out of the store and wrap any PIN hash kept in clear."""

    def work(rec: Recorder) -> None:
        ws = rec.tx.workstation_id
        legacy = rec.tx.fact(LEGACY_DIGEST_FACT)
        if legacy is not None:
            credentials.store_key(ws, "citizen-key", bytes.fromhex(legacy))
            rec.tx.delete_fact(LEGACY_DIGEST_FACT)
            rec.record("secrets.moved", {"what": "citizen-key", "to": "keyring"}, "system")
        clear = [row for row in rec.tx.clerks.all() if not row.pin_hash.startswith(WRAPPED)]
        for row in clear:
            rec.tx.clerks.set_pin_hash(row.username, wrap_pin_hash(ws, row.username, row.pin_hash))
        bundle_wrapped = False
        stored = rec.tx.fact("bundle.users")
        if stored is not None:
            bundle = Bundle.model_validate_json(stored)
            wrapped = wrap_users_bundle(ws, bundle)
            if wrapped != bundle:
                rec.tx.set_fact("bundle.users", wrapped.model_dump_json())
                bundle_wrapped = True
        if clear or bundle_wrapped:
            payload = {"what": "pin-hash", "clerks": len(clear), "users_bundle": bundle_wrapped}
            rec.record("secrets.wrapped", payload, "system")

    try:
        uow.run(work)
    except CredentialsUnavailable as exc:
        log.warning("secrets stay as they are until the keyring can be used: %s", exc)
