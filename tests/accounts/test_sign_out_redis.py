"""Signing out while Redis is cut off (config/sessions.py, audit 2 finding
5): a session ends in the database and in Redis, or the person is told it
did not end. Against a redis-server of the test's own, which a SIGSTOP cuts
off as a network partition would: it keeps what it holds, answers nothing,
and after SIGCONT answers again with the old copies still in it."""

import contextlib
import os
import signal
from pathlib import Path

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from redis import Redis

from accounts.models import User
from tools.servers import REDIS_SERVER, redis_server

from ..conftest import PASSWORD

LOGOUT = reverse("account_logout")


@pytest.fixture
def redis(tmp_path, settings):
    if not Path(REDIS_SERVER).exists():
        message = "needs redis-server: `make cluster-tools` installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with redis_server(tmp_path) as server:
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "config.cache.RedisCache",
                "LOCATION": server.url,
                # As in production, a Redis that does not answer is given up on quickly.
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
            },
        }
        settings.SESSION_ENGINE = "config.sessions"
        yield server


@contextlib.contextmanager
def cut_off(redis):
    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)


def signed_in(user):
    """A browser signed in through the sign-in form, so that its session is
    recorded as a device too; 5xx pages come back as responses."""
    browser = Client(raise_request_exception=False)
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def opens(browser, reflection):
    return browser.get(reverse("reflections:reflection", args=[reflection.pk])).status_code == 200


def session_key(browser):
    return browser.cookies["sessionid"].value


def in_redis(redis, key):
    with contextlib.closing(Redis.from_url(redis.url)) as client:
        return any(client.scan_iter(match=f"*{key}"))


def test_a_sign_out_while_redis_is_cut_off_says_so_and_a_retry_ends_the_session(redis, alice, reflection):
    browser = signed_in(alice)
    key = session_key(browser)
    assert opens(browser, reflection) and in_redis(redis, key)

    with cut_off(redis):
        response = browser.post(LOGOUT)

    assert response.status_code == 503
    assert "You are still signed in" in response.content.decode()
    assert opens(browser, reflection), "it said the session did not end, and it did not"
    assert browser.post(LOGOUT).status_code == 302
    assert not opens(browser, reflection)
    assert not Session.objects.filter(session_key=key).exists()
    assert not in_redis(redis, key)


def test_redis_cut_off_midway_through_a_sign_out_leaves_no_copy_to_sign_in_with(redis, alice, reflection, monkeypatch):
    """The audit's case: the cut comes once the database row is gone, and
    used to leave the Redis copy behind, which signed the old cookie in
    again when Redis came back."""
    browser = signed_in(alice)
    key = session_key(browser)
    assert opens(browser, reflection)
    delete_row = DBStore.delete

    def delete_row_then_cut_redis(store, session_key=None):
        delete_row(store, session_key)
        os.kill(redis.process.pid, signal.SIGSTOP)

    monkeypatch.setattr(DBStore, "delete", delete_row_then_cut_redis)
    try:
        response = browser.post(LOGOUT)
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)
    monkeypatch.undo()

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not in_redis(redis, key)
    assert not opens(browser, reflection), "the old cookie signed in again once Redis was back"


def test_signing_out_everywhere_while_redis_is_cut_off_says_so(redis, alice, reflection):
    phone, laptop = signed_in(alice), signed_in(alice)
    assert UserSession.objects.filter(user=alice).count() == 2

    with cut_off(redis):
        response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 503
    assert "You are still signed in" in response.content.decode()
    assert opens(phone, reflection), "the page said the phone may still be signed in"
    assert laptop.post(reverse("usersessions_list")).status_code == 302
    assert not opens(phone, reflection)
    assert opens(laptop, reflection)


def test_deleting_the_account_while_redis_is_cut_off_deletes_nothing(redis, alice, reflection):
    phone, laptop = signed_in(alice), signed_in(alice)
    keys = [session_key(phone), session_key(laptop)]

    with cut_off(redis):
        response = laptop.post(reverse("accounts:account_delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 503
    assert User.objects.filter(pk=alice.pk).exists()
    response = laptop.post(reverse("accounts:account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    for key in keys:
        assert not Session.objects.filter(session_key=key).exists()
        assert not in_redis(redis, key)
