"""Requests taken at this window, their last known stages, and their personal details."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from counter_app.store.schema import request_details, requests


class RequestRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, details: str | None, photo: bytes, **values: Any) -> int:
        """A request, with its details unless they are not known here (None: a request
        a restore wrote again from its journal entry)."""
        key = self._conn.execute(insert(requests).values(**values)).inserted_primary_key
        assert key is not None
        request_id = int(key[0])
        if details is not None:
            self._conn.execute(
                insert(request_details).values(request_id=request_id, details=details, photo=photo)
            )
        return request_id

    def next_serial(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(requests)).scalar() or 0) + 1

    def by_tracking(self, tracking: str) -> dict[str, Any] | None:
        row = self._conn.execute(select(requests).where(requests.c.tracking == tracking)).first()
        return None if row is None else dict(row._mapping)

    def of_payment(self, payment_id: int) -> list[dict[str, Any]]:
        rows = self._conn.execute(select(requests).where(requests.c.payment_id == payment_id))
        return [dict(row._mapping) for row in rows]

    def details(self, request_id: int) -> tuple[dict[str, Any], bytes] | None:
        row = self._conn.execute(
            select(request_details).where(request_details.c.request_id == request_id)
        ).first()
        return None if row is None else (json.loads(row.details), bytes(row.photo))

    def waiting_submission(self, up_to_seq: int) -> list[dict[str, Any]]:
        """Requests whose journal entry HQ holds and whose details it does not."""
        rows = self._conn.execute(
            select(requests)
            .where(requests.c.submitted == 0, requests.c.created_seq <= up_to_seq)
            .order_by(requests.c.id)
        )
        return [dict(row._mapping) for row in rows]

    def set_status(
        self,
        request_id: int,
        status: str,
        stages: list[dict[str, Any]],
        consignment: str,
        as_of: str,
    ) -> None:
        self._conn.execute(
            update(requests)
            .where(requests.c.id == request_id)
            .values(
                status=status,
                stages=json.dumps(stages, ensure_ascii=False),
                consignment=consignment,
                status_as_of=as_of,
            )
        )

    def mark_submitted(self, request_id: int) -> None:
        self._conn.execute(update(requests).where(requests.c.id == request_id).values(submitted=1))

    def purge(self, before_day: str, up_to_seq: int) -> int:
        """Forget the details of requests HQ holds, older than the retention period."""
        ids = list(
            self._conn.execute(
                select(requests.c.id)
                .join(request_details, request_details.c.request_id == requests.c.id)
                .where(
                    requests.c.submitted == 1,
                    requests.c.business_day < before_day,
                    requests.c.created_seq <= up_to_seq,
                )
            ).scalars()
        )
        if ids:
            self._conn.execute(delete(request_details).where(request_details.c.request_id.in_(ids)))
        return len(ids)

    def count_details(self) -> int:
        return int(
            self._conn.execute(select(func.count()).select_from(request_details)).scalar() or 0
        )
