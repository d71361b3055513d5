"""Copy buttons for invitation links and codes, partner's and coach's: shown
only with JavaScript, they put the exact text on the clipboard and say so,
and the whole block fits a 390 px phone."""

from accounts.services import coach_profile_save

from .conftest import PHONE, check_page, log_in, make_person


def clipboard(page):
    return page.evaluate("() => navigator.clipboard.readText()")


def test_a_partner_copies_the_invitation_link_and_code(new_page, db):
    sam = make_person("Sam")
    page = new_page(viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, sam.email)
    page.goto("/partner/")
    page.get_by_role("button", name="Create an invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    code = page.locator(".code").inner_text()

    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    assert clipboard(page) == link
    page.get_by_role("button", name="Copy code").click()
    page.get_by_role("status").filter(has_text="Code copied.").wait_for()
    assert clipboard(page) == code
    check_page(page, "partner page with an invitation, copied")
    for button in page.locator(".copy-button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_a_coach_copies_an_invitation_link(new_page, db):
    morgan = make_person("Morgan")
    coach_profile_save(user=morgan, name="Morgan Lee")
    page = new_page(viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, morgan.email)
    page.goto("/coach/clients/")
    page.get_by_role("button", name="Create an invitation link").click()
    link = page.locator(".copy-field").first.input_value()

    page.get_by_role("button", name="Copy link").first.click()
    page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    assert clipboard(page) == link
    check_page(page, "coach's clients with an invitation, copied")


def test_without_javascript_there_is_no_copy_button_and_the_link_is_there_to_select(new_page, db):
    sam = make_person("Sam")
    page = new_page(viewport=PHONE, javascript=False)
    log_in(page, sam.email)
    page.goto("/partner/")
    page.get_by_role("button", name="Create an invitation").click()

    assert page.get_by_label("Invitation link").input_value().startswith("http")
    assert page.get_by_role("button", name="Copy link").count() == 0
    check_page(page, "partner page with an invitation, no JavaScript")
