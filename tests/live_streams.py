"""Reading an event stream (reflections/streams.py) in a test, event by
event, without ending it when a wait runs out."""

import asyncio
import contextlib

from asgiref.sync import async_to_sync
from django.http import HttpResponse


class Stream:
    """The events of one streaming response. A wait that runs out leaves
    the stream as it was; `close` ends it as a client that goes away does
    (the view's generator is cancelled where it waits)."""

    def __init__(self, response):
        self.response = response
        self.chunks = aiter(response.streaming_content)
        self.pending = None

    async def chunk(self, timeout: float = 3.0) -> str | None:
        """The next chunk (one event, or a heartbeat), or None after `timeout`."""
        if self.pending is None:
            self.pending = asyncio.ensure_future(anext(self.chunks))
        done, _ = await asyncio.wait({self.pending}, timeout=timeout)
        if not done:
            return None
        finished, self.pending = self.pending, None
        try:
            return finished.result().decode()
        except StopAsyncIteration:
            return ""

    async def event(self, timeout: float = 3.0) -> str | None:
        """The next event's name (heartbeats skipped), "" once the stream
        has ended, or None when none came within `timeout`."""
        while True:
            chunk = await self.chunk(timeout)
            if chunk is None or chunk == "":
                return chunk
            for line in chunk.splitlines():
                if line.startswith("event: "):
                    return line.removeprefix("event: ")

    async def close(self):
        if self.pending is None:
            self.pending = asyncio.ensure_future(anext(self.chunks))
            await asyncio.sleep(0)  # the generator now waits for its next message
        self.pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await self.pending
        self.pending = None


def first_events(response) -> HttpResponse:
    """A streaming response as far as its first chunk (the stream's `ready`),
    as a plain response with the same status and headers: what a page sees
    of a stream before anything changes."""

    async def read():
        stream = Stream(response)
        try:
            return await stream.chunk()
        finally:
            await stream.close()

    return HttpResponse((async_to_sync(read)() or "").encode(), status=response.status_code, headers=response.headers)
