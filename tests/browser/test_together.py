"""Together mode and joint notes in the browser, keyboard included."""

from playwright.sync_api import expect

from conversation.models import Reaction
from conversation.services import reaction_set, talked_toggle
from reflections.services import answer_save, readiness_set, reflection_start
from tests.conftest import link

from .asgi_server import elsewhere
from .conftest import check_page, log_in, make_person


def revealed_reflection(library):
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)

    def revealed():
        for offset, person in enumerate((alice, bob)):
            for i, prompt in enumerate(reflection.prompts.all()):
                if prompt.is_scale:
                    answer_save(prompt=prompt, author=person, scale_value=[2, 9][offset] if i == 1 else 5)
                elif prompt.is_choice:
                    answer_save(prompt=prompt, author=person, text=prompt.choices[offset])
                else:
                    answer_save(prompt=prompt, author=person, text=f"{person.name} on question {i + 1}")
            readiness_set(reflection=reflection, user=person)

    elsewhere(revealed)
    return alice, bob, reflection


def test_together_mode_goes_one_question_at_a_time_by_keyboard(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    page = new_page()
    log_in(page, alice.email)
    page.goto(f"/reflections/{reflection.pk}/")
    expect(page.get_by_role("heading", name="Where you differ most")).to_be_visible()
    check_page(page, "shared view with summary and notes")
    page.get_by_role("link", name="Go through it together, one question at a time").click()

    page.get_by_text("Question 1 of 8").wait_for()
    expect(page.get_by_text("Alice on question 1")).to_be_visible()
    expect(page.get_by_text("Bob on question 1")).to_be_visible()
    check_page(page, "together mode")
    page.keyboard.press("ArrowRight")
    page.get_by_text("Question 2 of 8").wait_for()
    assert page.locator(".scale-svg title").text_content().startswith("You: 2. Bob: 9.")
    check_page(page, "together mode, scale question")
    page.keyboard.press("ArrowLeft")
    page.get_by_text("Question 1 of 8").wait_for()

    page.get_by_role("button", name="We talked about this").focus()
    page.keyboard.press("Enter")
    page.get_by_text("You marked this as talked about.").wait_for()
    expect(page.get_by_text("Talked about 1 of 8")).to_be_visible()

    partner = new_page()
    log_in(partner, bob.email)
    partner.goto(f"/reflections/{reflection.pk}/together/1/")
    expect(partner.get_by_text("Alice marked this as talked about.")).to_be_visible()
    partner.get_by_role("button", name="Mark it too").click()
    partner.get_by_text("You both talked about this.").wait_for()
    expect(partner.get_by_text("Talked about 1 of 8")).to_be_visible()
    page.reload()
    expect(page.get_by_text("You both talked about this.")).to_be_visible()


def test_notes_save_as_you_type_in_together_mode_and_lose_nothing(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    pages = {}
    for person in (alice, bob):
        pages[person] = new_page()
        log_in(pages[person], person.email)
        pages[person].goto(f"/reflections/{reflection.pk}/together/2/")

    alice_page, bob_page = pages[alice], pages[bob]
    alice_page.get_by_label("What we will try").fill("Alice: a walk on Sundays")
    alice_page.get_by_text("Saved. You both see it.").wait_for()
    alice_page.get_by_label("What we will try").press_sequentially(", early")
    # The second save went from the version the first one left on the page.
    expect(alice_page.locator("#note-version-try")).to_have_value("2")
    check_page(alice_page, "together mode, a note saved as you type")

    # Bob's page loaded before Alice wrote: his words come back beside hers.
    bob_page.get_by_label("What we will try").fill("Bob: cook together")
    bob_page.get_by_text("saved this note while you were writing").wait_for()
    assert bob_page.get_by_label("The version saved by Alice").input_value() == "Alice: a walk on Sundays, early"
    assert bob_page.get_by_label("What we will try").input_value() == "Bob: cook together"
    check_page(bob_page, "together mode, a note conflict")

    bob_page.get_by_label("What we will try").press_sequentially(" and Alice's walk")
    bob_page.locator("#note-status-try").get_by_text("Saved. You both see it.").wait_for()
    alice_page.reload()
    assert alice_page.get_by_label("What we will try").input_value() == "Bob: cook together and Alice's walk"
    expect(alice_page.get_by_text("Question 2 of 8")).to_be_visible()


def test_two_partners_editing_a_note_at_once_lose_nothing(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    pages = {}
    for person in (alice, bob):
        pages[person] = new_page()
        log_in(pages[person], person.email)
        pages[person].goto(f"/reflections/{reflection.pk}/#notes")

    pages[alice].get_by_label("What we want to remember").fill("Alice: the river walk")
    pages[alice].get_by_role("button", name="Save “what we want to remember”").click()
    pages[alice].get_by_text("Note saved.").wait_for()

    bob_page = pages[bob]
    bob_page.get_by_label("What we want to remember").fill("Bob: the dinner")
    bob_page.get_by_role("button", name="Save “what we want to remember”").click()
    bob_page.get_by_text("saved this note while you were writing").wait_for()
    assert bob_page.get_by_label("The version saved by Alice").input_value() == "Alice: the river walk"
    assert bob_page.get_by_label("What we want to remember").input_value() == "Bob: the dinner"
    check_page(bob_page, "note conflict")

    bob_page.get_by_label("What we want to remember").fill("Alice: the river walk\nBob: the dinner")
    bob_page.get_by_role("button", name="Save “what we want to remember”").click()
    bob_page.get_by_text("Note saved.").wait_for()
    pages[alice].reload()
    assert pages[alice].get_by_label("What we want to remember").input_value() == (
        "Alice: the river walk\nBob: the dinner"
    )


def test_talked_through_a_couple_starts_a_follow_up_on_what_needs_more(new_page, library):
    alice, bob, reflection = revealed_reflection(library)
    prompts = list(reflection.prompts.all())
    for prompt in prompts:
        elsewhere(talked_toggle, prompt=prompt, user=bob)
    elsewhere(reaction_set, prompt=prompts[1], user=bob, kind=Reaction.Kind.IN_PERSON)
    page = new_page()
    log_in(page, alice.email)
    page.goto(f"/reflections/{reflection.pk}/")

    expect(page.locator(".starter").first).to_be_visible()  # the scale 2 against 9 has its starter
    expect(page.get_by_role("heading", name="What next")).to_be_visible()
    check_page(page, "shared view, talked through, with what next")
    page.get_by_role("button", name="Start a follow-up").click()

    page.get_by_text("Your follow-up has started").wait_for()
    expect(page.get_by_role("heading", name=f"Follow-up: {reflection.title}")).to_be_visible()
    expect(page.get_by_text("A follow-up of")).to_be_visible()
    check_page(page, "a follow-up, answering")
    page.goto(f"/reflections/{reflection.pk}/together/{len(prompts)}/")
    expect(page.get_by_role("link", name="Open the follow-up")).to_be_visible()
    check_page(page, "together mode, last question, what next")
