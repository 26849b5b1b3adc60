"""The document printer for A4 certificates: the OS print system, or PDFs into a folder."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from peripherals.base import DeviceError


class DocumentPrinter(Protocol):
    name: str

    def print_pdf(
        self, pdf: bytes, title: str, cancel: threading.Event | None = None
    ) -> Path | None:
        """Print one document; when `cancel` is set (given up), print nothing."""
        ...


class FileDocumentPrinter:
    """Writes each document as a PDF into a folder (the demo's and tests' printer)."""

    def __init__(self, folder: Path) -> None:
        self.name = f"file {folder}"
        self.folder = folder
        existing = sorted(folder.glob("document-*.pdf")) if folder.exists() else []
        self._numbers = itertools.count(int(existing[-1].stem.split("-")[1]) + 1 if existing else 1)
        self.fail_next: str | None = None  # a jam or misfeed, for tests and the demo

    def print_pdf(self, pdf: bytes, title: str, cancel: threading.Event | None = None) -> Path:
        if cancel is not None and cancel.is_set():
            raise DeviceError("the document was given up before it was printed")
        if self.fail_next:
            reason, self.fail_next = self.fail_next, None
            raise DeviceError(reason)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"document-{next(self._numbers):06d}.pdf"
        path.write_bytes(pdf)
        return path


class SystemDocumentPrinter:
    """The OS print system: CUPS `lp` on Linux, the shell's print verb on Windows."""

    def __init__(self, queue: str = "") -> None:
        self.name = f"system {queue or '(default)'}"
        self._queue = queue

    def print_pdf(self, pdf: bytes, title: str, cancel: threading.Event | None = None) -> None:
        if cancel is not None and cancel.is_set():
            raise DeviceError("the document was given up before it was printed")
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
            handle.write(pdf)
        try:
            if sys.platform == "win32":
                os.startfile(handle.name, "print")  # type: ignore[attr-defined]  # noqa: S606
                return
            command = ["lp", "-t", title, handle.name]
            if self._queue:
                command[1:1] = ["-d", self._queue]
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=30, check=False
            )
            if result.returncode != 0:
                raise DeviceError(f"the print system refused the document: {result.stderr.strip()}")
        finally:
            if sys.platform != "win32":
                Path(handle.name).unlink(missing_ok=True)


def make_document_printer(backend: str, target: str, printed_dir: Path) -> DocumentPrinter:
    if backend == "file":
        return FileDocumentPrinter(Path(target) if target else printed_dir / "documents")
    if backend == "system":
        return SystemDocumentPrinter(target)
    raise DeviceError(f"document printer backend '{backend}' is not known")
