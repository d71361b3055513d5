"""Bringing an article of our own: a link or its text, its details filled in,
questions suggested from the bank or written, and a reflection for the two
of us alone. The fetch itself is tested in test_fetching.py; here it is
replaced where a page is needed."""

import datetime

import pytest
from django.urls import reverse

from library import lookups
from library.content import library_load
from library.fetching import FetchedArticle, FetchError
from library.models import Article, BankQuestion
from notifications.models import Kind, Notification
from reflections.models import Reflection

BRING = reverse("reflections:article_bring")
MONEY_WORDS = (
    "How couples talk about money: budgets, debt, saving and spending, and what feels fair when "
    "one of you earns more. Money habits from the homes we grew up in shape every budget."
)
PAGE = FetchedArticle(
    url="https://example.org/articles/money-talk",
    title="Talking about money without a fight",
    site_name="Example Magazine",
    author="R. Writer",
    published=datetime.date(2026, 3, 4),
    description="Why money is hard to talk about, and how to start.",
    image_url="https://example.org/money.jpg",
    reading_minutes=6,
    text=MONEY_WORDS * 20,
)


@pytest.fixture
def library(db):
    library_load()


@pytest.fixture
def as_alice(client, alice, couple):
    client.force_login(alice)
    return client


@pytest.fixture
def page_found(monkeypatch):
    asked = []

    def fetch(url):
        asked.append(url)
        return PAGE

    monkeypatch.setattr(lookups, "fetch_article", fetch)
    return asked


def look_up(client, **data):
    return client.post(BRING, {"step": "lookup", "url": "", "text": "", **data})


def start(client, **data):
    fields = {
        "step": "start",
        "url": PAGE.url,
        "title": PAGE.title,
        "site_name": PAGE.site_name,
        "author": PAGE.author,
        "published": "2026-03-04",
        "description": PAGE.description,
        "image_url": PAGE.image_url,
        "reading_minutes": "6",
        "note": "This reminded me of us last month.",
        "own-TOTAL_FORMS": "3",
        "own-INITIAL_FORMS": "0",
        "own-MIN_NUM_FORMS": "0",
        "own-MAX_NUM_FORMS": "3",
        **{f"own-{n}-kind": "text" for n in range(3)},
    }
    fields.update(data)
    return client.post(BRING, fields)


def test_the_form_asks_for_a_link_or_the_text(as_alice):
    response = as_alice.get(BRING)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Link to the article" in body and "Or paste its text" in body


def test_neither_link_nor_text_says_what_is_missing(as_alice):
    response = look_up(as_alice)

    assert response.status_code == 400
    assert "Paste a link to the article, or its text." in response.content.decode()


def test_a_link_fills_in_the_details_and_suggests_questions(as_alice, library, page_found):
    response = look_up(as_alice, url="example.org/articles/money-talk")

    assert page_found == ["https://example.org/articles/money-talk"]
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == PAGE.title
    assert form.initial["site_name"] == "Example Magazine"
    suggested = response.context["suggested"]
    assert suggested and {q.theme.slug for q in suggested} & {"money"}
    assert {q.kind for q in suggested} == {"text", "scale", "choice"}
    assert form.initial["questions"] == [q.pk for q in suggested[:3]], "the best three start ticked, not all"
    assert MONEY_WORDS not in response.content.decode(), "the article's text is not sent back"


def test_a_page_that_cannot_be_read_says_so_and_keeps_the_link(as_alice, monkeypatch):
    def fails(url):
        raise FetchError("The page took too long to answer.")

    monkeypatch.setattr(lookups, "fetch_article", fails)

    response = look_up(as_alice, url="https://slow.example.org/piece")

    body = response.content.decode()
    assert response.status_code == 200
    assert "The page took too long to answer. You can fill in the details yourself" in body
    assert "paste the article&#x27;s text" in body
    assert 'value="https://slow.example.org/piece"' in body


def test_pasted_text_suggests_questions_and_a_reading_time(as_alice, library):
    response = look_up(as_alice, text=MONEY_WORDS * 40)

    assert response.context["form"].initial["reading_minutes"] == round(len((MONEY_WORDS * 40).split()) / 200)
    assert any(q.theme.slug == "money" for q in response.context["suggested"])


