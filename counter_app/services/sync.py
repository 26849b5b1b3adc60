"""Sync with HQ: enrolment, pushing the journal, pulling signed bundles, live inquiries.

The journal is the outbox: what waits is every entry after HQ's acknowledged sequence.
A push always starts from what HQ says it holds (`/v1/journal/head`), never from our
own memory, so a lost answer or an HQ restored from backup costs a re-send, not a hole.
Bundles are verified against HQ's key before anything is stored; the last good bundle
of each kind is kept, and an older version than the one held is refused.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app import __version__
from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.journal import GENESIS_HASH
from counter_app.services.config import CounterConfig
from counter_app.services.enrolment import GrantedEnrolment, request_enrolment
from counter_app.services.events import EventBus, SyncProgressed, SyncStateChanged
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.secrets_at_rest import wrap_users_bundle
from counter_app.store import Database
from sync import credentials
from sync.client import HqClient, HqRefused, HqUnavailable
from sync.protocol import (
    BUNDLE_KINDS,
    WIRE_FIELDS,
    Bundle,
    FinesAnswer,
    PushBatch,
    SignatureError,
    SignedHead,
    b64d,
    is_behind,
    sign,
    utc_now_text,
)
from sync.worker import PeriodicWorker

T = TypeVar("T")

log = logging.getLogger(__name__)
ENROLMENT = "sync.enrolment"
LAST_SYNC = "sync.last_sync"
BATCH_SIZE = 500
CLOCK_WARNING_S = 300.0


class SyncProblem(BilingualError):
    """Sync stopped for a reason a person must look at (not a mere network outage)."""


class Offline(BilingualError):
    """HQ could not be reached for a live answer."""

    def __init__(self) -> None:
        super().__init__(
            "offline",
            "تعذر الوصول إلى المركز الرئيسي الآن (لا يوجد اتصال)",
            "HQ cannot be reached now (the window is offline)",
        )


@dataclass(frozen=True)
class Enrolment:
    workstation_id: str
    hq_url: str
    hq_public_key: str
    certificate: dict[str, Any]
    compact_signature: str = ""
    compact_expires_day: int = 0


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    acked_seq: int
    bundles: list[str]


class SyncService:
    def __init__(self, uow: UnitOfWork, bus: EventBus, config: CounterConfig) -> None:
        self._uow = uow
        self._bus = bus
        # The workstation key read with the token for the current connection to HQ: a
        # push signs the window's head with it (no second keyring read).
        self._signing_key: Ed25519PrivateKey | None = None
        self._config = config
        self.batch_size = BATCH_SIZE
        self.clock_offset_s: float | None = None
        self._link = "unknown"
        self._offline_since: str | None = None
        self._problem: BilingualError | None = None
        self._live = threading.local()
        # One push at a time: the background sync and a clerk's or a hook's sync would
        # otherwise each sign the head they read, and a head signed before the other
        # push's entries landed reads at HQ as a window going backwards (a tamper alarm).
        self._pushing = threading.RLock()
        # Steps run after the first push, before the pull (request details go up once HQ
        # holds their entries, so the bundles pulled next already know them).
        self.after_push: list[Callable[[], object]] = []
        # Steps run after each pull, before the last push (services.kinds.fines).
        self.after_pull: list[Callable[[], object]] = []
        self._worker: PeriodicWorker | None = None

    # ---- background ------------------------------------------------------------------

    def start_background(self) -> None:
        """Sync every `hq.sync_interval_s` seconds on a thread of its own, and on demand."""
        if self._worker is None:
            self._worker = PeriodicWorker(self._background_run, self._config.hq.sync_interval_s)
            self._worker.start()

    def sync_now(self) -> None:
        """Ask the background worker to sync at once (the clerk's "sync now")."""
        if self.enrolment() is None:
            raise InputError(
                "enrolment",
                "هذا الشباك غير مسجل لدى المركز الرئيسي فلا يمكن مزامنته. "
                "يسجله مسؤول الدعم بالأمر counter-app enroll",
                "This window is not enrolled with HQ, so it cannot sync. "
                "IT enrols it with counter-app enroll.",
            )
        if self._worker is not None:
            self._worker.trigger()

    def check_link(self) -> int:
        """Ask HQ, now, what it holds of this window (the clerk's "check the link").
        Returns HQ's acknowledged sequence; a refusal or no answer is an InputError."""
        enrolment = self._require_enrolment()
        client = self._client(enrolment)
        try:
            head = client.head()
        except HqUnavailable as exc:
            self._set_offline()
            raise InputError(
                "hq",
                "لم يرد المركز الرئيسي. الشباك يعمل دون اتصال؛ تُرسل العمليات عند عودة الاتصال.",
                "HQ did not answer. The window works offline; what is done is sent when "
                "the link returns.",
            ) from exc
        except HqRefused as exc:
            self._set_problem("refused", exc)
            raise InputError("hq", exc.message_ar, exc.message_en) from exc
        finally:
            client.close()
        self._set_online()
        return head.acked_seq

    def stop_background(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def _background_run(self) -> None:
        if self.enrolment() is None:
            self._publish()
            return
        try:
            self.sync_once()
        except HqUnavailable as exc:
            log.info("background sync: HQ not reached (%s)", exc)
        except (HqRefused, SyncProblem) as exc:
            # A refusal or a tamper alarm: a person must look, so it is never quiet.
            log.error("background sync stopped: %s", exc)
        except credentials.CredentialsUnavailable as exc:
            log.error("background sync: %s", exc)

    # ---- enrolment -------------------------------------------------------------------

    def _require_enrolment(self) -> Enrolment:
        enrolment = self.enrolment()
        if enrolment is None:
            self._publish()
            raise SyncProblem(
                "not_enrolled",
                "هذا الشباك غير مسجل لدى المركز الرئيسي؛ "
                "يسجله مسؤول الدعم بالأمر counter-app enroll",
                "This window is not enrolled with HQ; IT enrols it with counter-app enroll",
            )
        return enrolment

    def enrolment(self) -> Enrolment | None:
        with self._uow.db.read() as tx:
            text = tx.fact(ENROLMENT)
        return None if text is None else Enrolment(**json.loads(text))

    def enroll(self, hq_url: str, code: str) -> Enrolment:
        if self.enrolment() is not None:
            raise InputError(
                "enrolment",
                "هذا الشباك مسجل بالفعل لدى المركز الرئيسي",
                "This window is already enrolled with HQ",
            )
        with self._uow.db.read() as tx:
            local_last, _ = tx.journal.head()
        granted = request_enrolment(hq_url, code, self._config.hq.ca_bundle, local_last)
        if granted.answer.certificate.workstation_id != self._config.workstation_id:
            raise InputError(
                "certificate",
                "الشهادة لا تخص هذا الشباك",
                f"HQ enrolled {granted.answer.certificate.workstation_id}, but this window is "
                f"{self._config.workstation_id}: check office code and window in config.toml",
            )
        return self.record_enrolment(granted)

    def record_enrolment(self, granted: GrantedEnrolment) -> Enrolment:
        """Keep what HQ granted: secrets in the keyring first, then the enrolment in the
        store (if the keyring refuses, nothing is recorded as enrolled)."""
        answer, cert = granted.answer, granted.answer.certificate
        credentials.save(cert.workstation_id, credentials.Credentials(answer.token, granted.key))
        credentials.save_anchor(cert.workstation_id, answer.hq_public_key)
        enrolment = Enrolment(
            cert.workstation_id,
            granted.hq_url,
            answer.hq_public_key,
            cert.model_dump(),
            answer.compact_signature,
            answer.compact_expires_day,
        )

        def work(rec: Recorder) -> None:
            if rec.tx.journal.base() != (answer.chain_seq, answer.chain_hash):
                raise InputError(  # begin_store lays a replacement's base down first
                    "enrolment",
                    "جهاز بديل يبدأ بقاعدة بيانات فارغة؛ اطلب من المركز إلغاء التسجيل ورمزًا جديدًا",
                    "A replacement PC must start with an empty store: ask HQ to revoke "
                    "the window again and for a new code, and enrol on a new profile",
                )
            rec.tx.set_fact(ENROLMENT, json.dumps(enrolment.__dict__))
            rec.record(
                "workstation.enrolled",
                {"workstation_id": cert.workstation_id, "certificate_serial": cert.serial},
                "system",
            )

        self._uow.run(work)
        return enrolment

    # ---- one sync --------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        """Push everything waiting, then pull the bundles. Publishes the state either way."""
        enrolment = self._require_enrolment()
        client = self._client(enrolment)
        try:
            pushed, acked = self._push(client, enrolment)
            self._run_hooks(self.after_push)
            kinds = self._pull(client, enrolment)
            self._run_hooks(self.after_pull)
            if self._uow.waiting_to_sync():
                # Applying bundles and settlements is journaled too: a sync ends with
                # nothing waiting.
                more, acked = self._push(client, enrolment)
                pushed += more
        except HqUnavailable:
            self._set_offline()
            raise
        except HqRefused as exc:
            self._set_problem("refused", exc)
            raise
        except SyncProblem as exc:
            self._set_problem("problem", exc)
            raise
        finally:
            client.close()
        with self._uow.db.write() as tx:
            tx.set_fact(LAST_SYNC, utc_now_text())
        self._set_online()
        return SyncReport(pushed, acked, kinds)

    @staticmethod
    def _run_hooks(hooks: list[Callable[[], object]]) -> None:
        """What other services do at a step of the sync (settle provisional payments)."""
        for hook in hooks:
            try:
                hook()
            except (HqUnavailable, Offline, BilingualError) as exc:
                log.warning("after-sync step %s did not finish: %s", hook, exc)

    def _set_online(self) -> None:
        self._link, self._offline_since, self._problem = "online", None, None
        self._publish()

    def _set_offline(self) -> None:
        if self._link != "offline":
            self._offline_since = utc_now_text()
        self._link, self._problem = "offline", None
        self._publish()

    def _set_problem(self, link: str, problem: BilingualError) -> None:
        self._link, self._offline_since, self._problem = link, None, problem
        self._publish()

    def push_only(self) -> tuple[int, int]:
        """Push what waits without pulling bundles: (entries sent, HQ's acknowledged seq)."""
        enrolment = self._require_enrolment()
        client = self._client(enrolment)
        try:
            return self._push(client, enrolment)
        finally:
            client.close()

    def _client(self, enrolment: Enrolment) -> HqClient:
        creds = credentials.load(enrolment.workstation_id)
        if creds is None:
            raise SyncProblem(
                "token_missing",
                "رمز الاتصال بالمركز غير موجود؛ أعد التسجيل",
                "This window's HQ token is missing from the keyring: enrol again",
            )
        self._signing_key = creds.signing_key
        return HqClient(
            enrolment.hq_url,
            token=creds.token,
            ca_bundle=self._config.hq.ca_bundle,
            timeout=(self._config.hq.connect_timeout_s, self._config.hq.read_timeout_s),
            on_hq_time=self._note_offset,
        )

    def _note_offset(self, offset: float) -> None:
        self.clock_offset_s = offset
        if abs(offset) > CLOCK_WARNING_S:
            log.warning("workstation clock differs from HQ by %.0f s", offset)

    def _push(self, client: HqClient, enrolment: Enrolment) -> tuple[int, int]:
        with self._pushing:
            return self._push_locked(client, enrolment)

    def _push_locked(self, client: HqClient, enrolment: Enrolment) -> tuple[int, int]:
        head = client.head()
        acked, acked_hash = head.acked_seq, head.acked_hash
        with self._uow.db.read() as tx:
            local_last, local_hash = tx.journal.head()
            mine = tx.journal.hash_at(acked) if acked else None
        signed = self._signed_head(enrolment, local_last, local_hash)
        # Show HQ what this window holds where the two differ, so that HQ raises its own
        # alarm: the window's refusal alone would leave no trace where auditors look.
        if acked > local_last:
            self._report_head(client, enrolment, acked_hash, signed)
        elif acked and mine is not None and mine != acked_hash:
            ours = self._signed_head(enrolment, acked, mine)
            self._report_head(client, enrolment, acked_hash, ours)
        if acked > local_last:
            raise SyncProblem(
                "hq_ahead",
                "المركز لديه قيود أكثر مما في هذا الشباك؛ اتصل بالمركز الرئيسي",
                f"HQ holds {acked} entries but this window only {local_last}: was the "
                "database restored from an old backup? Call HQ before working on.",
            )
        if acked and mine != acked_hash:
            raise SyncProblem(
                "fork",
                f"نسخة المركز من القيد {acked} تختلف عن نسخة الشباك",
                f"HQ's copy of entry {acked} differs from this window's",
            )
        self._uow.record_acknowledged(acked)
        total, sent = local_last - acked, 0
        prev_hash = acked_hash if acked else GENESIS_HASH
        while acked < local_last:
            # Never past the head signed above: an entry written since (the clerk works on
            # while a sync runs) would reach HQ under a head that says the window ends
            # before it, which HQ rightly reads as entries removed. It goes up next time.
            with self._uow.db.read() as tx:
                entries = list(
                    tx.journal.entries(
                        after_seq=acked, limit=min(self.batch_size, local_last - acked)
                    )
                )
            batch = PushBatch(
                workstation_id=enrolment.workstation_id,
                prev_hash=prev_hash,
                rows=[[getattr(e, f) for f in WIRE_FIELDS] for e in entries],
                head=signed,
            )
            try:
                result = client.push(batch)
            except HqRefused as exc:
                if exc.reason == "gap" and exc.acked_seq is not None:
                    return self._push_locked(client, enrolment)  # resume from HQ's head
                raise SyncProblem(exc.reason, exc.message_ar, exc.message_en) from exc
            sent += result.acked_seq - acked
            acked, prev_hash = result.acked_seq, result.acked_hash
            self._uow.record_acknowledged(acked)
            self._bus.publish(SyncProgressed(sent, total))
        return sent, acked

    def _signed_head(self, enrolment: Enrolment, seq: int, head_hash: str) -> SignedHead | None:
        if self._signing_key is None:
            return None
        unsigned = SignedHead(seq=seq, hash=head_hash, signature="")
        signature = sign(self._signing_key, unsigned.body(enrolment.workstation_id))
        return unsigned.model_copy(update={"signature": signature})

    @staticmethod
    def _report_head(
        client: HqClient, enrolment: Enrolment, prev_hash: str, head: SignedHead | None
    ) -> None:
        if head is None:
            return
        report = PushBatch(
            workstation_id=enrolment.workstation_id, prev_hash=prev_hash, rows=[], head=head
        )
        try:
            client.push(report)
        except HqRefused as exc:
            log.error("HQ was shown this window's head: %s", exc.message_en)

    def _pull(self, client: HqClient, enrolment: Enrolment) -> list[str]:
        applied = []
        for kind in BUNDLE_KINDS:
            bundle = client.bundle(kind)
            try:
                bundle.check(enrolment.hq_public_key)
            except SignatureError as exc:
                raise SyncProblem(
                    "bundle_signature",
                    "حزمة من المركز غير موقعة منه؛ رُفضت",
                    f"the {kind} bundle from HQ is not signed by HQ: refused",
                ) from exc
            held = self.bundle(kind)
            if held is not None and bundle.version < held.version:
                raise SyncProblem(
                    "bundle_older",
                    "حزمة أقدم من المحفوظة؛ رُفضت",
                    f"HQ sent {kind} version {bundle.version}, older than the "
                    f"{held.version} held: refused",
                )
            if held is not None and bundle.version == held.version:
                continue
            self._uow.run(partial(self._apply, bundle=bundle))
            applied.append(kind)
        return applied

    def _apply(self, rec: Recorder, *, bundle: Bundle) -> None:
        if bundle.kind == "users":
            # Checked on arrival; kept with each PIN hash wrapped under the keyring's key.
            bundle = wrap_users_bundle(rec.tx.workstation_id, bundle)
            listed = {u["username"] for u in bundle.payload["users"]}
            for user in bundle.payload["users"]:
                rec.tx.clerks.upsert(
                    user["username"],
                    user["display_name"],
                    user["role"],
                    user["pin_hash"],
                    user["active"],
                )
            for username in rec.tx.clerks.usernames():
                if username not in listed:
                    rec.tx.clerks.deactivate(username)
        if bundle.kind == "trust":
            approved = str(bundle.payload.get("approved_client_version", ""))
            if is_behind(__version__, approved):
                log.warning("HQ approves version %s; this window runs %s", approved, __version__)
        rec.tx.set_fact(f"bundle.{bundle.kind}", bundle.model_dump_json())
        rec.record("bundle.applied", {"kind": bundle.kind, "version": bundle.version}, "system")

    def approved_version(self) -> str:
        """The window version HQ approves, from its trust bundle ("" when it names none)."""
        trust = self.bundle("trust")
        return "" if trust is None else str(trust.payload.get("approved_client_version", ""))

    def bundle(self, kind: str) -> Bundle | None:
        with self._uow.db.read() as tx:
            text = tx.fact(f"bundle.{kind}")
        return None if text is None else Bundle.model_validate_json(text)

    # ---- live calls ------------------------------------------------------------------

    def live(self, call: Callable[[HqClient], T]) -> T:
        """A live question to HQ that a clerk waits for (short timeouts, two attempts).

        HQ not reached raises `Offline` (the link turns offline); a refusal is `HqRefused`.
        """
        enrolment = self._require_enrolment()
        held = getattr(self._live, "client", None)
        key = (enrolment.hq_url, enrolment.compact_signature)  # a new enrolment, a new client
        if held is None or held[0] != key:
            # One client per online-lane thread: its connection to HQ is kept alive
            # between the inquiry, the payment's settlement and the clearance.
            held = (key, self._client(enrolment))
            self._live.client = held
        try:
            answer = call(held[1])
        except HqUnavailable as exc:
            self._live.client = None
            held[1].close()
            self._set_offline()
            raise Offline() from exc
        if self._link != "online" or self._problem is not None:
            self._set_online()  # the status bar hears of a change, not of every call
        return answer

    def inquire_fines(
        self, *, national_id: str = "", plate: str = "", licence: str = ""
    ) -> FinesAnswer:
        """The traffic prosecution's answer through HQ, less what is already paid."""
        return self.live(lambda c: c.fines(national_id=national_id, plate=plate, licence=licence))

    # ---- state -----------------------------------------------------------------------

    def last_sync(self) -> str | None:
        with self._uow.db.read() as tx:
            return tx.fact(LAST_SYNC)

    def link_state(self) -> SyncStateChanged:
        """The link to HQ now, for the status bar."""
        problem = self._problem
        return SyncStateChanged(
            link=self._link if self.enrolment() is not None else "not_enrolled",
            last_sync=self.last_sync(),
            waiting_to_sync=self._uow.waiting_to_sync(),
            offline_since=self._offline_since,
            problem_ar=problem.message_ar if problem else None,
            problem_en=problem.message_en if problem else None,
            clock_offset_s=self.clock_offset_s,
        )

    def _publish(self) -> None:
        self._bus.publish(self.link_state())


def read_trust(database: Path) -> tuple[str | None, str | None]:
    """HQ's public key as the window enrolled with it, and the stored trust bundle (JSON),
    read-only from a window's store (None for what it does not hold)."""
    if not database.exists():
        return None, None
    db = Database(database, readonly=True)
    db.open("")
    try:
        with db.read() as tx:
            enrolment, trust = tx.fact(ENROLMENT), tx.fact("bundle.trust")
    finally:
        db.close()
    hq_key = str(json.loads(enrolment)["hq_public_key"]) if enrolment else None
    return hq_key, trust


def _signed_trust(trust: str | None, hq_key: str) -> Bundle | None:
    """A stored trust bundle, when there is one and HQ's key (`hq_key`) signed it."""
    if trust is None:
        return None
    bundle = Bundle.model_validate_json(trust)
    try:
        bundle.check(hq_key)
    except (SignatureError, ValueError):
        return None
    return bundle


def approved_from(trust: str | None, hq_key: str) -> str:
    """The window version a stored trust bundle approves, when HQ's key signed it."""
    bundle = _signed_trust(trust, hq_key)
    return "" if bundle is None else str(bundle.payload.get("approved_client_version", ""))


def revoked_from(trust: str | None, hq_key: str) -> frozenset[bytes] | None:
    """The revoked workstation keys of a stored trust bundle, when HQ's key (`hq_key`)
    signed it; None when there is none or it is not signed by that key."""
    bundle = _signed_trust(trust, hq_key)
    if bundle is None:
        return None
    return frozenset(b64d(r["public_key"]) for r in bundle.payload["revoked"])
