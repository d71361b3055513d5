"""Two partners, two languages: Jamie reads Twofold in English, Lucía in
Spanish. They answer the same library guide, each in their own language,
reveal it, and each then reads every question in their own language and
both answers as they were written, the other's marked with its language.
Lucía's pages are checked with axe at 320 px: the longer Spanish words
must still fit."""

from playwright.sync_api import expect

from library.models import Article
from tests.conftest import link

from .conftest import check_page, log_in, make_person

NARROW = {"width": 320, "height": 800}
GUIDE = "thanks-that-lands"


def answer_everything(page, words, saved):
    """Every prompt answered on the open page, each saved before the next:
    `words` for text, the first option, a middle number."""
    prompts = page.locator("fieldset.prompt")
    prompts.first.wait_for()
    for i in range(prompts.count()):
        prompt = prompts.nth(i)
        if prompt.locator("textarea").count():
            prompt.locator("textarea").fill(f"{words} #{i + 1}")
        elif prompt.locator("label.choice").count():
            prompt.locator("label.choice").first.click()
        else:
            prompt.locator(".scale-option", has_text="6").first.click()
        prompt.locator(".save-status").get_by_text(saved).wait_for()


def test_partners_of_two_languages_reflect_on_the_same_guide(new_page, library):
    jamie, lucia = make_person("Jamie"), make_person("Lucia")
    lucia.language = "es"
    lucia.save()
    link(jamie, lucia)
    guide = Article.objects.get(slug=GUIDE)
    prompts = list(guide.prompts.all())
    english, spanish = prompts[0].text, prompts[0].translated("text", "es")
    first_option = next(p for p in prompts if p.is_choice)

    jamie_page, lucia_page = new_page(), new_page(viewport=NARROW)
    log_in(jamie_page, jamie.email)
    log_in(lucia_page, lucia.email)

    jamie_page.goto(f"/library/{GUIDE}/")
    jamie_page.get_by_role("button", name="Start this reflection together").click()
    expect(jamie_page.get_by_text(english)).to_be_visible()
    answer_everything(jamie_page, "Jamie wrote in English", "Saved.")
    jamie_page.get_by_role("button", name="I’m ready to reveal").click()
    jamie_page.get_by_text("You are ready.").first.wait_for()

    # Lucía finds it on her home, in Spanish, and answers in Spanish.
    lucia_page.goto("/")
    expect(lucia_page.locator("html")).to_have_attribute("lang", "es")
    lucia_page.get_by_role("link", name=guide.translated("title", "es"), exact=True).first.click()
    expect(lucia_page.get_by_text(spanish)).to_be_visible()
    assert english not in lucia_page.content()
    check_page(lucia_page, "the reflection in Spanish at 320 px")
    answer_everything(lucia_page, "Lucía escribió en español", "Guardado.")
    lucia_page.get_by_role("button", name="Doy el visto bueno").click()

    # Her shared view: the questions in Spanish, Jamie's answers as he
    # wrote them, marked English; his choice in her words.
    expect(lucia_page.get_by_text("Jamie wrote in English #1")).to_be_visible()
    expect(lucia_page.get_by_text("Lucía escribió en español #1")).to_be_visible()
    expect(lucia_page.get_by_text(spanish)).to_be_visible()
    expect(lucia_page.get_by_text("Escrita en inglés").first).to_be_visible()
    expect(lucia_page.locator("[lang=en]").first).to_contain_text("Jamie wrote in English")
    expect(lucia_page.get_by_text(first_option.translated("choices", "es")[0]).first).to_be_visible()
    check_page(lucia_page, "the shared view in Spanish at 320 px")

    # His: the questions in English, Lucía's answers marked Spanish.
    jamie_page.reload()
    expect(jamie_page.get_by_text("Lucía escribió en español #1")).to_be_visible()
    expect(jamie_page.get_by_text(english)).to_be_visible()
    expect(jamie_page.get_by_text("Written in Spanish").first).to_be_visible()
    expect(jamie_page.locator("[lang=es]").first).to_contain_text("Lucía escribió en español")
    assert spanish not in jamie_page.content()
    check_page(jamie_page, "the shared view in English beside Spanish answers")
