"""The error HQ answers a refused request with: the project's one bilingual shape plus the
HTTP status (and, for a gap in a push, the sequence HQ holds)."""

from __future__ import annotations

from counter_app.domain.errors import BilingualError

__all__ = ["HqError"]


class HqError(BilingualError):
    """A request HQ refuses: `code` is the protocol's reason, `status` the HTTP status."""

    def __init__(
        self,
        code: str,
        message_ar: str,
        message_en: str,
        *,
        status: int,
        acked_seq: int | None = None,
    ) -> None:
        super().__init__(code, message_ar, message_en)
        self.status = status
        self.reason = code
        self.acked_seq = acked_seq
