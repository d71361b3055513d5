"""Signed-in pages hold what people wrote: no browser or proxy keeps them."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in
    request (pages, htmx fragments, exports), so the back button on a
    shared computer or a caching proxy never shows answers after sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asked before the view: one that signs the person out (logging out,
        # deleting the account) still answers a signed-in request.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        if signed_in:
            patch_cache_control(response, no_store=True, private=True)
        return response
