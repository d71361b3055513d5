"""The status poll's fast answer in front of Django (config/live_polls.py,
reflections/live.py): 204 from the cache alone while nothing the status
line shows has changed; Django's own view for everything else. The same
for the app servers' WSGI front door and the live servers' ASGI one."""

import asyncio
import io
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import couple_unlink
from config.live_polls import AsyncLivePolls, LivePolls
from reflections import live
from reflections.models import ReflectionPrompt
from reflections.services import answer_save, readiness_set, readiness_withdraw

from ..conftest import PASSWORD, answer_all

ROOT = Path(__file__).resolve().parent.parent.parent
HTMX = {"HX-Request": "true"}
POLL_URL = re.compile(r'hx-get="([^"]*/status/[^"]*)"')


@pytest.fixture(autouse=True)
def production_shape(settings):
    """As in production with Redis: the cache in memory shared by the
    process, sessions read from it and written through to the database."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "live-polls"},
    }
    settings.SESSION_ENGINE = "config.sessions"
    cache.clear()


class Django:
    """Stands in for Django's WSGI handler: records what reached it."""

    def __init__(self):
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from Django"]


class AsyncDjango:
    """Stands in for Django's ASGI handler: records what reached it."""

    def __init__(self):
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": [(b"Content-Type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"from Django"})


def in_a_loop_of_its_own(coroutine):
    """Runs `coroutine` as a server's event loop would: in a thread of its
    own, since the browser tests leave one running in this one."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class ServedByASGI:
    """AsyncLivePolls in front of AsyncDjango, called as `call` calls the
    WSGI app: the environ becomes the scope uvicorn would give."""

    def __init__(self):
        self.asgi = AsyncLivePolls(AsyncDjango())
        self.app = self.asgi.app

    def __call__(self, environ, start_response):
        headers = [
            (name.removeprefix("HTTP_").replace("_", "-").lower().encode(), value.encode())
            for name, value in environ.items()
            if name.startswith("HTTP_")
        ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": environ["REQUEST_METHOD"],
            "scheme": environ["wsgi.url_scheme"],
            "path": environ["PATH_INFO"],
            "root_path": "",
            "query_string": environ["QUERY_STRING"].encode(),
            "headers": headers,
            "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 50000),
        }
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        in_a_loop_of_its_own(self.asgi(scope, receive, send))
        start, *body = sent
        status = start["status"]
        start_response(f"{status} {HTTPStatus(status).phrase}", [(k.decode(), v.decode()) for k, v in start["headers"]])
        return [message.get("body", b"") for message in body]


def poll_url(client, reflection):
    """The status poll's URL as the reflection page gives it to htmx."""
    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()
    return POLL_URL.search(html).group(1).replace("&amp;", "&")


