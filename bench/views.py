"""The bench's own view, routed only by bench/urls.py."""

from django.http import HttpResponse


def ceiling(request):
    """The benchmark's yardstick (`make bench`): the least a Twofold page can
    cost, since it passes through the same server, settings and middleware
    (session, user, CSRF, CSP) and does nothing else. Each page is judged by
    its ratio to this, measured beside it on the same machine."""
    return HttpResponse("ok", content_type="text/plain")
