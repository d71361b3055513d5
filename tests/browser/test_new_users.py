"""What new users tripped over (issue 17), seen as they see it: things that
open look like they open, the question editor shows only the fields of its
kind, and on a phone the navigation and the coach's table fit."""

from reflections.services import readiness_set, reflection_start
from tests.conftest import answer_all, link

from .conftest import check_page, log_in, make_person


def test_what_happened_when_looks_like_something_that_opens(new_page, library):
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    answer_all(reflection, alice, text="Mine")
    readiness_set(reflection=reflection, user=alice)
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
    assert page.locator(".trail ol").is_visible()
    assert summary.evaluate("s => getComputedStyle(s, '::before').transform") != closed
    check_page(page, "the trail, open")
