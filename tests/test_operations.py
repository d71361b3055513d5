"""What production needs from the app itself: a health check for load
balancers, a friendly 503 when the database is away, and JSON logs that
never hold what anyone wrote. The real outage (a database stopped mid-use)
is in tests/faults/."""

import io
import json
import logging
import os
import runpy
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.db import OperationalError, ProgrammingError, connection
from django.urls import reverse

from config.logs import LogFormatter, RoutesNotPaths

MARKER = "zebra-marmalade-7731"


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not(client):
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_is_exempt_from_the_https_redirect(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError):
        assert client.get("/healthz").status_code == 503  # not a 301 to https


def test_a_lost_database_gives_a_friendly_503(as_alice):
    as_alice.raise_request_exception = False
    with mock.patch("reflections.views.home_page", side_effect=OperationalError("server closed the connection")):
        response = as_alice.get(reverse("reflections:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "back in a moment" in response.content.decode()
    assert "nothing was saved" in response.content.decode()


def test_other_database_errors_stay_500s(as_alice):
    as_alice.raise_request_exception = False
    with mock.patch("reflections.views.home_page", side_effect=ProgrammingError("no such column")):
        response = as_alice.get(reverse("reflections:home"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()

    assert "Content-Security-Policy" in response  # the same middleware as every page


@pytest.fixture
def json_log():
    """Everything logged during the test, formatted and filtered as
    production's console handler does (settings.LOGGING)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LogFormatter())
    handler.addFilter(RoutesNotPaths())
    root = logging.getLogger()
    old_level, request_logger = root.level, logging.getLogger("twofold.request")
    old_request_level = request_logger.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    request_logger.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)
    request_logger.setLevel(old_request_level)


def log_lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_request_is_one_json_line_without_query_or_body(json_log, as_alice, alice):
    as_alice.get(reverse("reflections:home") + f"?next={MARKER}")
    (line,) = [entry for entry in log_lines(json_log) if entry["logger"] == "twofold.request"]
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert line["user_id"] == alice.pk
    assert isinstance(line["duration_ms"], float)
    assert {"time", "level", "message"} <= line.keys()
    assert MARKER not in json_log.getvalue()


def test_logs_never_hold_answer_text(json_log, as_alice, alice, bob, reflection):
    """Saving, failing to save and a crash mid-save: the words stay out of
    every log line (DEBUG level included)."""
    prompt = reflection.prompts.get(kind="text")
    url = reverse("reflections:answers_save", args=[reflection.pk])
    fields = {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": MARKER, f"p{prompt.pk}-version": "0"}
    assert as_alice.post(url, fields, headers={"HX-Request": "true"}).status_code == 200
    stale = {**fields, f"p{prompt.pk}-text": MARKER + " again"}  # version 0 is stale now: 409
    assert as_alice.post(url, stale, headers={"HX-Request": "true"}).status_code == 409
    too_long = {**fields, f"p{prompt.pk}-text": MARKER * 2000, f"p{prompt.pk}-version": "1"}
    assert as_alice.post(url, too_long, headers={"HX-Request": "true"}).status_code == 422
    as_alice.raise_request_exception = False
    with mock.patch("reflections.services.answer_save", side_effect=RuntimeError("boom")):
        assert as_alice.post(url, fields).status_code == 500
    output = json_log.getvalue()
    assert '"status": 500' in output  # the crash was logged, and the requests were
    assert "Internal Server Error" in output
    assert MARKER not in output


def test_the_operations_guide_documents_every_environment_variable():
    """The environment table (docs/OPERATIONS.md) is the operator's whole
    contract: a new env_*() or os.environ.get() in the settings must join it."""
    import re

    from django.conf import settings

    root = settings.BASE_DIR
    code = "".join((root / "config" / name).read_text() for name in ("settings.py", "gunicorn.py", "workers.py"))
    read = set(re.findall(r'(?:env_\w+|environ\.get)\("([A-Z_]+)"', code))
    guide = (root / "docs" / "OPERATIONS.md").read_text()
    table = guide[guide.index("## Environment") :]
    documented = set(re.findall(r"^\| `([A-Z_]+)`|, `([A-Z_]+)`", table, flags=re.MULTILINE))
    documented = {name for pair in documented for name in pair if name}
    assert len(read) > 20
    assert read <= documented, f"undocumented: {sorted(read - documented)}"


REDIS_PROBE = """
from django.conf import settings
from config.sessions import SessionStore
from django.core.cache import cache
import redis

assert settings.SESSION_ENGINE == "config.sessions", settings.SESSION_ENGINE
assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
cache.set("probe", "through redis", 30)
session = SessionStore()
session["probe"] = 1
session.save()
keys = redis.Redis.from_url(settings.REDIS_URL).keys("*")
in_redis = [any(name.encode() in key for key in keys) for name in (session.session_key, "probe")]
print(cache.get("probe"), *in_redis)
"""


def test_with_redis_url_the_cache_and_sessions_live_in_redis(tmp_path):
    """Against the real Redis on this machine (a database number of its own,
    one for each suite, since .ci/run runs them side by side): cache entries
    and sessions land there, so every app server shares them."""
    from .test_security import manage, production_environment

    redis_url = f"redis://127.0.0.1:6379/{13 if connection.vendor == 'sqlite' else 14}"
    env = production_environment(REDIS_URL=redis_url, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    result = manage("shell", "-v", "0", "-c", REDIS_PROBE, env=env)
    redis.Redis.from_url(redis_url).flushdb()  # what the probe left behind
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["through", "redis", "True", "True"]


def test_without_redis_url_sessions_and_cache_use_the_database():
    from .test_security import manage, production_environment

    probe = "from django.conf import settings; print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])"
    result = manage("shell", "-v", "0", "-c", probe, env=production_environment())
    assert result.stdout.split() == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.db.DatabaseCache",
    ], result.stderr


def test_the_demo_content_refuses_to_be_seeded_with_debug_off(settings, db):
    from django.core.management import CommandError, call_command

    from accounts.models import User

    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_logs_carry_routes_never_tokens_or_reset_keys(json_log, client, alice, bob):
    from accounts.services import coaching_invite_create, invitation_create
    from tests.conftest import make_coach

    invitation = invitation_create(inviter=alice)
    coaching = coaching_invite_create(coach=make_coach(lambda name: bob, "Bob", "Bob Coaching"))
    reset_key = "1-secret-reset-key-abcdef"
    client.force_login(alice)
    client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    client.get(reverse("coach:coaching_accept", args=[coaching.token]))
    client.get(f"/accounts/password/reset/key/{reset_key}/")
    client.get(f"/partner/join/{invitation.token}x/nothing-here/")  # matches no route

    lines = [entry for entry in log_lines(json_log) if entry["logger"] == "twofold.request"]
    assert [line["path"] for line in lines] == [
        "/partner/join/<token>/",
        "/coach/join/<token>/",
        "(account_reset_password_from_key)",
        "(no route)",
    ]
    for secret in (invitation.token, coaching.token, "secret-reset-key"):
        assert secret not in json_log.getvalue()


def test_production_logs_pass_through_the_route_filter(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert settings.LOGGING["filters"][console["filters"][0]]["()"] == "config.logs.RoutesNotPaths"


def settings_read_with(**environ):
    """config/settings.py read afresh, as a server started with `environ` would."""
    with mock.patch.dict(os.environ, environ):
        return runpy.run_path(str(Path(__file__).resolve().parent.parent / "config" / "settings.py"))


def test_a_pool_asked_for_replaces_kept_connections():
    url = "postgres://postgres@127.0.0.1:5432/twofold"

    pooled = settings_read_with(DATABASE_URL=url, CONN_MAX_AGE="60", DATABASE_POOL_SIZE="2")["DATABASES"]["default"]
    kept = settings_read_with(DATABASE_URL=url, CONN_MAX_AGE="60", DATABASE_POOL_SIZE="0")["DATABASES"]["default"]

    assert pooled["CONN_MAX_AGE"] == 0 and pooled["OPTIONS"]["pool"]["max_size"] == 2
    assert pooled["OPTIONS"]["server_side_binding"] is True  # prepared statements as before
    assert kept["CONN_MAX_AGE"] == 60 and "pool" not in kept["OPTIONS"]
