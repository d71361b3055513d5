"""The persona test's twin for email: the same world, built for real (every
transaction commits, so the reveal signal fires and tasks run at once with
the immediate backend), plus a run of send_reminders. Every kind of email
goes out, and not one carries a marker planted in an answer or a note (P1:
no answer text in any notification)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from checkins.models import Round
from notifications.models import Kind, Notification
from practice.programmes import enrolment_end, enrolment_pause
from reflections.models import Participant
from tests.test_persona import world  # noqa: F401  (the fixture)


def everything_in(message):
    return [message.subject, message.body, *(content for content, _ in message.alternatives)]


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_email_goes_out_and_none_carries_an_answer(world, settings):  # noqa: F811
    assert settings.TASKS["default"]["BACKEND"] == "django.tasks.backends.immediate.ImmediateBackend"
    waiting_since = timezone.now() - timedelta(days=settings.REMINDER_DAYS, minutes=1)
    Participant.objects.filter(ready_at__isnull=False, reflection__revealed_at__isnull=True).update(
        ready_at=waiting_since
    )

    call_command("send_reminders", stdout=StringIO())
    # The open check-in round's day, in the evening: its one reminder.
    settings.CHECKIN_REMINDER_HOUR = 0
    Round.objects.filter(reflection__revealed_at__isnull=True, reflection__closed_at__isnull=True).update(
        opens_on=timezone.localdate()
    )
    call_command("checkins_run", stdout=StringIO())
    # Coach pauses, then ends, the programme: the couple hears each, plainly.
    (enrolment,) = world.enrolments
    enrolment_pause(enrolment=enrolment, coach=world.personas["coach"])
    enrolment_end(enrolment=enrolment, coach=world.personas["coach"])

    assert mail.outbox, "the world sent no email at all"
    notifications = [m for m in mail.outbox if "X-Twofold-Notification" in m.extra_headers]
    assert {m.extra_headers["X-Twofold-Notification"] for m in notifications} == set(Kind.values)
    assert len(notifications) == Notification.objects.filter(emailed_at__isnull=False).count()
    for message in mail.outbox:
        for part in everything_in(message):
            leaked = {marker for marker in world.all_markers if marker in part}
            assert not leaked, f"an email to {message.to} carries {len(leaked)} marker(s): {message.subject}"
