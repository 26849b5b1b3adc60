"""Serial scanners and passport readers: each line they send goes to one callback.

A keyboard-wedge scanner needs nothing here (the window recognises its bursts). A scanner
or an MRZ reader on a serial port (RS-232, or USB in CDC mode: COM3, /dev/ttyACM0) sends
one code per line; a reader thread reads them (pyserial) and hands each line to the
window's callback. A passport reader sends the MRZ's two lines one after the other. The
simulators take lines from a test or the demo. A port that fails is reported and retried.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

Lines = Callable[[str], None]
RETRY_S = 5.0


class LineDevice(Protocol):
    def start(self, on_line: Lines) -> None: ...

    def stop(self) -> None: ...


class NoDevice:
    def start(self, on_line: Lines) -> None:
        return None

    def stop(self) -> None:
        return None


class SimulatedLineDevice:
    """Lines "scanned" by a test or the demo (`scan`), delivered as a port would."""

    def __init__(self) -> None:
        self._on_line: Lines | None = None

    def start(self, on_line: Lines) -> None:
        self._on_line = on_line

    def scan(self, *lines: str) -> None:
        for line in lines:
            if self._on_line is not None:
                self._on_line(line)

    def stop(self) -> None:
        self._on_line = None


class SerialLineDevice:
    """Reads lines from a serial port on its own thread."""

    def __init__(self, name: str, port: str, baudrate: int = 9600) -> None:
        self.name = name
        self._port = port
        self._baudrate = baudrate
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = "unknown"

    def start(self, on_line: Lines) -> None:
        self._thread = threading.Thread(
            target=self._run, args=(on_line,), name=self.name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)

    def _run(self, on_line: Lines) -> None:
        import serial  # noqa: PLC0415 (only a window with a serial device needs pyserial)

        while not self._stop.is_set():
            try:
                with serial.Serial(self._port, self._baudrate, timeout=0.5) as port:
                    self.state = "ready"
                    pending = b""
                    while not self._stop.is_set():
                        pending += port.read(256)
                        *lines, pending = pending.replace(b"\r", b"\n").split(b"\n")
                        for line in lines:
                            text = line.decode("ascii", errors="replace").strip()
                            if text:
                                on_line(text)
            except (OSError, ValueError) as exc:  # serial.SerialException is an OSError
                self.state = "failed"
                log.warning("%s on %s failed: %s (retrying)", self.name, self._port, exc)
                self._stop.wait(RETRY_S)
        self.state = "stopped"


def make_line_device(name: str, backend: str, port: str = "", baudrate: int = 9600) -> LineDevice:
    if backend == "serial":
        return SerialLineDevice(name, port, baudrate)
    if backend == "simulator":
        return SimulatedLineDevice()
    return NoDevice()
