"""Guessing a partner's code must be impractical, and the limits live in a
cache every worker process shares."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.models import INVITATION_CODE_ALPHABET, INVITATION_CODE_LENGTH
from accounts.services import invitation_create


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
        "django.core.cache.backends.redis.RedisCache",
    }
