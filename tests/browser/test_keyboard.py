"""Keyboard only: a skip link, visible focus, and every action reachable."""

from playwright.sync_api import expect

from reflections.services import reflection_start
from tests.conftest import link

from .conftest import log_in, make_person

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, text: (el.innerText || el.value || '').trim(), id: el.id,
          name: el.getAttribute('name'), type: el.getAttribute('type'),
          outline: getComputedStyle(el).outlineStyle};
}"""


def tab_until(page, matches, limit=120):
    """Press Tab until the focused element matches; return what was passed."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        passed.append(focused)
        if matches(focused):
            return passed
    raise AssertionError(f"never reached by Tab: {passed[-5:]}")


def test_skip_link_comes_first_and_moves_focus_to_the_content(new_page, db):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_focus_is_always_visible(new_page, db):
    page = new_page()
    page.goto("/accounts/login/")
    for focused in tab_until(page, lambda f: f["tag"] == "BUTTON"):
        assert focused["outline"] != "none", f"no visible focus on {focused}"


def test_a_whole_reflection_can_be_answered_and_readied_with_the_keyboard(new_page, library):
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    reflection = reflection_start(article=library[0], by=alice)
    page = new_page()
    log_in(page, alice.email)
    page.goto(f"/reflections/{reflection.pk}/")

    prompts = reflection.prompts.all()
    for prompt in prompts:
        if prompt.is_scale:
            tab_until(page, lambda f, p=prompt: f["name"] == f"p{p.pk}-scale")
            page.keyboard.press("ArrowRight")  # moves to 2 and checks it
            page.keyboard.press("ArrowRight")
        elif prompt.is_choice:
            tab_until(page, lambda f, p=prompt: f["name"] == f"p{p.pk}-text")
            page.keyboard.press("Space")  # checks the first option
        else:
            tab_until(page, lambda f, p=prompt: f["name"] == f"p{p.pk}-text")
            page.keyboard.type("Typed with the keyboard")
        page.locator(f"#save-status-{prompt.pk}").get_by_text("Saved.").wait_for()

    page.get_by_text(f"{len(prompts)} of {len(prompts)} answered").wait_for()
    tab_until(page, lambda f: f["text"] == "I’m ready to reveal")
    page.keyboard.press("Enter")
    page.get_by_text("You are ready.").first.wait_for()
    assert alice.participations.get(reflection=reflection).ready_at is not None
    assert reflection.prompts.get(kind="scale", order=2).answers.get().scale_value == 3
