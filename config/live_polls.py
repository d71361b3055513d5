"""The status poll's fast answer, in front of Django, for WSGI and ASGI.

Every open reflection page asks every few seconds whether its partner
status changed, and nearly always nothing has. Going through the whole
middleware stack (session, user, signed-in devices, CSRF, messages, ...)
and opening the reflection to say so costs a page's worth of work per
poll, so this WSGI wrapper answers the common case itself: a GET of the
status URL whose signed token (reflections/live.py) names this session,
for a viewer whose live version in the cache is still the one the page was
rendered at, and whose session still signs them in as Django would see it
(it exists, is theirs, carries their current password hash, for an active
account), gets an empty 204 from one read of the cache. The 204 says
nothing, not even progress (P6).

Anything else, a missing, forged or stale token, another session's cookie,
a version gone from the cache, a cache that fails, goes to Django
unchanged, whose view answers as it always has (404 for strangers, the
sign-in page for the signed-out, the new status line after a change).

`LivePolls` wraps the WSGI app every page is served by (config/wsgi.py);
`AsyncLivePolls` the ASGI app (config/asgi.py) of the live servers, which
hold thousands of open tabs' polls on an event loop for a fraction of what
a worker process per request costs (README, "Running in production").
"""

import asyncio
import io
import time
from importlib import import_module
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.sessions.backends import cache as cache_sessions
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers

from config.logs import logged_path, request_logger
from reflections import live

POLL_VIEW = "reflections:live_status"


def _unused(request):  # the middlewares below only add headers to a response
    raise NotImplementedError


class UnchangedPolls:
    """The rule for which polls may be answered here, and the 204 itself,
    whatever the server in front."""

    def __init__(self):
        self.sessions = import_module(settings.SESSION_ENGINE).SessionStore
        # With Redis (config/sessions.py, a cached_db) sessions are in the
        # default cache, beside the versions.
        self.sessions_in_cache = (
            issubclass(self.sessions, (cache_sessions.SessionStore, cached_db.SessionStore))
            and settings.SESSION_CACHE_ALIAS == "default"
        )
        # Without Redis the answer reads the database (the cache's table, the
        # sessions), which an event loop must not wait on.
        self.needs_database = not self.sessions_in_cache or settings.CACHES["default"]["BACKEND"].endswith(
            "DatabaseCache"
        )
        # The headers the app's middleware puts on every response, from the
        # same classes, so the fast 204 cannot drift from the full one.
        self.headers = [
            SecurityMiddleware(_unused),
            ContentSecurityPolicyMiddleware(_unused),
            XFrameOptionsMiddleware(_unused),
        ]
        self.built = {}

    def answer(self, path, query_string, make_request):
        """The 204's headers when the poll of `path` may be answered here,
        else None; `make_request()` builds the HttpRequest, only once the
        path is the poll's. Whatever goes wrong here, Django answers."""
        started = time.perf_counter()
        try:
            request = self.unchanged(path, query_string, make_request)
        except Exception:
            return None
        if request is None:
            return None
        self.log(request, started)
        return self.headers_for(request)

    def unchanged(self, path, query_string, make_request) -> WSGIRequest | ASGIRequest | None:
        """The request when it may be answered "unchanged" here, else None."""
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name != POLL_VIEW:
            return None
        request = make_request()
        try:
            request.get_host()  # ALLOWED_HOSTS, as Django checks it
        except DisallowedHost:
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # Django redirects it to https
        tokens = parse_qs(query_string).get("live")
        token = live.read_poll_token(tokens[0]) if tokens else None
        if token is None or token.reflection_id != match.kwargs["pk"]:
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not token.for_session(session_key):
            return None
        if not self.still_current(token, session_key):
            return None
        request.resolver_match = match
        request.live_user_id = token.user_id
        return request

    def still_current(self, token, session_key) -> bool:
        """The viewer's live version is still the token's, and the session
        still signs them in: not signed out (here or from another device),
        not expired, not left behind by a password change or a deactivation
        (live.session_signs_in). One read of the cache when sessions are
        kept there too."""
        key = live.version_key(token.reflection_id, token.user_id)
        stamp_key = live.sign_in_key(token.user_id)
        store = self.sessions(session_key)
        if self.sessions_in_cache:
            found = cache.get_many([key, stamp_key, store.cache_key])
            session = found.get(store.cache_key)
        else:
            found = cache.get_many([key, stamp_key])
            session = store.load()
        return found.get(key) == token.version and live.session_signs_in(session, token.user_id, found.get(stamp_key))

    def headers_for(self, request) -> list[tuple[str, str]]:
        """The 204's headers. They depend on the settings and on whether the
        request came over https (HSTS) only, so each kind is built once."""
        secure = request.is_secure()
        if secure not in self.built:
            response = HttpResponse(status=204)
            response["Content-Length"] = "0"
            # What config.cache_control.PrivatePagesMiddleware gives a signed-in request.
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ["Cookie"])
            for middleware in self.headers:
                response = middleware.process_response(request, response)
            self.built[secure] = list(response.items())
        return self.built[secure]

    def log(self, request, started):
        path = logged_path(request)
        request_logger.info(
            "%s %s %s",
            "GET",
            path,
            204,
            extra={
                "method": "GET",
                "path": path,
                "status": 204,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": request.live_user_id,
            },
        )


