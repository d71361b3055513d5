"""Finding something to read: the library's themes, filters and search,
what we already reflected on, and the one guide home suggests next."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library.content import library_load
from library.models import Article, Theme
from reflections.services import reflection_start

from ..conftest import make_article, reveal

LIBRARY = reverse("library:index")


@pytest.fixture
def library(db):
    library_load()


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def titles(response):
    return [entry.article.title for entry in response.context["page"].entries]


def guide(slug):
    return Article.objects.get(slug=slug)


def test_the_library_lists_every_guide_with_its_theme_and_reading_time(as_alice, library):
    response = as_alice.get(LIBRARY)

    assert response.status_code == 200
    assert len(titles(response)) == Article.objects.in_library().count() >= 24
    body = response.content.decode()
    money = guide("what-money-meant-growing-up")
    assert f"Money · {money.reading_minutes} min read" in body
    assert "Sharing the load at home" in body


def test_a_theme_shows_only_its_guides(as_alice, library):
    response = as_alice.get(LIBRARY, {"theme": "money"})

    money = Theme.objects.get(slug="money")
    assert set(titles(response)) == set(money.articles.values_list("title", flat=True))
    assert len(titles(response)) >= 2


def test_a_length_shows_only_guides_of_that_reading_time(as_alice, library):
    short = as_alice.get(LIBRARY, {"length": "short"})
    medium = as_alice.get(LIBRARY, {"length": "medium"})

    assert all(e.article.reading_minutes <= 3 for e in short.context["page"].entries)
    assert all(4 <= e.article.reading_minutes <= 6 for e in medium.context["page"].entries)
    everything = len(titles(as_alice.get(LIBRARY)))
    long = len(titles(as_alice.get(LIBRARY, {"length": "long"})))
    assert len(titles(short)) + len(titles(medium)) + long == everything


@pytest.mark.parametrize(
    "query, expected",
    [
        ("holidays", "Where the holidays happen"),  # a title
        ("jealousy", "Jealousy as information"),
        ("chores", "The invisible half of the chores"),
    ],
)
def test_search_finds_guides_by_their_words(as_alice, library, query, expected):
    assert expected in titles(as_alice.get(LIBRARY, {"q": query}))


def test_search_finds_a_guide_by_a_word_only_its_questions_use(as_alice, article):
    prompt = article.prompts.first()
    prompt.text = "Which xylophonic memory comes back to you?"
    prompt.save()

    assert titles(as_alice.get(LIBRARY, {"q": "xylophonic"})) == [article.title]


def test_a_search_that_matches_nothing_says_so_and_offers_everything(as_alice, library):
    response = as_alice.get(LIBRARY, {"q": "zzzqqq"})

    assert titles(response) == []
    body = response.content.decode()
    assert "Nothing matches what you chose." in body
    assert f'href="{LIBRARY}">Show everything' in body
    assert 'value="zzzqqq"' in body, "what was typed stays in the box"


@pytest.mark.parametrize("data", [{"theme": "no-such-theme"}, {"length": "forever"}, {"q": "x" * 500}])
def test_a_filter_that_is_not_offered_is_reported_and_left_out(as_alice, library, data):
    response = as_alice.get(LIBRARY, data)

    assert response.status_code == 200
    assert "It was left out." in response.content.decode()
    assert len(titles(response)) == Article.objects.in_library().count()


def test_what_we_started_and_revealed_is_marked(as_alice, library, alice, bob, couple):
    started = reflection_start(article=guide("thanks-that-lands"), by=alice)
    revealed = reveal(reflection_start(article=guide("open-not-watched"), by=bob), alice, bob)

    body = as_alice.get(LIBRARY).content.decode()

    assert "You have started this one." in body
    assert reverse("reflections:reflection", args=[started.pk]) in body
    assert "You have reflected on this together." in body
    assert reverse("reflections:reflection", args=[revealed.pk]) in body


def test_another_couples_reflections_are_not_marked_for_us(client, library, carol, make_user):
    from ..conftest import link

    dan, erin = make_user("Dan"), make_user("Erin")
    link(dan, erin)
    reflection_start(article=guide("thanks-that-lands"), by=dan)
    client.force_login(carol)

    assert "You have started this one." not in client.get(LIBRARY).content.decode()


def test_the_library_costs_the_same_queries_for_two_guides_as_for_all(as_alice, alice, bob, couple):
    make_article(), make_article()
    as_alice.get(LIBRARY)  # the signed-in session is recorded on the first request
    with CaptureQueriesContext(connection) as few:
        as_alice.get(LIBRARY, {"q": "What", "theme": "", "length": ""})
    library_load()
    for article in Article.objects.all()[:5]:
        reflection_start(article=article, by=alice)
    with CaptureQueriesContext(connection) as many:
        as_alice.get(LIBRARY, {"q": "What", "theme": "", "length": ""})

    assert len(many) == len(few)


# Home suggests one guide


def test_home_suggests_a_guide_from_a_theme_we_have_not_explored(as_alice, library, alice, couple):
    first = as_alice.get(reverse("reflections:home")).context["page"].suggestion
    reflection_start(article=first, by=alice)

    second = as_alice.get(reverse("reflections:home")).context["page"].suggestion

    assert second.theme != first.theme
    body = as_alice.get(reverse("reflections:home")).content.decode()
    assert "Something to read next" in body
    assert reverse("library:article", args=[second.slug]) in body


def test_once_every_theme_is_explored_home_suggests_a_guide_not_started(as_alice, library, alice, couple):
    for theme in Theme.objects.all():
        article = theme.main_articles.first()
        if article:
            reflection_start(article=article, by=alice)

    suggestion = as_alice.get(reverse("reflections:home")).context["page"].suggestion

    assert suggestion is not None
    assert not suggestion.reflections.exists()


def test_with_everything_started_home_suggests_nothing(as_alice, alice, couple, article):
    reflection_start(article=article, by=alice)

    response = as_alice.get(reverse("reflections:home"))

    assert response.context["page"].suggestion is None
    assert "Something to read next" not in response.content.decode()
