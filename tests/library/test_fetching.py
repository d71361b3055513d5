"""Bring your own article (reflections/fetching.py), against pages served by
a web server of the test's own on 127.0.0.1. Names are looked up by a
stand-in resolver: address literals as usual, a few test names to fixed
addresses, anything else "not found"; so no test reaches the internet."""

import datetime
import gzip
import ipaddress
import socket
import ssl
import struct
import threading
import time
import tracemalloc
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from library import fetching
from library.fetching import FetchError, fetch_article, is_public_address, reading_minutes

OG_PAGE = """<!doctype html>
<html><head>
<title>Listening Without Fixing | The Quiet Review</title>
<meta property="og:title" content="Listening Without Fixing">
<meta property="og:site_name" content="The Quiet Review">
<meta property="og:description" content="Why advice can wait until you have heard the whole story.">
<meta property="og:image" content="/images/cover.jpg">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-05-17T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Listening Without Fixing</h1>
<p>When your partner tells you about a hard day, the urge to help can get in the way of hearing them.</p>
<p>Try asking what they need first: to be heard, to be held, or to solve it together.</p>
</article>
<footer>Copyright The Quiet Review</footer>
</body></html>"""

JSON_LD_PAGE = """<!doctype html>
<html><head>
<title>Money Talks at Home</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Money Talks at Home",
 "author": {"@type": "Person", "name": "Sam Rivera"}, "datePublished": "2023-11-02",
 "publisher": {"@type": "Organization", "name": "Daily Ledger"}}
</script>
</head><body><main>
<p>Couples who talk about money early argue less about it later, a survey of readers found.</p>
<p>The hardest part, most said, was the first conversation about debt.</p>
</main></body></html>"""

BARE_PAGE = """<html><head><title>A Plain Page</title></head><body>
<p>Just a few words in a paragraph, with nothing around them.</p>
<p>And a second paragraph to finish.</p>
</body></html>"""

# Says its charset only in the header.
LATIN_1_PAGE = "<html><head><title>Café talk</title></head><body><p>À bientôt.</p></body></html>"

UNTITLED_PAGE = "<html><head></head><body><div>Nothing to call this.</div></body></html>"

# An article, then a comment running on past the 2 MB that are read, then
# the end: what is past 2 MB must never be parsed.
BIG_PAGE = (
    "<html><head><title>A Very Long Page</title></head><body><article>"
    "<p>The first paragraph is all anyone will read of this page.</p><!--"
    + "x" * (3 * 1024 * 1024)
    + "--><p>PAST-THE-CAP the last paragraph.</p></article></body></html>"
)


def gzip_bomb(head, mebibytes):
    """`head`, then `mebibytes` MiB of spaces, gzipped: about 1 KB a MiB.
    Made without the spaces ever being in memory: after a full flush the
    compressor starts afresh, so every MiB compresses to the same bytes."""
    spaces = b" " * 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(mebibytes):
        crc = zlib.crc32(spaces, crc)
    size = (len(head) + mebibytes * 2**20) % 2**32
    # An empty last block, then gzip's trailer: the CRC and size of it all.
    return start + block * mebibytes + b"\x03\x00" + struct.pack("<II", crc, size)


# About 200 KB that inflate to 200 MiB.
BOMB = gzip_bomb(b"<html><head><title>A Small Bomb</title></head><body><p>", 200)

# What a Content-Encoding names, applied in the order named; anything else
# (br, zstd, compress) leaves the body as it is.
ENCODERS = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress}


def encoded(body, coding):
    for layer in coding.split(","):
        body = ENCODERS.get(layer.strip().lower(), bytes)(body)
    return body


