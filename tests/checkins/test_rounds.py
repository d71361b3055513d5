"""A check-in through the weeks: proposing and accepting, rounds that open
on their day, the one reminder, the reveal, and the quiet close of a round
nobody finished."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from checkins.models import CheckIn, Round
from checkins.services import (
    checkin_accept,
    checkin_change,
    checkin_decline,
    checkin_pause,
    checkin_resume,
    checkin_stop,
    reminders_due,
    rounds_open_due,
)
from core.errors import DomainError
from notifications.models import Kind, Notification
from reflections.access import ROUND_CLOSED, Stage, stage_of
from reflections.services import answer_save
from tests.conftest import link, reveal

from .conftest import SUNDAY, propose, set_prompts

pytestmark = pytest.mark.django_db


def test_a_proposal_waits_for_the_partner(couple, alice, bob, on_day):
    on_day(SUNDAY)
    checkin = propose(alice)
    assert checkin.status == CheckIn.Status.PROPOSED
    assert Notification.objects.filter(user=bob, kind=Kind.CHECKIN_PROPOSED, actor=alice).exists()
    assert not Notification.objects.filter(user=alice, kind=Kind.CHECKIN_PROPOSED).exists()
    with pytest.raises(DomainError, match="Your partner accepts it"):
        checkin_accept(checkin=checkin, by=alice)
    assert rounds_open_due() == 0
    with pytest.raises(DomainError, match="already have a check-in"):
        propose(bob)


def test_a_declined_proposal_opens_nothing_and_another_may_follow(couple, alice, bob, on_day):
    on_day(SUNDAY)
    checkin_decline(checkin=propose(alice), by=bob)
    assert rounds_open_due() == 0
    assert propose(bob).status == CheckIn.Status.PROPOSED


def test_the_clock_through_several_rounds(running, alice, bob, on_day, run_on_commit):
    # Week 1: the round opens on its day, with the set's prompts frozen.
    assert running.next_round_on == SUNDAY
    assert rounds_open_due() == 1
    assert rounds_open_due() == 0, "a round opens once"
    first = Round.objects.get(checkin=running, number=1)
    assert first.reflection.prompt_total == len(set_prompts())
    assert not mail.outbox, "opening a round sends nothing"

    # The one gentle reminder: not in the morning, then once in the evening, to each partner not done.
    assert reminders_due() == 0
    on_day(SUNDAY, hour=18)
    assert run_on_commit(reminders_due) == 1
    assert run_on_commit(reminders_due) == 0
    assert {m.to[0] for m in mail.outbox} == {alice.email, bob.email}
    assert all(m.extra_headers["X-Twofold-Notification"] == Kind.CHECKIN_ROUND for m in mail.outbox)

    # Both answer and get ready: revealed like any reflection.
    reveal(first.reflection, alice, bob)
    assert stage_of(first.reflection) == Stage.REVEALED

    # Week 2: opens on the next Sunday, not before; nobody finishes it.
    on_day(SUNDAY + timedelta(days=6))
    assert rounds_open_due() == 0
    on_day(SUNDAY + timedelta(days=7))
    assert rounds_open_due() == 1
    second = Round.objects.get(checkin=running, number=2)
    prompt = second.reflection.prompts.first()
    answer_save(prompt=prompt, author=alice, scale_value=3)
    mail.outbox.clear()

    # A later day of that week: no reminder after the day itself.
    on_day(SUNDAY + timedelta(days=8), hour=20)
    assert run_on_commit(reminders_due) == 0
    assert not mail.outbox

    # Week 3: the unfinished round closes quietly as the next opens.
    on_day(SUNDAY + timedelta(days=14))
    assert run_on_commit(rounds_open_due) == 1
    second.reflection.refresh_from_db()
    assert second.reflection.closed_at is not None
    assert stage_of(second.reflection) == Stage.CLOSED
    with pytest.raises(DomainError, match=ROUND_CLOSED):
        answer_save(prompt=prompt, author=alice, scale_value=4)
    first.reflection.refresh_from_db()
    assert first.reflection.closed_at is None, "a revealed round never closes"
    assert not mail.outbox, "a closed round sends nothing: no count of missed weeks"


def test_a_worker_down_for_weeks_opens_one_round(running, on_day):
    on_day(SUNDAY + timedelta(days=30))
    assert rounds_open_due() == 1
    running.refresh_from_db()
    assert running.rounds_opened == 1
    assert running.next_round_on > SUNDAY + timedelta(days=30)
    assert running.next_round_on.weekday() == running.weekday


def test_every_two_weeks(couple, alice, bob, on_day):
    on_day(SUNDAY)
    checkin = checkin_accept(checkin=propose(alice, cadence=14), by=bob)
    assert rounds_open_due() == 1
    on_day(SUNDAY + timedelta(days=7))
    assert rounds_open_due() == 0
    on_day(SUNDAY + timedelta(days=14))
    assert rounds_open_due() == 1
    assert checkin.rounds.count() == 2


def test_pause_resume_and_stop(running, alice, bob, on_day):
    checkin_pause(checkin=running, by=alice)
    assert rounds_open_due() == 0
    on_day(SUNDAY + timedelta(days=9))  # a Tuesday
    checkin_resume(checkin=running, by=bob)
    running.refresh_from_db()
    assert running.next_round_on == SUNDAY + timedelta(days=14)
    checkin_stop(checkin=running, by=bob)
    on_day(SUNDAY + timedelta(days=14))
    assert rounds_open_due() == 0
    with pytest.raises(DomainError):
        checkin_resume(checkin=running, by=alice)


def test_a_change_applies_from_the_next_round(running, alice, on_day):
    rounds_open_due()
    open_round = Round.objects.get(checkin=running)
    checkin_change(
        checkin=running, by=alice, cadence=7, weekday=2, prompts=set_prompts("load-at-home"), set_slug="load-at-home"
    )
    running.refresh_from_db()
    assert running.next_round_on.weekday() == 2
    assert running.next_round_on > SUNDAY, "never a second round in the same week"
    assert [p.text for p in open_round.reflection.prompts.all()] == [p["text"] for p in set_prompts()]
    on_day(running.next_round_on)
    rounds_open_due()
    latest = Round.objects.get(checkin=running, number=2)
    assert [p.text for p in latest.reflection.prompts.all()] == [p["text"] for p in set_prompts("load-at-home")]


def test_questions_are_checked(couple, alice):
    prompts = set_prompts()
    with pytest.raises(DomainError, match="3 to 6 questions"):
        propose_prompts(alice, prompts[:2])
    with pytest.raises(DomainError, match="at least one 1–10"):
        propose_prompts(alice, [prompts[-1]] * 3)
    with pytest.raises(DomainError, match="what 1 means"):
        propose_prompts(alice, [prompts[0] | {"scale_min_label": ""}, *prompts[1:]])


def propose_prompts(by, prompts):
    from checkins.services import checkin_propose

    return checkin_propose(by=by, title="Ours", cadence=7, weekday=6, prompts=prompts)


def test_only_the_couple_changes_it(running, carol, dan, erin):
    link(dan, erin)
    for stranger in (carol, dan):
        with pytest.raises(DomainError, match="not yours"):
            checkin_pause(checkin=running, by=stranger)


def test_unlinking_stops_it_and_each_keeps_their_answers(running, alice, bob):
    from accounts.services import couple_unlink

    rounds_open_due()
    reflection = Round.objects.get(checkin=running).reflection
    answer_save(prompt=reflection.prompts.first(), author=alice, scale_value=7)
    couple_unlink(couple=running.couple, by=alice)
    running.refresh_from_db()
    assert running.status == CheckIn.Status.STOPPED
    assert rounds_open_due(today=SUNDAY + timedelta(days=7)) == 0
    assert reflection.prompts.first().answers.filter(author=alice).exists()


def test_the_command_runs_it_by_hand(running, capsys):
    call_command("checkins_run")
    assert "1 round opened" in capsys.readouterr().out


def test_the_scheduler_runs_it_every_ten_minutes():
    from crontask import scheduler

    import checkins.tasks  # noqa: F401  (registers its schedule, as `manage.py crontask` does)

    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert "minute='*/10'" in str(jobs["checkins_run"].trigger)
