"""A coach's programme in the browser: built through the pages, run with a
client couple who reach its second step by revealing the first; and the
coach's private notes, which the couple never see. P5: the coach sees
counts, never what the couple wrote."""

from playwright.sync_api import expect

from accounts.services import coach_profile_save
from library.models import Article
from practice.models import Step
from practice.programmes import programme_assign, programme_save, step_save
from tests.conftest import coach_link, link

from .asgi_server import elsewhere
from .conftest import check_page, log_in, make_person
from .test_core_loop import answer_everything

FIRST, SECOND = "Closeness, then distance", "Thanks that lands"
FIRST_NOTE = "Take this one slowly, over a quiet evening."
SECOND_NOTE = "Say one thank-you out loud each day this week."


def coached_couple():
    """Morgan, a coach whose profile says "Morgan Lee", and Alice and Bob,
    linked and both coached by Morgan."""
    morgan, alice, bob = make_person("Morgan"), make_person("Alice"), make_person("Bob")

    def made():
        coach_profile_save(user=morgan, name="Morgan Lee")
        couple = link(alice, bob)
        coach_link(morgan, alice, bob)
        return couple

    return morgan, alice, bob, elsewhere(made)


def opened_as(new_page, person, path="/"):
    page = new_page()
    log_in(page, person.email)
    page.goto(path)
    return page


def test_a_coach_follows_a_couple_from_building_a_programme_to_step_two(new_page, library):
    morgan, alice, bob, couple = coached_couple()
    coach = opened_as(new_page, morgan, "/coach/")

    # Build the programme through the pages.
    coach.get_by_role("navigation", name="Coach workspace").get_by_role("link", name="Programmes").click()
    coach.get_by_text("You have no programmes yet.").wait_for()
    check_page(coach, "programmes, none yet")
    coach.get_by_role("link", name="Create a programme").click()
    check_page(coach, "new programme")
    coach.get_by_label("Name", exact=True).fill("Closer in six weeks")
    coach.get_by_role("button", name="Create and add steps").click()
    coach.get_by_text("Programme created. Now add its steps.").wait_for()
    check_page(coach, "programme, no steps")

    def add_step(title, note=""):
        coach.get_by_label("The guide or article").select_option(label=title)
        coach.get_by_label("A note for the couple (optional)").fill(note)
        coach.get_by_role("button", name="Add the step").click()
        coach.get_by_text("Step added.").wait_for()

    add_step(FIRST, FIRST_NOTE)
    add_step(SECOND, SECOND_NOTE)
    steps = coach.locator("#step-list > li")
    assert steps.count() == 2
    assert FIRST in steps.nth(0).inner_text() and f"Your note: {FIRST_NOTE}" in steps.nth(0).inner_text()
    assert "Opens: when step 1 is revealed" in steps.nth(1).inner_text()
    check_page(coach, "programme with two steps")

    coach.get_by_label("A client couple").select_option(label="Alice & Bob")
    coach.get_by_role("button", name="Start the programme").click()
    coach.get_by_text("The programme now runs with Alice & Bob.").wait_for()
    assert "1 step released · running" in coach.get_by_role("region", name="Run it with a couple").inner_text()
    check_page(coach, "programme running with a couple")

    coach.goto("/coach/")
    row = coach.locator(".programme-row")
    assert row.locator("li.step").all_inner_texts()[1].startswith(f"Step 2: {SECOND}")
    assert "Not released yet" in row.locator("li.step").nth(1).inner_text()

    # Alice's home: step 1 of 2, from the coach, with what comes next.
    alice_page = opened_as(new_page, alice)
    line = alice_page.get_by_role("region", name="Closer in six weeks").inner_text()
    assert f"Step 1 of 2, from Morgan Lee: “{FIRST}”. Next: “{SECOND}”." in line, line
    check_page(alice_page, "home, step 1 of a programme")
    alice_page.get_by_role("link", name=FIRST, exact=True).click()
    alice_page.get_by_text("From Morgan Lee").wait_for()
    assert alice_page.locator("blockquote.coach-note").inner_text() == FIRST_NOTE
    step_one = alice_page.url

    # Both answer everything and get ready: the shared view opens.
    alice_page.get_by_text("0 of 8 answered").wait_for()
    answer_everything(alice_page, "Alice privately wrote")
    alice_page.get_by_role("button", name="I’m ready to reveal").click()
    alice_page.get_by_text("You are ready.").first.wait_for()
    bob_page = opened_as(new_page, bob, step_one)
    answer_everything(bob_page, "Bob privately wrote")
    bob_page.get_by_role("button", name="I’m ready to reveal").click()
    bob_page.get_by_text("Alice privately wrote #1").wait_for()
    alice_page.get_by_role("alert").get_by_text("You are both ready").wait_for(timeout=15_000)

    # The reveal released step 2.
    alice_page.goto("/")
    line = alice_page.get_by_role("region", name="Closer in six weeks").inner_text()
    assert f"Step 2 of 2, from Morgan Lee: “{SECOND}”. This is the last step." in line, line
    alice_page.get_by_role("link", name=SECOND, exact=True).click()
    alice_page.get_by_text("From Morgan Lee").wait_for()
    assert alice_page.locator("blockquote.coach-note").inner_text() == SECOND_NOTE
    check_page(alice_page, "step 2, with the coach's note")

    # The coach's row: step 1 revealed, step 2 released and not begun; never a word they wrote.
    coach.goto("/coach/")
    cells = coach.locator(".programme-row li.step")
    assert cells.count() == 2
    first, second = cells.nth(0).inner_text(), cells.nth(1).inner_text()
    assert first.startswith(f"Step 1: {FIRST}") and "Revealed" in first, first
    assert second.startswith(f"Step 2: {SECOND}") and "Alice: 0 of 7 · Bob: 0 of 7" in second, second
    assert "In progress" in second and "Not released yet" not in second, second
    check_page(coach, "dashboard, step 2 released")
    coach.get_by_role("link", name="Notes and programme of Alice and Bob").click()
    coach.get_by_role("heading", name="Programme “Closer in six weeks”").wait_for()
    assert "2 of 2 steps released" in coach.locator("main").inner_text()
    check_page(coach, "couple page, step 2 released")
    for page in ("/coach/", f"/coach/couples/{couple.pk}/"):
        coach.goto(page)
        assert "privately wrote" not in coach.content(), page


