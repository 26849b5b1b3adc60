"""The office's limits, from HQ's users bundle (`limits`), with defaults for a window that
has not heard from HQ: the cash difference a shift may close with unexplained, and the
caps on what may wait unsynced (cash taken, certificates issued). The visit checks the
caps before it takes a payment (`VisitService.pay`); the status bar warns near them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from counter_app.domain.caps import DEFAULT_CASH_CAP, DEFAULT_CERTIFICATE_CAP, CapStanding
from counter_app.domain.cash import DEFAULT_TOLERANCE
from counter_app.services.recorder import UnitOfWork
from counter_app.services.sync import SyncService


@dataclass(frozen=True)
class Limits:
    cash_tolerance: int = DEFAULT_TOLERANCE
    unsynced_cash_cap: int = DEFAULT_CASH_CAP
    unsynced_certificates_cap: int = DEFAULT_CERTIFICATE_CAP
    source: str = "default"  # or "hq"

    @classmethod
    def from_payload(cls, payload: dict[str, Any] | None) -> Limits:
        if not payload:
            return cls()
        return cls(
            int(payload.get("cash_tolerance_piastres", DEFAULT_TOLERANCE)),
            int(payload.get("unsynced_cash_cap_piastres", DEFAULT_CASH_CAP)),
            int(payload.get("unsynced_certificates_cap", DEFAULT_CERTIFICATE_CAP)),
            "hq",
        )


class LimitsService:
    def __init__(self, uow: UnitOfWork, sync: SyncService) -> None:
        self._uow = uow
        self._sync = sync

    def limits(self) -> Limits:
        bundle = self._sync.bundle("users")
        return Limits.from_payload(bundle.payload.get("limits") if bundle else None)

    def standing(self) -> CapStanding:
        """Cash (piastres) and certificates taken that HQ does not hold yet, with the caps."""
        limits = self.limits()
        with self._uow.db.read() as tx:
            cash, certificates = tx.payments.unsynced_figures(self._uow.acked_seq)
        return CapStanding(
            cash, limits.unsynced_cash_cap, certificates, limits.unsynced_certificates_cap
        )
