"""Several app servers: two gunicorns and two live servers behind HAProxy
(config/haproxy.cfg, as `make serve-cluster` runs it) sharing PostgreSQL and
a Redis of the test's own. Partners autosave through the balancer all along;
the status polls go to the live servers.

1. One app server dies (SIGKILL to its master and workers at once). The
   balancer takes it out within a second or two and sends everything to the
   other; only requests in flight on the dead server fail, each of them
   unacknowledged; no acknowledged save is lost and nobody is signed out.
2. Redis dies and a new, empty one starts on its port. While it is away,
   pages and saves still work (a cache that cannot be reached is a miss);
   afterwards everybody is still signed in (sessions are written through to
   the database), the rate limits count again, per client as HAProxy names
   it, and the live status poll follows the partner.

PostgreSQL only (SQLite serves one machine). Needs haproxy and redis-server:
`make cluster-tools` installs them; CI must have them."""

import asyncio
import html
import logging
import os
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import global_settings, settings
from django.test.utils import override_settings
from django.urls import reverse

from library.models import PromptKind
from reflections.models import Answer
from reflections.services import reflection_start
from tools.servers import (
    HAPROXY,
    REDIS_SERVER,
    app_server,
    haproxy,
    live_server,
    production_env,
    redis_server,
    session_cookie_for,
)

from ..conftest import link, make_article
from .conftest import database_url
from .test_autosave_storm import HX_HEADERS, Writer, open_page, version_in

pytestmark = [pytest.mark.faults, pytest.mark.postgres(run="`make test-faults`")]

COUPLES = 6
WORKERS = 2  # per app server
# Requests in flight on the killed server fail (HAProxy answers 502); new
# ones go to the live server (a refused connection is retried there, and
# two failed health checks 0.5s apart take the dead one out). Nothing may
# fail later than this after the kill.
FAILURE_WINDOW = 3.0
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LIVE_STATUS = re.compile(r'hx-get="(/reflections/\d+/status/[^"]*)"')


@pytest.fixture
def cluster_tools():
    missing = [str(path) for path in (HAPROXY, REDIS_SERVER) if not Path(path).exists()]
    if missing:
        message = f"the cluster test needs {', '.join(missing)}: `make cluster-tools` installs them"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Saver(Writer):
    """A partner autosaving their answer through the balancer, one save after
    the other, as the page does. After a failure they reload the page and go
    on from the version it shows, as the page's author would."""

    version: int = 0
    committed_unacknowledged: int = 0
    surprises: list = field(default_factory=list)


@dataclass
class Load:
    stop: asyncio.Event
    statuses: Counter = field(default_factory=Counter)
    refused: list = field(default_factory=list)  # (when, who, what) for every request that failed


def save_text(saver, n):
    return f"{saver.label}/save-{n}/"  # no text is the start of another


async def keep_saving(client, saver, load):
    token = await open_page(client, saver)
    page_url = f"/reflections/{saver.reflection_pk}/"
    prefix = f"p{saver.prompt_pk}"
    n, unknown = 0, None  # unknown: a save whose fate the client did not learn
    while not load.stop.is_set():
        if unknown is not None:
            try:
                page = await client.get(page_url)
            except httpx.HTTPError as error:
                load.refused.append((time.monotonic(), saver.label, f"reload: {type(error).__name__}"))
                await asyncio.sleep(0.05)
                continue
            if page.status_code != 200:
                load.refused.append((time.monotonic(), saver.label, f"reload: {page.status_code}"))
                await asyncio.sleep(0.05)
                continue
            shown = version_in(page.text, saver.prompt_pk)
            if shown == saver.version + 1 and unknown in page.text:
                # Committed, then the server died before answering: saved whole.
                saver.committed_unacknowledged += 1
                saver.version, saver.last_text = shown, unknown
            elif shown != saver.version:
                saver.surprises.append(f"after reload: version {shown}, expected {saver.version}")
            token = HX_HEADERS.search(page.text).group(1)
            unknown = None
            continue
        n += 1
        text = save_text(saver, n)
        try:
            response = await client.post(
                f"{page_url}answers/",
                data={f"{prefix}-shown": "1", f"{prefix}-text": text, f"{prefix}-version": str(saver.version)},
                headers={"HX-Request": "true", "X-CSRFToken": token},
            )
        except httpx.HTTPError as error:
            load.statuses[type(error).__name__] += 1
            load.refused.append((time.monotonic(), saver.label, f"save: {type(error).__name__}"))
            unknown = text
            continue
        load.statuses[response.status_code] += 1
        if response.status_code != 200:
            load.refused.append((time.monotonic(), saver.label, f"save: {response.status_code}"))
            if response.status_code < 500:
                saver.surprises.append(f"save {text!r} answered {response.status_code}: {response.text[:300]}")
            unknown = text
            continue
        new_version = version_in(response.text, saver.prompt_pk)
        if new_version != saver.version + 1 or "Saved." not in response.text:
            saver.surprises.append(f"save {text!r} from version {saver.version} acknowledged as {new_version}")
        saver.version, saver.last_text = new_version, text
        saver.acknowledged += 1