def test_a_coachs_private_note_is_never_shown_to_the_couple(new_page, library):
    morgan, alice, bob, couple = coached_couple()

    def running():
        programme = programme_save(coach=morgan, title="Closer in six weeks")
        step_save(programme=programme, kind=Step.Kind.ARTICLE, article=Article.objects.get(title=FIRST))
        return programme_assign(coach=morgan, programme=programme, couple=couple).releases.get().reflection

    reflection = elsewhere(running)
    note = "Bob went quiet when money came up; ask him about it gently."

    coach = opened_as(new_page, morgan, "/coach/")
    coach.get_by_role("link", name="Notes and programme of Alice and Bob").click()
    coach.get_by_text("No notes yet.").wait_for()
    coach.get_by_label("Note", exact=True).fill(note)
    coach.get_by_role("button", name="Add the note").click()
    coach.get_by_text("Note saved. Only you can read it.").wait_for()
    assert coach.locator(".note-list").inner_text().count(note) == 1
    check_page(coach, "couple page with a note")

    for person in (alice, bob):
        page = opened_as(new_page, person)
        expect(page.get_by_text(f"Step 1 of 1, from Morgan Lee: “{FIRST}”.")).to_be_visible()
        for path in ("/", f"/reflections/{reflection.pk}/", "/partner/"):
            page.goto(path)
            assert "went quiet" not in page.content(), (person, path)
