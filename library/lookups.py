"""Looking up a page for someone: the article fetch (fetching.py) as the
bring-an-article and new-article pages ask for it.

A lookup makes our servers request an address a user typed, so it is
limited like anything that can be repeated against someone else (allauth's
rate limits, as partner codes are): per person, per network address they
come from, and per site looked up, so that nobody can make Twofold hammer
a site or use it as their own fetcher. allauth counts POSTs only, and every
lookup is one."""

from urllib.parse import urlsplit

from allauth.core import ratelimit
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .fetching import FetchedArticle, FetchError, fetch_article

LOOKUP_ACTION = "article_lookup"


class LookupLimited(FetchError):
    """Too many lookups for now (a 429)."""


TOO_MANY = _("You have looked up a lot of links in a short time, so we did not look this one up. Try again later.")


def article_look_up(request: HttpRequest, url: str) -> FetchedArticle:
    """The page at `url`, read for `request.user`, if their limits allow.
    Raises FetchError (LookupLimited when over a limit) with a message fit
    to show."""
    if request.method != "POST":
        raise ValueError("a lookup is a POST: a GET is neither limited nor safe to repeat")
    site = (urlsplit(url.strip()).hostname or "").lower()
    if not ratelimit.consume(request, action=LOOKUP_ACTION, user=request.user, key=site):
        raise LookupLimited(TOO_MANY)
    return fetch_article(url)
