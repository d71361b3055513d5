"""Each person reads Twofold in their own language: the browser's on a first
visit, the switcher at the foot of every page (no JavaScript needed), and,
once signed in, the one on their account, on every device."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

from ..conftest import PASSWORD

LANGUAGE = reverse("accounts:language")


@pytest.fixture(autouse=True)
def fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


def spoken(response) -> str:
    """The language a page was written in, as it tells the browser."""
    return response["Content-Language"]


def test_a_first_visit_reads_the_browsers_language(client, db):
    response = client.get(reverse("account_login"), headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})

    assert spoken(response) == "es"
    assert '<html lang="es">' in response.content.decode()


def test_a_browser_in_a_language_twofold_does_not_speak_reads_english(client, db):
    response = client.get(reverse("account_login"), headers={"Accept-Language": "fi"})

    assert spoken(response) == "en"


def test_every_page_offers_the_switcher_that_works_without_javascript(client, db):
    body = client.get(reverse("account_login")).content.decode()

    assert f'action="{LANGUAGE}"' in body
    assert 'name="language"' in body
    assert '<option value="es" lang="es">Español</option>' in body


def test_a_visitor_who_switches_reads_their_choice_from_then_on(client, db):
    response = client.post(LANGUAGE, {"language": "es", "next": reverse("account_signup")})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert spoken(client.get(reverse("account_login"), headers={"Accept-Language": "en"})) == "es"


def test_the_way_back_never_leaves_twofold(client, db):
    response = client.post(LANGUAGE, {"language": "es", "next": "https://elsewhere.example/"})

    assert response.status_code == 302
    assert "elsewhere" not in response["Location"]


def test_a_language_twofold_does_not_speak_is_refused_clearly(client, alice):
    client.force_login(alice)

    response = client.post(LANGUAGE, {"language": "klingon", "next": "/"})

    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    alice.refresh_from_db()
    assert alice.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_a_signed_in_person_reads_their_own_language_whatever_the_browser_says(client, alice):
    alice.language = "es"
    alice.save()
    client.force_login(alice)

    response = client.get(reverse("reflections:home"), headers={"Accept-Language": "en"})

    assert spoken(response) == "es"


def test_switching_keeps_the_choice_on_the_account_for_every_device(client, alice):
    client.force_login(alice)

    response = client.post(LANGUAGE, {"language": "es", "next": reverse("reflections:home")})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "es"
    other_device = client_class_for(client)()
    other_device.force_login(alice)
    assert spoken(other_device.get(reverse("reflections:home"))) == "es"


def test_the_account_page_shows_the_language_chosen(client, alice):
    alice.language = "es"
    alice.save()
    client.force_login(alice)

    body = client.get(LANGUAGE).content.decode()

    assert 'value="es"' in body and "checked" in body.split('value="es"')[1].split(">")[0]


def test_the_account_page_is_for_a_signed_in_person(client, db):
    response = client.get(LANGUAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_up_keeps_the_language_they_were_reading(client, db):
    client.post(LANGUAGE, {"language": "es", "next": "/"})

    client.post(
        reverse("account_signup"),
        {"display_name": "Dana", "email": "dana@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.get(email="dana@example.com").language == "es"


def client_class_for(client):
    return type(client)
