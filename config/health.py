"""What load balancers and people see when the database is away.

`/healthz` answers 200 only when the database answers. A page whose request
hits a lost database answers a friendly 503 instead of a 500: nothing was
written, and trying again later is the right advice. So does a sign-out
that could not reach Redis (config/sessions.py): the person is told they
are still signed in.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.sessions import SessionNotEnded

logger = logging.getLogger(__name__)

# Connection-level failures: the database is down or unreachable. Other
# database errors (a constraint, a bad query) are bugs and stay 500s.
UNAVAILABLE = (OperationalError, InterfaceError)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check failed", extra={"error": type(error).__name__})
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def server_error(request):
    """handler500. Django calls it while the exception is being handled, so
    sys.exception() tells a lost database from a bug. Neither page touches
    the database: no context processors, no user."""
    error = sys.exception()
    if isinstance(error, (*UNAVAILABLE, SessionNotEnded)):
        page = "503_sign_out.html" if isinstance(error, SessionNotEnded) else "503.html"
        response = HttpResponse(loader.render_to_string(page), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