@dataclass
class Seen:
    path: str
    host: str
    user_agent: str
    accept_encoding: str


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        site = self.server.site
        headers = self.headers
        site.requests.append(Seen(self.path, headers["Host"], headers["User-Agent"], headers["Accept-Encoding"]))
        path, _, query = self.path.partition("?")
        params = {name: values[0] for name, values in parse_qs(query).items()}
        pages = {"/og": OG_PAGE, "/json-ld": JSON_LD_PAGE, "/bare": BARE_PAGE, "/untitled": UNTITLED_PAGE}
        try:
            if path in pages:
                self.answer(200, "text/html; charset=utf-8", pages[path].encode())
            elif path.startswith("/chain/"):
                left = int(path.removeprefix("/chain/"))
                if left:
                    self.redirect(str(left - 1))  # relative, resolved against /chain/
                else:
                    self.answer(200, "text/html", BARE_PAGE.encode())
            elif path == "/redirect":
                self.redirect(params["to"])
            elif path == "/status":
                self.answer(int(params["code"]), "text/html", b"<html><title>Oops</title></html>")
            elif path == "/typed":
                self.answer(200, params.get("type"), b"%PDF-1.7 not a page")
            elif path == "/xhtml":
                self.answer(200, "application/xhtml+xml", OG_PAGE.encode())
            elif path == "/latin-1":
                self.answer(200, "text/html; charset=iso-8859-1", LATIN_1_PAGE.encode("latin-1"))
            elif path == "/big":
                self.answer(200, "text/html; charset=utf-8", BIG_PAGE.encode())
            elif path == "/endless":
                self.endless()
            elif path == "/slow":
                site.stopping.wait(3)
                self.answer(200, "text/html", BARE_PAGE.encode())
            elif path == "/trickle":
                self.trickle(float(params.get("pause", 0.2)))
            elif path == "/drip":
                self.drip(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + BARE_PAGE.encode())
            elif path == "/encoded":
                coding = params["coding"]
                self.answer(200, "text/html; charset=utf-8", encoded(OG_PAGE.encode(), coding), encoding=coding)
            elif path == "/bomb":
                self.bomb()
            elif path == "/endless-name":
                self.endless_name()
            else:
                self.answer(404, "text/html", b"<html><title>Not found</title></html>")
        except (BrokenPipeError, ConnectionResetError):
            site.client_left.set()

    def answer(self, status, content_type, body, encoding=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def endless(self):
        """A page that never ends (as far as a client can tell): writes until
        the client hangs up, or 64 MB."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><head><title>Endless</title></head><body><p>It starts well.</p><!--")
        for _ in range(1024):
            self.wfile.write(b"x" * 65536)

    def trickle(self, pause):
        """Prompt headers, then a byte every `pause` seconds, 50 of them:
        each wait is short, the whole is long."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><head><title>Trickle</title></head><body><p>")
        for _ in range(50):
            if self.server.site.stopping.wait(pause):
                return
            self.wfile.write(b"x")
            self.wfile.flush()

    def drip(self, response):
        """The whole response, status line and headers too, a byte every
        0.2 s."""
        for byte in response:
            if self.server.site.stopping.wait(0.2):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def bomb(self):
        """BOMB, after a pause: the client is waiting by then and the body
        is there whole, so it reads it in the largest pieces it takes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(BOMB)))
        self.end_headers()
        self.server.site.stopping.wait(0.1)
        self.wfile.write(BOMB)

    def endless_name(self):
        """A gzip header naming a file whose name never ends (or for 64 MB):
        the client reads on and on, and nothing inflates."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(b"\x1f\x8b\x08\x08" + bytes(6))  # magic, deflate, FNAME; time, flags, OS
        for _ in range(1024):
            self.wfile.write(b"x" * 65536)

    def log_message(self, format, *args):
        """Quiet: the test reports what matters, not every request."""


@dataclass
class Site:
    server: ThreadingHTTPServer
    scheme: str = "http"
    requests: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    client_left: threading.Event = field(default_factory=threading.Event)
    sni: list[str] = field(default_factory=list)

    @property
    def port(self):
        return self.server.server_address[1]

    def url(self, path, host="127.0.0.1"):
        return f"{self.scheme}://{host}:{self.port}{path}"


