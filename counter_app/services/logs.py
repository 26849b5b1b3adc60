"""Rotating log files in the profile, for the IT officer, with no citizen data in them.

Code logs events, not people: it never passes a national ID, a name or a phone number to
a logger. A redacting filter is the second line of defence, replacing anything shaped
like a national ID or mobile number before it reaches the file.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

_NATIONAL_ID = re.compile(r"(?<![0-9٠-٩])[23٢٣][0-9٠-٩]{13}(?![0-9٠-٩])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?20|0)1[0125][0-9]{8}(?![0-9])")
_FORMAT = "%(asctime)s %(levelname)-7s [%(threadName)s] %(name)s: %(message)s"


def redact(text: str) -> str:
    """The text with national-ID and mobile-number shapes masked."""
    return _MOBILE.sub("[mobile]", _NATIONAL_ID.sub("[national-id]", text))


class RedactingFilter(logging.Filter):
    """Masks national-ID and mobile-number shapes in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the root logger to logs/counter-app.log (1 MiB x 5 files). Returns the path."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / "counter-app.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_counter_app", False):
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=1_048_576, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    handler._counter_app = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path
