"""Guessing a partner's code must be impractical, and the limits live in a
cache every worker process shares."""

import os
import runpy
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import INVITATION_CODE_ALPHABET, INVITATION_CODE_LENGTH
from accounts.services import invitation_create

from ..conftest import PASSWORD


@pytest.fixture(autouse=True)
def fresh_limits(db):
    cache.clear()
    yield
    cache.clear()


def try_code(client, code):
    return client.post(reverse("accounts:invitation_code"), {"code": code})


def test_ten_wrong_codes_an_hour_then_even_the_right_one_is_refused(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    for n in range(10):
        assert try_code(client, f"WRONG{n:03d}").status_code == 400

    response = try_code(client, invitation.code)
    assert response.status_code == 429
    assert "Too many codes tried" in response.content.decode()


def test_guessing_a_code_within_the_limit_is_impractical():
    """31^8 codes; even with a thousand open invitations, ten tries an hour
    would take thousands of years on average."""
    codes = len(INVITATION_CODE_ALPHABET) ** INVITATION_CODE_LENGTH
    tries_per_year = 10 * 24 * 365
    expected_years = codes / 1000 / 2 / tries_per_year

    assert len(INVITATION_CODE_ALPHABET) == 31
    assert expected_years > 1000
    assert settings.ACCOUNT_RATE_LIMITS["invitation_code"].startswith("10/h/user")


def test_the_limit_is_per_account_not_per_visit(client, alice, bob, carol):
    client.force_login(bob)
    for n in range(10):
        try_code(client, f"WRONG{n:03d}")
    client.force_login(carol)

    assert try_code(client, "WRONG999").status_code == 400


def test_rate_limits_use_a_cache_shared_by_every_process():
    backend = settings.CACHES["default"]["BACKEND"]

    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "config.cache.RedisCache",
    }


# Behind the TLS proxy every request arrives from the proxy's address. The
# limits per IP must still count each client, as the proxy names it, and
# never believe an X-Forwarded-For that did not come from the proxy.

PROXY = "10.0.0.2"
PROXY_VARIABLES = ("FORWARDED_ALLOW_IPS", "TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER")


def settings_from(**environ):
    """config/settings.py read afresh, as a server started with `environ` would."""
    clean = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    with mock.patch.dict(os.environ, {**clean, **environ}, clear=True):
        return runpy.run_path(str(settings.BASE_DIR / "config" / "settings.py"))


@pytest.fixture
def behind_one_proxy(settings):
    """Whatever the documented variables for one proxy change in the settings."""
    plain = settings_from()
    for name, value in settings_from(FORWARDED_ALLOW_IPS=PROXY, TRUSTED_PROXY_COUNT="1").items():
        if name.isupper() and value != plain.get(name):
            setattr(settings, name, value)


def through_proxy(client_ip, spoofed=None):
    """A browser at `client_ip`, as the proxy passes it on: the proxy appends
    the address it saw to whatever X-Forwarded-For the browser sent."""
    forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
    return Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": forwarded})


def direct(remote_addr, spoofed):
    return Client(REMOTE_ADDR=remote_addr, headers={"X-Forwarded-For": spoofed})


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def locked_out(response):
    return response.status_code == 429 or "Too many failed login attempts" in response.content.decode()


def fail_logins(client_for, times=10):
    """Wrong passwords for `times` different emails (so only the limit per
    address fills up, not the one per email); a new client for each try."""
    for n in range(times):
        response = log_in(client_for(n), f"guess{n}@example.com", "wrong")
        assert not locked_out(response)


def test_behind_the_proxy_one_clients_failed_logins_do_not_lock_out_another(behind_one_proxy, alice, bob):
    fail_logins(lambda n: through_proxy("198.51.100.7"))

    assert locked_out(log_in(through_proxy("198.51.100.7"), alice.email))
    response = log_in(through_proxy("203.0.113.20"), bob.email)
    assert response.status_code == 302
    assert response.url == reverse("reflections:home")


def test_behind_the_proxy_a_clients_own_x_forwarded_for_buys_no_fresh_bucket(behind_one_proxy, alice):
    fail_logins(lambda n: through_proxy("198.51.100.7", spoofed=f"192.0.2.{n}"))

    assert locked_out(log_in(through_proxy("198.51.100.7", spoofed="192.0.2.99"), alice.email))


def test_without_a_proxy_a_spoofed_x_forwarded_for_buys_no_fresh_bucket(alice, bob):
    fail_logins(lambda n: direct("198.51.100.7", spoofed=f"192.0.2.{n}"))

    assert locked_out(log_in(direct("198.51.100.7", spoofed="192.0.2.99"), alice.email))
    assert log_in(direct("203.0.113.20", spoofed="192.0.2.99"), bob.email).status_code == 302


def test_a_request_that_bypassed_the_proxy_is_not_believed_about_its_client(behind_one_proxy, alice):
    """An app server reachable past the proxy hears X-Forwarded-For from the
    open internet: it counts the peer's own address."""
    fail_logins(lambda n: direct("198.51.100.7", spoofed=f"192.0.2.{n}"))

    assert locked_out(log_in(direct("198.51.100.7", spoofed="192.0.2.99"), alice.email))


def guess_codes(client, times=10):
    for n in range(times):
        assert try_code(client, f"WRONG{n:03d}").status_code == 400


def signed_in(client, user):
    client.force_login(user)
    return client


def test_behind_the_proxy_throwaway_accounts_use_up_only_their_own_addresses_code_guesses(
    behind_one_proxy, make_user, alice, bob
):
    invitation = invitation_create(inviter=alice)
    attacker = [make_user(f"Throwaway{n}") for n in range(4)]
    for account in attacker[:3]:
        guess_codes(signed_in(through_proxy("198.51.100.7"), account))

    assert try_code(signed_in(through_proxy("198.51.100.7"), attacker[3]), "WRONG999").status_code == 429
    response = try_code(signed_in(through_proxy("203.0.113.20"), bob), invitation.code)
    assert response.status_code == 302
    assert response.url == reverse("accounts:invitation_accept", args=[invitation.token])


def test_without_a_proxy_a_spoofed_x_forwarded_for_buys_no_fresh_code_guesses(make_user):
    attacker = [make_user(f"Throwaway{n}") for n in range(4)]
    for n, account in enumerate(attacker[:3]):
        guess_codes(signed_in(direct("198.51.100.7", spoofed=f"192.0.2.{n}"), account))

    response = try_code(signed_in(direct("198.51.100.7", spoofed="192.0.2.99"), attacker[3]), "WRONG999")
    assert response.status_code == 429