def serve(tls=None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site = Site(server, scheme="https" if tls else "http")
    if tls:
        tls.sni_callback = lambda _socket, name, _context: site.sni.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.site = site
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return site


def stop(site):
    site.stopping.set()
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def site(settings):
    settings.ARTICLE_FETCH_ALLOW_LOOPBACK = True
    site = serve()
    yield site
    stop(site)


class Resolver:
    """Stands in for socket.getaddrinfo. Each test name has a list of
    answers, one a lookup; the last one repeats."""

    def __init__(self, real):
        self.real = real
        self.lookups = []
        self.names = {
            "localhost": [["127.0.0.1", "::1"]],
            "article.test": [["127.0.0.1"]],
            "www.article.test": [["127.0.0.1"]],
            "mixed.test": [["93.184.216.34", "10.0.0.1"]],
        }

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        self.lookups.append(host)
        if host in self.names:
            answers = self.names[host]
            addresses = answers.pop(0) if len(answers) > 1 else answers[0]
            return [self.entry(address, port) for address in addresses]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return self.real(host, port, family, type, proto, flags)

    @staticmethod
    def entry(address, port):
        if ipaddress.ip_address(address).version == 6:
            return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))
        return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    resolver = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    return resolver


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket was opened to (httpx connects through
    socket.create_connection)."""
    opened = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


def refusal(url):
    with pytest.raises(FetchError) as refused:
        fetch_article(url)
    return str(refused.value)


# What a page says about itself


def test_it_reads_the_details_from_opengraph_tags(site):
    article = fetch_article(site.url("/og"))
    assert article.url == site.url("/og")
    assert article.title == "Listening Without Fixing"
    assert article.site_name == "The Quiet Review"
    assert article.author == "Jane Doe"
    assert article.published == datetime.date(2024, 5, 17)
    assert article.description == "Why advice can wait until you have heard the whole story."
    assert article.image_url == site.url("/images/cover.jpg")
    assert "the urge to help can get in the way" in article.text
    assert "Home" not in article.text, "navigation is not the main text"
    assert article.reading_minutes == 1


def test_it_reads_author_date_and_publisher_from_json_ld(site):
    article = fetch_article(site.url("/json-ld"))
    assert article.title == "Money Talks at Home"
    assert article.author == "Sam Rivera"
    assert article.published == datetime.date(2023, 11, 2)
    assert article.site_name == "Daily Ledger"
    assert "first conversation about debt" in article.text


def test_a_bare_page_has_its_title_and_text_and_the_host_for_a_site_name(site):
    article = fetch_article(site.url("/bare"))
    assert article.title == "A Plain Page"
    assert article.site_name == "127.0.0.1"
    assert (article.author, article.published, article.description, article.image_url) == ("", None, "", "")
    assert "nothing around them" in article.text


def test_the_site_name_falls_back_to_the_host_name_without_www_or_port(site):
    assert fetch_article(site.url("/bare", host="www.article.test")).site_name == "article.test"


def test_xhtml_is_read_too(site):
    assert fetch_article(site.url("/xhtml")).title == "Listening Without Fixing"


def test_the_charset_the_server_names_decodes_the_page(site):
    assert fetch_article(site.url("/latin-1")).title == "Café talk"


def test_a_page_without_a_title_asks_for_the_details(site):
    assert refusal(site.url("/untitled")) == "We could not find a title on that page. Fill in the details yourself."


def test_it_introduces_itself(site, settings):
    fetch_article(site.url("/og"))
    assert settings.ARTICLE_FETCH_USER_AGENT == (
        "Twofold/1.0 (reading a page a couple shared; +https://twofold.example/fetching)"
    )
    assert [seen.user_agent for seen in site.requests] == [settings.ARTICLE_FETCH_USER_AGENT]


def test_the_link_never_reaches_a_log(site, caplog):
    fetch_article(site.url("/og?token=kept-out-of-logs"))
    refusal(site.url("/untitled?token=kept-out-of-logs"))
    assert "kept-out-of-logs" not in caplog.text


# Redirects


def test_it_follows_three_redirects_and_reports_where_it_ended(site):
    article = fetch_article(site.url("/chain/3"))
    assert article.url == site.url("/chain/0")
    assert article.title == "A Plain Page"
    assert [seen.path for seen in site.requests] == ["/chain/3", "/chain/2", "/chain/1", "/chain/0"]


def test_a_fourth_redirect_is_refused_without_being_followed(site):
    assert refusal(site.url("/chain/4")) == "That link sends us on to other addresses too many times."
    assert [seen.path for seen in site.requests] == ["/chain/4", "/chain/3", "/chain/2", "/chain/1"]


@pytest.mark.parametrize(
    "target",
    ["http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.1]/", "http://mixed.test/"],
)
def test_a_redirect_to_a_private_address_is_refused_before_connecting(site, connections, target):
    assert refusal(site.url("/redirect?" + urlencode({"to": target}))) == "That address is not a public web page."
    assert connections == [("127.0.0.1", site.port)], "only the first page was connected to"


def test_a_redirect_to_another_scheme_is_refused(site):
    assert refusal(site.url("/redirect?to=file:///etc/passwd")).startswith("That is not a link to a web page.")


# The address is checked, and connected to


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_is_refused_unless_allowed(site, settings, connections, host):
    settings.ARTICLE_FETCH_ALLOW_LOOPBACK = False
    assert refusal(site.url("/og", host=host)) == "That address is not a public web page."
    assert connections == [] and site.requests == []


def test_a_host_with_any_private_address_is_refused(connections):
    assert refusal("http://mixed.test/") == "That address is not a public web page."
    assert connections == []


def test_it_connects_to_the_address_it_checked_not_a_second_lookup(site, resolver, connections):
    # A rebinding name: public (here: the allowed loopback) when checked,
    # private a moment later.
    resolver.names["rebind.test"] = [["127.0.0.1"], ["10.0.0.1"]]
    article = fetch_article(site.url("/og", host="rebind.test"))
    assert article.url == site.url("/og", host="rebind.test")
    assert resolver.lookups.count("rebind.test") == 1
    assert connections == [("127.0.0.1", site.port)]
    assert site.requests[0].host == f"rebind.test:{site.port}"


def test_a_host_that_does_not_resolve_is_not_found():
    assert refusal("http://nonexistent.invalid/") == "We could not find that site. Check the address for typos."


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "2002:a00:1::1",
        "2001:db8::1",
    ],
)
def test_addresses_off_the_public_internet_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"]
)
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


def test_allowing_loopback_allows_nothing_else_private():
    assert is_public_address("127.0.0.1", allow_loopback=True)
    assert is_public_address("::1", allow_loopback=True)
    assert not is_public_address("10.0.0.1", allow_loopback=True)
    assert not is_public_address("::ffff:10.0.0.1", allow_loopback=True)
    assert not is_public_address("169.254.169.254", allow_loopback=True)


# Links that are not links to a web page


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/article",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "not a link",
        "",
        "//example.com/article",
        "http://example.com:99999/",
        "http://example.com:0/",
    ],
)
def test_anything_but_an_http_or_https_link_is_refused(url, connections):
    assert refusal(url) == "That is not a link to a web page. Paste an address that starts with https:// or http://."
    assert connections == []


def test_a_link_with_credentials_is_refused(site):
    url = f"http://reader:secret@127.0.0.1:{site.port}/og"
    assert refusal(url) == "That link has a user name or password in it. Paste the page's address without them."
    assert site.requests == []


# What comes back


@pytest.mark.parametrize("code", [404, 500])
def test_an_error_status_is_reported_with_its_code(site, code):
    assert refusal(site.url(f"/status?code={code}")) == f"The page answered with an error ({code})."


@pytest.mark.parametrize("content_type", ["application/pdf", "text/plain", "image/png", "application/json", None])
def test_anything_but_html_is_refused(site, content_type):
    path = "/typed?" + urlencode({"type": content_type}) if content_type else "/typed"
    assert refusal(site.url(path)) == "That link leads to a file, not a web page."


def test_a_page_over_2_mb_is_cut_off_there_and_read_as_far_as_it_got(site, monkeypatch):
    parsed = []
    real_load_html = fetching.load_html
    monkeypatch.setattr(fetching, "load_html", lambda html: parsed.append(len(html)) or real_load_html(html))
    article = fetch_article(site.url("/big"))
    assert article.title == "A Very Long Page"
    assert "all anyone will read" in article.text
    assert "PAST-THE-CAP" not in article.text
    assert parsed == [fetching.MAX_BYTES] and len(BIG_PAGE) > 1.5 * fetching.MAX_BYTES


def test_it_stops_reading_a_page_that_never_ends(site, monkeypatch):
    parsed = []
    real_load_html = fetching.load_html
    monkeypatch.setattr(fetching, "load_html", lambda html: parsed.append(len(html)) or real_load_html(html))
    assert fetch_article(site.url("/endless")).title == "Endless"
    assert parsed == [fetching.MAX_BYTES]
    assert site.client_left.wait(5), "the server saw the client hang up"


def test_a_gzip_bomb_is_inflated_no_further_than_2_mb(site, monkeypatch):
    # What the download holds, measured up to the parsing: a few times
    # MAX_BYTES at most, however much each piece read inflates to.
    measured = []
    real_article = fetching._article

    def article(url, html):
        measured.append((len(html), tracemalloc.get_traced_memory()[1]))
        tracemalloc.stop()
        return real_article(url, html)

    monkeypatch.setattr(fetching, "_article", article)
    tracemalloc.start()
    try:
        assert fetch_article(site.url("/bomb")).title == "A Small Bomb"
    finally:
        tracemalloc.stop()
    [(length, peak)] = measured
    assert length == fetching.MAX_BYTES
    assert peak < 4 * fetching.MAX_BYTES
    assert len(BOMB) < 250_000 and gzip.decompress(gzip_bomb(b"<p>", 3)) == b"<p>" + b" " * 3 * 2**20


def test_a_compressed_page_is_cut_off_after_2_mb_on_the_wire_too(site):
    assert refusal(site.url("/endless-name")) == "We could not find a title on that page. Fill in the details yourself."
    assert site.client_left.wait(5), "the server saw the client hang up"


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "GZip"])
def test_a_page_compressed_once_is_read(site, coding):
    assert fetch_article(site.url("/encoded?" + urlencode({"coding": coding}))).title == "Listening Without Fixing"


@pytest.mark.parametrize("coding", ["gzip, gzip", "deflate, gzip", "br", "zstd", "compress"])
def test_a_page_compressed_more_than_once_or_in_a_way_we_do_not_know_is_refused(site, coding):
    assert refusal(site.url("/encoded?" + urlencode({"coding": coding}))) == "We could not read that page."


def test_it_asks_for_the_page_uncompressed(site):
    fetch_article(site.url("/og"))
    assert [seen.accept_encoding for seen in site.requests] == ["identity"]


def test_a_page_slower_than_the_time_budget_is_refused_in_time(site, settings):
    settings.ARTICLE_FETCH_TIMEOUT = 1
    started = time.monotonic()
    assert refusal(site.url("/slow")) == "The page took too long to answer."
    assert 0.9 < time.monotonic() - started < 1.8


def test_the_budget_is_for_the_whole_page_not_each_wait(site, settings):
    settings.ARTICLE_FETCH_TIMEOUT = 1
    started = time.monotonic()
    assert refusal(site.url("/trickle")) == "The page took too long to answer."
    assert 0.9 < time.monotonic() - started < 1.8


def test_the_budget_covers_headers_sent_a_byte_at_a_time(site, settings):
    settings.ARTICLE_FETCH_TIMEOUT = 1
    started = time.monotonic()
    assert refusal(site.url("/drip")) == "The page took too long to answer."
    assert 0.9 < time.monotonic() - started < 1.8


def test_the_budget_ends_a_pause_in_the_body_at_the_deadline_not_a_wait_later(site, settings):
    # A pause just short of the budget: waiting it out twice would take
    # nearly twice the budget.
    settings.ARTICLE_FETCH_TIMEOUT = 1
    started = time.monotonic()
    assert refusal(site.url("/trickle?pause=0.9")) == "The page took too long to answer."
    assert 0.9 < time.monotonic() - started < 1.5


# https: connected by address, checked by name


def tls_for(tmp_path, name):
    """A server context with a certificate for `name`, and a client context
    that trusts its authority (and nothing else)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Twofold test authority")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(*[False] * 5, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


