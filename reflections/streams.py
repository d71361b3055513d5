"""The open pages' event streams. A reflection's page (answering, waiting,
the shared view, together mode) and home each hold one: a normal Django
view, behind the normal middleware, that checks access as every reflection
view does (404 for anyone else) and then tells the page, as server-sent
events, *that* something changed for its viewer (core.live): never what,
never text (P6). The page fetches the change through the normal views.

Every stream opens with `ready`, once it is listening: the page fetches
its live parts then, so a change made before the stream opened, or while
it was away (a restart, a lost app server), shows as soon as it is back.
It ends with `closed` when access ends (unlink, sign-out, a password
change elsewhere, the account deleted), and the page stops listening.

A stream waits on the event loop, holding no database connection: each
check of access takes one and gives it back.
"""

import asyncio
from functools import partial
from types import SimpleNamespace

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import Http404, StreamingHttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from core import live

from .access import Stage
from .shortcuts import reflection_or_404

READY, CLOSED = "ready", "closed"
# A comment line this often keeps every proxy on the way (HAProxy's idle
# timeout is 60 s) from taking a quiet stream for a dead one.
HEARTBEAT_SECONDS = 20
# Access is asked again this often even when no message says it changed,
# in case one was lost (Redis restarted): a late close, never a leak, since
# an event carries nothing and every fetch goes through the gates.
RECHECK_SECONDS = 600
# How long the browser waits before it reconnects a dropped stream.
RETRY_MS = 2000


@login_required
@require_GET
async def reflection_events(request, pk):
    viewer = await request.auser()
    closed = not await sync_to_async(_reflection_open)(viewer, pk)  # Http404 for anyone else
    holds = partial(_access_holds, request.session.session_key, viewer.pk, reflection_id=pk)
    kinds = {live.STATUS, live.CONVERSATION}
    return _stream(_events(viewer.pk, request.session.session_key, holds, kinds, reflection_id=pk, closed=closed))


@login_required
@require_GET
async def home_events(request):
    viewer = await request.auser()
    holds = partial(_access_holds, request.session.session_key, viewer.pk)
    return _stream(_events(viewer.pk, request.session.session_key, holds, {live.STATUS}))


def _stream(events) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    # Proxies that buffer responses by default pass this one on as it comes.
    response["X-Accel-Buffering"] = "no"
    return response


async def _events(viewer_id, session_key, holds, kinds, *, reflection_id=None, closed=False):
    loop = asyncio.get_running_loop()
    my_session = live.session_tag(session_key or "")
    # The middleware has run by now, and may have written (the session, the
    # device's last activity): the connection goes back before the wait.
    await sync_to_async(_release_connections)()
    async with live.listening(viewer_id) as inbox:
        yield f"retry: {RETRY_MS}\n".encode() + live.event(READY)
        if closed:
            yield live.event(CLOSED)
            return
        recheck_at = loop.time() + RECHECK_SECONDS
        while True:
            message = await inbox.next(timeout=HEARTBEAT_SECONDS)
            if message is None:
                if loop.time() >= recheck_at:
                    if not await sync_to_async(holds)():
                        yield live.event(CLOSED)
                        return
                    await live.still_listening(viewer_id, inbox)
                    recheck_at = loop.time() + RECHECK_SECONDS
                yield b": \n\n"
            elif message["kind"] == live.ACCESS:
                session = message.get("session")
                if session == my_session or (session is None and not await sync_to_async(holds)()):
                    yield live.event(CLOSED)
                    return
            elif message["kind"] in kinds and reflection_id in (None, message["reflection"]):
                yield live.event(message["kind"])


def _reflection_open(viewer, pk) -> bool:
    """Whether the viewer's reflection `pk` can still change (404 when they
    may not open it at all): closed once the couple unlinked."""
    try:
        return reflection_or_404(viewer, pk, for_page=False).access.stage != Stage.CLOSED
    finally:
        _release_connections()


def _access_holds(session_key, user_id, *, reflection_id=None) -> bool:
    """Whether the stream's session still signs in its viewer, as Django
    checks it on every request (it exists, carries their current password's
    hash, for an active account), and they may still follow the reflection."""
    try:
        session = import_string(settings.SESSION_ENGINE + ".SessionStore")(session_key)
        user = auth.get_user(SimpleNamespace(session=session))
        if user.pk != user_id:
            return False
        return reflection_id is None or _reflection_open(user, reflection_id)
    except Http404:
        return False
    finally:
        _release_connections()


def _release_connections():
    """A stream holds no database connection while it waits (a test's
    transaction, the only atomic block around one, keeps its own)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
