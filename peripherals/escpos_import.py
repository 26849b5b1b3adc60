"""Importing python-escpos without its side effect on logging.

`escpos.capabilities` calls `logging.basicConfig()` when first imported, which would send
every INFO record of the whole program to stderr. It is imported here, only when a job
is actually printed, and whatever handler it added to the root logger is removed again.
"""

from __future__ import annotations

import logging
from types import ModuleType


def escpos_printer_module() -> ModuleType:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from escpos import printer  # noqa: PLC0415 (the import this module exists to contain)

    module: ModuleType = printer
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return module
