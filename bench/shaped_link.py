"""A window's HTTP call to HQ over a rural office's link, emulated in asyncio.

`tc netem` is not available here, so the generator shapes its own traffic: a request's
first byte leaves after the link's one-way delay and its bytes at the link's rate; the
answer, once HQ has sent it, reaches the window after the delay and at the rate again.
The link's own time for a call is therefore 2 x delay + bytes / rate; what HQ adds on top
is its queueing and its work. Each window connects from its own loopback address
(127.1.x.y), as each office reaches HQ from its own, so HQ's per-address limits see
offices, not one generator.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

CHUNK = 2_000  # bytes written at a time at the link's pace


@dataclass(frozen=True)
class Link:
    bytes_per_s: float = 8_000.0  # 64 kbit/s
    delay_s: float = 0.150  # each way

    def own_time(self, sent: int, received: int) -> float:
        return 2 * self.delay_s + (sent + received) / self.bytes_per_s


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    took_s: float  # from the first byte leaving to the last arriving, as the window sees it
    link_s: float  # what the link alone would take for the same bytes


class LinkTimeout(Exception):
    """HQ did not answer within the window client's read timeout."""


def address_of(index: int) -> str:
    """The loopback address window `index` connects from."""
    return f"127.1.{index // 250}.{index % 250 + 1}"


async def call(
    link: Link,
    port: int,
    source: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes = b"",
    read_timeout_s: float = 15.0,
) -> Answer:
    """One HTTP/1.1 request on its own connection, shaped both ways."""
    lines = [f"{method} {path} HTTP/1.1", "Host: hq", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, local_addr=(source, 0), limit=1 << 20
    )
    reading = asyncio.create_task(_read_answer(reader))  # HQ may answer before the end
    try:
        await asyncio.sleep(link.delay_s)
        for at in range(0, len(request), CHUNK):
            piece = request[at : at + CHUNK]
            await asyncio.sleep(len(piece) / link.bytes_per_s)
            if reading.done():
                break  # HQ answered before the body was in (a refusal)
            try:
                writer.write(piece)
                await writer.drain()
            except (ConnectionResetError, BrokenPipeError):
                break  # HQ closed while the body was on its way: its answer may be waiting
        try:
            status, answer_headers, answer = await asyncio.wait_for(reading, read_timeout_s)
        except TimeoutError as exc:
            raise LinkTimeout(path) from exc
        received = len(answer) + 200  # the status line and headers, about
        await asyncio.sleep(link.delay_s + received / link.bytes_per_s)
    finally:
        reading.cancel()
        writer.close()
    return Answer(
        status,
        answer_headers,
        answer,
        time.perf_counter() - start,
        link.own_time(len(request), received),
    )


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    body = await reader.readexactly(int(length)) if length else await reader.read()
    return status, headers, body
