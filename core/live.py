"""Live updates: telling the open pages of the people a change concerns
that something changed, once it has committed.

A service says what changed and for whom (`changed`). Once its transaction
commits, a message goes to each person's group on the channel layer
(Channels' layers, settings.CHANNEL_LAYERS): Redis pub/sub, which reaches
every app server, in production; in-process on SQLite, where one process
serves everything. An open page's event stream hears its viewer's group
(`listening`) and passes the kind on to the page, which fetches what it
shows through the normal views and their gates.

A message says only which kind of thing changed, and in which reflection:
never text, never what was answered (P6).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils.crypto import salted_hmac

# What changed. Each is also the name of the event an open page receives.
STATUS = "status"  # a partner's progress or readiness, the reveal
CONVERSATION = "conversation"  # a reply, a reaction, a talked mark, a note
ACCESS = "access"  # who may read it: unlinked, signed out, password, account
KINDS = {STATUS, CONVERSATION, ACCESS}

MESSAGE_TYPE = "live.changed"


def group_of(user_id: int) -> str:
    """The group every open page of one person listens to."""
    return f"twofold.person.{user_id}"


def session_tag(session_key: str) -> str:
    """Names a session in a message without showing its key."""
    return salted_hmac("core.live.session", session_key, algorithm="sha256").hexdigest()[:20]


def changed(kind: str, user_ids: Iterable[int], *, reflection_id: int | None = None, session_key: str = "") -> None:
    """`kind` changed for `user_ids` (in `reflection_id`, if it is about
    one; for one session only, if `session_key`): their open pages hear it
    once the transaction commits, at once outside one. A message that
    cannot be sent is logged, never the change's failure: the page shows
    it on its next reconnect."""
    assert kind in KINDS, kind
    message = {"type": MESSAGE_TYPE, "kind": kind, "reflection": reflection_id}
    if session_key:
        message["session"] = session_tag(session_key)
    groups = sorted({group_of(user_id) for user_id in user_ids})
    if groups:
        transaction.on_commit(lambda: async_to_sync(_send)(groups, message), robust=True)


async def _send(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    for group in groups:
        await layer.group_send(group, message)


class Inbox:
    """One open page's messages. `next` waits at most `timeout` seconds;
    the wait for a message outlives a timeout (a layer may take a cancelled
    wait for the end of the channel), and is cancelled only at the end."""

    def __init__(self, layer, channel: str):
        self.layer, self.channel = layer, channel
        self._waiting: asyncio.Future | None = None

    async def next(self, timeout: float) -> dict | None:
        if self._waiting is None:
            self._waiting = asyncio.ensure_future(self.layer.receive(self.channel))
        done, _ = await asyncio.wait({self._waiting}, timeout=timeout)
        if not done:
            return None
        waited, self._waiting = self._waiting, None
        return waited.result()

    async def close(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waiting


@contextlib.asynccontextmanager
async def listening(user_id: int) -> AsyncIterator[Inbox]:
    """The messages for `user_id` from now until the block ends."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = group_of(user_id)
    await layer.group_add(group, channel)
    inbox = Inbox(layer, channel)
    try:
        yield inbox
    finally:
        await layer.group_discard(group, channel)
        await inbox.close()


async def still_listening(user_id: int, inbox: Inbox) -> None:
    """Renews a long-open page's place in its group (the in-process layer
    forgets members after a day)."""
    await inbox.layer.group_add(group_of(user_id), inbox.channel)


def event(kind: str) -> bytes:
    """One server-sent event: its name, and a data line (without one the
    browser drops it) that only repeats the name."""
    return f"event: {kind}\ndata: {kind}\n\n".encode()