async def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout}s")
        await asyncio.sleep(0.05)
    return time.monotonic()


def acks(savers):
    return [s.acknowledged for s in savers]


async def all_signed_in(clients, what):
    """Each client's session cookie still opens a page for the signed-in,
    rather than a redirect to sign in."""
    path = reverse("notifications:email_preferences")
    pages = await asyncio.gather(*(client.get(path) for client in clients))
    assert [page.status_code for page in pages] == [200] * len(clients), what


def session_cached_in(redis_url, cookies):
    """Whether the session behind `cookies` is in Redis (the copy config/sessions.py keeps)."""
    session_key = cookies[settings.SESSION_COOKIE_NAME]
    with redis.Redis.from_url(redis_url) as client:
        return any(client.scan_iter(match=f"*{session_key}"))


async def storm_through_kill_and_redis_restart(balancer, app1, redis_process, savers, bystander_cookies, report):
    load = Load(stop=asyncio.Event())
    timeout = httpx.Timeout(30)
    clients = [httpx.AsyncClient(base_url=balancer.url, cookies=s.cookies, timeout=timeout) for s in savers]
    bystander = httpx.AsyncClient(base_url=balancer.url, cookies=bystander_cookies, timeout=timeout)
    tasks = [asyncio.create_task(keep_saving(c, s, load)) for c, s in zip(clients, savers, strict=True)]
    try:
        await all_signed_in([bystander], "the bystander was not signed in")
        await wait_until(lambda: min(acks(savers)) >= 2, 60, "every partner's first saves were acknowledged")

        # 1. One app server dies.
        before_kill = acks(savers)
        killed = time.monotonic()
        await asyncio.to_thread(app1.kill)
        down = await wait_until(
            lambda: balancer.states()["app1"] == "DOWN", 10, "HAProxy did not take the dead server out"
        )
        await wait_until(
            lambda: (
                time.monotonic() > killed + FAILURE_WINDOW
                and all(a >= b + 3 for a, b in zip(acks(savers), before_kill, strict=True))
            ),
            30,
            "every partner did not go on saving after the kill",
        )
        late = [(when - killed, what) for when, _, what in load.refused if when > killed + FAILURE_WINDOW]
        assert late == [], f"requests failed more than {FAILURE_WINDOW}s after the kill: {late[:10]}"
        # Only the one request each partner had in flight on the dead server:
        # the next went to the live one, even before the health checks noticed.
        per_partner = Counter(who for _, who, _ in load.refused)
        assert max(per_partner.values(), default=0) <= 1, load.refused
        await all_signed_in(clients + [bystander], "somebody was signed out by the kill")
        failed_at_kill = len(load.refused)
        report(
            f"cluster: app1 killed; HAProxy marked it DOWN after {down - killed:.1f}s; "
            f"{failed_at_kill} requests failed, unacknowledged, within {FAILURE_WINDOW}s, none later; "
            f"{sum(a - b for a, b in zip(acks(savers), before_kill, strict=True))} saves acknowledged after it"
        )

        # 2. Redis dies, and a new, empty one takes its port.
        assert await asyncio.to_thread(session_cached_in, redis_process.url, bystander_cookies)
        await asyncio.to_thread(redis_process.kill)
        redis_killed = time.monotonic()
        before_outage = acks(savers)
        await wait_until(
            lambda: all(a >= b + 2 for a, b in zip(acks(savers), before_outage, strict=True)),
            30,
            "saves did not go on while Redis was away",
        )
        await all_signed_in(clients, "somebody was signed out while Redis was away")
        await asyncio.to_thread(redis_process.start)
        redis_away = time.monotonic() - redis_killed
        # The new Redis holds nobody's session: the next request finds it in the database.
        assert not await asyncio.to_thread(session_cached_in, redis_process.url, bystander_cookies)
        await all_signed_in([bystander], "the bystander was signed out by the Redis restart")
        assert await asyncio.to_thread(session_cached_in, redis_process.url, bystander_cookies)
        after_restart = acks(savers)
        await wait_until(
            lambda: all(a >= b + 2 for a, b in zip(acks(savers), after_restart, strict=True)),
            30,
            "saves did not go on after Redis came back",
        )
        await all_signed_in(clients, "somebody was signed out by the Redis restart")
        assert len(load.refused) == failed_at_kill, f"requests failed around the Redis restart: {load.refused}"
        report(
            f"cluster: Redis killed, restarted empty {redis_away:.1f}s later: "
            f"{sum(a - b for a, b in zip(after_restart, before_outage, strict=True))} saves acknowledged "
            f"while it was away, none refused; everybody still signed in"
        )
    finally:
        load.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(client.aclose() for client in [*clients, bystander]))
    for task in tasks:
        task.result()  # an assertion inside a saver fails the test here
    return load


