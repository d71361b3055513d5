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
from dataclasses import dataclass
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import Http404, StreamingHttpResponse
from django.utils.crypto import constant_time_compare
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
# How long a session that no longer matches its password waits for a
# second look (see Page.may_go_on).
SECOND_LOOK_SECONDS = 2


@login_required
@require_GET
async def reflection_events(request, pk):
    viewer = await request.auser()
    closed = not await sync_to_async(_reflection_open)(viewer, pk)  # Http404 for anyone else
    page = Page(viewer.pk, request.session.session_key, {live.STATUS, live.CONVERSATION}, reflection_id=pk)
    return _stream(page.events(closed=closed))


@login_required
@require_GET
async def home_events(request):
    viewer = await request.auser()
    return _stream(Page(viewer.pk, request.session.session_key, {live.STATUS}).events())


def _stream(events) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    # Proxies that buffer responses by default pass this one on as it comes.
    response["X-Accel-Buffering"] = "no"
    return response


@dataclass(frozen=True)
class Page:
    """One open page: whose, in which session, which kinds of change it
    shows, and of which reflection (home: of all of them)."""

    viewer_id: int
    session_key: str
    kinds: set
    reflection_id: int | None = None

    async def events(self, *, closed=False):
        loop = asyncio.get_running_loop()
        # The middleware has run by now, and may have written (the session,
        # the device's last activity): the connection goes back before the wait.
        await sync_to_async(_release_connections)()
        async with live.listening(self.viewer_id) as inbox:
            yield f"retry: {RETRY_MS}\n".encode() + live.event(READY)
            if closed:
                yield live.event(CLOSED)
                return
            recheck_at = loop.time() + RECHECK_SECONDS
            while True:
                message = await inbox.next(timeout=HEARTBEAT_SECONDS)
                if message is None:
                    if loop.time() >= recheck_at:
                        if not await self.may_go_on():
                            yield live.event(CLOSED)
                            return
                        await live.still_listening(self.viewer_id, inbox)
                        recheck_at = loop.time() + RECHECK_SECONDS
                    yield b": \n\n"
                elif message["kind"] == live.ACCESS:
                    if self.signed_out_here(message) or not await self.may_go_on():
                        yield live.event(CLOSED)
                        return
                elif message["kind"] in self.kinds and self.reflection_id in (None, message["reflection"]):
                    yield live.event(message["kind"])

    def signed_out_here(self, message) -> bool:
        """A sign-out names the session it ended; a message for another
        session of the viewer is not about this page."""
        return message.get("session") == live.session_tag(self.session_key or "")

    async def may_go_on(self) -> bool:
        """Whether the session still signs the viewer in and the reflection
        can still change. A session that no longer matches its account's
        password is looked at once more a moment later: the page that
        changed the password gives its own session the new hash just after
        the change commits, and its other tabs must not close."""
        access = await sync_to_async(_access)(self.session_key, self.viewer_id, self.reflection_id)
        if access == SIGNED_OUT:
            await asyncio.sleep(SECOND_LOOK_SECONDS)
            access = await sync_to_async(_access)(self.session_key, self.viewer_id, self.reflection_id)
        return access == FOLLOWING


def _reflection_open(viewer, pk) -> bool:
    """Whether the viewer's reflection `pk` can still change (404 when they
    may not open it at all): closed once the couple unlinked."""
    try:
        return reflection_or_404(viewer, pk, for_page=False).access.stage != Stage.CLOSED
    finally:
        _release_connections()


FOLLOWING, SIGNED_OUT, REFLECTION_CLOSED = "following", "signed out", "reflection closed"


def _access(session_key, user_id, reflection_id) -> str:
    """Whether the stream's session still signs in its viewer as Django
    checks it on every request (it exists, is theirs, carries their current
    password's hash, for an active account), and they may still follow the
    reflection. Only read: unlike Django's own check, a session found stale
    is left for Django to end at its next request."""
    try:
        user = _signed_in(session_key, user_id)
        if user is None:
            return SIGNED_OUT
        return FOLLOWING if reflection_id is None or _reflection_open(user, reflection_id) else REFLECTION_CLOSED
    except Http404:
        return REFLECTION_CLOSED
    finally:
        _release_connections()


def _signed_in(session_key, user_id):
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    if str(session.get(auth.SESSION_KEY)) != str(user_id) or backend not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = auth.load_backend(backend).get_user(user_id)  # None once inactive or deleted
    signed_hash = session.get(auth.HASH_SESSION_KEY) or ""
    if user is None or not constant_time_compare(signed_hash, user.get_session_auth_hash()):
        return None
    return user


def _release_connections():
    """A stream holds no database connection while it waits (a test's
    transaction, the only atomic block around one, keeps its own)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
