"""Building this workstation's part in the office's queue from `[queue]` in config.toml."""

from __future__ import annotations

import json
import logging

from counter_app.services.catalogue import CatalogueService
from counter_app.services.config import CounterConfig
from counter_app.services.events import EventBus
from counter_app.services.office_queue import OfficeQueue, QueueSettings
from counter_app.services.printing import PrintService
from counter_app.services.queue import QueueService
from counter_app.services.queue_host import QueueHost
from counter_app.services.recorder import UnitOfWork
from counter_app.services.session import SessionService
from counter_app.services.sync import SyncService
from sync import credentials
from sync.office import OfficeLink
from sync.protocol import Bundle, b64d

log = logging.getLogger(__name__)


def make_queue(
    uow: UnitOfWork,
    bus: EventBus,
    session: SessionService,
    config: CounterConfig,
    printing: PrintService,
    catalogue: CatalogueService,
    sync: SyncService,
) -> tuple[QueueService, QueueHost | None]:
    """The window's queue service, and the host server when this workstation is the host
    (not started: the caller starts it)."""
    q = config.queue
    settings = QueueSettings(
        config.office.code, config.office.name_ar, q.priority_minutes, q.target_wait_minutes
    )
    role = q.role
    office = OfficeQueue(
        uow,
        bus,
        settings,
        catalogue=catalogue,
        printing=printing,
        origin="own" if role == "window" else "office",
        own_window=config.window.number,
    )

    def link() -> OfficeLink | None:
        enrolment = sync.enrolment()
        if enrolment is None:
            log.warning("the queue host needs this workstation enrolled with HQ first")
            return None
        creds = credentials.load(enrolment.workstation_id)
        if creds is None:
            return None
        return OfficeLink(q.host_url, creds.signing_key, enrolment.certificate, q.timeout_s)

    service = QueueService(
        uow,
        session,
        config.window.number,
        office,
        groups=tuple(q.groups),
        link=link if role == "window" and q.host_url else None,
    )

    def trust() -> tuple[str, str, frozenset[bytes]] | None:
        enrolment = sync.enrolment()
        if enrolment is None:
            return None
        with uow.db.read() as tx:
            text = tx.fact("bundle.trust")
        revoked: frozenset[bytes] = frozenset()
        if text is not None:
            payload = Bundle.model_validate_json(text).payload
            revoked = frozenset(b64d(r["public_key"]) for r in payload["revoked"])
        office_code = str(json.loads(json.dumps(enrolment.certificate))["office_code"])
        return enrolment.hq_public_key, office_code, revoked

    host = QueueHost(office, trust, q.listen) if role == "host" else None
    return service, host
