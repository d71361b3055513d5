"""P2 at scale on PostgreSQL: 200 couples whose partners say "ready" at the
same moment, each partner from a separate process (its own connection),
end with exactly 200 reveals, each one happening once, and no errors.

Pairs of processes share a barrier: in pair k, process A presses for partner
A and process B for partner B of couples k, k + PAIRS, k + 2 * PAIRS, ...,
both released by the barrier right before each press."""

import multiprocessing
import os
import queue
import time
from collections import Counter

import pytest
from django.conf import settings

from notifications.models import Kind, Notification
from reflections.models import Participant, Reflection, ReflectionEvent
from reflections.services import reflection_start

from ..conftest import answer_all, link, make_article
from .conftest import database_url
from .workers import press_ready

COUPLES = int(os.environ.get("FAULTS_RACE_COUPLES", 200))  # fewer, to debug the test
PAIRS = 8  # 16 processes

pytestmark = [pytest.mark.faults, pytest.mark.postgres(run="`make test-faults`")]


@pytest.mark.django_db(transaction=True)
def test_200_couples_ready_at_once_from_separate_processes_reveal_exactly_200_times(make_user, fault_report):
    started = time.monotonic()
    article = make_article()
    couples = []  # (reflection pk, partner A pk, partner B pk)
    for n in range(COUPLES):
        a, b = make_user(f"RaceA{n}"), make_user(f"RaceB{n}")
        link(a, b)
        reflection = reflection_start(article=article, by=a)
        answer_all(reflection, a)
        answer_all(reflection, b)
        couples.append((reflection.pk, a.pk, b.pk))
    seeded = time.monotonic()

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    url, keys = database_url(), list(settings.FIELD_ENCRYPTION_KEYS)
    # Kept referenced until the children are done: Process.start() drops its
    # arguments, and a collected barrier unlinks the semaphores a child has
    # yet to open.
    barriers, processes = [], []
    for k in range(PAIRS):
        barrier = context.Barrier(2)
        barriers.append(barrier)
        mine = couples[k::PAIRS]
        for side, jobs in (("A", [(r, a) for r, a, _ in mine]), ("B", [(r, b) for r, _, b in mine])):
            processes.append(
                context.Process(target=press_ready, args=(url, keys, f"{k}{side}", barrier, jobs, results))
            )
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            try:
                reports.append(results.get(timeout=300))
            except queue.Empty:
                pytest.fail(f"only {len(reports)} of {len(processes)} processes reported within 300s: {reports}")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    raced = time.monotonic()

    errors = [error for _, _, side_errors in reports for error in side_errors]
    assert errors == [], "\n\n".join(errors)
    assert sum(pressed for _, pressed, _ in reports) == 2 * COUPLES
    assert all(process.exitcode == 0 for process in processes)

    pks = [pk for pk, _, _ in couples]
    assert Reflection.objects.filter(pk__in=pks, revealed_at__isnull=False).count() == COUPLES
    assert Participant.objects.filter(reflection__in=pks, ready_at__isnull=True).count() == 0
    events = Counter(ReflectionEvent.objects.filter(reflection__in=pks).values_list("reflection", "kind"))
    for pk in pks:
        assert events[(pk, ReflectionEvent.Kind.REVEALED)] == 1, f"reflection {pk} revealed {events[(pk, 'revealed')]}x"
        assert events[(pk, ReflectionEvent.Kind.READY)] == 2, f"reflection {pk}: {events[(pk, 'ready')]} ready events"
    # The reveal's notices: one for each partner of each couple, once.
    revealed_notices = Counter(
        Notification.objects.filter(kind=Kind.REVEALED, reflection__in=pks).values_list("reflection", "user")
    )
    expected = {(r, user): 1 for r, a, b in couples for user in (a, b)}
    assert dict(revealed_notices) == expected
    # "Your partner is ready" comes from the first press only (the second one
    # reveals), and the reveal puts it away.
    ready_notices = Notification.objects.filter(kind=Kind.PARTNER_READY, reflection__in=pks)
    assert Counter(ready_notices.values_list("reflection", flat=True)) == Counter({pk: 1 for pk in pks})
    assert not ready_notices.filter(read_at__isnull=True).exists()
    fault_report(
        f"reveal race: {COUPLES} couples seeded in {seeded - started:.1f}s; {2 * PAIRS} processes pressed ready "
        f"{2 * COUPLES} times in {raced - seeded:.1f}s; {COUPLES} reveals, each once"
    )
