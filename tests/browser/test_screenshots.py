"""The README's screenshots: home, answering, waiting, the shared view,
together mode, the library, bringing an article and a check-in's trend, on
a phone and a desktop. Saved under docs/screenshots by
`make screenshots`; in every run the pages are checked all the same."""

import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn
from demo.management.commands.seed_demo import Command as SeedDemo
from library.content import CONTENT_DIR, read_guide
from reflections.services import answer_save, readiness_set, reflection_start
from tests.conftest import link, make_article

from .asgi_server import elsewhere
from .conftest import DESKTOP, PHONE, check_page, log_in, make_person, screenshot

DEMO_PROMPTS = read_guide(CONTENT_DIR / "guides" / "closeness-then-distance.md").prompts
WORDS = [
    "The evening we cooked together and talked until late. The next morning I wanted a slow walk alone.",
    "Sitting in the car after the hospital visit, neither of us needing to say much.",
    "That I must have said something wrong. I'd like to hear that you are coming back.",
    "Say out loud that I need an hour, and when I will be back.",
]


def answer_as(reflection, user, offset):
    for i, prompt in enumerate(reflection.prompts.all()):
        if prompt.is_scale:
            answer_save(prompt=prompt, author=user, scale_value=(i * 3 + offset) % 10 + 1)
        elif prompt.is_choice:
            answer_save(prompt=prompt, author=user, text=prompt.choices[offset % len(prompt.choices)])
        else:
            answer_save(prompt=prompt, author=user, text=WORDS[(i + offset) % len(WORDS)])


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_key_pages_look_right(new_page, library, device):
    sam, robin = make_person("Sam"), make_person("Robin")
    link(sam, robin)
    answering = reflection_start(article=library[0], by=sam)
    waiting = reflection_start(
        article=make_article(title="Small rituals of reconnecting", prompts=DEMO_PROMPTS), by=robin
    )
    revealed = reflection_start(article=make_article(title="Arguing without winning", prompts=DEMO_PROMPTS), by=sam)

    def answered():
        for prompt, words in zip(answering.prompts.filter(kind="text")[:2], WORDS, strict=False):
            answer_save(prompt=prompt, author=sam, text=words)
        answer_as(waiting, sam, 0)
        readiness_set(reflection=waiting, user=sam)
        for offset, person in enumerate((sam, robin)):
            answer_as(revealed, person, offset)
            readiness_set(reflection=revealed, user=person)

    elsewhere(answered)
    # The demo's weekly check-in, eight rounds behind them.
    elsewhere(lambda: SeedDemo().checkin(sam, robin))
    checkin = CheckIn.objects.get(couple=revealed.couple)

    page = new_page(viewport=PHONE if device == "phone" else DESKTOP)
    log_in(page, sam.email)
    shots = [
        ("home", "/", "Waiting for you"),
        ("answering", f"/reflections/{answering.pk}/", "2 of 8 answered"),
        ("waiting", f"/reflections/{waiting.pk}/", "You are ready."),
        ("shared", f"/reflections/{revealed.pk}/", "Robin"),
        ("together", f"/reflections/{revealed.pk}/together/2/", "Question 2 of 8"),
        ("library", "/library/", "Closeness, then distance"),
        ("bring", "/library/bring/", "Bring an article of your own"),
        ("trend", f"/checkins/{checkin.pk}/trend/", "How you have been"),
    ]
    for name, url, expected in shots:
        page.goto(url)
        expect(page.get_by_text(expected).first, f"{name}: {expected!r} missing").to_be_visible()
        check_page(page, name)
        screenshot(page, f"{name}-{device}")
