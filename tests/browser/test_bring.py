"""A couple brings an article by link: Twofold reads its details from the
page (served here by a local web server), both partners answer, and the
reveal shows it credited to its source."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import link

from .conftest import check_page, log_in, make_person
from .test_core_loop import answer_everything

PAGE = """<!doctype html><html lang="en"><head>
<title>Evenings that belong to no one</title>
<meta property="og:title" content="Evenings that belong to no one">
<meta property="og:site_name" content="The Local Gazette">
<meta name="author" content="Sam Writer">
<meta property="og:description" content="Why unplanned time together matters.">
</head><body><article><h1>Evenings that belong to no one</h1>
<p>Couples who keep a little unplanned time together each week talk more about small things.</p>
<p>Time together without a plan, phones away, a walk or a meal, is where small talk turns into closeness.</p>
</article></body></html>"""


class Article(BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet: the test reports what matters, not every request."""


@pytest.fixture
def article_site(settings):
    settings.ARTICLE_FETCH_ALLOW_LOOPBACK = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/evenings"
    server.shutdown()
    server.server_close()


def test_a_couple_brings_an_article_by_link_and_reflects_on_it(new_page, library, article_site):
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    page = new_page()
    log_in(page, alice.email)

    page.goto("/library/")
    page.get_by_role("link", name="Bring an article of your own").click()
    check_page(page, "bring an article")
    page.get_by_label("Link to the article").fill(article_site)
    page.get_by_role("button", name="Look it up").click()
    assert page.get_by_label("Title").input_value() == "Evenings that belong to no one"
    assert page.get_by_label("Published by").input_value() == "The Local Gazette"
    check_page(page, "the article's details and suggested questions")
    suggested = page.get_by_role("group", name="Suggested for this article").get_by_role("checkbox")
    assert suggested.count() >= 3
    assert [box.is_checked() for box in suggested.all()[:3]] == [True] * 3, "the best three start ticked"
    for box in suggested.all():
        box.check()  # Alice takes them all
    page.get_by_label("Why this one? (a line or two for your partner)").fill("This one made me think of us.")
    page.get_by_role("button", name="Start this reflection together").click()
    page.get_by_text("Bob will hear that you suggested").wait_for()
    answer_everything(page, "Alice wrote")
    page.get_by_role("button", name="I’m ready to reveal").click()
    page.get_by_text("You are ready.").first.wait_for()
    # Alice's tab is done: closed, it stops polling. The test server shares
    # one SQLite connection between its threads, and a poll arriving while
    # Bob's autosave runs can collide on it (a worker of the real server has
    # a connection of its own).
    page.close()

    partner = new_page()
    log_in(partner, bob.email)
    partner.get_by_text("Alice suggested an article to reflect on").first.wait_for()
    partner.get_by_role("link", name="Evenings that belong to no one").first.click()
    answer_everything(partner, "Bob wrote")
    partner.get_by_role("button", name="I’m ready to reveal").click()

    partner.get_by_text("Alice wrote #1").wait_for()
    credit = partner.locator(".credit").first
    assert "The Local Gazette" in credit.inner_text()
    assert credit.get_by_role("link").get_attribute("href") == article_site
    check_page(partner, "a brought article, revealed")
