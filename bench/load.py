"""The load generator: concurrent signed-in clients, timing every request.

Why a small asyncio client on httpx rather than locust: httpx is already in
the venv (the tests use it), so `make bench` needs nothing new; one process
with one connection pool and N worker coroutines is all the concurrency a
handful of endpoints needs; every request's latency is kept, so the
percentiles are exact rather than locust's bucketed approximations; and there
are no extra processes to coordinate or collect from. Locust would add
gevent, a web UI and a master/worker protocol that this does not need.

Caveat: the client runs on the same two cores as gunicorn and the database,
so it takes some CPU from the server. The ceiling view is measured by the
same client in the same way, so reading the pages as ratios of the ceiling
cancels most of that; the absolute numbers are this machine's, not
production's.

Each worker coroutine owns a fixed share of the virtual users (user i goes to
worker i mod N), so no user ever has two requests in flight: the autosave's
version tracking stays exact, as it would in one browser tab.
"""

import asyncio
import http.cookiejar
import math
import re
import time
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field

import httpx

TIMEOUT = httpx.Timeout(30.0)


@dataclass
class VirtualUser:
    """A signed-in partner with one reflection to answer and one revealed."""

    email: str
    session_cookie: str  # "sessionid=..."
    answering_pk: int  # in progress, this user not ready
    prompt_pk: int  # a text prompt in it, for autosave
    shared_pk: int  # revealed
    csrf_token: str = ""
    version: int = 0  # of this user's answer to prompt_pk, as the page last said
    saves: int = 0
    coach_cookie: str = ""  # a bench coach's session, for the coach's pages (bench/coaches.py)
    trend_pk: int = 0  # the couple's check-in, with revealed rounds (bench/checkins.py)

    def headers(self):
        cookie = self.session_cookie + (f"; csrftoken={self.csrf_token}" if self.csrf_token else "")
        return {"Cookie": cookie}


@dataclass
class Result:
    name: str
    latencies: list = field(default_factory=list)  # seconds, one per 200 response
    errors: Counter = field(default_factory=Counter)
    error_samples: list = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0  # CPU seconds this (client) process used meanwhile
    served_cpu: Counter = field(default_factory=Counter)  # CPU seconds by whom, from bench/cpu.py

    @property
    def requests(self):
        return len(self.latencies) + sum(self.errors.values())

    @property
    def rps(self):
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile(self, p):
        """Nearest-rank percentile of every sample, in milliseconds."""
        samples = sorted(self.latencies)
        if not samples:
            return float("nan")
        return samples[max(0, math.ceil(p / 100 * len(samples)) - 1)] * 1000

    @classmethod
    def pooled(cls, name, results):
        """Several slices of one endpoint as one run: every sample, and the
        time and client CPU they took together."""
        pooled = cls(name)
        for result in results:
            pooled.latencies += result.latencies
            pooled.errors.update(result.errors)
            pooled.error_samples += result.error_samples[: 5 - len(pooled.error_samples)]
            pooled.elapsed += result.elapsed
            pooled.client_cpu += result.client_cpu
            pooled.served_cpu.update(result.served_cpu)
        return pooled

    def cpu_ms_per_request(self):
        """Milliseconds of each group's CPU a request, the client's included."""
        if not self.requests or not self.served_cpu:
            return {}
        used = {**self.served_cpu, "client": self.client_cpu}
        return {group: round(seconds / self.requests * 1e3, 2) for group, seconds in used.items()}

    def add_error(self, key, detail):
        self.errors[key] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{key}: {detail[:300]}")

    def summary(self):
        return {
            "requests": self.requests,
            "ok": len(self.latencies),
            "errors": dict(self.errors),
            "error_samples": self.error_samples,
            "seconds": round(self.elapsed, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "client_cpu_share": round(self.client_cpu / self.elapsed, 2) if self.elapsed else None,
            "cpu_ms_per_request": self.cpu_ms_per_request(),
        }


# -- the endpoints ---------------------------------------------------------------


class Endpoint(ABC):
    """One thing the load drives; each kind says where it goes."""

    name = ""
    method = "GET"

    @abstractmethod
    def path(self, user): ...

    def request(self, user):
        return {"method": self.method, "url": self.path(user), "headers": user.headers()}

    def check(self, user, response):
        """None when the response is what a browser would be glad of, else why not."""
        if response.status_code != 200:
            return str(response.status_code), response.text
        return None


class Ceiling(Endpoint):
    name = "ceiling"

    def path(self, user):
        return "/bench/ceiling/"


class DefaultStack(Ceiling):
    """The same "ok" view from the second server (bench/default_stack.py),
    through Django's default middleware only."""

    name = "default stack"

    def __init__(self, base_url):
        self.base_url = base_url

    def path(self, user):
        return self.base_url + super().path(user)


class Home(Endpoint):
    name = "home"

    def path(self, user):
        return "/"


class Answering(Endpoint):
    name = "answering page"

    def path(self, user):
        return f"/reflections/{user.answering_pk}/"


class Shared(Endpoint):
    name = "shared view"

    def path(self, user):
        return f"/reflections/{user.shared_pk}/"


class Together(Endpoint):
    """Together mode on the revealed reflection's first question."""

    name = "together mode"

    def path(self, user):
        return f"/reflections/{user.shared_pk}/together/1/"


class CoachDashboard(Endpoint):
    """The coach's dashboard, as one of the bench's coaches (each with
    client couples, assigned and shared reflections) opens it."""

    name = "coach dashboard"

    def path(self, user):
        return "/coach/"

    def request(self, user):
        return {"method": self.method, "url": self.path(user), "headers": {"Cookie": user.coach_cookie}}


class Trend(Endpoint):
    """The check-in's trend: both partners' numbers on each scale question
    across its revealed rounds."""

    name = "check-in trend"

    def path(self, user):
        return f"/checkins/{user.trend_pk}/trend/"

    def check(self, user, response):
        if response.status_code != 200:
            return str(response.status_code), response.text
        if 'class="trend"' not in response.text:
            return "200 without a trend", response.text
        return None


VERSION_INPUT = re.compile(r'name="p(\d+)-version" value="(\d+)"')
STATUS_URL = re.compile(r'hx-get="([^"]*/status/[^"]*)"')


def status_url_in(html):
    """The status line's fetch in a page or a status line, as htmx reads it."""
    found = STATUS_URL.search(html)
    return found.group(1).replace("&amp;", "&") if found else None


DRAFTS = [
    "I keep coming back to this question.",
    "What I mean is that I want us to notice each other more on ordinary days.",
    "Saying it plainly: I would like more time that is just ours.",
    "I think I am getting closer to what I really feel about it.",
]


class Autosave(Endpoint):
    """htmx autosave of one text answer, as the answering page sends it
    while someone types: the changed text and the version it replaces."""

    name = "autosave"
    method = "POST"

    def path(self, user):
        return f"/reflections/{user.answering_pk}/answers/"

    def request(self, user):
        user.saves += 1
        pk = user.prompt_pk
        text = f"{DRAFTS[user.saves % len(DRAFTS)]} (draft {user.saves})"
        return {
            "method": "POST",
            "url": self.path(user),
            "headers": {
                **user.headers(),
                "HX-Request": "true",
                "HX-Target": f"save-status-{pk}",
                "HX-Trigger": f"prompt-{pk}",
                "X-CSRFToken": user.csrf_token,
            },
            "data": {f"p{pk}-shown": "1", f"p{pk}-version": str(user.version), f"p{pk}-text": text},
        }

    def check(self, user, response):
        # A 409 (conflict) carries the saved version too: keep going from it,
        # but it still counts as an error.
        for pk, version in VERSION_INPUT.findall(response.text):
            if int(pk) == user.prompt_pk:
                user.version = int(version)
        if response.status_code != 200:
            return str(response.status_code), response.text
        if "Saved." not in response.text:
            return "200 without Saved.", response.text
        return None


ENDPOINTS = {cls.name: cls for cls in (Ceiling, Home, Answering, Autosave, Shared, Together, CoachDashboard, Trend)}


# -- driving them ----------------------------------------------------------------


def new_client(base_url, concurrency):
    """One pool for every worker. Cookies are sent per virtual user in the
    Cookie header; the client's own jar keeps nothing, so one user's
    Set-Cookie never leaks into another's requests."""
    jar = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, cookies=jar, limits=limits, timeout=TIMEOUT)


