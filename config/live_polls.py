"""The status poll's fast answer, in front of Django.

Every open reflection page asks every few seconds whether its partner
status changed, and nearly always nothing has. Going through the whole
middleware stack (session, user, signed-in devices, CSRF, messages, ...)
and opening the reflection to say so costs a page's worth of work per
poll, so this WSGI wrapper answers the common case itself: a GET of the
status URL whose signed token (reflections/live.py) names this session,
for a viewer whose live version in the cache is still the one the page was
rendered at, and whose session still exists, gets an empty 204 from one
read of the cache. The 204 says nothing, not even progress (P6).

Anything else, a missing, forged or stale token, another session's cookie,
a version gone from the cache, a cache that fails, goes to Django
unchanged, whose view answers as it always has (404 for strangers, the
sign-in page for the signed-out, the new status line after a change).
"""

import time
from importlib import import_module
from urllib.parse import parse_qs

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
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


class LivePolls:
    """WSGI middleware: `LivePolls(django_wsgi_app)`."""

    def __init__(self, app):
        self.app = app
        self.sessions = import_module(settings.SESSION_ENGINE).SessionStore
        # cached_db (with Redis) keeps sessions in the default cache, beside the versions.
        self.sessions_in_cache = (
            settings.SESSION_ENGINE.endswith((".cache", ".cached_db")) and settings.SESSION_CACHE_ALIAS == "default"
        )
        # The headers the app's middleware puts on every response, from the
        # same classes, so the fast 204 cannot drift from the full one.
        self.headers = [
            SecurityMiddleware(_unused),
            ContentSecurityPolicyMiddleware(_unused),
            XFrameOptionsMiddleware(_unused),
        ]
        self.built = {}

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and "live=" in environ.get("QUERY_STRING", ""):
            started = time.perf_counter()
            try:
                request = self.unchanged(environ)
            except Exception:  # whatever went wrong here, Django answers properly
                request = None
            if request is not None:
                return self.no_content(request, started, start_response)
        return self.app(environ, start_response)

    def unchanged(self, environ) -> WSGIRequest | None:
        """The request when it may be answered "unchanged" here, else None."""
        try:
            match = resolve(environ.get("PATH_INFO", ""))
        except Resolver404:
            return None
        if match.view_name != POLL_VIEW:
            return None
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as Django checks it
        except DisallowedHost:
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # Django redirects it to https
        tokens = parse_qs(environ["QUERY_STRING"]).get("live")
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
        still exists: not signed out (here or from another device), not
        expired. One read of the cache when sessions are kept there too."""
        key = live.version_key(token.reflection_id, token.user_id)
        store = self.sessions(session_key)
        if self.sessions_in_cache:
            found = cache.get_many([key, store.cache_key])
            return found.get(key) == token.version and store.cache_key in found
        return cache.get(key) == token.version and store.exists(session_key)

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

    def no_content(self, request, started, start_response):
        headers = self.headers_for(request)
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
        start_response("204 No Content", list(headers))
        return []
