"""What must not work, seen from the browser."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import invitation_create
from reflections.models import Answer
from reflections.services import reflection_start
from tests.conftest import link

from .conftest import check_page, log_in, make_person

TOO_LONG = "x" * 10_001


def open_reflection(page, reflection):
    page.goto(f"/reflections/{reflection.pk}/")
    page.get_by_role("heading", level=1).wait_for()


def alice_answering(new_page, library, **page_options):
    """Alice, linked to Bob, on the page of a reflection she just started."""
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    page = new_page(**page_options)
    log_in(page, alice.email)
    open_reflection(page, reflection)
    return alice, reflection, page


def test_partner_cannot_reach_my_answers_before_the_reveal(new_page, library):
    alice, bob, carol = make_person("Alice"), make_person("Bob"), make_person("Carol")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    page = new_page()
    log_in(page, alice.email)
    open_reflection(page, reflection)
    page.locator("textarea").first.fill("Alice's unrevealed sentence")
    page.locator(".save-status").first.get_by_text("Saved.").wait_for()

    for person in (bob, carol):
        other = new_page()
        log_in(other, person.email)
        for url in (
            f"/reflections/{reflection.pk}/",
            f"/reflections/{reflection.pk}/status/",
            "/",
        ):
            other.goto(url)
            assert "unrevealed sentence" not in other.content(), f"{person.name} read it at {url}"
    other.goto(f"/reflections/{reflection.pk}/")
    expect(other.get_by_role("heading", name="This page is not available")).to_be_visible()
    check_page(other, "404 for a stranger")


def test_an_expired_invitation_says_so_and_links_nobody(new_page, db):
    alice, bob = make_person("Alice"), make_person("Bob")
    invitation = invitation_create(inviter=alice)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    page = new_page()
    log_in(page, bob.email)

    page.goto(f"/partner/join/{invitation.token}/")

    expect(page.get_by_text("This invitation can no longer be used")).to_be_visible()
    assert page.get_by_role("button", name="Accept and link our accounts").count() == 0
    assert page.get_by_text("Alice").count() == 0, "a spent invitation names nobody"
    check_page(page, "expired invitation")
    page.goto("/partner/join/")
    page.get_by_label("Invitation code").fill(invitation.code.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("This code can no longer be used")).to_be_visible()


def test_an_answer_over_the_limit_is_refused_and_kept_while_typing(new_page, library):
    alice, reflection, page = alice_answering(new_page, library)
    box = page.locator("textarea").first

    box.fill(TOO_LONG)

    page.locator(".save-status").first.get_by_text("at most 10,000 characters").wait_for()
    assert box.input_value() == TOO_LONG
    assert not Answer.objects.filter(author=alice).exists()
    check_page(page, "answer over the limit")


def test_an_answer_over_the_limit_is_refused_and_kept_without_javascript(new_page, library):
    alice, reflection, page = alice_answering(new_page, library, javascript=False)

    page.locator("textarea").first.fill(TOO_LONG)
    page.get_by_role("button", name="Save answers").click()

    expect(page.get_by_text("at most 10,000 characters").first).to_be_visible()
    assert page.locator("textarea").first.input_value() == TOO_LONG
    assert not Answer.objects.filter(author=alice).exists()
    check_page(page, "answer over the limit, no JavaScript")


def test_two_tabs_editing_one_answer_lose_nothing(new_page, library):
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    first, second = new_page(), None
    log_in(first, alice.email)
    second = first.context.new_page()
    for tab in (first, second):
        open_reflection(tab, reflection)

    first.locator("textarea").first.fill("Typed in the first tab")
    first.locator(".save-status").first.get_by_text("Saved.").wait_for()
    second.locator("textarea").first.fill("Typed in the second tab")

    status = second.locator(".save-status").first
    status.get_by_text("another tab or window").wait_for()
    assert "Typed in the first tab" in status.inner_text()
    assert second.locator("textarea").first.input_value() == "Typed in the second tab"
    check_page(second, "answer changed in another tab")

    second.locator("textarea").first.fill("Typed in the second tab, on purpose")
    status.get_by_text("Saved.").wait_for()
    assert Answer.objects.get(author=alice, prompt__order=1).text == "Typed in the second tab, on purpose"


def test_an_autosave_that_fails_says_not_saved_and_keeps_the_words(new_page, library):
    """The database away (503) or the network down: never "Saved.", the words
    stay, and the next keystroke after recovery saves them."""
    alice, reflection, page = alice_answering(new_page, library)
    box, status = page.locator("textarea").first, page.locator(".save-status").first
    answers_url = f"**/reflections/{reflection.pk}/answers/"

    for outage in (lambda route: route.fulfill(status=503, body="back in a moment"), lambda route: route.abort()):
        page.route(answers_url, outage)
        box.fill("Words written while the server is away")
        status.get_by_text("Not saved").wait_for()
        assert box.input_value() == "Words written while the server is away"
        page.unroute(answers_url)
    assert not any(answer.text for answer in Answer.objects.filter(prompt__reflection=reflection))

    box.press("End")
    box.type("!")
    status.get_by_text("Saved.").wait_for()
    assert Answer.objects.get(prompt__reflection=reflection, author=alice).text == (
        "Words written while the server is away!"
    )
    check_page(page, "autosave failed, then saved")


def test_one_answering_model_autosave_with_javascript_a_save_button_without(new_page, library):
    _, _, page = alice_answering(new_page, library)
    assert page.get_by_role("button", name="Save answers").count() == 0
    expect(page.get_by_text("Your answers save as you type; there is nothing to press.")).to_be_visible()
    expect(page.get_by_text("press “Save answers”")).not_to_be_visible()

    carol, dan = make_person("Carol"), make_person("Dan")
    link(carol, dan)
    still = new_page(javascript=False)
    log_in(still, carol.email)
    open_reflection(still, reflection_start(article=library[0], by=carol))
    expect(still.get_by_role("button", name="Save answers")).to_be_visible()
    expect(still.get_by_text("With JavaScript off, press “Save answers” below")).to_be_visible()
    expect(still.get_by_text("Your answers save as you type")).not_to_be_visible()
