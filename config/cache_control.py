"""Signed-in pages hold what people wrote: no browser or proxy keeps them."""

from django.contrib.auth import SESSION_KEY
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in
    request (pages, htmx fragments, exports), so the back button on a
    shared computer or a caching proxy never shows answers after sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asked before the view: one that signs the person out (logging out,
        # deleting the account) still answers a signed-in request. The
        # session is enough to ask: loading the user would cost a query on
        # requests that need no user. A session whose user is gone is
        # treated as signed in, which only keeps more out of caches.
        session = getattr(request, "session", None)
        signed_in = session is not None and SESSION_KEY in session
        response = self.get_response(request)
        if signed_in:
            patch_cache_control(response, no_store=True, private=True)
        return response
