"""Accounts through allauth, as a visitor meets them: sign up, verify the
email with a code, log out, log in, reset a password."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

from ..conftest import PASSWORD

EMAIL = "dana@example.com"
NEW_PASSWORD = "a-long-enough-passphrase-93"
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


@pytest.fixture(autouse=True)
def fresh_rate_limits(db):
    """allauth counts attempts in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def sign_up(client, email=EMAIL):
    return client.post(
        reverse("account_signup"),
        {"display_name": "Dana", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def code_in(message):
    match = CODE.search(message.body)
    assert match, f"no code in: {message.body!r}"
    return match.group(1)


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_signing_up_creates_the_account_with_its_display_name(client, db):
    sign_up(client)

    user = User.objects.get(email=EMAIL)
    assert user.display_name == "Dana"
    assert user.check_password(NEW_PASSWORD)


def test_signing_up_sends_a_verification_code(client, db):
    sign_up(client)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert code_in(mail.outbox[0])


def test_signing_up_leads_to_the_code_page_without_logging_in(client, db):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert not EmailAddress.objects.get(email=EMAIL).verified


def test_code_page_asks_for_the_code(client, db):
    response = sign_up(client)

    page = client.get(response.url)

    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


def test_entering_the_code_verifies_the_email_and_logs_in(client, db):
    response = sign_up(client)
    code = code_in(mail.outbox[0])

    verified = client.post(response.url, {"code": code})

    user = User.objects.get(email=EMAIL)
    assert verified.status_code == 302
    assert verified.url == reverse("reflections:home")
    assert EmailAddress.objects.get(email=EMAIL).verified
    assert logged_in_user_id(client) == str(user.pk)


def test_after_verifying_home_greets_the_new_user_by_name(client, db):
    response = sign_up(client)
    client.post(response.url, {"code": code_in(mail.outbox[0])})

    home = client.get(reverse("reflections:home"))

    assert "Hello, Dana" in home.content.decode()


def test_a_wrong_code_verifies_nothing(client, db):
    response = sign_up(client)
    wrong = "BBBB-CCCC" if code_in(mail.outbox[0]) != "BBBB-CCCC" else "CCCC-BBBB"

    refused = client.post(response.url, {"code": wrong})

    assert refused.status_code == 200
    assert not EmailAddress.objects.get(email=EMAIL).verified
    assert logged_in_user_id(client) is None


def test_signing_up_with_a_taken_email_creates_no_second_account(client, alice):
    sign_up(client, email=alice.email)

    assert User.objects.filter(email=alice.email).count() == 1
    assert User.objects.get(email=alice.email).display_name == "Alice"


def test_logging_out_ends_the_session(client, alice):
    client.force_login(alice)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert logged_in_user_id(client) is None
    assert "Create your account" in client.get(reverse("reflections:home")).content.decode()


def test_logging_in_with_email_and_password(client, alice):
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("reflections:home")
    assert logged_in_user_id(client) == str(alice.pk)


def test_logging_in_with_a_wrong_password_is_refused(client, alice):
    response = client.post(reverse("account_login"), {"login": alice.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_a_new_account_can_log_in_again_after_logging_out(client, db):
    response = sign_up(client)
    client.post(response.url, {"code": code_in(mail.outbox[0])})
    client.post(reverse("account_logout"))

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(User.objects.get(email=EMAIL).pk)


def test_password_reset_sends_an_email(client, alice):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_link_lets_you_set_a_new_password(client, alice):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # allauth moves the key into the session, then redirects

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    alice.refresh_from_db()
    assert response.status_code == 302
    assert alice.check_password(NEW_PASSWORD)
