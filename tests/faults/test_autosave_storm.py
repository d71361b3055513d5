"""Autosave storm: both partners of 100 couples autosave at once, over and
over, for FAULTS_STORM_SECONDS (60 by default), against gunicorn as
production runs it, on whichever database DATABASE_URL names (SQLite too).
No acknowledged save is lost: each answer ends as the last text the server
acknowledged, with as many versions as acknowledged saves, and no request
fails.

Each partner writes only their own answer, one save after the other, as the
page does (the next save carries the version the last response gave), so a
409 would be a bug here, not a conflict."""

import asyncio
import logging
import os
import re
import secrets
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from django.conf import settings

from library.models import PromptKind
from reflections.models import Answer, Participant, Reflection
from reflections.services import reflection_start
from tools.servers import gunicorn, production_env, session_cookie_for

from ..conftest import link, make_article
from .conftest import database_url

COUPLES = 100
STORM_SECONDS = float(os.environ.get("FAULTS_STORM_SECONDS", 60))
HX_HEADERS = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")

pytestmark = pytest.mark.faults


@dataclass
class Writer:
    label: str  # "couple-17-alice"
    user_pk: int
    reflection_pk: int
    prompt_pk: int
    cookies: dict
    acknowledged: int = 0
    last_text: str | None = None
    failures: list = field(default_factory=list)
    latencies: list = field(default_factory=list)


def version_in(body, prompt_pk):
    match = re.search(rf'id="version-{prompt_pk}" name="p{prompt_pk}-version" value="(\d+)"', body)
    return int(match.group(1)) if match else None


async def open_page(client, writer):
    """The reflection page, as a browser opens it before typing: its CSRF
    token goes with every autosave (base.html puts it in hx-headers)."""
    page = await client.get(f"/reflections/{writer.reflection_pk}/")
    assert page.status_code == 200, f"{writer.label}: the reflection page answered {page.status_code}"
    assert version_in(page.text, writer.prompt_pk) == 0, f"{writer.label}: the answer is not new"
    return HX_HEADERS.search(page.text).group(1)


async def autosave_until(client, writer, token, deadline, statuses):
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    prefix = f"p{writer.prompt_pk}"
    version = 0  # what the page's version field said
    while time.monotonic() < deadline:
        text = f"{writer.label}-save-{writer.acknowledged + 1}"
        started = time.monotonic()
        try:
            response = await client.post(
                f"/reflections/{writer.reflection_pk}/answers/",
                data={f"{prefix}-shown": "1", f"{prefix}-text": text, f"{prefix}-version": str(version)},
                headers=headers,
            )
        except httpx.HTTPError as error:
            # Unacknowledged, and the answer's state is now unknown: stop.
            statuses[type(error).__name__] += 1
            writer.failures.append(f"save {text!r}: {type(error).__name__}: {error}")
            return
        writer.latencies.append(time.monotonic() - started)
        statuses[response.status_code] += 1
        if response.status_code != 200:
            writer.failures.append(f"save {text!r} answered {response.status_code}: {response.text[:300]}")
            return
        new_version = version_in(response.text, writer.prompt_pk)
        if new_version != version + 1 or "Saved." not in response.text:
            writer.failures.append(f"save {text!r} from version {version} acknowledged as version {new_version}")
            return
        version = new_version
        writer.acknowledged += 1
        writer.last_text = text


async def storm(base_url, writers, seconds):
    statuses = Counter()
    timeout = httpx.Timeout(120)
    clients = [httpx.AsyncClient(base_url=base_url, cookies=w.cookies, timeout=timeout) for w in writers]
    try:
        pairs = list(zip(clients, writers, strict=True))
        tokens = await asyncio.gather(*(open_page(c, w) for c, w in pairs))
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(autosave_until(c, w, token, deadline, statuses) for (c, w), token in zip(pairs, tokens, strict=True))
        )
        elapsed = time.monotonic() - started
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return statuses, elapsed


@pytest.mark.django_db(transaction=True)
def test_both_partners_of_100_couples_autosaving_for_a_minute_lose_no_acknowledged_save(
    make_user, tmp_path, caplog, fault_report
):
    secret_key = secrets.token_urlsafe(50)
    article = make_article()
    writers, reflections = [], []
    for n in range(COUPLES):
        alice, bob = make_user(f"StormA{n}"), make_user(f"StormB{n}")
        link(alice, bob)
        reflection = reflection_start(article=article, by=alice)
        reflections.append(reflection.pk)
        prompt = reflection.prompts.get(kind=PromptKind.TEXT)
        for user, name in ((alice, "alice"), (bob, "bob")):
            writers.append(
                Writer(
                    label=f"couple-{n}-{name}",
                    user_pk=user.pk,
                    reflection_pk=reflection.pk,
                    prompt_pk=prompt.pk,
                    cookies=session_cookie_for(user, secret_key),
                )
            )

    env = production_env(database_url=database_url(), field_keys=settings.FIELD_ENCRYPTION_KEYS, secret_key=secret_key)
    log_path = tmp_path / "gunicorn.log"
    caplog.set_level(logging.WARNING, logger="httpx")  # not a line per request
    with open(log_path, "wb") as log, gunicorn(env, log=log) as base_url:
        statuses, elapsed = asyncio.run(storm(base_url, writers, STORM_SECONDS))

    acknowledged = sum(w.acknowledged for w in writers)
    latencies = sorted(t for w in writers for t in w.latencies)
    fault_report(
        f"autosave storm on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}: {len(writers)} writers, "
        f"{elapsed:.1f}s, {acknowledged} saves acknowledged ({acknowledged / elapsed:.0f}/s), "
        f"responses {dict(statuses)}, latency median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    failures = [f"{w.label}: {failure}" for w in writers for failure in w.failures]
    server_errors = [line for line in log_path.read_text().splitlines() if '"level": "ERROR"' in line]
    assert failures == [], "\n".join(failures[:20]) + "\n" + "\n".join(server_errors[:5])
    assert set(statuses) == {200}
    assert all(w.acknowledged > 0 for w in writers)

    answers = {(a.author_id, a.prompt_id): a for a in Answer.objects.filter(prompt__reflection__in=reflections)}
    assert len(answers) == len(writers)
    for writer in writers:
        answer = answers[(writer.user_pk, writer.prompt_pk)]
        assert (answer.text, answer.version) == (writer.last_text, writer.acknowledged), writer.label
    # Saving never says "ready" or reveals anything.
    assert not Reflection.objects.filter(pk__in=reflections, revealed_at__isnull=False).exists()
    assert not Participant.objects.filter(reflection__in=reflections, ready_at__isnull=False).exists()
