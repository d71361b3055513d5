"""The emails: what they say, that they leave after commit through the task
queue, that a failed send is retried, and that they never carry text."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Couple
from accounts.services import invitation_accept, invitation_create
from coaching.authoring import assignment_create
from conversation.services import note_save
from notifications.models import Kind, Notification
from notifications.tasks import MAX_ATTEMPTS, send_notification_email
from reflections.services import readiness_set, reflection_start
from tests.conftest import COACH_NAME, answer_all, coach_link, make_article, reveal

pytestmark = pytest.mark.django_db

SITE = "https://twofold.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def database_queue(settings):
    """The production backend: tasks wait in the database for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def everything_in(message):
    return "\n".join([message.subject, message.body, *(content for content, _ in message.alternatives)])


def to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_every_kind_of_email_has_a_subject_a_text_and_an_html_part(alice, bob, reflection):
    for kind in Kind.values:
        notice = Notification.objects.create(user=alice, kind=kind, actor=bob, reflection=reflection)
        send_notification_email.call(notification_id=notice.pk)

    assert len(mail.outbox) == len(Kind.values)
    for message in mail.outbox:
        assert message.subject and "\n" not in message.subject
        about_no_reflection = message.extra_headers["X-Twofold-Notification"] in (
            Kind.PARTNER_JOINED,
            Kind.CHECKIN_PROPOSED,
            Kind.PROGRAMME_PAUSED,
            Kind.PROGRAMME_ENDED,
        )
        assert reflection.title in everything_in(message) or about_no_reflection
        ((html, mimetype),) = message.alternatives
        assert mimetype == "text/html" and "<html" in html


def test_the_inviter_gets_an_email_when_their_invitation_is_accepted(alice, bob, run_on_commit):
    run_on_commit(invitation_accept, invitation=invitation_create(inviter=alice), user=bob)

    (message,) = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Bob accepted your invitation"
    assert f"{SITE}{reverse('library:index')}" in message.body


def test_the_ready_email_names_the_partner_and_links_to_the_reflection(alice, bob, reflection, run_on_commit):
    answer_all(reflection, alice)

    run_on_commit(readiness_set, reflection=reflection, user=alice)

    (message,) = to(bob)
    assert message.subject == f"Alice is ready to reveal “{reflection.title}”"
    link = f"{SITE}{reverse('reflections:reflection', args=[reflection.pk])}"
    assert link in message.body and f'href="{link}"' in message.alternatives[0][0]


def test_the_ready_email_is_calm(alice, bob, reflection, run_on_commit):
    answer_all(reflection, alice)

    run_on_commit(readiness_set, reflection=reflection, user=alice)

    (message,) = to(bob)
    assert "no rush" in message.body
    assert "!" not in message.subject + message.body
    for pressure in ("hurry", "overdue", "streak", "late"):
        assert pressure not in everything_in(message).lower()


def test_both_partners_get_the_reveal_email(alice, bob, reflection, run_on_commit):
    run_on_commit(reveal, reflection, alice, bob)

    revealed = [m for m in mail.outbox if m.subject == f"“{reflection.title}” is revealed"]
    assert sorted(m.to[0] for m in revealed) == [alice.email, bob.email]


def test_the_assignment_email_names_the_coach_as_clients_see_them(coach, alice, bob, couple, run_on_commit):
    coach_link(coach, alice, bob)
    article = make_article(title="Repair after a fight")

    run_on_commit(assignment_create, coach=coach, article=article, couples=[couple], note="A private coach note")

    assert sorted(m.to[0] for m in mail.outbox) == [alice.email, bob.email]
    for message in mail.outbox:
        assert message.subject == f"{COACH_NAME} suggested “Repair after a fight” for you both"
        assert "A private coach note" not in everything_in(message)


