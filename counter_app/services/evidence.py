"""The window's evidence against an insider: the sealed head, the checks at start and at
day close, and the supervisor's acknowledgement (see `counter_app.domain.evidence`).

The seal is `journal.seal` in the profile folder, rewritten (fsynced, then renamed over
the last one) after every commit that appended entries, and signed with the
workstation's key from the keyring once the window is enrolled. The heartbeats' signatures
(`services.heartbeat`) are checked with the rest. Nothing here repairs:
a finding is journaled as `tamper.detected`, and operations wait (the recorder refuses
them) until a supervisor other than the clerk at the window acknowledges it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.errors import InputError
from counter_app.domain.evidence import (
    ACKNOWLEDGED,
    DETECTED,
    Finding,
    SealedHead,
    compare_seal,
    findings_payload,
)
from counter_app.domain.text import clean_free_text
from counter_app.services.heartbeat import heartbeat_findings
from counter_app.services.payment import check_approver
from counter_app.services.profile import Profile
from counter_app.services.recorder import LAST_ACKED_SEQ, Recorder, UnitOfWork
from counter_app.services.session import SessionService
from counter_app.store import Database, Transaction
from sync import credentials
from sync.credentials import CredentialsUnavailable
from sync.protocol import SignatureError, public_key_text, sign, verify

log = logging.getLogger(__name__)

SEALING_FACT = "evidence.sealing"  # set once this store has been sealed
ENROLMENT_FACT = "sync.enrolment"


class SealUnreadable(ValueError):
    pass


@dataclass(frozen=True)
class HeadSealFile:
    path: Path

    def read(self) -> SealedHead | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
            return SealedHead(
                str(data["workstation_id"]),
                int(data["seq"]),
                str(data["hash"]),
                str(data.get("signature", "")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SealUnreadable(str(exc)) from exc

    def write(self, seal: SealedHead) -> None:
        partial = self.path.with_name(self.path.name + ".partial")
        data = {**seal.body(), "signature": seal.signature}
        with open(partial, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, sort_keys=True))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.path)


class EvidenceService:
    def __init__(
        self, uow: UnitOfWork, session: SessionService, seal_path: Path, workstation_id: str
    ) -> None:
        self._uow = uow
        self._session = session
        self._seal = HeadSealFile(seal_path)
        self._workstation_id = workstation_id
        self._key: Ed25519PrivateKey | None = None
        self._key_generation = -1
        self.findings: list[Finding] = []  # what the last check found

    # ---- keys --------------------------------------------------------------------------

    def refresh_key(self) -> None:
        """Read the signing key from the keyring (after enrolment, or once a demo's secret
        store is in place). Without a usable keyring the seal goes unsigned."""
        self._key_generation = credentials.generation()
        try:
            self._key = credentials.load_signing_key(self._workstation_id)
        except CredentialsUnavailable as exc:
            log.warning("seals go unsigned: %s", exc)
            self._key = None

    def signing_key(self) -> Ed25519PrivateKey | None:
        """The workstation's key, read again when the keyring's contents changed."""
        if self._key_generation != credentials.generation():
            self.refresh_key()  # enrolled, or a demo's secret store arrived
        return self._key

    def _anchor(self) -> str | None:
        try:
            return credentials.load_anchor(self._workstation_id)
        except CredentialsUnavailable:
            return None

    # ---- checking ----------------------------------------------------------------------

    def inspect(self) -> list[Finding]:
        """Compare without writing: the seal, the triggers, the business rows, HQ's key."""
        return inspect_store(
            self._uow.db, self._seal, self._workstation_id, self._key, self._anchor()
        )

    def start(self) -> list[Finding]:
        """At start, before anything else is written: check, journal what was found, take
        up the seals, and hold operations while a finding waits for a supervisor."""
        self.refresh_key()
        self.findings = self.inspect()
        anchor_wanted = False
        with self._uow.db.read() as tx:
            sealing = tx.fact(SEALING_FACT) is not None
            anchor_wanted = tx.fact(ENROLMENT_FACT) is not None and self._anchor() is None
        if self.findings:
            self._record_findings(self.findings)
        if not sealing or anchor_wanted:
            self._take_up(anchor_wanted)
        self._uow.db.after_commit = self.seal
        with self._uow.db.read() as tx:
            head = tx.journal.head()
        self.seal(*head)
        self._restore_hold()
        return self.findings

    def check_now(self) -> list[Finding]:
        """At day close: the same comparison; anything found is journaled and holds."""
        found = self.inspect()
        if found:
            self.findings = found
            self._record_findings(found)
        return found

    def _record_findings(self, findings: list[Finding]) -> None:
        seal = _read_or_none(self._seal)
        payload = findings_payload(findings)
        if seal is not None:
            payload["sealed"] = {"seq": seal.seq, "hash": seal.hash}

        def work(rec: Recorder) -> int:
            return rec.record(DETECTED, payload, "system").seq

        seq = self._uow.run(work)
        self._uow.held_by = seq
        for finding in findings:
            log.error("TAMPER (entry %s): %s", seq, finding.detail_en)

    def _take_up(self, anchor: bool) -> None:
        """First start of a store under this version: start sealing; keep HQ's key as
        enrolled in the keyring. Both journaled, never silent."""
        with self._uow.db.read() as tx:
            enrolment = tx.fact(ENROLMENT_FACT)
        hq_key = json.loads(enrolment)["hq_public_key"] if anchor and enrolment else None

        def work(rec: Recorder) -> None:
            if rec.tx.fact(SEALING_FACT) is None:
                rec.tx.set_fact(SEALING_FACT, "1")
                rec.record("evidence.sealing", {"seal": self._seal.path.name}, "system")

        self._uow.run(work)
        if hq_key is None:
            return
        try:
            credentials.save_anchor(self._workstation_id, hq_key)
        except CredentialsUnavailable as exc:
            log.warning("HQ's key not anchored in the keyring: %s", exc)
            return
        self._uow.run(lambda rec: rec.record("trust.anchored", {"hq_public_key": hq_key}, "system"))

    def _restore_hold(self) -> None:
        with self._uow.db.read() as tx:
            detected = tx.journal.last_of(DETECTED)
            acknowledged = tx.journal.last_of(ACKNOWLEDGED)
        if detected is not None and (acknowledged is None or acknowledged.seq < detected.seq):
            self._uow.held_by = detected.seq

    # ---- sealing -----------------------------------------------------------------------

    def seal(self, seq: int, head_hash: str) -> None:
        """Seal a committed head outside the database (after every commit)."""
        seal = SealedHead(self._workstation_id, seq, head_hash)
        key = self.signing_key()
        if key is not None:
            seal = SealedHead(seal.workstation_id, seq, head_hash, sign(key, seal.body()))
        try:
            self._seal.write(seal)
        except OSError as exc:  # a full disk: the next start finds the seal behind, not ahead
            log.warning("journal head %s not sealed: %s", seq, exc)

    # ---- the supervisor ----------------------------------------------------------------

    @property
    def held_by(self) -> int | None:
        return self._uow.held_by

    def waiting(self) -> tuple[int, list[dict[str, object]]] | None:
        """The finding that holds operations: its entry and what it lists, or None."""
        held = self._uow.held_by
        if held is None:
            return None
        with self._uow.db.read() as tx:
            entry = tx.journal.get(held)
        findings = entry.payload_data().get("findings", []) if entry is not None else []
        return held, list(findings)

    def acknowledge(self, username: str, pin: str, note: str) -> None:
        """A supervisor (not the clerk at the window) has seen the finding; their words
        are journaled. Operations resume; nothing found is changed."""
        held = self._uow.held_by
        if held is None:
            raise InputError(
                "tamper", "لا يوجد ما يحتاج إقرارًا", "There is no finding to acknowledge"
            )
        note = clean_free_text(note, max_length=500)
        if len(note) < 5:
            raise InputError(
                "note",
                "اكتب ما عرفته عن سبب هذا (خمسة أحرف على الأقل)",
                "Write what you know of the cause (at least five characters)",
            )
        supervisor = self._session.check_credentials(username, pin, purpose="tamper")
        check_approver(supervisor, self._session.current_username(), "")

        def work(rec: Recorder) -> None:
            payload = {"detected_seq": held, "note": note, "supervisor": supervisor.username}
            rec.record(ACKNOWLEDGED, payload, supervisor.username)

        self._uow.run(work)
        self._uow.held_by = None


