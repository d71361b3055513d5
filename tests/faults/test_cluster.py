"""Several app servers: two gunicorns behind HAProxy (config/haproxy.cfg, as
`make serve-cluster` runs it) sharing PostgreSQL and a Redis of the test's
own. Partners autosave through the balancer all along, and 500 open
reflection pages hold their event streams (reflections/streams.py), all of
them on the first app server: the second was out of rotation while they
opened.

1. That app server dies (SIGKILL to its master and workers at once). The
   balancer takes it out within a second or two and sends everything to the
   other; only requests in flight on the dead server fail, each of them
   unacknowledged; no acknowledged save is lost and nobody is signed out.
   Every page's stream reconnects through the balancer, as a browser's
   EventSource does, and is ready again on the other server within
   RECONNECT_WITHIN; the next change from a partner reaches it there. Some
   pages are away longer, and their partners answer meanwhile: no event
   tells them, but the status each page fetches on its stream's `ready`
   shows the change.
2. Redis dies and a new, empty one starts on its port. While it is away,
   pages and saves still work (a cache that cannot be reached is a miss);
   afterwards everybody is still signed in (sessions are written through to
   the database), the rate limits count again, per client as HAProxy names
   it, and the partner's next change reaches both a page open since before
   the restart and one opened after it.

PostgreSQL only (SQLite serves one machine). Needs haproxy and redis-server:
`make cluster-tools` installs them; CI must have them."""

import asyncio
import contextlib
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
    production_env,
    redis_server,
    session_cookie_for,
)

from ..conftest import link, make_article
from .conftest import database_url
from .event_streams import EventSource, follow
from .test_autosave_storm import HX_HEADERS, Writer, open_page, version_in

pytestmark = [pytest.mark.faults, pytest.mark.postgres(run="`make test-faults`")]

COUPLES = 6
WORKERS = 2  # per app server
# Requests in flight on the killed server fail (HAProxy answers 502, or
# closes the connection unanswered); new ones go to the other server (a
# refused connection is retried there, and two failed health checks 0.5s
# apart take the dead one out). Nothing may fail later than this after the
# kill.
FAILURE_WINDOW = 3.0
# Open pages, each with its stream: both partners of STREAMS / 2 couples.
STREAMS = 500
# The first of them (both partners of AWAY / 2 couples) stay away after
# the kill until their partners have answered.
AWAY = 20
# Every stream is ready again on the other server this soon after the kill
# (the browser waits the stream's `retry`, 2 s, then reconnects), and hears
# a partner's change this soon after the save.
RECONNECT_WITHIN = 30.0
HEARD_WITHIN = 30.0
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LIVE_STATUS = re.compile(r'hx-get="(/reflections/\d+/status/[^"]*)"')
EVENT_STREAM = re.compile(r'sse-connect="(/reflections/\d+/events/)"')


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


@dataclass
class Tab:
    """One partner's reflection page, open in a browser: what the page gave
    it (the CSRF token, the URL its live status is fetched from, naming the
    status it shows) and its event stream. Its partner's tab is next to it
    in the list: tabs[n ^ 1]."""

    label: str  # "tab-17-alice"
    reflection_pk: int
    prompt_pk: int
    cookies: dict
    client: httpx.AsyncClient | None = None
    token: str = ""
    status_url: str = ""
    source: EventSource | None = None
    answered_at: float | None = None  # when its person's answer was sent
    saved_at: float | None = None  # and acknowledged


def partner_of(tabs, n):
    return tabs[n ^ 1]


@contextlib.asynccontextmanager
async def pages_open(tabs, base_url):
    """Each tab's page opened through the balancer, as a browser opens it,
    and its event stream followed until the block ends. Once the block is
    in, every stream has said `ready`."""
    # One pool of connections for all the pages' other requests, each page
    # with its own cookies. HAProxy closes an idle connection after 10 s
    # (timeout http-request); a browser sends a request again when the
    # connection it chose closes under it, httpx does not, so idle ones go
    # first.
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=20, keepalive_expiry=5))
    followers = []

    async def open_tab(tab):
        tab.client = httpx.AsyncClient(
            base_url=base_url, cookies=tab.cookies, transport=transport, timeout=httpx.Timeout(30, pool=None)
        )
        page = await tab.client.get(f"/reflections/{tab.reflection_pk}/")
        assert page.status_code == 200, f"{tab.label}: the page answered {page.status_code}"
        tab.token = HX_HEADERS.search(page.text).group(1)
        tab.status_url = live_status_url(page)
        tab.source = EventSource(tab.label, EVENT_STREAM.search(page.text).group(1), tab.cookies)
        followers.append(asyncio.create_task(follow(tab.source, base_url)))

    try:
        await asyncio.gather(*(open_tab(tab) for tab in tabs))
        await wait_until(lambda: all(tab.source.received("ready") for tab in tabs), 60, "every stream was not ready")
        yield
    finally:
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
        await transport.aclose()


