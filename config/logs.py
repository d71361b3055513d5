"""Structured logs: one JSON object per line in production.

What a log line may hold is decided here: the request's method, path (never
its query string or body), status, duration and the user's id. Answer text
and notes never reach a log, because nothing here reads a body or a form.
"""

import logging
import time

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter

request_logger = logging.getLogger("twofold.request")


class LogFormatter(JsonFormatter):
    """JSON with a fixed set of leading keys, so lines sort and grep well."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)


class RequestLogMiddleware:
    """One line per request. Paths carry ids, never text; the query string is
    left out because a `next=` or a search could carry words."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": loaded_user_id(request),
            },
        )
        return response


def loaded_user_id(request):
    """The user's id if something already loaded the user: logging must not
    add a query, nor fail when the database is away."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", user) is empty:
        return None
    return user.pk if user.is_authenticated else None