def evidence_findings(profile: Profile, db: Database, workstation_id: str) -> list[Finding]:
    """`inspect_store` for a profile from outside the running counter (doctor,
    verify-journal): the key and HQ's anchor from the keyring when it can be used."""
    try:
        key = credentials.load_signing_key(workstation_id)
        anchor = credentials.load_anchor(workstation_id)
    except CredentialsUnavailable:
        key, anchor = None, None
    return inspect_store(db, HeadSealFile(profile.seal_path), workstation_id, key, anchor)


def _read_or_none(seal_file: HeadSealFile) -> SealedHead | None:
    try:
        return seal_file.read()
    except SealUnreadable:
        return None


def inspect_store(
    db: Database,
    seal_file: HeadSealFile,
    workstation_id: str,
    key: Ed25519PrivateKey | None,
    anchor: str | None,
) -> list[Finding]:
    """Every comparison, read-only (doctor and verify-journal use it too)."""
    found: list[Finding] = []
    with db.read() as tx:
        found.extend(_seal_findings(tx, seal_file, workstation_id, key))
        acked = int(tx.fact(LAST_ACKED_SEQ) or 0)
        found.extend(heartbeat_findings(tx, workstation_id, key, acked))
        for name in tx.evidence.missing_triggers():
            found.append(
                Finding(
                    "trigger_dropped",
                    f"the journal's append-only trigger {name} is gone: entries could be "
                    "edited or deleted in place",
                    f"أُزيل القيد الحامي للسجل ({name}): يمكن تعديل القيود أو حذفها",
                )
            )
        for name, what, seq in tx.evidence.ticket_disagreements():
            found.append(
                Finding(
                    "ticket_edited",
                    f"ticket {name} {what}",
                    f"التذكرة {name} لا تطابق قيدها في السجل",
                    seq,
                )
            )
        for serial, what, seq in tx.evidence.sheet_disagreements():
            found.append(
                Finding(
                    "sheet_edited",
                    f"security sheet {serial} {what}",
                    f"ورقة التأمين {serial} لا تطابق السجل",
                    seq or None,
                )
            )
        enrolment = tx.fact(ENROLMENT_FACT)
    if enrolment is not None and anchor is not None:
        stored = json.loads(enrolment)["hq_public_key"]
        if stored != anchor:
            found.append(
                Finding(
                    "hq_key_swapped",
                    "HQ's public key in the store is not the one this window enrolled with "
                    "(kept in the keyring): certificates cannot be verified here",
                    "مفتاح المركز الرئيسي في قاعدة البيانات ليس المفتاح المسجل به الشباك",
                )
            )
    return found


