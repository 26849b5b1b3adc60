"""Requests after the window: their details to HQ, their stages back, the purge.

Run at each sync:

1. after the first push (`SyncService.after_push`), `submit_waiting`: the personal details
   of every request whose journal entry HQ now holds go up (HQ checks them against the
   entry's digest); journaled as `request.submitted`;
2. after the pull (`SyncService.after_pull`), `apply_statuses`: the office's statuses
   bundle moves each request here to the stage HQ knows (never backwards), journaled as
   `request.status`; then `purge`: the details of requests HQ holds, older than the
   retention period, are deleted (zeroed in the file) and the count journaled
   (DESIGN.md rule 11).
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from functools import partial
from typing import Any

from counter_app.domain.errors import BilingualError
from counter_app.services.config import CounterConfig
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.sync import SyncService
from sync.client import HqClient
from sync.protocol import RequestHistory, RequestSubmission, b64e, utc_now_text

log = logging.getLogger(__name__)


def _submit(client: HqClient, *, submission: RequestSubmission) -> RequestHistory:
    return client.submit_request(submission)


def stages_of(history: RequestHistory) -> list[dict[str, Any]]:
    return [stage.model_dump() for stage in history.stages]


def apply_history(rec: Recorder, row: dict[str, Any], history: RequestHistory, as_of: str) -> bool:
    """Move one request here to what HQ says, if HQ knows more; journal the change."""
    held = json.loads(row["stages"])
    if len(history.stages) < len(held) or (
        history.status == row["status"] and len(history.stages) == len(held)
    ):
        return False
    rec.tx.requests.set_status(
        row["id"], history.status, stages_of(history), history.consignment, as_of
    )
    if history.status != row["status"]:
        rec.record(
            "request.status",
            {"tracking": row["tracking"], "status": history.status, "from": row["status"]},
            "system",
        )
    return True


class RequestService:
    def __init__(self, uow: UnitOfWork, sync: SyncService, config: CounterConfig) -> None:
        self._uow = uow
        self._sync = sync
        self._config = config

    def apply_statuses(self) -> int:
        bundle = self._sync.bundle("requests")
        if bundle is None:
            return 0
        items = [RequestHistory.model_validate(r) for r in bundle.payload.get("requests", [])]

        def work(rec: Recorder) -> int:
            moved = 0
            for history in items:
                row = rec.tx.requests.by_tracking(history.tracking)
                if row is not None and apply_history(rec, row, history, bundle.issued_at):
                    moved += 1
            return moved

        return self._uow.run(work)

    def submit_waiting(self) -> int:
        """Send HQ the details of each request whose journal entry it holds."""
        acked = self._uow.acked_seq
        with self._uow.db.read() as tx:
            waiting = [
                (row, tx.requests.details(row["id"]))
                for row in tx.requests.waiting_submission(acked)
            ]
        sent = 0
        for row, held in waiting:
            if held is None:
                continue
            details, photo = held
            submission = RequestSubmission(
                tracking=row["tracking"],
                service=row["service"],
                details=details,
                photo=b64e(photo) if photo else "",
            )
            try:
                history = self._sync.live(partial(_submit, submission=submission))
            except BilingualError as exc:  # offline, or refused: shown in the log, retried
                log.warning("request %s not submitted: %s", row["tracking"], exc)
                if exc.code == "offline":
                    break
                continue

            def work(
                rec: Recorder, row: dict[str, Any] = row, history: RequestHistory = history
            ) -> None:
                current = rec.tx.requests.by_tracking(row["tracking"])
                assert current is not None
                rec.tx.requests.mark_submitted(row["id"])
                rec.record("request.submitted", {"tracking": row["tracking"]}, "system")
                apply_history(rec, current, history, utc_now_text())

            self._uow.run(work)
            sent += 1
        return sent

    def purge(self, today: date | None = None) -> int:
        today = today or self._uow.clock.now().date()
        before = (today - timedelta(days=self._config.retention.citizen_data_days)).isoformat()
        acked = self._uow.acked_seq

        def work(rec: Recorder) -> int:
            count = rec.tx.requests.purge(before, acked)
            if count:
                rec.record(
                    "citizen.purged",
                    {"what": "requests", "before": before, "count": count},
                    "system",
                )
            return count

        return self._uow.run(work)
