"""The window's heartbeat: a signed `shift.heartbeat` entry every few minutes while the
clerk at the window has a shift open (`domain.heartbeat` says why).

`HeartbeatService.beat_if_due()` is cheap to call often: the window calls it once a
minute from a timer, a simulated day after every citizen. It measures the interval on
the monotonic clock, so a wall clock set back does not silence it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.evidence import Finding
from counter_app.domain.heartbeat import HEARTBEAT, INTERVAL, heartbeat_body
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import SessionService
from counter_app.store import Transaction
from sync.protocol import heartbeat_verifies, public_key_text, sign

log = logging.getLogger(__name__)


class HeartbeatService:
    def __init__(
        self,
        uow: UnitOfWork,
        session: SessionService,
        workstation_id: str,
        signing_key: Callable[[], Ed25519PrivateKey | None],
    ) -> None:
        self._uow = uow
        self._session = session
        self._workstation_id = workstation_id
        self._signing_key = signing_key
        self._last_ns: int | None = None  # the monotonic reading of the last beat

    def beat_if_due(self) -> int | None:
        """Journal a heartbeat when the clerk's shift is open and the last beat (in this
        run) is an interval old or more; the new entry's seq, else None."""
        clerk = self._session.current
        if clerk is None:
            return None
        now_ns = self._uow.clock.stamp().monotonic_ns
        if self._last_ns is not None and now_ns - self._last_ns < INTERVAL.total_seconds() * 1e9:
            return None
        key = self._signing_key()

        def work(rec: Recorder) -> int | None:
            shift_id = rec.tx.shifts.open_shift_id(clerk.username)
            shift = rec.tx.shifts.get(shift_id) if shift_id is not None else None
            if shift is None:
                return None
            seq, prev_hash = rec.tx.journal.head()
            stamp = rec.stamp()
            body = heartbeat_body(
                self._workstation_id, seq + 1, prev_hash, stamp.device_time, shift.opened_seq
            )
            payload = {"shift": shift.opened_seq, "signature": sign(key, body) if key else ""}
            return rec.record(HEARTBEAT, payload, clerk.username, stamp=stamp).seq

        beat = self._uow.run(work)
        if beat is not None:
            self._last_ns = now_ns
        return beat


def heartbeat_findings(
    tx: Transaction, workstation_id: str, key: Ed25519PrivateKey | None, after_seq: int
) -> list[Finding]:
    """Every heartbeat after `after_seq` (HQ checks those it holds) must carry the
    workstation's signature over its place: one that does not was forged, or something
    before it was deleted or edited and the chain recomputed."""
    if key is None:
        return []  # no key to check with (not enrolled, or no keyring): the seal says so
    public = public_key_text(key)
    enrolled = tx.journal.last_of("workstation.enrolled")
    enrolled_seq = enrolled.seq if enrolled is not None else None
    return [
        Finding(
            "heartbeat_forged",
            f"heartbeat {entry.seq} is not signed by this window for its place in the "
            "journal: entries before it were deleted or edited, or it was forged",
            f"نبضة الشباك {entry.seq} لا يطابقها توقيع الشباك: حُذفت قيود قبلها أو عُدلت "
            "أو زُورت النبضة",
            entry.seq,
        )
        for entry in tx.journal.of_type(HEARTBEAT, after_seq)
        if not heartbeat_verifies(public, workstation_id, asdict(entry), enrolled_seq)
    ]
