"""The `tracking` kind: any request's stages from its tracking number, and the handover
of a request that waits at this office.

Online the answer is HQ's, live (any office's request). Offline it is the last known
stages of this office's requests, from the statuses bundle, shown with their age.
A request ready for collection is handed over only to the person whose national ID
was given when it was taken (checked against a keyed digest: the number itself may
have been purged); the handover is journaled and reaches HQ with the next sync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from counter_app.domain import national_id
from counter_app.domain.errors import InputError
from counter_app.domain.requests import tracking_key
from counter_app.domain.text import normalize_digits
from counter_app.services.identity import citizen_digest
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.requests import apply_history
from counter_app.services.sync import Offline, SyncService
from sync.client import HqRefused
from sync.protocol import RequestHistory, RequestStage, utc_now_text


@dataclass(frozen=True)
class Tracked:
    history: RequestHistory
    live: bool  # HQ's answer now; otherwise the last known, as of `as_of`
    as_of: str
    here: bool  # taken at this window
    collectable: bool  # waits at this office for its owner


def _local(row: dict[str, object]) -> RequestHistory:
    return RequestHistory(
        tracking=str(row["tracking"]),
        service=str(row["service"]),
        office_code="",
        status=str(row["status"]),
        consignment=str(row["consignment"]),
        stages=[RequestStage.model_validate(s) for s in json.loads(str(row["stages"]))],
    )


class TrackingKind:
    kind = "tracking"

    def __init__(self, uow: UnitOfWork, sync: SyncService) -> None:
        self._uow = uow
        self._sync = sync

    def track(self, text: str) -> Tracked:
        """Blocking (the online lane): HQ's answer, or the last known one offline."""
        key = tracking_key(text)
        try:
            history = self._sync.live(lambda c: c.request_history(key))
        except Offline:
            with self._uow.db.read() as tx:
                row = tx.requests.by_tracking(key)
            if row is None:
                raise InputError(
                    "tracking",
                    "لا اتصال بالمركز الرئيسي، وهذا الطلب لم يُسجل في هذا المكتب: "
                    "تتبعه عند عودة الاتصال",
                    "HQ cannot be reached and this request was not taken at this office: "
                    "track it when the link is back",
                ) from None
            return Tracked(
                _local(row),
                False,
                str(row["status_as_of"]),
                True,
                row["status"] == "ready_for_collection",
            )
        except HqRefused as exc:
            if exc.status == 404:
                raise InputError(
                    "tracking",
                    "لا يوجد طلب بهذا الرقم لدى المركز (قد يكون في شباك لم يزامن بعد)",
                    "HQ holds no request with that number (its window may not have synced yet)",
                ) from exc
            raise
        now = utc_now_text()

        def work(rec: Recorder) -> bool:
            row = rec.tx.requests.by_tracking(key)
            if row is not None:
                apply_history(rec, row, history, now)
            return row is not None

        here = self._uow.run(work)
        return Tracked(history, True, now, here, here and history.status == "ready_for_collection")

    def hand_over(self, text: str, national_id_text: str, clerk: str, window: int) -> str:
        """The owner collects a request waiting here: their ID is checked, it is journaled."""
        key = tracking_key(text)
        number = national_id.parse(normalize_digits(national_id_text)).number

        def work(rec: Recorder) -> str:
            row = rec.tx.requests.by_tracking(key)
            if row is None or row["status"] != "ready_for_collection":
                raise InputError(
                    "tracking",
                    "هذا الطلب ليس في انتظار الاستلام في هذا المكتب",
                    "This request is not waiting for collection at this office",
                )
            if not row["nid_digest"]:
                raise InputError(
                    "national_id",
                    "هذا الطلب أُعيد من نسخة المركز بدون رقم صاحبه: لا يُسلم هنا؛ اتصل بالمركز",
                    "This request was restored from HQ's copy without its applicant's ID, so "
                    "it cannot be checked here: call HQ before handing it over",
                )
            if citizen_digest(rec, number) != row["nid_digest"]:
                raise InputError(
                    "national_id",
                    "الرقم القومي لا يطابق صاحب الطلب: يُسلم لصاحبه فقط",
                    "That national ID is not the applicant's: it is handed to its owner only",
                )
            entry = rec.record("request.collected", {"tracking": key, "window": window}, clerk)
            stages = [*json.loads(row["stages"])]
            stages.append(
                {"status": "collected", "at": entry.device_time, "note_ar": "", "note_en": ""}
            )
            rec.tx.requests.set_status(
                row["id"], "collected", stages, row["consignment"], entry.device_time
            )
            return key

        return self._uow.run(work)
