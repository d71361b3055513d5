"""Inputs the fuzzer found to give 500s, pinned so they fail every time."""

import pytest
from django.urls import reverse

from reflections.models import Reflection

from .conftest import make_coach_article, reveal


@pytest.fixture
def revealed(alice, bob, reflection):
    return reveal(reflection, alice, bob)


@pytest.mark.parametrize("target", ["0", "NaN", "True", "home2"])
def test_a_bare_word_as_next_goes_home(client, alice, target):
    client.force_login(alice)
    response = client.post("/notifications/read/", {"next": target})
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.parametrize("number", [0, 100_000_000_000_000_000_000])
def test_talked_about_a_question_that_does_not_exist_is_404(client, alice, revealed, number):
    client.force_login(alice)
    assert client.post(reverse("conversation:talked_toggle", args=[revealed.pk, number])).status_code == 404


@pytest.mark.parametrize("link", ["²", "١٢", "9" * 30])
def test_a_strange_coach_link_id_is_404(client, alice, revealed, link):
    client.force_login(alice)
    assert client.post(reverse("reflections:reflection_share", args=[revealed.pk]), {"link": link}).status_code == 404


@pytest.mark.parametrize("version", ["²", "9" * 5000])
def test_a_strange_answer_version_is_no_500(client, alice, reflection, version):
    prompt = reflection.prompts.get(kind="text")
    client.force_login(alice)
    data = {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "words", f"p{prompt.pk}-version": version}
    assert client.post(reverse("reflections:answers_save", args=[reflection.pk]), data).status_code < 500


@pytest.mark.parametrize("couple_id", ["100000000000000000000", "abc", "²"])
def test_assigning_to_a_tampered_couple_id_is_refused(client, coach, coached, couple_id):
    article = make_coach_article(coach)
    client.force_login(coach)
    response = client.post(reverse("coach:assignment_create"), {"article": article.pk, "couples": [couple_id]})
    assert response.status_code == 400
    assert not Reflection.objects.exists()