def form_token(client, path):
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return CSRF_FIELD.search(page.text).group(1)


def sign_in(client, email, password, spoofed):
    """The sign-in form, from a browser that adds an X-Forwarded-For of its own."""
    token = form_token(client, reverse("account_login"))
    return client.post(
        reverse("account_login"),
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"X-Forwarded-For": spoofed},
    )


def locked_out(response):
    return response.status_code == 429 or "Too many failed login attempts" in response.text


def assert_failed_sign_ins_are_counted_per_client(balancer, guessed, owner, owner_password):
    """Ten wrong passwords from one client, each with a made-up
    X-Forwarded-For, lock that client out (HAProxy's entry, the last, is the
    one believed); a client at another address still signs in."""
    with httpx.Client(base_url=balancer.url, timeout=30) as guesser:
        for n, user in enumerate(guessed):
            response = sign_in(guesser, user.email, "a wrong guess", spoofed=f"192.0.2.{n}")
            assert response.status_code == 200 and not locked_out(response), (n, response.status_code)
        assert locked_out(sign_in(guesser, owner.email, owner_password, spoofed="192.0.2.99"))
    elsewhere = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=balancer.url, timeout=30, transport=elsewhere) as other:
        response = sign_in(other, owner.email, owner_password, spoofed="192.0.2.99")
        assert response.status_code == 302 and response.headers["Location"] == reverse("reflections:home")


def assert_code_guesses_are_limited(balancer, cookies):
    """Ten wrong partner codes an hour per account, counted across both servers."""
    path = reverse("accounts:invitation_code")
    with httpx.Client(base_url=balancer.url, cookies=cookies, timeout=30) as client:
        token = form_token(client, path)
        statuses = [
            client.post(path, data={"code": f"WRONG{n:03d}", "csrfmiddlewaretoken": token}).status_code
            for n in range(11)
        ]
    assert statuses == [400] * 10 + [429]


def live_poll(page):
    """The live status poll's URL, as the page (or the fragment) gives it."""
    return html.unescape(LIVE_STATUS.search(page.text).group(1))


