"""P2, P3 against PostgreSQL (audit finding 1): a request that waited for the
reflection's row lock must act on the rows as they are once it holds the
lock, not as they were when it started waiting.

Two ways in, each on real concurrent connections:
- "held": one connection holds the lock while it changes readiness; the
  other starts while it is held, so it certainly waits. This is the
  interleaving the audit saw, made certain.
- "together": both start at one barrier, many times, so the lock decides
  the order; whatever the order, the invariant holds.
"""

import threading
import time
from functools import partial

import pytest
from django.db import connection, transaction

from core.errors import DomainError
from reflections.models import Answer, Participant, Reflection, ReflectionEvent
from reflections.services import answer_save, readiness_set, readiness_withdraw, reflection_start

from ..conftest import answer_all, make_article

ROUNDS = 25
# Long enough that the second connection is surely queued behind the lock.
HOLD_SECONDS = 0.3

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_on_own_connections(*actions):
    """Run each action on its own thread (so its own database connection);
    returns each one's result or the exception it raised, in order."""
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            outcomes[index] = action()
        except Exception as error:  # the caller asserts on it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a connection never got the lock"
    return outcomes


def holding_the_lock(change, locked):
    """`change` inside a transaction that keeps the reflection's lock for a
    while after it; `locked` is set once the lock is held."""

    def action():
        with transaction.atomic():
            result = change()
            locked.set()
            time.sleep(HOLD_SECONDS)
        return result

    return action


def after(event, action):
    def waiting():
        assert event.wait(timeout=10)
        return action()

    return waiting


def together(barrier, action):
    def waiting():
        barrier.wait(timeout=10)
        return action()

    return waiting


@pytest.fixture
def fresh_reflection(alice, bob, couple):
    """A new reflection of alice and bob for every round: `ready` and
    `answered` name who is ("a", "b") before the round starts."""

    def make(*, ready=(), answered=("a", "b")):
        return a_reflection(alice, bob, ready=ready, answered=answered)

    return make


def a_reflection(a, b, *, ready, answered):
    reflection = reflection_start(article=make_article(), by=a)
    people = {"a": a, "b": b}
    for name in answered:
        answer_all(reflection, people[name], text="Before")
    for name in ready:
        readiness_set(reflection=reflection, user=people[name])
    return reflection, a, b


def text_prompt(reflection):
    return reflection.prompts.get(kind="text")


def assert_no_save_after_ready(reflection, author):
    """P3: once `author`'s "ready" has committed, none of their saves commits."""
    ready_at = Participant.objects.get(reflection=reflection, user=author).ready_at
    assert ready_at is not None
    late = Answer.objects.filter(prompt__reflection=reflection, author=author, updated_at__gt=ready_at)
    assert not late.exists(), "an answer was saved after its author said they were ready"


def assert_withdraw_and_reveal_exclude_each_other(reflection, withdraw_outcome, a):
    """P2: a withdraw either wins (no reveal, the author not ready) or is
    refused because the reveal came first; never both told and revealed."""
    reflection.refresh_from_db()
    a_ready = Participant.objects.get(reflection=reflection, user=a).is_ready
    if isinstance(withdraw_outcome, DomainError):
        assert reflection.is_revealed, f"withdraw refused ({withdraw_outcome}) yet nothing was revealed"
        assert a_ready
    else:
        assert not isinstance(withdraw_outcome, Exception), withdraw_outcome
        assert not reflection.is_revealed, "told 'withdrawn' and revealed"
        assert not a_ready, "told 'withdrawn' but still ready"
        kinds = list(ReflectionEvent.objects.filter(reflection=reflection).values_list("kind", flat=True))
        assert kinds[-1] in {"withdrew", "ready"}
        assert "withdrew" in kinds


def test_a_save_that_waited_for_ready_is_refused(fresh_reflection):
    for _ in range(ROUNDS // 5):
        reflection, a, _ = fresh_reflection(answered=("a",))
        prompt, locked = text_prompt(reflection), threading.Event()
        ready, save = run_on_own_connections(
            holding_the_lock(partial(readiness_set, reflection=reflection, user=a), locked),
            after(locked, partial(answer_save, prompt=prompt, author=a, text="After")),
        )
        assert isinstance(ready, Reflection)
        assert isinstance(save, DomainError) and "locked" in str(save), save
        assert Answer.objects.get(prompt=prompt, author=a).text == "Before"
        assert_no_save_after_ready(reflection, a)


def test_a_withdraw_that_waited_for_the_reveal_is_refused(fresh_reflection):
    for _ in range(ROUNDS // 5):
        reflection, a, b = fresh_reflection(ready=("a",))
        locked = threading.Event()
        _, withdraw = run_on_own_connections(
            holding_the_lock(partial(readiness_set, reflection=reflection, user=b), locked),
            after(locked, partial(readiness_withdraw, reflection=reflection, user=a)),
        )
        assert isinstance(withdraw, DomainError) and "revealed" in str(withdraw), withdraw
        assert_withdraw_and_reveal_exclude_each_other(reflection, withdraw, a)


def test_a_ready_that_waited_for_a_withdraw_does_not_reveal(fresh_reflection):
    for _ in range(ROUNDS // 5):
        reflection, a, b = fresh_reflection(ready=("a",))
        locked = threading.Event()
        withdraw, ready = run_on_own_connections(
            holding_the_lock(partial(readiness_withdraw, reflection=reflection, user=a), locked),
            after(locked, partial(readiness_set, reflection=reflection, user=b)),
        )
        assert isinstance(ready, Reflection)
        assert_withdraw_and_reveal_exclude_each_other(reflection, withdraw, a)
        assert Participant.objects.get(reflection=reflection, user=b).is_ready


def test_autosave_and_ready_at_once_never_save_after_ready(fresh_reflection):
    for _ in range(ROUNDS):
        reflection, a, _ = fresh_reflection(answered=("a",))
        prompt, barrier = text_prompt(reflection), threading.Barrier(2)
        ready, save = run_on_own_connections(
            together(barrier, partial(readiness_set, reflection=reflection, user=a)),
            together(barrier, partial(answer_save, prompt=prompt, author=a, text="After")),
        )
        assert isinstance(ready, Reflection), ready
        if isinstance(save, DomainError):
            assert Answer.objects.get(prompt=prompt, author=a).text == "Before"
        else:
            assert not isinstance(save, Exception), save
            assert Answer.objects.get(prompt=prompt, author=a).text == "After"
        assert_no_save_after_ready(reflection, a)


def test_withdraw_and_partner_ready_at_once_are_never_both_told_and_revealed(fresh_reflection):
    for _ in range(ROUNDS):
        reflection, a, b = fresh_reflection(ready=("a",))
        barrier = threading.Barrier(2)
        withdraw, ready = run_on_own_connections(
            together(barrier, partial(readiness_withdraw, reflection=reflection, user=a)),
            together(barrier, partial(readiness_set, reflection=reflection, user=b)),
        )
        assert isinstance(ready, Reflection), ready
        assert_withdraw_and_reveal_exclude_each_other(reflection, withdraw, a)
