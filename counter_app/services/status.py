"""What the status bar shows: clerk, entries waiting to sync, printer, HQ link."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.services.config import CounterConfig
from counter_app.services.events import SyncStateChanged
from counter_app.services.recorder import UnitOfWork
from counter_app.services.session import SessionService
from counter_app.services.sync import SyncService


@dataclass(frozen=True)
class StatusSnapshot:
    clerk_name: str | None
    waiting_to_sync: int
    link: SyncStateChanged
    office_name_ar: str
    office_name_en: str
    window: int
    demo: bool


class StatusService:
    def __init__(
        self,
        uow: UnitOfWork,
        session: SessionService,
        config: CounterConfig,
        sync: SyncService,
    ) -> None:
        self.uow = uow
        self._sync = sync
        self._session = session
        self._config = config

    def snapshot(self) -> StatusSnapshot:
        clerk = self._session.current
        return StatusSnapshot(
            clerk_name=clerk.display_name if clerk else None,
            waiting_to_sync=self.uow.waiting_to_sync(),
            link=self._sync.link_state(),
            office_name_ar=self._config.office.name_ar,
            office_name_en=self._config.office.name_en,
            window=self._config.window.number,
            demo=self._config.demo,
        )

    def has_clerk(self, username: str) -> bool:
        with self.uow.db.read() as tx:
            return tx.clerks.get(username) is not None
