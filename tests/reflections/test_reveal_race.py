"""P2 against PostgreSQL: two partners pressing "ready" at the same instant,
each on their own database connection, produce exactly one reveal."""

import threading

import pytest
from django.db import connection

from reflections.services import readiness_set, reflection_start
from reflections.signals import reflection_revealed

from ..conftest import answer_all, link, make_article

ROUNDS = 12


def press_ready_together(reflection, users):
    barrier = threading.Barrier(len(users))
    errors = []

    def press(user):
        try:
            barrier.wait(timeout=10)
            readiness_set(reflection=reflection, user=user)
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_partners_ready_at_the_same_instant_reveal_exactly_once(make_user):
    reveals = []

    def count(sender, reflection, **kwargs):
        reveals.append(reflection.pk)

    reflection_revealed.connect(count)
    try:
        article = make_article()
        reflections = []
        for n in range(ROUNDS):
            a, b = make_user(f"A{n}"), make_user(f"B{n}")
            link(a, b)
            reflection = reflection_start(article=article, by=a)
            answer_all(reflection, a)
            answer_all(reflection, b)
            assert press_ready_together(reflection, [a, b]) == []
            reflection.refresh_from_db()
            assert reflection.revealed_at is not None, f"round {n}: both ready but never revealed"
            reflections.append(reflection.pk)
    finally:
        reflection_revealed.disconnect(count)
    assert sorted(reveals) == sorted(reflections)
