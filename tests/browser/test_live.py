"""Live updates in two browsers at once: what one partner does shows on
the other's open page within two seconds, without a reload, pushed by the
page's event stream (reflections/streams.py); a change made while the
stream was away shows once it is back; and where no stream gets through,
the page polls instead."""

import re
import time

from accounts.services import couple_unlink
from reflections.services import readiness_set, reflection_start

from ..conftest import answer_all, link
from .asgi_server import AsgiLiveServer, elsewhere
from .conftest import log_in, make_person
from .test_conversation import reply_box, said
from .test_together import revealed_reflection

WITHIN_MS = 2_000


def answering(library):
    """Alice and Bob linked, a reflection started, Bob's answers all in."""
    alice, bob = make_person("Alice"), make_person("Bob")
    couple = link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    elsewhere(answer_all, reflection=reflection, user=bob, text="Bob's private words")
    return alice, bob, couple, reflection


def opened(new_page, person, path, **options):
    """`person`'s page at `path`, once its stream is listening."""
    page = new_page(**options)
    log_in(page, person.email)
    page.goto(path)
    page.locator("body[data-stream=listening]").wait_for()
    page.evaluate("window.notReloaded = true")
    return page


def still_the_same_page(page):
    return page.evaluate("window.notReloaded === true")


def test_a_partner_getting_ready_shows_within_two_seconds(new_page, library):
    alice, bob, _, reflection = answering(library)
    path = f"/reflections/{reflection.pk}/"
    alice_page, bob_page = opened(new_page, alice, path), opened(new_page, bob, path)
    alice_page.get_by_text("Bob has answered 8 of 8 and is not ready yet").wait_for()

    bob_page.get_by_role("button", name="I’m ready to reveal").click()
    bob_page.get_by_text("You are ready.").first.wait_for()
    alice_page.get_by_text("Bob has answered 8 of 8 and is ready to reveal").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(alice_page)

    bob_page.get_by_role("button", name="Withdraw and edit again").click()
    bob_page.get_by_role("button", name="I’m ready to reveal").wait_for()
    alice_page.get_by_text("Bob has answered 8 of 8 and is not ready yet").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(alice_page)


def test_a_reply_in_together_mode_shows_within_two_seconds(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    path = f"/reflections/{reflection.pk}/together/1/"
    alice_page, bob_page = opened(new_page, alice, path), opened(new_page, bob, path)
    first = reflection.prompts.first()

    alice_thread = alice_page.locator(f"#thread-{first.pk}")
    reply_box(alice_thread).fill("Shall we start here?")
    alice_thread.get_by_role("button", name="Send").click()
    said(alice_thread, "Shall we start here?").wait_for()
    said(bob_page.locator(f"#thread-{first.pk}"), "Shall we start here?").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(bob_page)


def test_home_follows_the_partners_status(new_page, live_server, library):
    alice, bob, _, reflection = answering(library)
    home = opened(new_page, alice, "/")
    live_server.meanwhile(readiness_set, reflection=reflection, user=bob)
    home.locator(".status-line").filter(has_text=re.compile(r"Bob: .*, ready\.")).wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(home)


def test_a_change_made_while_the_server_was_down_shows_once_it_is_back(new_page, library):
    """The app server restarts: the stream drops, the partner gets ready
    meanwhile, and the page shows it once the stream is back (`ready`)."""
    alice, bob, _, reflection = answering(library)
    server = AsgiLiveServer()
    server.start()
    try:
        page = opened(new_page, alice, f"/reflections/{reflection.pk}/", base_url=server.url)
        page.get_by_text("and is not ready yet").wait_for()
        server.stop()
        server.meanwhile(readiness_set, reflection=reflection, user=bob)  # nobody is listening
        time.sleep(1)
        assert page.get_by_text("and is ready to reveal").count() == 0
        server = AsgiLiveServer(port=server.port)
        server.start()
        # The browser retries after the stream's `retry`, then backs off: seconds, not minutes.
        page.get_by_text("Bob has answered 8 of 8 and is ready to reveal").wait_for(timeout=10_000)
        assert still_the_same_page(page)
    finally:
        server.stop()


def test_where_no_stream_gets_through_the_page_polls(new_page, live_server, library):
    """A proxy that holds the stream back (here: the browser never lets the
    request through): no `ready` comes, so the page polls the normal view."""
    alice, bob, _, reflection = answering(library)
    page = new_page()
    page.route("**/events/", lambda route: None)  # held, never answered
    log_in(page, alice.email)
    page.goto(f"/reflections/{reflection.pk}/")
    live_server.meanwhile(readiness_set, reflection=reflection, user=bob)
    # No stream within 10 s: the page polls at once, then every 15 s or more.
    page.locator("body[data-stream=polling]").wait_for(timeout=12_000)
    page.get_by_text("Bob has answered 8 of 8 and is ready to reveal").wait_for(timeout=2_000)


def test_unlinking_closes_the_stream_and_the_page_says_so(new_page, live_server, library):
    alice, bob, couple, reflection = answering(library)
    page = opened(new_page, alice, f"/reflections/{reflection.pk}/")
    live_server.meanwhile(couple_unlink, couple=couple, by=bob)
    page.get_by_text("You and your partner are no longer linked").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(page)
    assert page.get_by_role("button", name="I’m ready to reveal").count() == 0
