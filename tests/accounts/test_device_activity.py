"""Signed-in devices are recorded at most once a minute (accounts/middleware.py),
so a signed-in request within the minute costs no usersessions query."""

import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import middleware
from accounts.middleware import RECORD_EVERY_SECONDS

from ..conftest import PASSWORD


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved by hand."""

    class Clock:
        now = 1_900_000_000.0

        def time(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(middleware.time, "time", clock.time)
    return clock


def signed_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def last_seen_long_ago(user):
    """Every device of `user` last seen a day ago, so a new record shows."""
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    UserSession.objects.filter(user=user).update(last_seen_at=long_ago)
    return long_ago


def usersessions_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured if UserSession._meta.db_table in q["sql"]]


def test_the_first_request_of_a_session_records_the_device(client, alice, clock):
    signed_in(client, alice)
    long_ago = last_seen_long_ago(alice)

    client.get(reverse("reflections:home"))

    session = UserSession.objects.get(user=alice)
    assert session.session_key == client.session.session_key
    assert session.last_seen_at > long_ago


def test_requests_within_the_minute_do_not_record_it_again(client, alice, clock):
    signed_in(client, alice)
    client.get(reverse("reflections:home"))
    long_ago = last_seen_long_ago(alice)
    clock.now += RECORD_EVERY_SECONDS - 1

    assert usersessions_queries(client, reverse("reflections:home")) == []
    assert UserSession.objects.get(user=alice).last_seen_at == long_ago


def test_a_minute_later_the_device_is_recorded_again(client, alice, clock):
    signed_in(client, alice)
    client.get(reverse("reflections:home"))
    long_ago = last_seen_long_ago(alice)
    clock.now += RECORD_EVERY_SECONDS

    assert usersessions_queries(client, reverse("reflections:home")) != []
    assert UserSession.objects.get(user=alice).last_seen_at > long_ago
    clock.now += 1
    assert usersessions_queries(client, reverse("reflections:home")) == []


def test_a_changed_browser_shows_in_the_list_after_the_minute(client, alice, clock):
    signed_in(client, alice)
    client.get(reverse("reflections:home"))

    client.get(reverse("reflections:home"), HTTP_USER_AGENT="A new browser")
    assert UserSession.objects.get(user=alice).user_agent != "A new browser"
    clock.now += RECORD_EVERY_SECONDS
    client.get(reverse("reflections:home"), HTTP_USER_AGENT="A new browser")

    assert UserSession.objects.get(user=alice).user_agent == "A new browser"


def test_a_new_session_key_is_recorded_at_once(client, alice, clock):
    """Signing in again cycles the session key; the new key is a new device row
    even though the session carries the time of the last record."""
    signed_in(client, alice)
    client.get(reverse("reflections:home"))
    old_key = client.session.session_key
    session = client.session
    session.cycle_key()  # what a sign-in does to a session that already exists
    session.save()
    client.cookies["sessionid"] = session.session_key

    client.get(reverse("reflections:home"))

    assert session.session_key != old_key
    assert UserSession.objects.filter(user=alice, session_key=session.session_key).exists()


def test_signed_out_requests_record_nothing(client, alice, clock):
    client.get(reverse("account_login"))

    assert not UserSession.objects.exists()


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_request_that_needs_no_user_does_not_load_one(client, alice, clock):
    """The floor every request pays: the bench's ok view reads the session
    and nothing about the user, yet still answers as a signed-in page."""
    signed_in(client, alice)
    client.get("/bench/ceiling/")

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/bench/ceiling/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not [q["sql"] for q in captured if get_user_model()._meta.db_table in q["sql"]]