async def drive(client, endpoint, users, *, seconds, concurrency):
    """`concurrency` workers, each cycling through its own users and sending
    requests back to back until `seconds` have passed."""
    result = Result(endpoint.name)
    shares = [users[w::concurrency] for w in range(concurrency)]
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + seconds

    async def worker(mine):
        i = 0
        while time.perf_counter() < deadline:
            user = mine[i % len(mine)]
            i += 1
            request = endpoint.request(user)
            sent = time.perf_counter()
            try:
                response = await client.request(**request)
            except httpx.HTTPError as error:
                result.add_error(type(error).__name__, str(error))
                continue
            took = time.perf_counter() - sent
            problem = endpoint.check(user, response)
            if problem:
                result.add_error(*problem)
            else:
                result.latencies.append(took)

    await asyncio.gather(*(worker(mine) for mine in shares if mine))
    result.elapsed = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu_started
    return result


async def prepare(client, users):
    """What a browser has before it autosaves: the answering page, its CSRF
    cookie and the version of the answer it shows. Also checks that each
    user's pages are the ones meant (the answering form, the shared view)."""
    problems = []

    async def one(user):
        response = await client.get(f"/reflections/{user.answering_pk}/", headers=user.headers())
        if response.status_code != 200 or 'class="answers"' not in response.text:
            problems.append(f"{user.email}: answering page {response.status_code}, no answer form")
            return
        user.csrf_token = response.cookies.get("csrftoken", "")
        versions = {int(pk): int(v) for pk, v in VERSION_INPUT.findall(response.text)}
        if not user.csrf_token or user.prompt_pk not in versions:
            problems.append(f"{user.email}: no CSRF cookie or no version for prompt {user.prompt_pk}")
            return
        user.version = versions[user.prompt_pk]
        response = await client.get(f"/reflections/{user.shared_pk}/", headers=user.headers())
        if response.status_code != 200 or "shared-list" not in response.text:
            problems.append(f"{user.email}: shared view {response.status_code}, not the shared view")

    # A few at a time, as the server is still cold.
    for first in range(0, len(users), 8):
        await asyncio.gather(*(one(user) for user in users[first : first + 8]))
    return problems