def test_starting_makes_our_own_article_and_reflection_and_tells_the_partner(
    as_alice, library, alice, bob, couple, django_capture_on_commit_callbacks, mailoutbox
):
    bank = list(BankQuestion.objects.filter(theme__slug="money")[:2])
    with django_capture_on_commit_callbacks(execute=True):
        response = start(
            as_alice,
            questions=[q.pk for q in bank],
            **{"own-0-text": "What would you spend a free hundred on?"},
        )

    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reflections:reflection", args=[reflection.pk])
    article = reflection.article
    assert (article.couple, article.brought_by, article.visibility) == (couple, alice, Article.Visibility.COUPLE)
    assert (article.source_url, article.source_name, article.source_author) == (
        PAGE.url,
        "Example Magazine",
        "R. Writer",
    )
    assert article.body == "", "the article's text is never kept"
    assert [p.text for p in reflection.prompts.all()] == [
        *(q.text for q in bank),
        "What would you spend a free hundred on?",
    ]
    notice = Notification.objects.get(user=bob, kind=Kind.SUGGESTED)
    assert (notice.actor, notice.reflection) == (alice, reflection)
    assert not Notification.objects.filter(user=alice, kind=Kind.SUGGESTED).exists()
    (email,) = [m for m in mailoutbox if bob.email in m.to]
    assert "Alice suggested an article to reflect on" in email.subject


def test_starting_without_questions_is_refused_and_keeps_what_was_typed(as_alice, library):
    response = start(as_alice, note="Kept words of mine")

    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one question to answer" in body
    assert "Kept words of mine" in body
    assert f'value="{PAGE.title}"' in body
    assert not Article.objects.filter(couple__isnull=False).exists()


