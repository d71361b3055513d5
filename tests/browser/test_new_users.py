"""What new users tripped over (issue 17), seen as they see it: things that
open look like they open, the question editor shows only the fields of its
kind, and on a phone the navigation and the coach's table fit."""

import pytest
from playwright.sync_api import expect

from accounts.services import coach_profile_save
from coaching.authoring import assignment_create
from reflections.services import readiness_set, reflection_start
from tests.conftest import answer_all, coach_link, link, make_coach_article

from .asgi_server import elsewhere
from .conftest import PHONE, check_page, log_in, make_person


def test_what_happened_when_looks_like_something_that_opens(new_page, library):
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    elsewhere(answer_all, reflection=reflection, user=alice, text="Mine")
    elsewhere(readiness_set, reflection=reflection, user=alice)
    page = new_page()
    log_in(page, alice.email)
    page.goto(f"/reflections/{reflection.pk}/")

    summary = page.locator(".trail summary")
    assert summary.inner_text() == "What happened, when"
    marker = summary.evaluate("s => getComputedStyle(s, '::before')")
    assert marker["content"] != "none" and marker["borderRightStyle"] == "solid"
    assert summary.evaluate("s => getComputedStyle(s).cursor") == "pointer"
    link_colour = page.locator("main a").first.evaluate("a => getComputedStyle(a).color")
    assert summary.evaluate("s => getComputedStyle(s).color") == link_colour
    closed = summary.evaluate("s => getComputedStyle(s, '::before').transform")

    summary.click()
    expect(page.locator(".trail ol")).to_be_visible()
    assert summary.evaluate("s => getComputedStyle(s, '::before').transform") != closed
    check_page(page, "the trail, open")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_question_editor_shows_only_the_fields_of_the_kind_chosen(new_page, db, javascript):
    morgan = make_person("Morgan")
    coach_profile_save(user=morgan, name="Morgan Lee")
    article = make_coach_article(morgan, prompts=[{"kind": "text", "text": "First?"}])
    page = new_page(javascript=javascript)
    log_in(page, morgan.email)
    page.goto(f"/coach/articles/{article.pk}/")
    form = page.locator("form.prompt-form")
    scale = [form.get_by_label("What 1 means (scale)"), form.get_by_label("What 10 means (scale)")]
    options = form.get_by_label("Options (single choice), one per line")

    def shown():
        return [field.is_visible() for field in [*scale, options]]

    form.get_by_label("Open text", exact=True).check()
    assert shown() == [False, False, False]
    form.get_by_label("Scale 1–10").check()
    assert shown() == [True, True, False]
    check_page(page, "question editor, a scale")
    form.get_by_label("Single choice", exact=True).check()
    assert shown() == [False, False, True]

    # Refused for want of options, it comes back showing the choice's fields.
    form.get_by_label("Question", exact=True).fill("Which?")
    form.get_by_role("button", name="Add the question").click()
    page.get_by_text("Give at least two different options").wait_for()
    assert shown() == [False, False, True]
    check_page(page, "question editor, a choice in error")


def rows_of(items):
    """The items' boxes grouped into rows by their top edge."""
    rows = {}
    for box in (item.bounding_box() for item in items.all()):
        rows.setdefault(round(box["y"]), []).append(box)
    return [sorted(row, key=lambda box: box["x"]) for _, row in sorted(rows.items())]


def check_even_rows(items, what):
    """Every row but the last is full, the columns line up, nothing leaves the screen."""
    rows = rows_of(items)
    columns = [round(box["x"]) for box in rows[0]]
    for row in rows:
        assert [round(box["x"]) for box in row] == columns[: len(row)], f"{what}: ragged rows {rows}"
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] for box in row), what
    assert all(len(row) == len(columns) for row in rows[:-1]), f"{what}: a short row mid-way"


def test_on_a_phone_the_navigation_and_the_coachs_progress_fit(new_page, db):
    morgan, alice, bob = make_person("Morgan"), make_person("Alice"), make_person("Bob")
    coach_profile_save(user=morgan, name="Morgan Lee")
    couple = link(alice, bob)
    coach_link(morgan, alice, bob)
    article = make_coach_article(morgan, title="A rather long title for a reflection a coach assigned")
    assignment_create(coach=morgan, article=article, couples=[couple])
    page = new_page(viewport=PHONE)
    log_in(page, morgan.email)

    page.goto("/coach/")
    check_even_rows(page.locator(".site-header nav li"), "main navigation")
    check_even_rows(page.locator('nav[aria-label="Coach workspace"] li'), "coach navigation")
    card = page.locator(".progress-table tbody tr").first
    assert card.bounding_box()["width"] <= PHONE["width"]
    assert page.locator(".table-scroll").evaluate("e => e.scrollWidth <= e.clientWidth")
    labels = card.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Partners" ": "', '"State" ": "'] or labels == ['"Partners: "', '"State: "'], labels
    assert page.get_by_role("table").count() == 1 and page.get_by_role("rowheader").count() == 1
    check_page(page, "coach's progress on a phone")

    page.goto("/accounts/email/")
    check_even_rows(page.locator('nav[aria-label="Account"] li'), "account navigation")
    check_page(page, "account on a phone")