def call(app, url, *, session_key, method="GET"):
    """(status, headers, body, whether Django answered) for one request to the WSGI `app`."""
    django = app.app
    before = django.calls
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_HX_REQUEST": "true",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    if session_key:
        environ["HTTP_COOKIE"] = f"sessionid={session_key}"
    answered = {}

    def start_response(status, headers):
        answered["status"], answered["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return answered["status"], answered["headers"], body, django.calls > before


def session_of(client):
    return client.cookies["sessionid"].value


@pytest.fixture(params=["wsgi", "asgi"])
def app(request):
    """The app servers' front door (config/wsgi.py) and the live servers' (config/asgi.py)."""
    return LivePolls(Django()) if request.param == "wsgi" else ServedByASGI()


@pytest.fixture
def as_alice(client, alice, reflection):
    client.force_login(alice)
    return client


def fast(app, url, client):
    status, _, body, django = call(app, url, session_key=session_of(client))
    return status.startswith("204") and body == b"" and not django


def test_an_unchanged_poll_is_answered_without_django_or_the_database(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)

    with CaptureQueriesContext(connection) as queries:
        status, headers, body, django = call(app, url, session_key=session_of(as_alice))

    assert status == "204 No Content" and body == b"" and not django
    assert len(queries) == 0


def test_the_fast_answer_carries_the_headers_of_the_full_one(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)
    full = as_alice.get(url, headers=HTMX)
    assert full.status_code == 204

    _, headers, _, _ = call(app, url, session_key=session_of(as_alice))

    assert headers == dict(full.headers)
    assert headers["Cache-Control"] == "no-store, private"


def test_the_fast_answer_is_logged_as_a_request_without_its_token(app, as_alice, alice, reflection, caplog):
    url = poll_url(as_alice, reflection)

    with caplog.at_level(logging.INFO, logger="twofold.request"):
        call(app, url, session_key=session_of(as_alice))

    (line,) = [r for r in caplog.records if r.name == "twofold.request"]
    assert (line.method, line.path, line.status, line.user_id) == (
        "GET",
        f"/reflections/{reflection.pk}/status/",
        204,
        alice.pk,
    )
    assert "live=" not in line.getMessage()


def test_an_edited_answer_changes_nothing_the_partner_sees(
    app, as_alice, bob, reflection, django_capture_on_commit_callbacks
):
    prompt = first_prompt(reflection)
    with django_capture_on_commit_callbacks(execute=True):
        answer_save(prompt=prompt, author=bob, text="first words")
    url = poll_url(as_alice, reflection)

    with django_capture_on_commit_callbacks(execute=True):
        answer_save(prompt=prompt, author=bob, text="second words")

    assert fast(app, url, as_alice)


def test_my_own_new_answer_keeps_my_poll_fast(app, as_alice, alice, reflection, django_capture_on_commit_callbacks):
    url = poll_url(as_alice, reflection)
    prompt = first_prompt(reflection)

    with django_capture_on_commit_callbacks(execute=True):
        answer_save(prompt=prompt, author=alice, text="mine")

    assert fast(app, url, as_alice)


def first_prompt(reflection):
    return ReflectionPrompt.objects.filter(reflection=reflection).order_by("order").first()


def nothing(reflection, alice, bob):
    """No setup: the change alone is what the case measures."""


def everything_answered(reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)


def bob_ready(reflection, alice, bob):
    everything_answered(reflection, alice, bob)
    readiness_set(reflection=reflection, user=bob)


CHANGES = {
    "the partner answers": (nothing, lambda r, a, b: answer_save(prompt=first_prompt(r), author=b, text="hello")),
    "the partner clears an answer": (
        everything_answered,
        lambda r, a, b: answer_save(prompt=first_prompt(r), author=b, text=""),
    ),
    "the partner passes": (nothing, lambda r, a, b: answer_save(prompt=first_prompt(r), author=b, passed=True)),
    "the partner is ready": (everything_answered, lambda r, a, b: readiness_set(reflection=r, user=b)),
    "the partner withdraws": (bob_ready, lambda r, a, b: readiness_withdraw(reflection=r, user=b)),
    # From another tab: this one still shows her not ready.
    "I am ready": (everything_answered, lambda r, a, b: readiness_set(reflection=r, user=a)),
    "the reveal": (bob_ready, lambda r, a, b: readiness_set(reflection=r, user=a)),
    "the partner unlinks": (nothing, lambda r, a, b: couple_unlink(couple=r.couple, by=b)),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_the_status_line_shows_sends_the_poll_to_django(
    app, as_alice, alice, bob, reflection, django_capture_on_commit_callbacks, change
):
    before, then = change
    before(reflection, alice, bob)
    url = poll_url(as_alice, reflection)
    assert fast(app, url, as_alice)

    with django_capture_on_commit_callbacks(execute=True):
        then(reflection, alice, bob)

    _, _, body, django = call(app, url, session_key=session_of(as_alice))
    assert django and body == b"from Django"


def test_after_the_partner_is_ready_the_next_poll_brings_the_new_status(
    app, as_alice, bob, reflection, django_capture_on_commit_callbacks
):
    url = poll_url(as_alice, reflection)
    answer_all(reflection, bob)
    with django_capture_on_commit_callbacks(execute=True):
        readiness_set(reflection=reflection, user=bob)
    assert not fast(app, url, as_alice)

    response = as_alice.get(url, headers=HTMX)  # what Django answers it

    html = response.content.decode()
    assert response.status_code == 200 and "Bob has answered 3 of 3 and is ready to reveal" in html
    # The new line's poll is fast again.
    assert fast(app, POLL_URL.search(html).group(1).replace("&amp;", "&"), as_alice)


def test_the_page_polls_often_enough_for_ready_to_arrive_within_five_seconds():
    script = (ROOT / "static/js/twofold.js").read_text()
    interval = int(re.search(r"INTERVAL_MS = (\d+);", script).group(1))
    assert interval <= 5000


def test_a_forged_token_goes_to_django(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)
    token = unquote(re.search(r"live=([^&]+)", url).group(1))
    value, signature = token.rsplit(":", 1)

    tampered_signature = url.replace(signature, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB"))
    other_version = url.replace(value.rsplit(".", 1)[1], "guessed-version")

    assert not fast(app, tampered_signature, as_alice)
    assert not fast(app, other_version, as_alice)


def test_a_token_for_one_reflection_opens_no_other(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)
    elsewhere = url.replace(f"/reflections/{reflection.pk}/", f"/reflections/{reflection.pk + 1}/")

    assert not fast(app, elsewhere, as_alice)


def test_another_session_of_the_same_person_goes_to_django(app, as_alice, alice, reflection):
    url = poll_url(as_alice, reflection)
    other = Client()
    other.force_login(alice)

    assert not fast(app, url, other)


def test_another_persons_session_goes_to_django(app, as_alice, bob, carol, reflection):
    url = poll_url(as_alice, reflection)
    for person in (bob, carol):
        other = Client()
        other.force_login(person)
        assert not fast(app, url, other)


def test_no_session_cookie_goes_to_django(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)

    _, _, _, django = call(app, url, session_key=None)

    assert django


def test_a_signed_out_session_goes_to_django(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)
    session_key = session_of(as_alice)
    as_alice.logout()  # the server forgets the session; the old cookie may still be sent

    _, _, _, django = call(app, url, session_key=session_key)

    assert django


def test_a_session_left_behind_by_a_password_change_goes_to_django(
    app, as_alice, alice, reflection, django_capture_on_commit_callbacks
):
    """Audit 2, finding 6: a password changed on another device ends this
    session for Django, so the poll goes there, which signs it out."""
    url = poll_url(as_alice, reflection)
    assert fast(app, url, as_alice)

    alice.set_password("changed-on-my-phone-7731")
    with django_capture_on_commit_callbacks(execute=True):
        alice.save()

    assert not fast(app, url, as_alice)
    assert as_alice.get(url, headers=HTMX).status_code == 302  # to sign in
    assert not fast(app, url, as_alice)


def test_a_deactivated_account_goes_to_django(
    app, as_alice, alice, staff, reflection, django_capture_on_commit_callbacks
):
    url = poll_url(as_alice, reflection)
    assert fast(app, url, as_alice)
    staff_browser = Client()
    staff_browser.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_browser.post(
            f"/admin/accounts/user/{alice.pk}/change/", {"display_name": alice.display_name, "_save": "Save"}
        )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert not fast(app, url, as_alice)


def test_my_own_password_change_keeps_this_devices_poll_fast(
    app, as_alice, alice, reflection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "a-new-password-5521", "password2": "a-new-password-5521"},
        )
    assert response.status_code == 302

    assert fast(app, poll_url(as_alice, reflection), as_alice)


def test_an_empty_cache_sends_the_poll_to_django(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)
    cache.clear()

    _, _, _, django = call(app, url, session_key=session_of(as_alice))

    assert django


def test_a_version_made_again_after_it_was_lost_does_not_match_the_old_page(app, as_alice, alice, reflection):
    url = poll_url(as_alice, reflection)
    cache.delete(f"live:{reflection.pk}:{alice.pk}")
    live.live_version(reflection.pk, alice)  # another page makes a fresh one

    assert not fast(app, url, as_alice)


@pytest.mark.parametrize("method", ["POST", "HEAD"])
def test_only_a_get_is_answered_here(app, as_alice, reflection, method):
    url = poll_url(as_alice, reflection)

    _, _, _, django = call(app, url, session_key=session_of(as_alice), method=method)

    assert django


def test_other_paths_with_the_token_go_to_django(app, as_alice, reflection):
    url = poll_url(as_alice, reflection)
    page = url.replace("/status/", "/")

    _, _, _, django = call(app, page, session_key=session_of(as_alice))

    assert django


def test_without_redis_the_fast_answer_still_holds(client, alice, reflection, settings):
    """The cache and the sessions in the database: still no Django, one
    read of each."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "twofold_cache"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    app = LivePolls(Django())  # it picks the session engine once, when it starts
    client.force_login(alice)
    url = poll_url(client, reflection)

    with CaptureQueriesContext(connection) as queries:
        assert fast(app, url, client)
    assert len(queries) == 2


def test_without_redis_the_live_server_leaves_every_poll_to_django(client, alice, reflection, settings):
    """Its event loop must not wait on the database: Django's ASGI handler
    answers, in a thread, as it would any request."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    app = ServedByASGI()
    client.force_login(alice)
    url = poll_url(client, reflection)

    _, _, _, django = call(app, url, session_key=session_of(client))

    assert django


def test_the_live_server_lets_only_a_few_requests_into_django_at_once():
    """Each would hold a thread and a database connection: a burst of polls
    falling through (an emptied Redis) must not exhaust the database's."""

    class SlowDjango(AsyncDjango):
        running = most = 0

        async def __call__(self, scope, receive, send):
            self.running += 1
            self.most = max(self.most, self.running)
            await asyncio.sleep(0.01)
            self.running -= 1
            await super().__call__(scope, receive, send)

    django = SlowDjango()
    app = AsyncLivePolls(django)
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    async def burst():
        await asyncio.gather(*(app(scope, receive, send) for _ in range(20)))

    in_a_loop_of_its_own(burst())

    assert django.calls == 20
    assert django.most == AsyncLivePolls.DJANGO_AT_ONCE
