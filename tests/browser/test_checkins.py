"""Check-ins in the browser: proposing and accepting one through the pages
(the proposer's page hears the yes without a reload), a round answered by
both partners up to the reveal, and the trend that follows it; on a 320 px
phone nothing scrolls sideways."""

from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from checkins.models import CheckIn
from checkins.services import checkin_accept, checkin_propose, next_day, round_open
from checkins.sets import checkin_set
from reflections.services import answer_save, readiness_set
from tests.checkins.conftest import set_prompts
from tests.conftest import link

from .asgi_server import elsewhere
from .conftest import check_no_horizontal_scroll, check_page, log_in, make_person
from .test_live import WITHIN_MS, opened, still_the_same_page

NARROW = {"width": 320, "height": 800}
CONNECTED = checkin_set("connected")
SCALES = [p.text for p in CONNECTED.prompts if p.kind == "scale"]
# Each partner's numbers for the set's scale questions, in order.
FIRST_ROUND = {"Alice": (6, 5, 4, 7), "Bob": (8, 3, 5, 6)}
SECOND_ROUND = {"Alice": (3, 9, 2, 8), "Bob": (4, 7, 6, 2)}


def running_checkin():
    """Alice and Bob linked, running "How connected we feel" weekly on
    Sundays: the first round revealed with FIRST_ROUND's numbers, the
    second open. Returns both people and both rounds."""
    alice, bob = make_person("Alice"), make_person("Bob")

    def made():
        link(alice, bob)
        proposed = checkin_propose(
            by=alice, title=CONNECTED.title, cadence=7, weekday=6, prompts=set_prompts(), set_slug="connected"
        )
        checkin = checkin_accept(checkin=proposed, by=bob)
        first = round_open(checkin.pk, today=checkin.next_round_on)
        for person in (alice, bob):
            numbers = iter(FIRST_ROUND[person.name])
            for prompt in first.reflection.prompts.all():
                if prompt.is_scale:
                    answer_save(prompt=prompt, author=person, scale_value=next(numbers))
                else:
                    answer_save(prompt=prompt, author=person, text=f"{person.name}, the first week")
        for person in (alice, bob):
            readiness_set(reflection=first.reflection, user=person)
        checkin.refresh_from_db()
        return checkin, first, round_open(checkin.pk, today=checkin.next_round_on)

    checkin, first, second = elsewhere(made)
    return alice, bob, checkin, first, second


def answer_round(page, numbers, words):
    """Answer each prompt of the open round: the scales with `numbers`, in
    order, the open question with `words`; each saved before the next."""
    numbers = iter(numbers)
    prompts = page.locator("fieldset.prompt")
    # count() does not wait: the click that led here may not have navigated yet.
    prompts.first.wait_for()
    for i in range(prompts.count()):
        prompt = prompts.nth(i)
        if prompt.locator("textarea").count():
            prompt.locator("textarea").fill(words)
        else:
            prompt.get_by_role("radio", name=str(next(numbers)), exact=True).check()
        prompt.locator(".save-status").get_by_text("Saved.").wait_for()


def trend_tables(page):
    """Each scale question's table under "The numbers", opened as a reader
    would: {question: [[round, first column, second column], ...]}, with the
    header row first."""
    tables = {}
    for chart in page.locator("figure.trend").all():
        chart.get_by_text("The numbers", exact=True).click()
        question = chart.locator(".trend-question").evaluate("e => e.firstChild.textContent.trim()")
        tables[question] = chart.locator("table tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
        )
    return tables


def test_two_partners_answer_a_round_get_ready_and_see_the_trend_update(new_page):
    alice, bob, checkin, first, second = running_checkin()
    path = f"/reflections/{second.reflection.pk}/"
    alice_page, bob_page = opened(new_page, alice, path), opened(new_page, bob, path)
    alice_page.get_by_text("0 of 5 answered").wait_for()

    answer_round(alice_page, SECOND_ROUND["Alice"], "A walk on Saturday, just us")
    alice_page.get_by_text("5 of 5 answered").wait_for()
    alice_page.get_by_role("button", name="I’m ready to reveal").click()
    alice_page.get_by_text("You are ready.").first.wait_for()
    alice_page.evaluate("window.notReloaded = true")  # the click loaded a page: mark this one
    bob_page.get_by_text("Alice has answered 5 of 5 and is ready to reveal").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(bob_page)

    answer_round(bob_page, SECOND_ROUND["Bob"], "Dinner without our phones")
    bob_page.get_by_role("button", name="I’m ready to reveal").click()
    bob_page.get_by_text("A walk on Saturday, just us").wait_for()
    expect(bob_page.get_by_role("link", name="How you have been: the trend")).to_be_visible()

    # Alice was waiting on the same page: the reveal arrives without a reload.
    alice_page.get_by_role("alert").get_by_text("You are both ready").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(alice_page)
    expect(alice_page.get_by_text("Dinner without our phones")).to_be_visible()

    alice_page.get_by_role("link", name="How you have been: the trend").click()
    alice_page.wait_for_url(f"**/checkins/{checkin.pk}/trend/")
    labels = [date_format(r.opens_on, "j M") for r in (first, second)]
    assert labels[0] != labels[1]
    tables = trend_tables(alice_page)
    assert list(tables) == SCALES
    for n, question in enumerate(SCALES):
        header, *rows = tables[question]
        assert header[0] == "Round" and sorted(header[1:]) == ["Alice", "Bob"], header
        people = header[1:]
        assert rows == [
            [labels[0], *(str(FIRST_ROUND[p][n]) for p in people)],
            [labels[1], *(str(SECOND_ROUND[p][n]) for p in people)],
        ], question
    expect(alice_page.get_by_role("link", name=second.reflection.title)).to_be_visible()


