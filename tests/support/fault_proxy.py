"""A TCP proxy on 127.0.0.1 that injects faults or throttles, between a client and HQ.

Per connection it can pass bytes through, cut the connection after N bytes in either
direction, reset it (RST), or stall (stop forwarding so the client's read timeout fires).
It can also throttle to a bandwidth with a one-way delay, to emulate a slow rural link
(tc netem is not available on these machines).
"""

from __future__ import annotations

import itertools
import random
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    kind: str = "pass"  # pass, cut_up, cut_down, reset, stall
    after_bytes: int = 0


def random_faults(rng: random.Random, probability: float) -> Callable[[], Fault]:
    """A schedule: the first connection is always faulty, each later one with `probability`,
    the fault chosen at random. (A sync reuses one keep-alive connection, so without the
    first fault a schedule could leave a whole sync untouched.)"""
    connections = itertools.count()

    def next_fault() -> Fault:
        if next(connections) > 0 and rng.random() >= probability:
            return Fault()
        kind = rng.choice(("cut_up", "cut_down", "reset", "stall"))
        return Fault(kind, rng.randrange(0, 4000))

    return next_fault


class FaultProxy:
    def __init__(
        self,
        target_port: int,
        *,
        schedule: Callable[[], Fault] | None = None,
        bandwidth_bps: float | None = None,
        one_way_delay_s: float = 0.0,
    ) -> None:
        self.target_port = target_port
        self.schedule = schedule or Fault
        self.bandwidth_bps = bandwidth_bps
        self.delay = one_way_delay_s
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.faults: list[str] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._last_sent: dict[int, float] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="fault-proxy")
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            fault = self.schedule()
            with self._lock:
                self.connections += 1
                if fault.kind != "pass":
                    self.faults.append(f"{fault.kind}@{fault.after_bytes}")
            threading.Thread(target=self._serve, args=(client, fault), daemon=True).start()

    def _serve(self, client: socket.socket, fault: Fault) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
        except OSError:
            client.close()
            return
        if fault.kind == "reset":
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            upstream.close()
            return
        sent = {"up": 0, "down": 0}
        sockets = [client, upstream]
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for sock in readable:
                    data = sock.recv(16384)
                    if not data:
                        return
                    direction = "up" if sock is client else "down"
                    limit = {"cut_up": "up", "cut_down": "down", "stall": "down"}.get(fault.kind)
                    if limit == direction and sent[direction] + len(data) > fault.after_bytes:
                        if fault.kind == "stall":
                            # Hold the connection open, forwarding nothing more, until the
                            # client gives up (its read timeout) or the proxy closes.
                            while not self._stop.is_set():
                                r, _, _ = select.select([client], [], [], 0.2)
                                if r and not client.recv(16384):
                                    return
                            return
                        data = data[: max(0, fault.after_bytes - sent[direction])]
                        if data:
                            self._forward(upstream if direction == "up" else client, data)
                        return
                    sent[direction] += len(data)
                    self._forward(upstream if direction == "up" else client, data)
                    with self._lock:
                        if direction == "up":
                            self.bytes_up += len(data)
                        else:
                            self.bytes_down += len(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()

    def _forward(self, sock: socket.socket, data: bytes) -> None:
        if self.bandwidth_bps is None and not self.delay:
            sock.sendall(data)
            return
        # Latency: a burst that starts after the link was idle waits the one-way delay
        # once; bytes that follow within the burst are pipelined behind it.
        now = time.monotonic()
        idle = now - self._last_sent.get(sock.fileno(), 0.0)
        if self.delay and idle > self.delay:
            time.sleep(self.delay)
        # Bandwidth: send in small slices paced at the link's rate.
        chunk = 512
        for start in range(0, len(data), chunk):
            piece = data[start : start + chunk]
            sock.sendall(piece)
            if self.bandwidth_bps:
                time.sleep(len(piece) * 8 / self.bandwidth_bps)
        self._last_sent[sock.fileno()] = time.monotonic()