@pytest.fixture
def tls_site(settings, tmp_path, monkeypatch, request):
    settings.ARTICLE_FETCH_ALLOW_LOOPBACK = True
    server_tls, client_tls = tls_for(tmp_path, request.param)
    monkeypatch.setattr(fetching, "TLS_CONTEXT", client_tls)
    site = serve(tls=server_tls)
    yield site
    stop(site)


@pytest.mark.parametrize("tls_site", ["article.test"], indirect=True)
def test_https_connects_to_the_checked_address_and_checks_the_certificate_by_name(tls_site, connections):
    article = fetch_article(tls_site.url("/og", host="article.test"))
    assert article.title == "Listening Without Fixing"
    assert urlsplit(article.url).hostname == "article.test"
    assert connections == [("127.0.0.1", tls_site.port)]
    assert tls_site.sni == ["article.test"]
    assert tls_site.requests[0].host == f"article.test:{tls_site.port}"


@pytest.mark.parametrize("tls_site", ["other.test"], indirect=True)
def test_https_refuses_a_certificate_for_another_name(tls_site):
    assert refusal(tls_site.url("/og", host="article.test")) == "We could not connect to that site."
    assert tls_site.requests == []


# Reading time


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (250, 1), (350, 2), (1000, 5), (1399, 7), (1401, 7), (2401, 12)]
)
def test_reading_time_is_200_words_a_minute_and_at_least_one(words, minutes):
    assert reading_minutes(" ".join(["word"] * words)) == minutes


def test_reading_time_counts_words_not_spaces():
    assert reading_minutes("  one\ttwo\n\nthree  " * 200) == 3
