"""The conversation after the reveal, in two browsers at once: replies and
reactions arrive on the other partner's open page without a reload, and
nothing being typed there is lost."""

from playwright.sync_api import expect

from .conftest import check_page, log_in
from .test_together import revealed_reflection

# The live poll asks every few seconds (static/js/twofold.js): allow a few rounds.
ARRIVES_WITHIN_MS = 15_000


def reply_box(thread):
    """The reply box under a thread, opened as a person opens it."""
    box = thread.locator("details.reply-box")
    if box.get_attribute("open") is None:
        box.get_by_text("Write a reply").click()
    return box.get_by_label("Reply", exact=True)


def said(thread, text):
    """A reply's words as the thread shows them (not the edit box holding them)."""
    return thread.locator(".reply-text").get_by_text(text, exact=True)


def test_a_reply_and_a_reaction_arrive_without_a_reload(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    first = reflection.prompts.first()
    pages = {}
    for person in (alice, bob):
        pages[person] = page = new_page()
        log_in(page, person.email)
        page.goto(f"/reflections/{reflection.pk}/")
    alice_thread = pages[alice].locator(f"#thread-{first.pk}")
    bob_thread = pages[bob].locator(f"#thread-{first.pk}")

    # Bob starts a reply and has not sent it when Alice's arrives.
    reply_box(bob_thread).fill("Half a thought of Bob's")
    reply_box(alice_thread).fill("That one surprised me.")
    alice_thread.get_by_role("button", name="Send").click()
    said(alice_thread, "That one surprised me.").wait_for()
    assert alice_thread.get_by_label("Reply", exact=True).input_value() == ""

    said(bob_thread, "That one surprised me.").wait_for(timeout=ARRIVES_WITHIN_MS)
    assert bob_thread.get_by_label("Reply", exact=True).input_value() == "Half a thought of Bob's"
    assert pages[bob].evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    check_page(pages[bob], "shared view with a reply that arrived")

    bob_thread.get_by_role("button", name="Let’s talk about this in person").click()
    expect(bob_thread.get_by_role("button", name="Let’s talk about this in person")).to_have_attribute(
        "aria-pressed", "true"
    )
    alice_thread.get_by_text("Bob: Let’s talk about this in person").wait_for(timeout=ARRIVES_WITHIN_MS)

    reply_box(bob_thread).fill("Half a thought of Bob's, finished.")
    bob_thread.get_by_role("button", name="Send").click()
    said(alice_thread, "Half a thought of Bob's, finished.").wait_for(timeout=ARRIVES_WITHIN_MS)

    # Alice edits her reply; the edit reaches Bob too.
    alice_thread.get_by_text("Edit or delete").click()
    alice_thread.get_by_label("Your reply").fill("That one surprised me, in a good way.")
    alice_thread.get_by_role("button", name="Save").click()
    said(alice_thread, "That one surprised me, in a good way.").wait_for()
    said(bob_thread, "That one surprised me, in a good way.").wait_for(timeout=ARRIVES_WITHIN_MS)


def test_two_partners_go_through_together_mode_talking_and_writing_notes(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    prompts = list(reflection.prompts.all())
    pages = {}
    for person in (alice, bob):
        pages[person] = page = new_page()
        log_in(page, person.email)
        page.goto(f"/reflections/{reflection.pk}/together/1/")
    alice_page, bob_page = pages[alice], pages[bob]

    # A reply in together mode reaches the partner's together page live.
    alice_thread = alice_page.locator(f"#thread-{prompts[0].pk}")
    reply_box(alice_thread).fill("Shall we start with this one?")
    alice_thread.get_by_role("button", name="Send").click()
    said(alice_thread, "Shall we start with this one?").wait_for()
    said(bob_page.locator(f"#thread-{prompts[0].pk}"), "Shall we start with this one?").wait_for(
        timeout=ARRIVES_WITHIN_MS
    )
    check_page(bob_page, "together mode with a reply that arrived")

    # Each writes a note there, as they talk.
    bob_page.get_by_label("What we want to remember").fill("Bob: we laughed at the same moment")
    bob_page.locator("#note-status-remember").get_by_text("Saved. You both see it.").wait_for()
    alice_page.reload()
    alice_page.get_by_label("What we will try").fill("Alice: one slow evening a week")
    alice_page.locator("#note-status-try").get_by_text("Saved. You both see it.").wait_for()

    # Alice marks every question and Bob marks each too: the page says both did.
    for number in range(1, len(prompts) + 1):
        alice_page.goto(f"/reflections/{reflection.pk}/together/{number}/")
        alice_page.get_by_role("button", name="We talked about this").click()
        alice_page.get_by_text("You marked this as talked about.").wait_for()
        bob_page.goto(f"/reflections/{reflection.pk}/together/{number}/")
        bob_page.get_by_text("Alice marked this as talked about.").wait_for()
        bob_page.get_by_role("button", name="Mark it too").click()
        bob_page.get_by_text("You both talked about this.").wait_for()
    expect(bob_page.get_by_text(f"Talked about {len(prompts)} of {len(prompts)}")).to_be_visible()

    alice_page.reload()
    expect(alice_page.get_by_text("You both talked about this.")).to_be_visible()
    assert alice_page.get_by_label("What we want to remember").input_value() == "Bob: we laughed at the same moment"
    assert alice_page.get_by_label("What we will try").input_value() == "Alice: one slow evening a week"
    check_page(alice_page, "together mode, the last question talked through by both")
    # The overview shows the notes written in together mode too.
    alice_page.goto(f"/reflections/{reflection.pk}/")
    assert alice_page.get_by_label("What we will try").input_value() == "Alice: one slow evening a week"