async def answer(tab, text):
    """The tab's person types an answer: one autosave from their page, which
    their partner's open pages hear about."""
    prefix = f"p{tab.prompt_pk}"
    tab.answered_at = time.monotonic()
    response = await tab.client.post(
        f"/reflections/{tab.reflection_pk}/answers/",
        data={f"{prefix}-shown": "1", f"{prefix}-text": text, f"{prefix}-version": "0"},
        headers={"HX-Request": "true", "X-CSRFToken": tab.token},
    )
    assert response.status_code == 200 and "Saved." in response.text, (tab.label, response.status_code)
    tab.saved_at = time.monotonic()


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


async def storm_through_kill_and_redis_restart(balancer, app1, redis_process, savers, bystander_cookies, tabs, report):
    """`tabs` are open, their streams on app1."""
    load = Load(stop=asyncio.Event())
    timeout = httpx.Timeout(30)
    clients = [httpx.AsyncClient(base_url=balancer.url, cookies=s.cookies, timeout=timeout) for s in savers]
    bystander = httpx.AsyncClient(base_url=balancer.url, cookies=bystander_cookies, timeout=timeout)
    tasks = [asyncio.create_task(keep_saving(c, s, load)) for c, s in zip(clients, savers, strict=True)]
    try:
        await all_signed_in([bystander], "the bystander was not signed in")
        await wait_until(lambda: min(acks(savers)) >= 2, 60, "every partner's first saves were acknowledged")

        # 1. One app server dies, with every open page's stream on it. Some
        # pages stay away until their partners have answered.
        away = tabs[:AWAY]
        for tab in away:
            tab.source.online.clear()
        before_kill = acks(savers)
        killed = time.monotonic()
        await asyncio.to_thread(app1.kill)
        down = await wait_until(
            lambda: balancer.states()["app1"] == "DOWN", 10, "HAProxy did not take the dead server out"
        )
        # Sent once HAProxy knows, so that none is in flight on the dying server.
        await asyncio.gather(*(answer(tab, f"{tab.label}/while-away/") for tab in away))
        for tab in away:
            tab.source.online.set()
        back = await wait_until(
            lambda: all(tab.source.received("ready", since=killed) for tab in tabs),
            RECONNECT_WITHIN,
            f"every stream was not ready again on app2 {RECONNECT_WITHIN}s after the kill",
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
        since_kill = [(f"{when - killed:+.3f}s", who, what) for when, who, what in load.refused]
        assert max(per_partner.values(), default=0) <= 1, f"{per_partner.most_common(3)}: {since_kill}"
        await all_signed_in(clients + [bystander], "somebody was signed out by the kill")
        failed_at_kill = len(load.refused)
        report(
            f"cluster: app1 killed; HAProxy marked it DOWN after {down - killed:.1f}s; "
            f"{failed_at_kill} requests failed, unacknowledged, within {FAILURE_WINDOW}s, none later; "
            f"{sum(a - b for a, b in zip(acks(savers), before_kill, strict=True))} saves acknowledged after it"
        )
        heard = await every_stream_hears_the_next_change(tabs[AWAY:])
        await changes_made_while_away_show_on_ready(away, tabs, killed)
        failures = [(tab.label, failure) for tab in tabs for failure in tab.source.failures]
        assert failures == [], f"streams that did not open: {failures[:10]}"
        report(
            f"cluster: {len(tabs)} streams open on app1 when it was killed, all ready again on app2 "
            f"{back - killed:.1f}s after the kill; {len(tabs) - AWAY} heard their partner's next change, "
            f"at most {max(heard, 0):.1f}s after the save; {AWAY} away during their partner's change show it on ready"
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


async def every_stream_hears_the_next_change(tabs):
    """Everybody answers, and each partner's reconnected stream says the
    status changed; returns the longest wait from a save's acknowledgement
    to its event (which may come first)."""
    await asyncio.gather(*(answer(tab, f"{tab.label}/after-the-kill/") for tab in tabs))

    def heard(n, tab):
        return tab.source.received("status", since=partner_of(tabs, n).answered_at)

    await wait_until(
        lambda: all(heard(n, tab) for n, tab in enumerate(tabs)),
        HEARD_WITHIN,
        "every reconnected stream did not hear its partner's change",
    )
    return max(
        tab.source.times_of("status", since=partner_of(tabs, n).answered_at)[0] - partner_of(tabs, n).saved_at
        for n, tab in enumerate(tabs)
    )


async def changes_made_while_away_show_on_ready(away, tabs, killed):
    """The `away` pages' streams came back after their partners answered,
    so no event told them; the status each page fetches on `ready`, with
    the status it showed before, brings the change."""
    for n, tab in enumerate(away):
        partner = partner_of(tabs, n)
        assert min(tab.source.times_of("ready", since=killed)) > partner.answered_at, tab.label
        response = await tab.client.get(tab.status_url, headers={"HX-Request": "true"})
        assert response.status_code == 200, (tab.label, response.status_code)
        assert "has answered 1 of" in response.text, tab.label
        assert "while-away" not in response.text  # P6: that they answered, never what


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


def live_status_url(page):
    """The URL a page fetches its live status from, naming the status it
    shows (from the page, or from the status fragment)."""
    return html.unescape(LIVE_STATUS.search(page.text).group(1))


async def streams_follow_the_partner(balancer, watcher, partner):
    """The watcher's page, open since before Redis restarted, and one opened
    now both hear the partner's answer, and fetch the new status; the status
    from before the change is gone."""
    again = Tab("watcher-again", watcher.reflection_pk, watcher.prompt_pk, watcher.cookies)
    async with pages_open([again], balancer.url):
        await answer(partner, "the partner's answer")
        await wait_until(
            lambda: all(tab.source.received("status", since=partner.answered_at) for tab in (watcher, again)),
            HEARD_WITHIN,
            "the watcher's streams did not hear the partner's answer",
        )
    hx = {"HX-Request": "true"}
    changed = await watcher.client.get(watcher.status_url, headers=hx)
    assert changed.status_code == 200 and "has answered 1 of" in changed.text
    assert "the partner's answer" not in changed.text
    fresh = live_status_url(changed)
    assert fresh != watcher.status_url
    assert (await watcher.client.get(fresh, headers=hx)).status_code == 204


async def through_the_faults(balancer, app1, redis_process, savers, tabs, watched, report):
    """Opens every tab's page while app2 is out of rotation, so that their
    streams are all on app1; the watcher's and their partner's (`watched`)
    too, which stay open through both faults. Then app2 comes back, and
    the storm begins."""
    watcher, partner = watched
    balancer.set_state("app2", "maint")
    async with pages_open(tabs, balancer.url), pages_open(watched, balancer.url):
        open_on = {name: int(row["scur"]) for name, row in balancer.stats().items()}
        assert open_on["app1"] >= len(tabs) and open_on["app2"] == 0, open_on
        balancer.set_state("app2", "ready")
        await wait_until(lambda: balancer.states()["app2"] == "UP", 10, "app2 did not come back")
        load = await storm_through_kill_and_redis_restart(
            balancer, app1, redis_process, savers, watcher.cookies, tabs, report
        )
        await streams_follow_the_partner(balancer, watcher, partner)
    return load


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
    watched_prompt = watched.prompts.get(kind=PromptKind.TEXT)
    watched_tabs = [
        Tab("watcher", watched.pk, watched_prompt.pk, watcher_cookies),
        Tab("partner", watched.pk, watched_prompt.pk, partner_cookies),
    ]
    tabs = []
    for n in range(STREAMS // 2):
        alice, bob = make_user(f"TabA{n}"), make_user(f"TabB{n}")
        link(alice, bob)
        reflection = reflection_start(article=article, by=alice)
        prompt = reflection.prompts.get(kind=PromptKind.TEXT)
        for user, name in ((alice, "alice"), (bob, "bob")):
            tabs.append(Tab(f"tab-{n}-{name}", reflection.pk, prompt.pk, session_cookie_for(user, secret_key)))
    coder_cookies = session_cookie_for(make_user("Coder"), secret_key)
    guessed = [make_user(f"Guessed{n}") for n in range(10)]
    owner_password = secrets.token_urlsafe(16)
    owner = make_user("Owner")
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):  # as the servers check it
        owner.set_password(owner_password)
        owner.save()

    caplog.set_level(logging.WARNING, logger="httpx")
    logs = {name: tmp_path / f"{name}.log" for name in ("app1", "app2", "haproxy")}
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
            open(logs["haproxy"], "wb") as log3,
            app_server(env, workers=WORKERS, log=log1) as app1,
            app_server(env, workers=WORKERS, log=log2, collectstatic=False) as app2,
            haproxy([app1, app2], folder=tmp_path, check_interval="500ms", log=log3) as balancer,
        ):
            everything_up = {"app1": "UP", "app2": "UP"}
            wait_for(lambda: balancer.states() == everything_up, 10, "every server was not up")
            with httpx.Client(base_url=balancer.url, cookies=watcher_cookies, timeout=30) as client:
                page = client.get(f"/reflections/{watched.pk}/")
                assert page.status_code == 200 and "has answered 0 of" in page.text
                # Nothing changed: each server says so.
                status = {"HX-Request": "true"}
                assert [client.get(live_status_url(page), headers=status).status_code for _ in range(2)] == [204, 204]
            load = asyncio.run(
                through_the_faults(balancer, app1, redis_process, savers, tabs, watched_tabs, fault_report)
            )
            # After the restart, on the empty Redis: the limits count again.
            assert_code_guesses_are_limited(balancer, coder_cookies)
            assert_failed_sign_ins_are_counted_per_client(balancer, guessed, owner, owner_password)
            redispatched = balancer.stats()["app1"]["wredis"]
            assert balancer.states() == {**everything_up, "app1": "DOWN"}

    surprises = [f"{s.label}: {surprise}" for s in savers for surprise in s.surprises]
    servers = ("app1", "app2")
    errors = [
        line
        for name in servers
        for line in logs[name].read_text().splitlines()
        # Losing Redis is the test's own doing: Channels' Redis layer says so
        # at once, and listens again when it is back.
        if '"ERROR"' in line and '"message": "Unexpected exception in receive task"' not in line
    ]
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
