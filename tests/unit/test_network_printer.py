"""The network receipt printer (raw TCP 9100) against a fake printer on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from peripherals.base import DeviceError, DeviceState
from peripherals.receipt_printer import NetworkReceiptPrinter


class FakePrinter:
    """Accepts connections; records what it receives; answers DLE EOT 4 with `status`."""

    def __init__(self, status: bytes | None) -> None:
        self.status = status
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                while chunk := conn.recv(65536):
                    self.received += chunk
                    if chunk.endswith(b"\x10\x04\x04") and self.status is not None:
                        conn.sendall(self.status)
                self.done.set()

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def ready_printer() -> Iterator[FakePrinter]:
    fake = FakePrinter(b"\x12")
    yield fake
    fake.close()


def test_a_job_reaches_the_printer_byte_for_byte(ready_printer: FakePrinter) -> None:
    job = b"\x1b@" + bytes(range(256)) * 40 + b"\x1dV\x00"
    NetworkReceiptPrinter(f"127.0.0.1:{ready_printer.port}", 576).send(job)
    assert ready_printer.done.wait(5)
    assert bytes(ready_printer.received) == job


def test_status_is_read_from_the_printer(ready_printer: FakePrinter) -> None:
    assert NetworkReceiptPrinter(f"127.0.0.1:{ready_printer.port}", 576).state() is (
        DeviceState.READY
    )
    ready_printer.status = b"\x72"  # paper end sensors
    assert NetworkReceiptPrinter(f"127.0.0.1:{ready_printer.port}", 576).state() is (
        DeviceState.PAPER_OUT
    )


def test_a_silent_printer_is_unknown_never_ready() -> None:
    silent = FakePrinter(None)
    try:
        assert NetworkReceiptPrinter(f"127.0.0.1:{silent.port}", 576).state() is (
            DeviceState.UNKNOWN
        )
    finally:
        silent.close()


def test_an_unreachable_printer_is_offline_and_refuses_jobs() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    printer = NetworkReceiptPrinter(f"127.0.0.1:{port}", 576, timeout_s=1)
    assert printer.state() is DeviceState.OFFLINE
    with pytest.raises(DeviceError, match="did not take the job"):
        printer.send(b"\x1b@")