def test_no_email_carries_answer_or_note_text(alice, bob, reflection, run_on_commit):
    def revealed_with_a_note():
        reveal(reflection, alice, bob)
        note_save(reflection=reflection, user=alice, kind="remember", text="Our secret plan", base_version=0)

    run_on_commit(revealed_with_a_note)

    assert mail.outbox
    for message in mail.outbox:
        text = everything_in(message)
        for secret in ("Private words of Alice", "Private words of Bob", "Our secret plan", "An answer"):
            assert secret not in text


def test_the_email_leaves_only_after_the_transaction_commits(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation_accept(invitation=invitation_create(inviter=alice), user=bob)
        assert mail.outbox == []

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


# The worker closes and reopens database connections as a real one does, so
# this test commits for real instead of running inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_an_email_goes_through_the_database_queue_and_the_worker(alice, bob, database_queue):
    invitation_accept(invitation=invitation_create(inviter=alice), user=bob)
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="notifications.tasks.send_notification_email").count() == 1

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_a_notification_is_emailed_once_even_if_its_task_runs_twice(alice, bob, couple):
    notice = Notification.objects.get(user=alice, kind=Kind.PARTNER_JOINED)

    send_notification_email.call(notification_id=notice.pk)
    send_notification_email.call(notification_id=notice.pk)

    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_and_then_delivered(alice, bob, fail_once_mail, run_on_commit):
    run_on_commit(invitation_accept, invitation=invitation_create(inviter=alice), user=bob)

    assert fail_once_mail.attempts == 2
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(user=alice).emailed_at is not None


def test_a_send_that_keeps_failing_stops_after_a_few_attempts(alice, bob, failing_mail, run_on_commit):
    run_on_commit(invitation_accept, invitation=invitation_create(inviter=alice), user=bob)

    assert failing_mail.attempts == MAX_ATTEMPTS
    assert Notification.objects.get(user=alice).emailed_at is None


def test_a_retry_waits_a_while_when_the_backend_can_defer(alice, bob, couple, failing_mail, database_queue):
    notice = Notification.objects.get(user=alice, kind=Kind.PARTNER_JOINED)
    before = timezone.now()

    assert send_notification_email.call(notification_id=notice.pk) == "retrying"

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"] == {"notification_id": notice.pk, "attempt": 2}
    assert retry.run_after >= before + timedelta(minutes=1)


def test_the_page_still_works_when_mail_is_down(client, alice, bob, failing_mail, run_on_commit):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    response = run_on_commit(client.post, reverse("accounts:invitation_accept", args=[invitation.token]))

    assert response.status_code == 302
    assert Couple.objects.linked().count() == 1
    assert Notification.objects.filter(user=alice, kind=Kind.PARTNER_JOINED).exists()


def test_the_page_still_works_when_the_queue_is_down(client, alice, bob, run_on_commit):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    with mock.patch.object(type(send_notification_email), "enqueue", side_effect=ConnectionError("queue down")):
        response = run_on_commit(client.post, reverse("accounts:invitation_accept", args=[invitation.token]))

    assert response.status_code == 302
    assert Couple.objects.linked().count() == 1
    assert mail.outbox == []


def test_each_email_goes_out_in_its_recipients_language(alice, bob, couple, run_on_commit):
    """Render inside the recipient's language, never the sender's: the
    reveal Bob causes reaches Alice in English and Bob in Spanish, each
    with the title in their own language."""
    article = make_article(title="What we carry")
    article.translations = {"es": {"title": "Lo que llevamos"}}
    article.save()
    bob.language = "es"
    bob.save()

    run_on_commit(reveal, reflection_start(article=article, by=alice), alice, bob)

    (to_alice,) = [m for m in to(alice) if m.extra_headers["X-Twofold-Notification"] == Kind.REVEALED]
    (to_bob,) = [m for m in to(bob) if m.extra_headers["X-Twofold-Notification"] == Kind.REVEALED]
    assert to_alice.subject == "“What we carry” is revealed"
    assert to_bob.subject == "Se ha desvelado «Lo que llevamos»"
    assert '<html lang="es">' in to_bob.alternatives[0][0]
