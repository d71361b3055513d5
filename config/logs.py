"""Structured logs: one JSON object per line in production.

What a log line may hold is decided here: the request's method, the route
it matched with its ids filled in (never a token, key or any other word from
the path, never the query string or body), status, duration and the user's
id. Answer text and notes never reach a log, because nothing here reads a
body or a form.
"""

import logging
import re
import time

from django.contrib.auth import SESSION_KEY
from pythonjsonlogger.json import JsonFormatter

from core.numbers import whole_number

request_logger = logging.getLogger("twofold.request")


class LogFormatter(JsonFormatter):
    """JSON with a fixed set of leading keys, so lines sort and grep well."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)


class RequestLogMiddleware:
    """One line per request. The path is logged as its route: invitation and
    coaching tokens and password-reset keys live in paths, and a key read
    from a log must not open anything. The query string is left out because
    a `next=` or a search could carry words."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        path = logged_path(request)
        request_logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": session_user_id(request),
            },
        )
        return response


PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def logged_path(request):
    """The route the request matched, with whole-number ids in place and
    every other parameter left as its name: `/reflections/3/`,
    `/partner/join/<token>/`. A route written as a regular expression logs
    its view's name; a path that matched nothing logs nothing of itself."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "(no route)"
    route = match.route
    if any(mark in route for mark in "^$()?\\"):  # a regular expression, which may hold a key
        return f"({match.view_name})"

    def filled(parameter):
        value = match.kwargs.get(parameter["name"])
        return str(value) if isinstance(value, int) else f"<{parameter['name']}>"

    return "/" + PARAMETER.sub(filled, route)


class RoutesNotPaths(logging.Filter):
    """Django's own request warnings ("Not Found: <path>") name the path and
    carry the request: they get the logged route in its place, so a token
    in a path reaches no log line either."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            route = logged_path(request)
            if isinstance(record.args, tuple):
                record.args = tuple(route if arg == request.path else arg for arg in record.args)
            record.request = f"{request.method} {route}"
        return True


def session_user_id(request):
    """Who the session says is signed in once the view is done (after a
    sign-in, the new person; after a sign-out, nobody), if something already
    read the session: logging must not add a read of its own, nor fail when
    the session's store is away (the request's own answer says so)."""
    session = getattr(request, "session", None)
    if session is None or not session.accessed:
        return None
    try:
        return whole_number(session.get(SESSION_KEY))
    except Exception:
        return None
