"""The core loop as two people live it, each in their own browser."""

from .conftest import check_page, sign_up


def answer_everything(page, words):
    """Answer each prompt on the open reflection page, waiting for autosave."""
    prompts = page.locator("fieldset.prompt")
    # count() does not wait: the click that led here may not have navigated yet.
    prompts.first.wait_for()
    for i in range(prompts.count()):
        prompt = prompts.nth(i)
        status = prompt.locator(".save-status")
        if prompt.locator("textarea").count():
            prompt.locator("textarea").fill(f"{words} #{i + 1}")
        elif prompt.locator("label.choice").count():
            prompt.locator("label.choice").first.click()
        else:
            prompt.locator(".scale-option", has_text=str(3 + i % 5)).first.click()
        status.get_by_text("Saved.").wait_for()


def test_two_partners_link_answer_withdraw_and_reveal(new_page, library):
    alex, sam = new_page(), new_page()

    sign_up(alex, "Alex", "alex@example.com")
    alex.get_by_text("Invite your partner to begin").wait_for()
    check_page(alex, "home, not linked")
    alex.get_by_role("link", name="Invite your partner").click()
    alex.get_by_role("button", name="Create an invitation").click()
    invite_link = alex.get_by_label("Invitation link").input_value()
    check_page(alex, "partner page with invitation")

    sign_up(sam, "Sam", "sam@example.com")
    sam.goto(invite_link)
    check_page(sam, "accept invitation")
    sam.get_by_role("button", name="Accept and link our accounts").click()
    sam.get_by_text("You are linked with Alex").wait_for()

    alex.goto("/")
    alex.get_by_text("You are linked with Sam").wait_for()
    alex.get_by_role("link", name="Library", exact=True).click()
    check_page(alex, "library")
    alex.get_by_role("link", name="Closeness, then distance", exact=True).click()
    check_page(alex, "article")
    alex.get_by_role("button", name="Start this reflection together").click()
    alex.get_by_text("0 of 8 answered").wait_for()
    check_page(alex, "reflection, nothing answered")
    reflection_url = alex.url

    answer_everything(alex, "Alex privately wrote")
    alex.get_by_text("8 of 8 answered").wait_for()
    alex.get_by_role("button", name="I’m ready to reveal").click()
    alex.get_by_text("You are ready.").first.wait_for()
    check_page(alex, "waiting for partner")

    sam.goto("/")
    sam.get_by_role("link", name="Closeness, then distance", exact=True).click()
    sam.get_by_text("Alex has answered 8 of 8 and is ready to reveal").wait_for()
    assert "Alex privately wrote" not in sam.content()

    # Alex takes it back: Sam's page follows without a reload.
    alex.get_by_role("button", name="Withdraw and edit again").click()
    sam.get_by_text("Alex has answered 8 of 8 and is not ready yet").wait_for(timeout=15_000)
    alex.locator("textarea").first.fill("Alex changed their mind")
    alex.locator(".save-status").first.get_by_text("Saved.").wait_for()
    alex.get_by_role("button", name="I’m ready to reveal").click()
    sam.get_by_text("and is ready to reveal").wait_for(timeout=15_000)

    answer_everything(sam, "Sam privately wrote")
    sam.get_by_role("button", name="I’m ready to reveal").click()
    sam.get_by_text("Alex changed their mind").wait_for()
    check_page(sam, "shared view")

    # Alex is waiting on the same page: the reveal arrives without a reload.
    alex.get_by_role("alert").get_by_text("You are both ready").wait_for(timeout=15_000)
    assert "Sam privately wrote #1" in alex.content()
    assert alex.url == reflection_url
    check_page(alex, "shared view after live reveal")
    assert alex.locator(".scale-svg .marker-mine").count() == 3
    assert alex.locator(".scale-svg .marker-partner").count() == 3