def _seal_findings(
    tx: Transaction, seal_file: HeadSealFile, workstation_id: str, key: Ed25519PrivateKey | None
) -> list[Finding]:
    head_seq, _ = tx.journal.head()
    try:
        seal = seal_file.read()
    except SealUnreadable:
        return [
            Finding(
                "seal_unreadable",
                f"the journal's seal ({seal_file.path.name}) is damaged",
                "ختم السجل تالف",
            )
        ]
    if seal is None:
        if tx.fact(SEALING_FACT) is None:
            return []  # never sealed yet: the first start under this version
        return [
            Finding(
                "seal_missing",
                f"the journal's seal ({seal_file.path.name}) has been removed",
                "أُزيل ختم السجل",
            )
        ]
    if key is not None and not seal.signature:
        # Sealed before the window enrolled (or a crash between keeping the key and
        # journaling the enrolment): unsigned is right. Sealed after: it must be signed.
        enrolled = tx.journal.last_of("workstation.enrolled")
        if enrolled is not None and enrolled.seq <= seal.seq:
            return [Finding("seal_unsigned", "the journal's seal is not signed", "الختم غير موقع")]
    elif key is not None:
        try:
            verify(public_key_text(key), seal.body(), seal.signature)
        except SignatureError:
            return [
                Finding(
                    "seal_forged",
                    "the journal's seal is not signed by this workstation's key",
                    "الختم غير موقع بمفتاح هذه المحطة",
                )
            ]
    at_seal = tx.journal.get(seal.seq) if seal.seq else None
    problem = compare_seal(seal, workstation_id, head_seq, at_seal.hash if at_seal else None)
    return [] if problem is None else [problem]
