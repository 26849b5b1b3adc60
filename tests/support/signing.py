"""An HQ key and a certified workstation signer, made in memory for printing tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from printing.qr_payload import WorkstationSigner
from sync.protocol import compact_certificate_body, day_number, public_key_text


def certified_signer(
    hq_key: Ed25519PrivateKey, workstation_id: str = "ASW-0101-W01", days: int = 730
) -> WorkstationSigner:
    key = Ed25519PrivateKey.generate()
    expires = day_number(datetime.now(UTC) + timedelta(days=days))
    body = compact_certificate_body(workstation_id, public_key_text(key), expires)
    return WorkstationSigner(key, expires, hq_key.sign(body))