def test_proposing_and_accepting_a_checkin_through_the_pages(new_page):
    alice, bob = make_person("Alice"), make_person("Bob")
    elsewhere(link, a=alice, b=bob)
    alice_page = new_page()
    log_in(alice_page, alice.email)
    alice_page.get_by_role("link", name="Check-in", exact=True).click()
    alice_page.get_by_role("heading", name="No check-in yet").wait_for()
    alice_page.get_by_role("link", name="Propose a check-in").click()

    # A form error keeps what was typed.
    alice_page.get_by_label("Our own, from the question bank").check()
    alice_page.get_by_text("Build your own from the question bank").click()
    alice_page.get_by_label("Its name (for your own)").fill("Our Sunday questions")
    alice_page.get_by_role("button", name="Propose it").click()
    alice_page.get_by_text("Tick 3 to 6 questions; you ticked 0.").wait_for()
    assert alice_page.get_by_label("Its name (for your own)").input_value() == "Our Sunday questions"
    assert alice_page.get_by_label("Our own, from the question bank").is_checked()
    assert not CheckIn.objects.exists()

    # One of Twofold's sets, weekly, on Wednesdays.
    alice_page.get_by_label(CONNECTED.title).check()
    alice_page.get_by_label("How often").select_option(label="Every week")
    alice_page.get_by_label("On", exact=True).select_option(label="Wednesday")
    alice_page.get_by_role("button", name="Propose it").click()
    alice_page.get_by_text("Proposed. It starts once your partner says yes.").wait_for()
    expect(alice_page.get_by_role("heading", name=CONNECTED.title)).to_be_visible()
    expect(alice_page.get_by_text("Every week on Wednesday · Waiting for an answer")).to_be_visible()
    expect(alice_page.get_by_text("You proposed it. It starts once Bob says yes.")).to_be_visible()
    alice_page.locator("body[data-stream=listening]").wait_for()
    alice_page.evaluate("window.notReloaded = true")

    bob_page = new_page()
    log_in(bob_page, bob.email)
    home_line = bob_page.locator("section", has=bob_page.get_by_role("heading", name=CONNECTED.title))
    expect(home_line.get_by_text("A check-in was proposed to you.")).to_be_visible()
    home_line.get_by_role("link", name="See it and answer").click()
    bob_page.get_by_text("Alice proposed it. Here is what it asks; it starts once you say yes.").wait_for()
    assert bob_page.locator(".checkin-prompts li").all_inner_texts()[0].startswith(CONNECTED.prompts[0].text)
    check_page(bob_page, "a check-in proposed to Bob")
    bob_page.get_by_role("button", name="Yes, let’s start").click()
    bob_page.get_by_text("Your check-in has started.").wait_for()

    next_round = CheckIn.objects.get().next_round_on
    assert next_round == next_day(2, timezone.localdate())
    day = date_format(next_round, "l j F")
    # Alice's page, open all along, hears the yes.
    alice_page.get_by_text("Every week on Wednesday · Running").wait_for(timeout=WITHIN_MS)
    assert still_the_same_page(alice_page)
    for page in (alice_page, bob_page):
        expect(page.get_by_text("Every week on Wednesday · Running")).to_be_visible()
        expect(page.get_by_text(f"The next round opens on {day}.")).to_be_visible()
    bob_page.goto("/")
    expect(bob_page.get_by_text(f"The next round opens on {day}.")).to_be_visible()


def test_at_320_px_the_checkin_and_trend_pages_do_not_scroll_sideways(new_page):
    alice, _, checkin, _, second = running_checkin()
    page = new_page(viewport=NARROW)
    log_in(page, alice.email)

    page.goto("/checkins/")
    page.get_by_role("heading", name="This round").wait_for()
    expect(page.get_by_role("link", name=second.reflection.title)).to_be_visible()
    check_no_horizontal_scroll(page)

    page.get_by_role("link", name="How you have been: the trend").click()
    page.wait_for_url(f"**/checkins/{checkin.pk}/trend/")
    assert page.locator("svg.trend-svg").count() == len(SCALES)
    check_no_horizontal_scroll(page)
    trend_tables(page)  # every table open
    expect(page.locator("table.trend-table").first).to_be_visible()
    check_no_horizontal_scroll(page)
