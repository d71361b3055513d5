"""A coach's day in the browser: author, invite, assign, watch progress, read
a reveal the couple shared, with axe checks on every coach page."""

import re

from playwright.sync_api import expect

from reflections.models import Reflection
from reflections.services import readiness_set
from tests.conftest import answer_all, link

from .asgi_server import elsewhere
from .conftest import PASSWORD, check_page, log_in, make_person, sent_code


def test_coach_authors_invites_assigns_follows_and_reads_what_is_shared(new_page, db):
    morgan, alice, bob = make_person("Morgan"), make_person("Alice"), make_person("Bob")
    link(alice, bob)
    coach = new_page()
    log_in(coach, morgan.email)

    # Become a coach.
    coach.goto("/coach/")
    coach.get_by_role("heading", name="Become a coach").wait_for()
    check_page(coach, "become a coach")
    coach.get_by_label("Name shown to clients").fill("Morgan Lee")
    coach.get_by_label("Practice").fill("Lee Couples Practice")
    coach.get_by_role("button", name="Create my coach profile").click()
    coach.get_by_text("No client couples yet").wait_for()
    check_page(coach, "empty dashboard")

    # Author an article with three kinds of question.
    coach.get_by_role("link", name="Articles", exact=True).click()
    check_page(coach, "articles, empty")
    coach.get_by_role("link", name="Write a new article entry").click()
    check_page(coach, "new article")
    coach.get_by_label("Title", exact=True).fill("Coming back after space")
    coach.get_by_label("Title of the original").fill("Why do guys distance themselves after intimacy?")
    coach.get_by_label("Author or publication").fill("Ecstatic Intimacy")
    coach.get_by_label("Link to the source").fill("https://example.com/original")
    coach.get_by_label("Your summary, in your own words").fill("What helps each of you come back.")
    coach.get_by_role("button", name="Create and add questions").click()
    check_page(coach, "article editor")

    def add_question(kind, text, **extra):
        coach.locator(f'input[name="kind"][value="{kind}"]').check()
        coach.get_by_label("Question", exact=True).fill(text)
        for label, value in extra.items():
            coach.get_by_label(label).fill(value)
        coach.get_by_role("button", name="Add the question").click()
        coach.get_by_text("Question added.").wait_for()

    add_question("text", "What helps you come back?")
    coach.get_by_label("Scale 1–10").check()
    coach.get_by_label("Question", exact=True).fill("How clearly do you ask for space?")
    coach.get_by_role("button", name="Add the question").click()
    coach.get_by_text("Say what 1 means.").wait_for()
    check_page(coach, "question with errors")
    add_question(
        "scale",
        "How clearly do you ask for space?",
        **{"What 1 means (scale)": "Not at all", "What 10 means (scale)": "Very clearly"},
    )
    add_question("choice", "Which would help most?", **{"Options (single choice), one per line": "A walk\nA call"})

    # Reorder with htmx: the list is swapped in place.
    questions = coach.locator("#prompt-list > li")
    coach.get_by_role("button", name="Move up question 3").click()
    # htmx swaps the list in place; wait for the new order (no eval: strict CSP).
    questions.nth(1).get_by_text("Which would help most?").wait_for()
    assert questions.nth(1).inner_text().startswith("Which would help most?")
    assert questions.nth(2).inner_text().startswith("How clearly")
    coach.get_by_role("link", name="Edit question 1").click()
    check_page(coach, "edit question")
    coach.go_back()
    coach.get_by_role("link", name="Delete question 1").click()
    check_page(coach, "delete question")
    coach.go_back()
    coach.get_by_role("link", name="Delete this article…").click()
    check_page(coach, "delete article")
    coach.go_back()
    coach.get_by_role("link", name="Preview as a partner sees it").click()
    coach.get_by_text("This is a preview").wait_for()
    assert coach.locator("fieldset.prompt").count() == 3
    # Credit where due: the coach wrote it, from the named source.
    credit = coach.locator(".credit").inner_text()
    assert "The summary and questions are by Morgan Lee, your coach" in credit, credit
    assert "Ecstatic Intimacy" in credit and "Twofold’s own" not in credit
    check_page(coach, "preview")
    coach.go_back()
    coach.get_by_label("Status").select_option("published")
    coach.get_by_role("button", name="Save details").click()
    coach.get_by_text("Article saved.").wait_for()

    # Invite Alice and Bob: nothing of them shows until both accept.
    coach.get_by_role("link", name="Clients", exact=True).click()
    coach.get_by_role("button", name="Create an invitation link").click()
    invite = coach.locator(".copy-field").first.input_value()
    check_page(coach, "clients with a pending invitation")
    for person in (alice, bob):
        partner = new_page()
        log_in(partner, person.email)
        partner.goto(invite)
        check_page(partner, "coaching invitation")
        partner.get_by_role("button", name="Accept Morgan Lee as our coach").click()
        partner.get_by_role("heading", name="Coaching").wait_for()
        coach.reload()
        assert ("Alice &amp; Bob" in coach.content()) == (person == bob)
    check_page(partner, "partner page with a coach")

    # Assign, then watch progress: counts, never text.
    coach.get_by_role("link", name="Assign", exact=True).click()
    check_page(coach, "assign")
    coach.get_by_label("Article").select_option(label="Coming back after space")
    coach.get_by_label("Alice & Bob").check()
    coach.get_by_label("A note for them (optional)").fill("Before our next session, please.")
    coach.get_by_role("button", name="Assign").click()
    coach.get_by_text("Assigned to 1 couple.").wait_for()
    expect(coach.get_by_text("Alice: 0 of 3")).to_be_visible()

    reflection = Reflection.objects.get(title="Coming back after space")
    elsewhere(answer_all, reflection=reflection, user=alice, text="Alice's private walk")
    elsewhere(answer_all, reflection=reflection, user=bob, text="Bob's private call")
    coach.reload()
    expect(coach.get_by_text("Alice: 3 of 3")).to_be_visible()
    assert "private walk" not in coach.content() and "private call" not in coach.content()
    check_page(coach, "dashboard with progress")
    for person in (alice, bob):
        elsewhere(readiness_set, reflection=reflection, user=person)

    # Both partners share the reveal; the coach reads it, read-only.
    for page in (partner, new_page()):
        if page is not partner:
            log_in(page, alice.email)
        page.goto(f"/reflections/{reflection.pk}/")
        page.get_by_text("From Morgan Lee").wait_for()
        assert "are by Morgan Lee, your coach" in page.locator(".credit").inner_text()
        page.get_by_role("button", name="Share with Morgan Lee").click()
        page.get_by_text("You chose to share this reflection with Morgan Lee").wait_for()
    check_page(page, "shared view, shared with the coach")
    coach.reload()
    coach.get_by_role("link", name="Read what they shared").click()
    expect(coach.get_by_text("Alice's private walk").first).to_be_visible()
    expect(coach.get_by_text("Bob's private call").first).to_be_visible()
    check_page(coach, "coach reads a shared reflection")
    shared_url = coach.url

    # Bob takes it back: the coach loses it at once.
    partner.get_by_role("button", name="Stop sharing with Morgan Lee").click()
    partner.get_by_text("You stopped sharing this reflection").wait_for()
    coach.goto(shared_url)
    expect(coach.get_by_role("heading", name="This page is not available")).to_be_visible()
    assert "private walk" not in coach.content()

    # Ending coaching, from the coach's side, after a confirmation.
    coach.goto("/coach/clients/")
    coach.get_by_role("link", name="End coaching…").click()
    check_page(coach, "end coaching")
    coach.get_by_role("button", name="End coaching").click()
    coach.get_by_text("Coaching has ended.").wait_for()
    coach.goto("/coach/")
    assert not re.search("Alice", coach.locator("main").inner_text())


def test_a_coach_finds_the_way_in_from_the_landing_page(new_page, db):
    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Twofold is for coaches too").click()
    coaches = visitor.get_by_role("region", name="For coaches")
    expect(coaches).to_be_visible()
    coaches.get_by_role("link", name="Sign up as a coach").click()

    visitor.get_by_label("Your name").fill("Morgan")
    visitor.get_by_label("Email").fill("morgan@example.com")
    visitor.get_by_label("Password", exact=True).fill(PASSWORD)
    visitor.get_by_label("Password (again)").fill(PASSWORD)
    visitor.get_by_role("button", name="Sign up", exact=True).click()
    visitor.get_by_label("Code").fill(sent_code("morgan@example.com"))
    visitor.get_by_role("button", name="Confirm").click()

    visitor.get_by_role("heading", name="Become a coach").wait_for()
    check_page(visitor, "become a coach, from the landing page")
