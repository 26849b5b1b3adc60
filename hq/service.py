"""What HQ does, without HTTP: one object over HQ's jobs, each in its own module.

- hq/administration.py: offices, codes, users, revocations, instructions, alarms;
- hq/enrolment.py: enrolment and the token check;
- hq/ingest.py: the windows' journals;
- the signed bundles (hq/bundles.py), here;
- requests, settlement and reports: hq/requests.py, hq/settlement.py, hq/day_report.py.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from hq.administration import Administration
from hq.bundles import bundle_content
from hq.enrolment import Enrolment
from hq.ingest import JournalIngest
from hq.records import Workstation
from sync.protocol import Bundle, public_key_text

__all__ = ["HqService", "Workstation"]


class HqService(Administration, Enrolment, JournalIngest):
    def __init__(self, engine: Engine, key: Ed25519PrivateKey) -> None:
        self.engine = engine
        self.key = key
        self.public_key = public_key_text(key)
        self.after_ingest = None  # hq/app.py sets it: settlement and requests

    def bundle(self, ws: Workstation, kind: str) -> Bundle:
        with self.engine.connect() as conn:
            content = bundle_content(conn, kind, ws.id, ws.office_code, self.public_key)
        return content.signed_by(self.key)

    def trust_list(self) -> Bundle:
        """The signed trust bundle (HQ's key, the revoked workstations) for anyone: the
        public verification page reads it."""
        with self.engine.connect() as conn:
            content = bundle_content(conn, "trust", "", "", self.public_key)
        return content.signed_by(self.key)
