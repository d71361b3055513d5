"""Bring your own article: read the page a couple pasted a link to, for its
details (title, site, author, date, description, image) and its main text.
Twofold keeps the link and the details; the text only suggests prompts and
a reading time, and is never stored.

The request goes from our servers to an address a user typed, so it
reaches the public web and nothing else (SSRF):

- http and https only, on the URL's own port, with no credentials in it;
- every address the host resolves to must be public, and the connection
  goes to one of those checked addresses, never to a second lookup that a
  rebinding DNS server could answer differently. The URL names the address;
  the Host header and, for https, the SNI name (which the certificate is
  checked against) keep the host name;
- redirects are followed by hand, at most three, each checked again;
- one time budget for the whole fetch, redirects included: every connect,
  TLS handshake, write and read, of the headers as of the body, waits only
  for what is left of it, so a server that answers a byte at a time is cut
  short too (looking the name up is the system resolver's, with its own
  time limit);
- at most 2 MB is read, counted as it comes over the wire and again as it
  inflates: the page is asked for uncompressed, a server that compresses
  it anyway may use one layer of gzip or deflate and no more, and it is
  inflated a piece at a time, never past 2 MB;
- only HTML is parsed.

trafilatura reads the details (meta tags, OpenGraph, JSON-LD) and the main
text.
"""

import datetime
import ipaddress
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from trafilatura import bare_extraction, extract_metadata, load_html

from core.errors import DomainError

from .deadline import DeadlineTransport

MAX_REDIRECTS = 3
MAX_BYTES = 2 * 1024 * 1024
WORDS_PER_MINUTE = 200
HTML_TYPES = {"text/html", "application/xhtml+xml"}
DEFAULT_PORTS = {"http": 80, "https": 443}
COMPRESSIONS = {"gzip", "x-gzip", "deflate"}

# certifi's roots, host names checked; made once rather than per request.
TLS_CONTEXT = httpx.create_ssl_context()

# What a FetchError says, in the reader's language once it is shown.
NOT_A_LINK = _("That is not a link to a web page. Paste an address that starts with https:// or http://.")
CREDENTIALS = _("That link has a user name or password in it. Paste the page's address without them.")
HOST_NOT_FOUND = _("We could not find that site. Check the address for typos.")
NOT_PUBLIC = _("That address is not a public web page.")
UNREACHABLE = _("We could not connect to that site.")
UNREADABLE = _("We could not read that page.")
TOO_MANY_REDIRECTS = _("That link sends us on to other addresses too many times.")
TIMEOUT = _("The page took too long to answer.")
NOT_HTML = _("That link leads to a file, not a web page.")
NO_TITLE = _("We could not find a title on that page. Fill in the details yourself.")


@dataclass(frozen=True)
class FetchedArticle:
    """A page's details as it gives them: `url` is where the redirects
    ended, `site_name` the host when the page names no site, `image_url`
    absolute or "". `text` is the main text, for suggestions only."""

    url: str
    title: str
    site_name: str
    author: str
    published: datetime.date | None
    description: str
    image_url: str
    reading_minutes: int
    text: str


class FetchError(DomainError):
    """Why the page could not be read, in plain words fit to show the user
    (str(error)), e.g. "That address is not a public web page." """


def reading_minutes(text: str) -> int:
    """200 words a minute, to the nearest minute, at least 1: a brought
    article's and a guide's (library.py) alike."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))


def is_public_address(address: str, *, allow_loopback: bool = False) -> bool:
    """Whether an address is on the public internet. An IPv4-mapped IPv6
    address (::ffff:10.0.0.1) reaches its IPv4 one, and is judged as that."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return is_public_address(str(ip.ipv4_mapped), allow_loopback=allow_loopback)
        if ip.is_site_local:  # deprecated, but Python counts fec0::/10 as global
            return False
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not (
        ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def fetch_article(url: str) -> FetchedArticle:
    """The page at `url` (after redirects) and what it says about itself.
    Raises FetchError when it is not a public HTML page or cannot be read."""
    try:
        final_url, body, charset = _download(url)
    except httpx.TimeoutException:
        raise FetchError(TIMEOUT) from None
    except httpx.HTTPError:
        raise FetchError(UNREADABLE) from None
    return _article(final_url, _decoded(body, charset))


def _download(url: str) -> tuple[httpx.URL, bytes, str | None]:
    deadline = time.monotonic() + settings.ARTICLE_FETCH_TIMEOUT
    target = _checked_url(url)
    for _attempt in range(MAX_REDIRECTS + 1):
        with _response(target, _public_addresses(target), deadline) as response:
            if response.is_redirect:
                target = _checked_url(response.headers["Location"], base=target)
                continue
            if not response.is_success:
                raise FetchError(
                    gettext("The page answered with an error (%(status)s).") % {"status": response.status_code}
                )
            media_type = response.headers.get("Content-Type", "").partition(";")[0].strip().lower()
            if media_type not in HTML_TYPES:
                raise FetchError(NOT_HTML)
            return target, _read_capped(response), response.charset_encoding
    raise FetchError(TOO_MANY_REDIRECTS)


def _checked_url(raw: str, *, base: httpx.URL | None = None) -> httpx.URL:
    try:
        url = base.join(raw) if base else httpx.URL(raw.strip())
    except httpx.InvalidURL:
        raise FetchError(NOT_A_LINK) from None
    if url.scheme not in DEFAULT_PORTS or not url.host or (url.port is not None and not 0 < url.port < 65536):
        raise FetchError(NOT_A_LINK)
    if url.userinfo:
        raise FetchError(CREDENTIALS)
    return url.copy_with(fragment=None)


def _public_addresses(url: httpx.URL) -> list[str]:
    """The host's addresses, once all of them are checked: a name that
    resolves to one public and one private address is refused."""
    port = url.port or DEFAULT_PORTS[url.scheme]
    try:
        found = socket.getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(HOST_NOT_FOUND) from None
    addresses = list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))
    allow_loopback = settings.ARTICLE_FETCH_ALLOW_LOOPBACK
    if not all(is_public_address(address, allow_loopback=allow_loopback) for address in addresses):
        raise FetchError(NOT_PUBLIC)
    return addresses