def test_an_incomplete_question_of_our_own_is_refused_with_what_is_missing(as_alice, library):
    response = start(as_alice, **{"own-0-kind": "scale", "own-0-text": "How warm is it?"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what 1 means." in body
    assert "How warm is it?" in body
    assert not Reflection.objects.exists()


def test_someone_without_a_partner_is_told_to_link_first(client, carol, library):
    client.force_login(carol)
    bank = BankQuestion.objects.first()

    response = start(client, questions=[bank.pk])

    assert response.status_code == 400
    assert "Link with your partner first" in response.content.decode()
    assert not Article.objects.filter(couple__isnull=False).exists()


def test_our_article_is_ours_alone(client, as_alice, library, alice, bob, carol, make_user, coach, coached):
    from ..conftest import link

    start(as_alice, questions=[BankQuestion.objects.first().pk])
    article = Article.objects.get(couple__isnull=False)
    url = reverse("library:article", args=[article.slug])
    dan, erin = make_user("Dan"), make_user("Erin")
    link(dan, erin)

    assert article not in Article.objects.in_library()
    for outsider in (carol, dan, coach):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert article.title not in client.get(reverse("library:index")).content.decode()
    for partner in (alice, bob):
        client.force_login(partner)
        body = client.get(url).content.decode()
        assert "This reminded me of us last month." in body
        assert "Suggested by Alice" in body


# A coach brings an article into their workspace, and builds from the bank


def coach_looks_up(client, url):
    return client.post(reverse("coach:article_new"), {"step": "lookup", "url": url})


def test_a_coach_fills_in_a_new_article_from_a_link(client, coach, page_found):
    client.force_login(coach)

    response = coach_looks_up(client, PAGE.url)

    form = response.context["form"]
    assert page_found == [PAGE.url]
    assert (form.initial["title"], form.initial["source_name"]) == (PAGE.title, "Example Magazine")
    assert form.initial["source_url"] == PAGE.url
    assert "summary" not in form.initial, "the summary is the coach's own words"


def test_a_coach_whose_link_cannot_be_read_is_told_and_keeps_it(client, coach, monkeypatch):
    def fails(url):
        raise FetchError("That address is not a public web page.")

    monkeypatch.setattr(lookups, "fetch_article", fails)
    client.force_login(coach)

    response = coach_looks_up(client, "http://10.0.0.1/")

    assert response.status_code == 200
    assert "That address is not a public web page. You can fill in the details yourself." in response.content.decode()
    assert response.context["form"].initial["source_url"] == "http://10.0.0.1/"


def test_a_coach_adds_questions_from_the_bank_to_the_end(client, coach, library):
    from ..conftest import make_coach_article

    article = make_coach_article(coach)
    before = list(article.prompts.values_list("text", flat=True))
    picked = list(BankQuestion.objects.filter(theme__slug="money")[:2])
    client.force_login(coach)

    response = client.post(reverse("coach:prompts_from_bank", args=[article.pk]), {"questions": [q.pk for q in picked]})

    assert response.status_code == 302
    assert list(article.prompts.values_list("text", flat=True)) == [*before, *(q.text for q in picked)]
    page = client.get(reverse("coach:article", args=[article.pk])).content.decode()
    assert "Add questions from Twofold’s bank" in page


def test_adding_nothing_from_the_bank_says_so(client, coach, library):
    from ..conftest import make_coach_article

    article = make_coach_article(coach)
    client.force_login(coach)

    response = client.post(reverse("coach:prompts_from_bank", args=[article.pk]), {})

    assert response.status_code == 400
    assert "Tick at least one question to add." in response.content.decode()


def test_another_coachs_article_takes_nothing_from_the_bank(client, coach, other_coach, library):
    from ..conftest import make_coach_article

    article = make_coach_article(coach)
    client.force_login(other_coach)

    response = client.post(
        reverse("coach:prompts_from_bank", args=[article.pk]), {"questions": [BankQuestion.objects.first().pk]}
    )

    assert response.status_code == 404


# Lookups are limited (audit 2, finding 3): per person, per address, per site


def test_looking_up_links_is_limited_per_person_and_says_so_keeping_the_link(as_alice, page_found, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "article_lookup": "3/h/user"}
    for n in range(3):
        assert look_up(as_alice, url=f"https://site{n}.example.org/a").status_code == 200

    response = look_up(as_alice, url="https://site9.example.org/piece")

    body = response.content.decode()
    assert response.status_code == 429
    assert "looked up a lot of links in a short time" in body
    assert "You can fill in the details yourself" in body
    assert 'value="https://site9.example.org/piece"' in body
    assert len(page_found) == 3, "the fourth lookup never reached the site"


def test_the_limit_is_each_persons_own(client, as_alice, page_found, settings, bob):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "article_lookup": "1/h/user"}
    look_up(as_alice, url="https://example.org/a")
    assert look_up(as_alice, url="https://example.org/b").status_code == 429
    client.force_login(bob)

    assert look_up(client, url="https://example.org/c").status_code == 200


def test_one_site_is_looked_up_only_so_often_whoever_asks(client, as_alice, page_found, settings, bob):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "article_lookup": "2/h/key"}
    look_up(as_alice, url="https://Example.org/a")
    client.force_login(bob)
    look_up(client, url="https://example.org/b")

    assert look_up(client, url="https://example.org/c").status_code == 429
    assert look_up(client, url="https://another.example.net/c").status_code == 200
    assert len(page_found) == 3


def test_lookups_from_one_address_are_limited_whoever_is_signed_in(client, as_alice, page_found, settings, bob):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "article_lookup": "1/h/ip"}
    look_up(as_alice, url="https://example.org/a")
    client.force_login(bob)

    assert look_up(client, url="https://example.org/b").status_code == 429


def test_a_coachs_lookups_are_limited_too(client, coach, page_found, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "article_lookup": "1/h/user"}
    client.force_login(coach)
    coach_looks_up(client, PAGE.url)

    response = coach_looks_up(client, "https://example.org/other")

    assert response.status_code == 429
    assert "looked up a lot of links in a short time" in response.content.decode()
    assert response.context["form"].initial["source_url"] == "https://example.org/other"
    assert page_found == [PAGE.url]


def test_a_coachs_new_article_page_never_fetches_on_a_get(client, coach, page_found):
    client.force_login(coach)

    response = client.get(reverse("coach:article_new"), {"url": PAGE.url})

    assert response.status_code == 200
    assert page_found == []
    assert 'name="step" value="lookup"' in response.content.decode()


def test_a_lookup_without_a_link_says_what_is_missing(client, coach, page_found):
    client.force_login(coach)

    response = coach_looks_up(client, "")

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert page_found == []
