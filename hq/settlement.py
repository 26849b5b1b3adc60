"""Fines answered and settled, and prepaid service cards: what HQ owns about money owed.

A fine is settled once. Online, a window settles a payment the moment it has committed
it (`settle`); offline, it takes a provisional payment and HQ settles it when the
payment's journal entry arrives (`after_ingest`, in the ingest's own transaction). A fine
already settled by another payment, or whose amount the agency has changed, is a
conflict: the paying window gets an instruction its clerk sees and acts on (HQ never
edits a branch's record). A void releases what its payment settled.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from hq import schema as t
from hq.agencies.fines import FinesAdapter
from hq.errors import HqError
from hq.versions import add_instruction
from sync.protocol import (
    FinesAnswer,
    PrepaidAnswer,
    PrepaidRequest,
    SettleAnswer,
    SettleConflict,
    SettleRequest,
    utc_now_text,
)

_CONFLICTS = {
    "paid_elsewhere": ("سُددت هذه المخالفة في مكان آخر", "this fine was already paid elsewhere"),
    "amount_changed": ("تغيرت قيمة هذه المخالفة لدى الجهة", "the agency has changed its amount"),
    "unknown_fine": ("هذه المخالفة غير معروفة لدى المركز", "HQ does not know this fine"),
}


class Settlement:
    def __init__(self, engine: Engine, fines: FinesAdapter) -> None:
        self.engine = engine
        self.fines = fines

    # ---- fines -------------------------------------------------------------------------

    def inquire(self, *, national_id: str = "", plate: str = "", licence: str = "") -> FinesAnswer:
        """The agency's answer less what windows have already paid; HQ remembers the amounts."""
        answer = self.fines.inquire(national_id=national_id, plate=plate, licence=licence)
        now = utc_now_text()
        with self.engine.begin() as conn:
            ids = [f.fine_id for f in answer.fines]
            held = {
                r.fine_id: r.amount_piastres
                for r in conn.execute(
                    select(t.served_fines).where(t.served_fines.c.fine_id.in_(ids))
                )
            }
            for fine in answer.fines:
                if fine.fine_id not in held:
                    conn.execute(
                        insert(t.served_fines).values(
                            fine_id=fine.fine_id,
                            amount_piastres=fine.amount_piastres,
                            served_at=now,
                        )
                    )
                elif held[fine.fine_id] != fine.amount_piastres:
                    conn.execute(
                        update(t.served_fines)
                        .where(t.served_fines.c.fine_id == fine.fine_id)
                        .values(amount_piastres=fine.amount_piastres, served_at=now)
                    )
            paid = set(
                conn.execute(
                    select(t.fine_settlements.c.fine_id).where(
                        t.fine_settlements.c.fine_id.in_(ids)
                    )
                ).scalars()
            )
        outstanding = [f for f in answer.fines if f.fine_id not in paid]
        return answer.model_copy(
            update={
                "fines": outstanding,
                "total_piastres": sum(f.amount_piastres for f in outstanding),
            }
        )

    def settle(self, workstation_id: str, request: SettleRequest) -> SettleAnswer:
        with self.engine.begin() as conn:
            return self._settle(conn, workstation_id, request, "online")

    def _settle(
        self, conn: Connection, workstation_id: str, request: SettleRequest, via: str
    ) -> SettleAnswer:
        settled: list[str] = []
        conflicts: list[SettleConflict] = []
        now = utc_now_text()
        for fine in request.fines:
            row = conn.execute(
                select(t.fine_settlements).where(t.fine_settlements.c.fine_id == fine.fine_id)
            ).first()
            reason = None
            if row is not None:
                if row.payment_uuid == request.payment_uuid:
                    settled.append(fine.fine_id)  # the same payment again: already done
                    continue
                reason = "paid_elsewhere"
            else:
                served = conn.execute(
                    select(t.served_fines.c.amount_piastres).where(
                        t.served_fines.c.fine_id == fine.fine_id
                    )
                ).scalar()
                if served is None:
                    reason = "unknown_fine"
                elif served != fine.amount_piastres:
                    reason = "amount_changed"
            if reason is not None:
                ar, en = _CONFLICTS[reason]
                conflicts.append(
                    SettleConflict(
                        fine_id=fine.fine_id, reason=reason, message_ar=ar, message_en=en
                    )
                )
                continue
            conn.execute(
                insert(t.fine_settlements).values(
                    fine_id=fine.fine_id,
                    payment_uuid=request.payment_uuid,
                    workstation_id=workstation_id,
                    amount_piastres=fine.amount_piastres,
                    via=via,
                    settled_at=now,
                )
            )
            settled.append(fine.fine_id)
        return SettleAnswer(payment_uuid=request.payment_uuid, settled=settled, conflicts=conflicts)

    def after_ingest(
        self, conn: Connection, workstation_id: str, entries: list[dict[str, Any]]
    ) -> None:
        """Settle the payments that arrived in the journal; release what voids undo."""
        for entry in entries:
            if entry["entry_type"] == "payment.recorded":
                payload = json.loads(entry["payload"])
                if not payload.get("fines"):
                    continue
                request = SettleRequest.model_validate(
                    {"payment_uuid": payload["payment"], "fines": payload["fines"]}
                )
                answer = self._settle(conn, workstation_id, request, "sync")
                for conflict in answer.conflicts:
                    receipt = payload.get("receipt", "-")
                    add_instruction(
                        conn,
                        workstation_id,
                        "fine_conflict",
                        f"الإيصال رقم {receipt} (قيد {entry['seq']}): المخالفة {conflict.fine_id} "
                        f"— {conflict.message_ar}. المبلغ المدفوع عنها مستحق الرد للمواطن.",
                        f"Receipt {receipt} (entry {entry['seq']}): fine {conflict.fine_id}: "
                        f"{conflict.message_en}. What was paid for it is due back to the citizen.",
                    )
            elif entry["entry_type"] == "payment.voided":
                payload = json.loads(entry["payload"])
                conn.execute(
                    delete(t.fine_settlements).where(
                        t.fine_settlements.c.payment_uuid == payload["payment"]
                    )
                )

    # ---- prepaid service cards ---------------------------------------------------------

    def add_prepaid_card(self, number: str, balance_piastres: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.prepaid_cards).values(
                    number=number, balance_piastres=balance_piastres, active=1
                )
            )

    def authorise_prepaid(self, request: PrepaidRequest) -> PrepaidAnswer:
        with self.engine.begin() as conn:
            done = conn.execute(
                select(t.prepaid_debits).where(
                    t.prepaid_debits.c.payment_uuid == request.payment_uuid
                )
            ).first()
            card = conn.execute(
                select(t.prepaid_cards)
                .where(t.prepaid_cards.c.number == request.card_number)
                .with_for_update()
            ).first()
            if done is not None:
                if (
                    done.number != request.card_number
                    or done.amount_piastres != request.amount_piastres
                ):
                    raise HqError(
                        "prepaid_mismatch",
                        "هذا الدفع مسجل ببيانات أخرى",
                        "This payment was authorised with a different card or amount",
                        status=409,
                    )
                return PrepaidAnswer(
                    payment_uuid=request.payment_uuid,
                    authorisation=done.authorisation,
                    balance_piastres=card.balance_piastres if card else 0,
                )
            if card is None or not card.active:
                raise HqError(
                    "prepaid_unknown",
                    "كارت الخدمات غير معروف أو موقوف",
                    "The prepaid card is unknown or blocked",
                    status=404,
                )
            if card.balance_piastres < request.amount_piastres:
                raise HqError(
                    "prepaid_balance",
                    f"رصيد الكارت {card.balance_piastres / 100:.2f} جنيه لا يكفي",
                    f"The card's balance (EGP {card.balance_piastres / 100:.2f}) is not enough",
                    status=409,
                )
            authorisation = secrets.token_hex(4).upper()
            balance = card.balance_piastres - request.amount_piastres
            conn.execute(
                update(t.prepaid_cards)
                .where(t.prepaid_cards.c.number == request.card_number)
                .values(balance_piastres=balance)
            )
            conn.execute(
                insert(t.prepaid_debits).values(
                    payment_uuid=request.payment_uuid,
                    number=request.card_number,
                    amount_piastres=request.amount_piastres,
                    authorisation=authorisation,
                    debited_at=utc_now_text(),
                )
            )
        return PrepaidAnswer(
            payment_uuid=request.payment_uuid, authorisation=authorisation, balance_piastres=balance
        )
