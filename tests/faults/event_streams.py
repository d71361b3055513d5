"""Open pages' event streams (reflections/streams.py), hundreds at once, for
the fault tests: each follows one stream as a browser's EventSource does,
over a connection of its own, and when the stream ends or cannot be opened,
opens it again after the server's `retry` delay, at the same URL.

Written on bare asyncio connections, not an HTTP client: a test holds
hundreds of them open for minutes, and needs to see each event as it comes."""

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# What a browser waits before reconnecting until the server says otherwise.
DEFAULT_RETRY_SECONDS = 3.0
# Time to open a stream and see its headers (the stream itself may then stay
# quiet for as long as it likes).
ANSWER_TIMEOUT = 30


class NotAStream(Exception):
    """The server answered, but not with an event stream (a 502, a 404...)."""


@dataclass
class EventSource:
    """One open page's stream. `online` cleared keeps it from reconnecting,
    as a device that lost its network: it comes back once `online` is set."""

    label: str
    path: str
    cookies: dict
    online: asyncio.Event = field(default_factory=asyncio.Event)
    retry: float = DEFAULT_RETRY_SECONDS
    events: list = field(default_factory=list)  # (time.monotonic(), name) for each event, as it came
    failures: list = field(default_factory=list)  # (time.monotonic(), what) for each stream that did not open

    def __post_init__(self):
        self.online.set()

    def times_of(self, name, since=0.0):
        return [when for when, event in self.events if event == name and when >= since]

    def received(self, name, since=0.0):
        return bool(self.times_of(name, since))


async def follow(source, base_url):
    """Keeps `source` open against `base_url` until cancelled."""
    address = urlsplit(base_url)
    while True:
        await source.online.wait()
        try:
            await _listen(source, address)
        except (OSError, EOFError, TimeoutError, NotAStream) as error:
            source.failures.append((time.monotonic(), f"{type(error).__name__}: {error}"))
        await asyncio.sleep(source.retry)


async def _listen(source, address):
    async with asyncio.timeout(ANSWER_TIMEOUT):
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        cookie = "; ".join(f"{name}={value}" for name, value in source.cookies.items())
        writer.write(
            f"GET {source.path} HTTP/1.1\r\nHost: {address.netloc}\r\nAccept: text/event-stream\r\n"
            f"Cache-Control: no-cache\r\nCookie: {cookie}\r\n\r\n".encode()
        )
        async with asyncio.timeout(ANSWER_TIMEOUT):
            status, headers = await _response_head(reader)
        if status != 200 or not headers.get("content-type", "").startswith("text/event-stream"):
            raise NotAStream(f"{status} {headers.get('content-type')}")
        body = _chunks(reader) if headers.get("transfer-encoding") == "chunked" else _until_closed(reader)
        pending = ""
        try:
            async for data in body:
                pending += data.decode().replace("\r\n", "\n")
                *blocks, pending = pending.split("\n\n")
                for block in blocks:
                    _dispatch(source, block)
        except OSError:
            pass  # the connection broke: for the page, the stream ended
    finally:
        writer.close()


async def _response_head(reader):
    status_line = await reader.readline()
    if not status_line:
        raise EOFError("closed before answering")
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()) not in {b"\r\n", b"\n", b""}:
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def _chunks(reader):
    """A chunked body, chunk by chunk; it ends at the last chunk, or where
    the connection does (a server that died mid-stream)."""
    while size_line := await reader.readline():
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return
        try:
            data = await reader.readexactly(size + 2)  # and the chunk's CRLF
        except asyncio.IncompleteReadError:
            return
        yield data[:-2]


async def _until_closed(reader):
    while data := await reader.read(65536):
        yield data


def _dispatch(source, block):
    """One event's lines, as EventSource reads them: `retry` changes the
    reconnection delay, an event with data is received, comments
    (heartbeats) are skipped."""
    name, data = "message", None
    for line in block.split("\n"):
        field_name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field_name == "event":
            name = value
        elif field_name == "data":
            data = value if data is None else f"{data}\n{value}"
        elif field_name == "retry" and value.isdigit():
            source.retry = int(value) / 1000
    if data is not None:
        source.events.append((time.monotonic(), name))
