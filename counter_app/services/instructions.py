"""HQ's instructions to this window (a fine paid twice, a refund due, a notice): the clerk
sees each and answers it, accepted or disputed with a note, and the answer is a journal
entry that goes back to HQ (DESIGN.md rule 4: HQ never edits a branch's record)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from counter_app.domain.errors import InputError
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import SessionService
from counter_app.services.sync import SyncService

ANSWERED = "instructions.answered"


@dataclass(frozen=True)
class Instruction:
    id: int
    kind: str
    text_ar: str
    text_en: str
    created_at: str


class InstructionService:
    def __init__(self, uow: UnitOfWork, session: SessionService, sync: SyncService) -> None:
        self._uow = uow
        self._session = session
        self._sync = sync

    def pending(self) -> list[Instruction]:
        bundle = self._sync.bundle("instructions")
        if bundle is None:
            return []
        with self._uow.db.read() as tx:
            answered = set(json.loads(tx.fact(ANSWERED) or "[]"))
        return [
            Instruction(i["id"], i["kind"], i["text_ar"], i["text_en"], i["created_at"])
            for i in bundle.payload["items"]
            if i["id"] not in answered
        ]

    def answer(self, instruction_id: int, *, accepted: bool, note: str = "") -> None:
        clerk = self._session.require_clerk()
        note = " ".join(note.split())
        if not accepted and len(note) < 3:
            raise InputError(
                "note",
                "اكتب سبب الاعتراض ليصل إلى المركز",
                "Write why you dispute it, for HQ to read",
            )
        held = {i.id: i for i in self.pending()}
        if instruction_id not in held:
            raise InputError(
                "instruction",
                "لا توجد تعليمات معلقة بهذا الرقم",
                "No pending instruction has that number",
            )

        def work(rec: Recorder) -> None:
            answered = json.loads(rec.tx.fact(ANSWERED) or "[]")
            if instruction_id in answered:
                return
            rec.record(
                "instruction.accepted" if accepted else "instruction.disputed",
                {"id": instruction_id, "kind": held[instruction_id].kind, "note": note[:500]},
                clerk.username,
            )
            rec.tx.set_fact(ANSWERED, json.dumps(sorted([*answered, instruction_id])))

        self._uow.run(work)