def assert_live_status_follows_the_partner(balancer, poll, watcher_cookies, partner_cookies, reflection, prompt):
    """`poll` is the page's poll from before the Redis restart."""
    with (
        httpx.Client(base_url=balancer.url, cookies=watcher_cookies, timeout=30) as watcher,
        httpx.Client(base_url=balancer.url, cookies=partner_cookies, timeout=30) as partner,
    ):
        unchanged = watcher.get(poll)
        assert unchanged.status_code in {200, 204}
        assert unchanged.status_code == 204 or "has answered 0 of" in unchanged.text

        partner_page = partner.get(f"/reflections/{reflection.pk}/")
        token = HX_HEADERS.search(partner_page.text).group(1)
        prefix = f"p{prompt.pk}"
        saved = partner.post(
            f"/reflections/{reflection.pk}/answers/",
            data={f"{prefix}-shown": "1", f"{prefix}-text": "the partner's answer", f"{prefix}-version": "0"},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        assert saved.status_code == 200

        # The poll from before the change brings the new status, from either server.
        for _ in range(2):
            changed = watcher.get(poll)
            assert changed.status_code == 200 and "has answered 1 of" in changed.text
            assert "the partner's answer" not in changed.text
        fresh = live_poll(changed)
        assert fresh != poll
        assert [watcher.get(fresh).status_code for _ in range(2)] == [204, 204]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout}s")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_behind_haproxy_survive_losing_one_and_a_redis_restart(
    cluster_tools, make_user, tmp_path, caplog, fault_report
):
    started = time.monotonic()
    secret_key = secrets.token_urlsafe(50)
    article = make_article()
    savers = []
    for n in range(COUPLES):
        alice, bob = make_user(f"ClusterA{n}"), make_user(f"ClusterB{n}")
        link(alice, bob)
        reflection = reflection_start(article=article, by=alice)
        prompt = reflection.prompts.get(kind=PromptKind.TEXT)
        for user, name in ((alice, "alice"), (bob, "bob")):
            cookies = session_cookie_for(user, secret_key)
            savers.append(Saver(f"couple-{n}-{name}", user.pk, reflection.pk, prompt.pk, cookies))
    watcher, partner = make_user("Watcher"), make_user("Partner")
    link(watcher, partner)
    watched = reflection_start(article=article, by=watcher)
    watcher_cookies, partner_cookies = (session_cookie_for(user, secret_key) for user in (watcher, partner))
    coder_cookies = session_cookie_for(make_user("Coder"), secret_key)
    guessed = [make_user(f"Guessed{n}") for n in range(10)]
    owner_password = secrets.token_urlsafe(16)
    owner = make_user("Owner")
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):  # as the servers check it
        owner.set_password(owner_password)
        owner.save()

    caplog.set_level(logging.WARNING, logger="httpx")
    logs = {name: tmp_path / f"{name}.log" for name in ("app1", "app2", "live1", "live2", "haproxy")}
    with redis_server(tmp_path) as redis_process:
        env = production_env(
            database_url=database_url(),
            field_keys=settings.FIELD_ENCRYPTION_KEYS,
            secret_key=secret_key,
            REDIS_URL=redis_process.url,
            # HAProxy connects from here and appends the client's address.
            FORWARDED_ALLOW_IPS="127.0.0.1",
            TRUSTED_PROXY_COUNT=1,
            LOG_LEVEL="INFO",
        )
        with (
            open(logs["app1"], "wb") as log1,
            open(logs["app2"], "wb") as log2,
            open(logs["live1"], "wb") as log4,
            open(logs["live2"], "wb") as log5,
            open(logs["haproxy"], "wb") as log3,
            app_server(env, workers=WORKERS, log=log1) as app1,
            app_server(env, workers=WORKERS, log=log2, collectstatic=False) as app2,
            live_server(env, workers=1, log=log4) as live1,
            live_server(env, workers=1, log=log5) as live2,
            haproxy([app1, app2], [live1, live2], folder=tmp_path, check_interval="500ms", log=log3) as balancer,
        ):
            everything_up = {"app1": "UP", "app2": "UP", "live1": "UP", "live2": "UP"}
            wait_for(lambda: balancer.states() == everything_up, 10, "every server was not up")
            with httpx.Client(base_url=balancer.url, cookies=watcher_cookies, timeout=30) as client:
                page = client.get(f"/reflections/{watched.pk}/")
                assert page.status_code == 200 and "has answered 0 of" in page.text
                poll = live_poll(page)
                # Nothing changed: each server says so.
                assert [client.get(poll).status_code for _ in range(2)] == [204, 204]
            load = asyncio.run(
                storm_through_kill_and_redis_restart(
                    balancer, app1, redis_process, savers, watcher_cookies, fault_report
                )
            )
            # After the restart, on the empty Redis: the limits count again, and the poll works.
            assert_code_guesses_are_limited(balancer, coder_cookies)
            assert_failed_sign_ins_are_counted_per_client(balancer, guessed, owner, owner_password)
            assert_live_status_follows_the_partner(
                balancer, poll, watcher_cookies, partner_cookies, watched, watched.prompts.get(kind=PromptKind.TEXT)
            )
            stats = balancer.stats()
            redispatched = stats["app1"]["wredis"]
            assert balancer.states() == {**everything_up, "app1": "DOWN"}
            # The polls went to the live servers, each answering some.
            assert all(int(stats[name]["stot"]) > 0 for name in ("live1", "live2")), stats

    surprises = [f"{s.label}: {surprise}" for s in savers for surprise in s.surprises]
    servers = ("app1", "app2", "live1", "live2")
    errors = [line for name in servers for line in logs[name].read_text().splitlines() if '"ERROR"' in line]
    assert surprises == [], "\n".join(surprises[:20])
    assert errors == [], "\n".join(errors[:5])
    # Each answer is the last save the server acknowledged (or committed
    # before dying), with one version for each of them: nothing lost.
    answers = {(a.author_id, a.prompt_id): a for a in Answer.objects.filter(prompt__reflection__article=article)}
    for saver in savers:
        answer = answers[(saver.user_pk, saver.prompt_pk)]
        expected = (saver.last_text, saver.acknowledged + saver.committed_unacknowledged)
        assert (answer.text, answer.version) == expected, saver.label
    # Both servers served the load, and health checks asked /healthz of each.
    for name in ("app1", "app2"):
        text = logs[name].read_text()
        assert '"path": "/reflections/' in text and '"path": "/healthz"' in text, name
    fault_report(
        f"cluster: {len(savers)} partners, {sum(acks(savers))} saves acknowledged, "
        f"{sum(s.committed_unacknowledged for s in savers)} committed but unacknowledged, "
        f"responses {dict(load.statuses)}, {redispatched} redispatched from app1; "
        f"{time.monotonic() - started:.0f}s in all"
    )
