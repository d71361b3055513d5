"""A coach writes in their own language, and may add a translation of their
article: a partner who reads Twofold in that language reads the article and
its questions in it; everyone else reads them as the coach wrote them."""

import pytest
from django.urls import reverse
from django.utils import translation

from coaching.authoring import prompt_save
from library.models import Article
from reflections.services import reflection_start

from ..conftest import coach_link, make_coach_article

TYPED = "Un resumen que escribí y no debo perder"


def url(article, language="es"):
    return reverse("coach:article_translation", kwargs={"pk": article.pk, "language": language})


def spanish(article, **fields):
    data = {"title": "Después de la cercanía", "summary": "Con mis palabras."}
    for prompt in article.prompts.all():
        data[f"p{prompt.pk}-text"] = f"¿{prompt.text}? (es)"
        if prompt.is_scale:
            data |= {f"p{prompt.pk}-scale_min_label": "Nada", f"p{prompt.pk}-scale_max_label": "Del todo"}
        if prompt.is_choice:
            data[f"p{prompt.pk}-choices"] = "Cerca\nLejos"
    return data | fields


@pytest.fixture
def article(coach):
    return make_coach_article(coach)


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


def test_a_coachs_article_is_written_in_the_coachs_language(make_user):
    from ..conftest import make_coach

    coach = make_coach(make_user, "Ana", "Ana Ruiz")
    coach.language = "es"
    coach.save()

    assert make_coach_article(coach).language == "es"


def test_the_article_page_offers_a_translation_into_each_other_language(as_coach, article):
    body = as_coach.get(reverse("coach:article", kwargs={"pk": article.pk})).content.decode()

    assert url(article) in body
    assert url(article, "en") not in body


def test_a_translation_reaches_the_partner_who_reads_that_language(as_coach, coach, alice, bob, couple, article):
    response = as_coach.post(url(article), spanish(article))

    assert response.status_code == 302
    coach_link(coach, alice, bob)
    reflection = reflection_start(article=Article.objects.get(pk=article.pk), by=alice)
    prompt = reflection.prompts.first()
    with translation.override("es"):
        assert reflection.translated("title") == "Después de la cercanía"
        assert prompt.translated("text") == f"¿{prompt.text}? (es)"
    assert reflection.translated("title", "en") == article.title
    choice = reflection.prompts.get(kind="choice")
    assert choice.option_shown("Lejos", "en") == "Far"


def test_a_choice_keeps_its_number_of_options(as_coach, article):
    choice = article.prompts.get(kind="choice")

    response = as_coach.post(url(article), spanish(article, summary=TYPED, **{f"p{choice.pk}-choices": "Solo una"}))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Give 2 options, one per line" in body
    assert TYPED in body
    assert "es" not in Article.objects.get(pk=article.pk).translations


def test_a_question_edited_later_drops_its_translation(as_coach, article):
    as_coach.post(url(article), spanish(article))
    prompt = article.prompts.get(kind="text")

    prompt_save(article=article, prompt=prompt, text="What stayed with you most?")

    prompt.refresh_from_db()
    assert prompt.translations == {}
    assert Article.objects.get(pk=article.pk).translations["es"]["title"] == "Después de la cercanía"


def test_no_translation_into_the_language_it_is_written_in(as_coach, article):
    assert as_coach.get(url(article, "en")).status_code == 404
    assert as_coach.get(url(article, "klingon")).status_code == 404


def test_another_coachs_article_is_not_theirs_to_translate(client, other_coach, article):
    client.force_login(other_coach)

    assert client.post(url(article), spanish(article)).status_code == 404
    assert Article.objects.get(pk=article.pk).translations == {}


def remove_url(article, language="es"):
    return reverse("coach:article_translation_remove", kwargs={"pk": article.pk, "language": language})


def test_a_translation_can_be_removed_after_a_confirmation(as_coach, coach, alice, bob, couple, article):
    as_coach.post(url(article), spanish(article))
    article_page = as_coach.get(reverse("coach:article", kwargs={"pk": article.pk})).content.decode()
    assert remove_url(article) in article_page

    confirm = as_coach.get(remove_url(article))
    assert confirm.status_code == 200
    assert "Remove the translation" in confirm.content.decode()
    assert Article.objects.get(pk=article.pk).translations["es"]["title"] == "Después de la cercanía"

    response = as_coach.post(remove_url(article), follow=True)

    assert response.redirect_chain == [(reverse("coach:article", kwargs={"pk": article.pk}), 302)]
    assert "Translation removed" in response.content.decode()
    assert remove_url(article) not in response.content.decode()
    removed = Article.objects.get(pk=article.pk)
    assert "es" not in removed.translations
    assert all("es" not in prompt.translations for prompt in removed.prompts.all())
    coach_link(coach, alice, bob)
    reflection = reflection_start(article=removed, by=alice)
    with translation.override("es"):
        assert reflection.translated("title") == article.title
        assert reflection.prompts.first().translated("text") == removed.prompts.first().text


def test_a_reflection_started_before_keeps_its_translation(as_coach, coach, alice, bob, couple, article):
    as_coach.post(url(article), spanish(article))
    coach_link(coach, alice, bob)
    reflection = reflection_start(article=Article.objects.get(pk=article.pk), by=alice)

    as_coach.post(remove_url(article))

    reflection.refresh_from_db()
    assert reflection.translated("title", "es") == "Después de la cercanía"


def test_removing_a_translation_there_is_not_says_so(as_coach, article):
    response = as_coach.get(remove_url(article))

    assert response.status_code == 200
    assert "has no translation into English" not in response.content.decode()
    assert "has no translation into Spanish" in response.content.decode()
    assert as_coach.get(remove_url(article, "en")).status_code == 404


def test_another_coachs_translation_is_not_theirs_to_remove(as_coach, other_coach, article):
    as_coach.post(url(article), spanish(article))
    as_coach.force_login(other_coach)

    assert as_coach.get(remove_url(article)).status_code == 404
    assert as_coach.post(remove_url(article)).status_code == 404
    assert "es" in Article.objects.get(pk=article.pk).translations
