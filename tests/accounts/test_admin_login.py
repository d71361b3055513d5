"""The admin is reached only through allauth's login (audit finding 2): its
rate limits and its two-factor step hold for staff as for everyone, and
Django's own admin login form signs nobody in."""

import re
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from ..conftest import PASSWORD

# The frozen clock is an autouse fixture there: importing it pins allauth's
# TOTP clock in this module too.
from .test_mfa import activate_totp, code_for, frozen_totp_clock, is_signed_in  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_limits(db):
    cache.clear()
    yield
    cache.clear()


def sent_to_login(response):
    """Where a redirect to allauth's login says to go next, or None if it is
    not a redirect to allauth's login."""
    if response.status_code != 302:
        return None
    url = urlsplit(response.url)
    if url.path != reverse("account_login"):
        return None
    return parse_qs(url.query).get("next", [""])[0]


def admin_login(client, email, password, next_url="/admin/"):
    return client.post(reverse("admin:login"), {"username": email, "password": password, "next": next_url})


def test_the_admin_login_page_sends_everyone_to_allauths_login(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/accounts/user/"})

    assert sent_to_login(response) == "/admin/accounts/user/"


def test_the_admin_sends_visitors_to_allauths_login_and_back(client):
    response = client.get(reverse("admin:accounts_user_changelist"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert sent_to_login(client.get(response.redirect_chain[-2][0])) == "/admin/accounts/user/"


def test_a_staff_password_posted_to_the_admin_login_signs_nobody_in(client, staff):
    response = admin_login(client, staff.email, PASSWORD)

    assert sent_to_login(response) == "/admin/"
    assert not is_signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_guessing_at_the_admin_login_never_signs_in(client, staff):
    for n in range(20):
        admin_login(client, staff.email, f"guess-{n}")

    admin_login(client, staff.email, PASSWORD)

    assert not is_signed_in(client)


def test_on_the_way_to_the_admin_failed_passwords_are_rate_limited(client, staff):
    login = client.get(reverse("admin:login"), {"next": "/admin/"}).url
    for n in range(5):
        assert client.post(login, {"login": staff.email, "password": f"guess-{n}"}).status_code == 200

    response = client.post(login, {"login": staff.email, "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert not is_signed_in(client)


def test_staff_with_an_authenticator_reach_the_admin_only_after_the_code(client, staff):
    secret = activate_totp(client, staff)
    client.post(reverse("account_logout"))
    login = client.get(reverse("admin:login"), {"next": "/admin/"}).url

    response = client.post(login, {"login": staff.email, "password": PASSWORD})

    assert response.url == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.post(reverse("mfa_authenticate"), {"code": code_for(secret, steps=5)}).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})

    assert response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_signed_in_staff_cannot_switch_accounts_through_the_admin_login(client, staff, make_user):
    other = make_user("Otherstaff", is_staff=True, is_superuser=True)
    client.force_login(staff)

    admin_login(client, other.email, PASSWORD)

    assert int(client.session["_auth_user_id"]) == staff.pk


def test_signed_in_staff_on_the_admin_login_go_on_to_the_admin(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.parametrize("name", ["admin:index", "admin:accounts_user_changelist", "admin:login"])
def test_people_who_are_not_staff_are_refused_the_admin(client, alice, name):
    client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert is_signed_in(client)

    response = client.get(reverse(name), follow=True)

    assert response.status_code == 403
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_staff_made_with_createsuperuser_get_in_once_their_address_is_verified(client, db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", email="root@example.com", stdout=StringIO())
    login = client.get(reverse("admin:login"), {"next": "/admin/"}).url

    response = client.post(login, {"login": "root@example.com", "password": PASSWORD})

    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("admin:index")).status_code == 302
    (code,) = re.findall(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.MULTILINE)
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
