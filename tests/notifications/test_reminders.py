"""At most one gentle reminder when your partner has been waiting for you."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import couple_unlink
from notifications.models import Kind, Notification
from notifications.services import reminders_send
from notifications.tasks import send_notification_email
from reflections.models import Participant
from reflections.services import readiness_set, readiness_withdraw
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days, minutes=1)


@pytest.fixture
def alice_waiting(reflection, alice, bob):
    """Alice has been ready for exactly REMINDER_DAYS; Bob has not answered."""
    answer_all(reflection, alice)
    readiness_set(reflection=reflection, user=alice)
    Participant.objects.filter(reflection=reflection, user=alice).update(
        ready_at=days_ago(django_settings.REMINDER_DAYS)
    )
    return reflection


def reminders():
    return Notification.objects.filter(kind=Kind.REMINDER)


def send(run_on_commit):
    return run_on_commit(call_command, "send_reminders", stdout=StringIO())


def test_the_partner_who_is_not_ready_gets_a_reminder(alice_waiting, alice, bob, run_on_commit):
    send(run_on_commit)

    reminder = reminders().get()
    assert (reminder.user, reminder.actor, reminder.reflection) == (bob, alice, alice_waiting)
    (message,) = [m for m in mail.outbox if m.to == [bob.email]]
    assert message.subject == f"“{alice_waiting.title}” is here whenever you are ready"
    assert "the only reminder" in message.body


def test_nobody_is_reminded_before_reminder_days(reflection, alice, bob):
    answer_all(reflection, alice)
    readiness_set(reflection=reflection, user=alice)
    Participant.objects.filter(user=alice).update(ready_at=timezone.now() - timedelta(days=2, hours=23))

    assert reminders_send() == 0


def test_reminder_days_comes_from_the_settings(settings, reflection, alice, bob):
    settings.REMINDER_DAYS = 1
    answer_all(reflection, alice)
    readiness_set(reflection=reflection, user=alice)
    Participant.objects.filter(user=alice).update(ready_at=days_ago(1))

    assert reminders_send() == 1


def test_reminder_days_reads_the_environment_and_defaults_to_three():
    def reminder_days(**env):
        code = "import django; django.setup(); from django.conf import settings; print(settings.REMINDER_DAYS)"
        environment = {k: v for k, v in os.environ.items() if k != "REMINDER_DAYS"} | env
        environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
        result = subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    assert reminder_days() == "3"
    assert reminder_days(REMINDER_DAYS="7") == "7"


def test_the_ready_partner_is_not_reminded(alice_waiting, alice):
    reminders_send()

    assert not reminders().filter(user=alice).exists()


def test_running_it_again_sends_nothing_new(alice_waiting, bob, run_on_commit):
    send(run_on_commit)
    send(run_on_commit)

    assert reminders().count() == 1
    assert len([m for m in mail.outbox if "whenever you are ready" in m.subject]) == 1


def test_the_command_says_how_many_it_queued(alice_waiting):
    out = StringIO()

    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)

    assert out.getvalue().splitlines() == ["1 reminder queued.", "0 reminders queued."]


def test_the_database_refuses_a_second_reminder_for_the_same_reflection(alice_waiting, alice, bob):
    reminders_send()

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=bob, kind=Kind.REMINDER, reflection=alice_waiting, actor=alice)


def test_one_reminder_ever_even_after_withdrawing_and_waiting_again(alice_waiting, alice):
    reminders_send()
    readiness_withdraw(reflection=alice_waiting, user=alice)
    readiness_set(reflection=alice_waiting, user=alice)
    Participant.objects.filter(user=alice).update(ready_at=days_ago(10))

    assert reminders_send() == 0


def test_no_reminder_for_a_revealed_reflection(alice_waiting, alice, bob, run_on_commit):
    answer_all(alice_waiting, bob)
    run_on_commit(readiness_set, reflection=alice_waiting, user=bob)
    Participant.objects.filter(user=bob).update(ready_at=None)  # even if the data says one is waiting

    assert reminders_send() == 0


def test_no_reminder_for_an_unlinked_couple(alice_waiting, alice):
    couple_unlink(couple=alice_waiting.couple, by=alice)

    assert reminders_send() == 0


def test_no_reminder_when_neither_partner_is_ready(reflection):
    assert reminders_send() == 0


def test_a_reminder_is_not_emailed_once_the_reflection_was_revealed(alice_waiting, bob):
    reminders_send()
    alice_waiting.revealed_at = timezone.now()
    alice_waiting.save(update_fields=["revealed_at"])

    assert send_notification_email.call(notification_id=reminders().get().pk) == "no longer waiting"
    assert mail.outbox == []


def test_a_reminder_is_not_emailed_once_the_person_is_ready(alice_waiting, bob):
    reminders_send()
    answer_all(alice_waiting, bob)
    Participant.objects.filter(user=bob).update(ready_at=timezone.now())

    assert send_notification_email.call(notification_id=reminders().get().pk) == "no longer waiting"


def test_the_reminder_email_is_calm(alice_waiting, bob, run_on_commit):
    send(run_on_commit)

    (message,) = [m for m in mail.outbox if m.to == [bob.email]]
    assert "no deadline" in message.body
    assert "!" not in message.subject + message.body
