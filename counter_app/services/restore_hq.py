"""HQ's copy of a window's journal, as a restore asks it: its head, and the window's own
entries after the backup (fetched back and checked by services/fetch_back.py).

HQ is asked with the address the backup's enrolment names and the token in the keyring;
the entries are checked with the window's own key, also from the keyring.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from counter_app.domain.errors import InputError
from counter_app.services.fetch_back import Fetched, fetch_own_entries
from counter_app.services.journal_check import JournalReport
from counter_app.services.sync import ENROLMENT
from counter_app.store import Database
from sync import credentials
from sync.client import HqClient, HqRefused, HqUnavailable
from sync.protocol import JournalRange, public_key_text


def _refused(reason: str, ar: str, en: str) -> InputError:
    return InputError(reason, ar, en)


_NO_KEYRING = (
    "رمز الاتصال بالمركز أو مفتاح الشباك غير موجود في مخزن كلمات السر: استبدل جهاز الشباك",
    "The keyring no longer holds this window's HQ token or its signing key, so HQ cannot be "
    "asked and the window could not sync: replace the window's PC (docs/operations.md)",
)


class HqCopy:
    def __init__(self, backup: Path, workstation_id: str, ca_bundle: str) -> None:
        self._backup = backup
        self._workstation_id = workstation_id
        self._ca_bundle = ca_bundle

    def _client(self) -> HqClient | None:
        """A client for the backup's HQ, or None when the backup was never enrolled."""
        db = Database(self._backup, readonly=True)
        db.open(self._workstation_id)
        try:
            with db.read() as tx:
                text = tx.fact(ENROLMENT)
        finally:
            db.close()
        if text is None:
            return None  # never enrolled: HQ holds nothing of this window
        creds = credentials.load(self._workstation_id)
        if creds is None:
            raise _refused("token_missing", *_NO_KEYRING)
        url = str(json.loads(text)["hq_url"])
        return HqClient(url, token=creds.token, ca_bundle=self._ca_bundle)

    def head(self) -> tuple[int, str] | None:
        client = self._client()
        if client is None:
            return None
        try:
            head = _answer(client.head)
        finally:
            client.close()
        return head.acked_seq, head.acked_hash

    def fetch(self, report: JournalReport, acked: int, enrolled_seq: int | None) -> Fetched:
        key = credentials.load_signing_key(self._workstation_id)
        client = self._client()
        if client is None or key is None:
            raise _refused("token_missing", *_NO_KEYRING)
        backup = Database(self._backup, readonly=True)
        backup.open(self._workstation_id)

        def page(after: int) -> JournalRange:
            return _answer(lambda: client.entries(after))

        def backup_hash_at(seq: int) -> str | None:
            with backup.read() as tx:
                return tx.journal.hash_at(seq)

        try:
            return fetch_own_entries(
                page,
                self._workstation_id,
                public_key_text(key),
                (report.last_seq, report.last_hash),
                acked,
                enrolled_seq,
                backup_hash_at,
            )
        finally:
            client.close()
            backup.close()


T = TypeVar("T")


def _answer(call: Callable[[], T]) -> T:
    try:
        return call()
    except HqUnavailable as exc:
        raise _refused(
            "hq",
            "تعذر سؤال المركز الرئيسي؛ أعد المحاولة عند عودة الاتصال",
            f"HQ could not be asked ({exc}): restore when it answers, or with --offline "
            "only if the office has been offline since before the backup was taken",
        ) from exc
    except HqRefused as exc:
        raise _refused("hq", exc.message_ar, exc.message_en) from exc