def _is_poll(method, query_string) -> bool:
    """Cheap first sieve: only a GET carrying a poll token can be a poll."""
    return method == "GET" and "live=" in query_string


class LivePolls:
    """WSGI middleware: `LivePolls(django_wsgi_app)`."""

    def __init__(self, app):
        self.app = app
        self.polls = UnchangedPolls()

    def __call__(self, environ, start_response):
        query_string = environ.get("QUERY_STRING", "")
        if _is_poll(environ.get("REQUEST_METHOD"), query_string):
            headers = self.polls.answer(environ.get("PATH_INFO", ""), query_string, lambda: WSGIRequest(environ))
            if headers is not None:
                start_response("204 No Content", list(headers))
                return []
        return self.app(environ, start_response)


class AsyncLivePolls:
    """ASGI middleware: `AsyncLivePolls(django_asgi_app)`.

    The check runs on the event loop itself, its one cache read included:
    a read of a Redis beside the server takes a fraction of a millisecond,
    less than handing it to a thread and back would cost, and a live server
    does nothing else that could wait on it. Without Redis the check would
    read the database, so every poll goes to Django. Everything else,
    fall-through polls included, goes to Django's ASGI handler, which runs
    the views in threads as it always does."""

    # Django's ASGI handler runs each request's view in a thread of its own,
    # with a database connection from the pool. When many tabs fall through
    # at once (a burst of changes, an emptied Redis), the rest wait here for
    # their turn rather than each take a connection, and the one thread
    # competes with the event loop for the interpreter: with more at once,
    # the unchanged polls waited longer behind them.
    DJANGO_AT_ONCE = 1

    def __init__(self, app):
        self.app = app
        self.polls = UnchangedPolls()
        self.django_turns = asyncio.Semaphore(self.DJANGO_AT_ONCE)

    async def __call__(self, scope, receive, send):
        if await self.answered_here(scope, send):
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan
            return
        async with self.django_turns:
            await self.app(scope, receive, send)

    async def answered_here(self, scope, send) -> bool:
        if scope["type"] == "http" and not self.polls.needs_database:
            query_string = scope.get("query_string", b"").decode("latin-1")
            if _is_poll(scope.get("method"), query_string):
                path = scope["path"].removeprefix(scope.get("root_path", ""))
                headers = self.polls.answer(path, query_string, lambda: ASGIRequest(scope, io.BytesIO()))
                if headers is not None:
                    await send({"type": "http.response.start", "status": 204, "headers": _encoded(headers)})
                    await send({"type": "http.response.body", "body": b""})
                    return True
        return False


def _encoded(headers):
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