@contextmanager
def _response(url: httpx.URL, addresses: list[str], deadline: float) -> Iterator[httpx.Response]:
    """The streamed response from the first checked address that connects.
    A client per request, so no connection (nor its TLS session, made for
    another name) is reused across a redirect."""
    headers = {
        "User-Agent": settings.ARTICLE_FETCH_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml",
        # Uncompressed, so that what is read is what is counted (_read_capped).
        "Accept-Encoding": "identity",
    }
    with httpx.Client(
        transport=DeadlineTransport(deadline, ssl_context=TLS_CONTEXT), trust_env=False, headers=headers
    ) as client:
        for address in addresses:
            request = client.build_request(
                "GET",
                url.copy_with(host=address),
                headers={"Host": url.netloc.decode("ascii")},
                extensions={"sni_hostname": url.host},
                timeout=_remaining(deadline),
            )
            try:
                response = client.send(request, stream=True)
            except httpx.ConnectError:
                continue  # nothing was sent yet: the next address may answer
            try:
                yield response
            finally:
                response.close()
            return
    raise FetchError(UNREACHABLE)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(TIMEOUT)
    return left


def _read_capped(response: httpx.Response) -> bytes:
    """Up to MAX_BYTES of the page; a longer page is cut off there. The body
    is read as it came over the wire and inflated here, a piece at a time:
    the bytes read and the bytes they inflate to both count against
    MAX_BYTES, so a small body that inflates a thousandfold is never held
    whole, nor is a long one that inflates to nothing."""
    inflate = _inflater(response.headers)
    body = bytearray()
    wire = 0
    for chunk in response.iter_raw():
        wire += len(chunk)
        if inflate:
            try:
                # At most the room left, which is never 0 here (0: no limit).
                chunk = inflate(chunk, MAX_BYTES - len(body))
            except zlib.error:
                raise FetchError(UNREADABLE) from None
        body += chunk
        if len(body) >= MAX_BYTES or wire >= MAX_BYTES:
            break
    del body[MAX_BYTES:]
    return bytes(body)


def _inflater(headers: httpx.Headers) -> Callable[[bytes, int], bytes] | None:
    """What inflates the body (given a piece, and the most it may inflate
    to), or None when it came as it is. One layer of gzip or deflate, no
    more: each layer multiplies what a few bytes inflate to. A coding we do
    not know (br, zstd) is refused too."""
    codings = [coding.strip().lower() for coding in headers.get_list("Content-Encoding", split_commas=True)]
    codings = [coding for coding in codings if coding not in ("", "identity")]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in COMPRESSIONS:
        raise FetchError(UNREADABLE)
    # 32 + 15: zlib tells gzip's header from zlib's, which HTTP's deflate is.
    return zlib.decompressobj(32 + zlib.MAX_WBITS).decompress


def _decoded(body: bytes, charset: str | None) -> str | bytes:
    """The charset the server names, or else the bytes, for trafilatura to
    find the encoding in the page itself."""
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    return body


def _article(url: httpx.URL, html: str | bytes) -> FetchedArticle:
    tree = load_html(html)
    # No default URL: trafilatura would make a site name of it, port and
    # all; the fallback below uses the host alone. Dates come from what the
    # page declares (meta tags, JSON-LD, <time>), not guessed from its text.
    details = extract_metadata(tree, extensive=False) if tree is not None else None
    if details is None or not details.title:
        raise FetchError(NO_TITLE)
    # No URL either: it would only resolve links, which the text leaves out,
    # and would reach trafilatura's log lines.
    main = bare_extraction(tree, include_comments=False)
    text = (main.text if main else None) or ""
    return FetchedArticle(
        url=str(url),
        title=details.title,
        site_name=details.sitename or url.host.removeprefix("www."),
        author=details.author or "",
        published=_date(details.date),
        description=details.description or "",
        image_url=_absolute(url, details.image),
        reading_minutes=reading_minutes(text),
        text=text,
    )


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _absolute(base: httpx.URL, link: str | None) -> str:
    if not link:
        return ""
    try:
        url = base.join(link)
    except httpx.InvalidURL:
        return ""
    return str(url) if url.scheme in DEFAULT_PORTS else ""
