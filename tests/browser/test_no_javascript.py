"""The core loop with JavaScript off: htmx only enhances."""

from playwright.sync_api import expect

from .conftest import check_page, log_in, make_person, sign_up


def answer_with_the_form(page, words):
    prompts = page.locator("fieldset.prompt")
    # count() does not wait: the click that led here may not have navigated yet.
    prompts.first.wait_for()
    for i in range(prompts.count()):
        prompt = prompts.nth(i)
        if prompt.locator("textarea").count():
            prompt.locator("textarea").fill(f"{words} #{i + 1}")
        else:
            options = prompt.locator("input[type=radio]")
            options.nth(i % options.count()).check()
    page.get_by_role("button", name="Save answers").click()
    page.get_by_text("Saved.").first.wait_for()


def test_core_loop_works_without_javascript(new_page, library):
    alex = new_page(javascript=False)
    sam = new_page(javascript=False)
    sign_up(alex, "Alex", "alex@example.com")
    make_person("Sam")
    log_in(sam, "sam@example.com")

    alex.goto("/partner/")
    alex.get_by_role("button", name="Create an invitation").click()
    code = alex.locator(".code").inner_text()
    sam.goto("/partner/join/")
    sam.get_by_label("Invitation code").fill(code)
    sam.get_by_role("button", name="Continue").click()
    sam.get_by_role("button", name="Accept and link our accounts").click()
    sam.get_by_text("You are linked with Alex").wait_for()

    alex.goto("/library/closeness-then-distance/")
    alex.get_by_role("button", name="Start this reflection together").click()
    answer_with_the_form(alex, "Alex without scripts")
    expect(alex.get_by_text("8 of 8 answered")).to_be_visible()
    alex.get_by_role("button", name="I’m ready to reveal").click()
    alex.get_by_role("button", name="Withdraw and edit again").click()
    alex.get_by_role("button", name="Save answers").wait_for()
    alex.get_by_role("button", name="I’m ready to reveal").click()
    alex.get_by_text("You are ready.").first.wait_for()

    sam.goto("/")
    sam.get_by_role("link", name="Closeness, then distance", exact=True).click()
    expect(sam.get_by_text("Alex has answered 8 of 8 and is ready to reveal")).to_be_visible()
    answer_with_the_form(sam, "Sam without scripts")
    sam.get_by_role("button", name="I’m ready to reveal").click()

    expect(sam.get_by_text("Alex without scripts #1")).to_be_visible()
    expect(sam.get_by_text("Sam without scripts #1")).to_be_visible()
    check_page(sam, "shared view without JavaScript")
    alex.reload()
    expect(alex.get_by_text("Sam without scripts #1")).to_be_visible()
