"""HTTP/1.1 and server-sent events by hand, for the streams bench
(bench/streams.py): a few lines over asyncio's streams cost the load
generator far less of the machine than an HTTP client library, and it
shares the two cores with the server it measures. Just enough HTTP for
Twofold's own server: no TLS, no redirects, one request a connection
except for a stream, which is read chunk by chunk as long as it lasts."""

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode

HEARTBEAT = "heartbeat"


class StreamRefused(Exception):
    """The server answered the stream's GET with something else than a stream."""


def parse_head(head: bytes) -> tuple[int, dict]:
    """(status, {lowercased header: value}) of an HTTP/1.1 response head."""
    status_line, *lines = head.decode("latin-1").strip().split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split(" ")[1]), headers


def split_events(buffer: bytes) -> tuple[list[str], bytes]:
    """The events complete in `buffer`, by name, and the rest of it (the
    start of the next one). As EventSource reads them: a block without a
    data line is no event; one without a name is a "message"; a block of
    comments alone is a heartbeat, which a browser ignores and the bench
    counts. The server ends lines with a bare newline."""
    *blocks, rest = buffer.split(b"\n\n")
    names = []
    for block in blocks:
        fields = [line.partition(":") for line in block.decode().split("\n") if line]
        if fields and all(name == "" for name, _, _ in fields):
            names.append(HEARTBEAT)
            continue
        values = {name: value.removeprefix(" ") for name, _, value in fields}
        if "data" in values:
            names.append(values.get("event", "message"))
    return names, rest


async def open_stream(host: str, port: int, path: str, cookie: str):
    """(reader, writer) of an event stream whose response head has been read."""
    reader, writer = await asyncio.open_connection(host, port)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", f"Cookie: {cookie}", "Accept: text/event-stream"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    try:
        status, headers = parse_head(await reader.readuntil(b"\r\n\r\n"))
        if status != 200 or headers.get("transfer-encoding") != "chunked":
            raise StreamRefused(f"{status} {headers.get('content-type', '')} {headers.get('transfer-encoding', '')}")
    except BaseException:
        writer.close()
        raise
    return reader, writer


async def chunks(reader):
    """Each chunk's payload of a chunked body, until its last chunk."""
    while True:
        size_line = await reader.readline()
        if not size_line:
            raise ConnectionError("the server closed the connection mid-stream")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return
        yield (await reader.readexactly(size + 2))[:-2]


@dataclass
class Response:
    """A response as the bench reads it (and as Autosave.check does)."""

    status_code: int
    text: str


async def send(host: str, port: int, request: dict) -> Response:
    """One request (Autosave.request's shape: method, url, headers, form
    data) over a connection of its own, which the server closes after it."""
    body = urlencode(request["data"]).encode() if "data" in request else b""
    lines = [f"{request['method']} {request['url']} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in request.get("headers", {}).items()]
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status, headers = parse_head(await reader.readuntil(b"\r\n\r\n"))
        if headers.get("transfer-encoding") == "chunked":
            content = b"".join([chunk async for chunk in chunks(reader)])
        else:
            content = await reader.read()
    finally:
        writer.close()
    return Response(status, content.decode("utf-8", "replace"))


# What a connection that breaks, stalls or talks nonsense raises.
FAILURES = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError)
