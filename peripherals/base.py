"""What every device interface shares: its state, and the error for an unusable device."""

from __future__ import annotations

from enum import Enum


class DeviceState(Enum):
    """What a device last told us. UNKNOWN means it did not answer: never assume OK."""

    READY = "ready"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class DeviceError(RuntimeError):
    """A device refused or failed an operation; the message says what a clerk can do."""
