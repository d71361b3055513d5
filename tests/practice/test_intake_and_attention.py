"""The intake (P5: consent given up front, before answering, and taken
back), who needs attention on the dashboard, and home's line about a
couple's programme."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import coaching_invite_create
from practice.intake import intake_consent_take_back, intake_set
from practice.models import IntakeRound
from practice.programmes import programme_assign, programme_save, step_save
from practice.selectors import attention_for
from reflections.models import Participant, Reflection
from reflections.services import readiness_set
from tests.conftest import COACH_NAME, answer_all, make_article, make_coach_article, reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(coach):
    article = make_coach_article(coach, title="Where you are starting from")
    intake_set(coach=coach, article=article)
    return article


def accept(client, link, user, *, share):
    client.force_login(user)
    data = {"share_intake": "yes"} if share else {}
    return client.post(reverse("coach:coaching_accept", args=[link.token]), data)


def test_the_accept_page_shows_what_the_intake_asks_before_anyone_agrees(client, coach, alice, couple, intake):
    link = coaching_invite_create(coach=coach)
    client.force_login(alice)
    body = client.get(reverse("coach:coaching_accept", args=[link.token])).content.decode()
    assert "Where you are starting from" in body
    assert all(p.text in body for p in intake.prompts.all())
    assert 'name="share_intake"' in body


def test_the_intake_opens_once_both_accept_and_the_coach_reads_it_only_if_both_agreed(
    client, coach, alice, bob, couple, intake, run_on_commit
):
    link = coaching_invite_create(coach=coach)
    accept(client, link, alice, share=True)
    assert not IntakeRound.objects.exists(), "coaching has not started yet"
    accept(client, link, bob, share=False)
    reflection = IntakeRound.objects.get().reflection
    assert reflection.assigned_by == coach and reflection.article == intake
    for person in (alice, bob):
        answer_all(reflection, person, text=f"Private words of {person.name}")
    for person in (alice, bob):
        run_on_commit(readiness_set, reflection=reflection, user=person)

    client.force_login(coach)
    url = reverse("coach:shared_reflection", args=[reflection.pk])
    assert client.get(url).status_code == 404, "Bob did not agree"

    client.force_login(bob)
    client.post(reverse("coach:intake_consent", args=[link.pk]), {"share": "yes"})
    client.force_login(coach)
    body = client.get(url).content.decode()
    assert "Private words of Alice" in body and "Private words of Bob" in body

    intake_consent_take_back(link=link, user=alice)
    assert client.get(url).status_code == 404, "taken back after the reveal"


def test_consent_taken_back_before_the_reveal_shares_nothing(client, coach, alice, bob, couple, intake, run_on_commit):
    link = coaching_invite_create(coach=coach)
    accept(client, link, alice, share=True)
    accept(client, link, bob, share=True)
    client.force_login(alice)
    client.post(reverse("coach:intake_consent", args=[link.pk]), {"share": "no"})
    reflection = IntakeRound.objects.get().reflection
    run_on_commit(reveal, reflection, alice, bob)
    client.force_login(coach)
    assert client.get(reverse("coach:shared_reflection", args=[reflection.pk])).status_code == 404


def test_a_stranger_cannot_touch_a_links_intake_consent(client, coach, carol, coached):
    client.force_login(carol)
    assert client.post(reverse("coach:intake_consent", args=[coached.pk]), {"share": "yes"}).status_code == 404


def test_who_needs_attention(coach, alice, bob, couple, coached, dan, erin, other_couple):
    from tests.conftest import coach_link

    theirs = coach_link(coach, dan, erin)
    now = timezone.now()
    # Alice has been ready for ten days on an assignment; Bob has not.
    waiting = Reflection.objects.create(couple=couple, title="Waiting", assigned_by=coach, prompt_total=1)
    Participant.objects.create(reflection=waiting, user=alice, ready_at=now - timedelta(days=10))
    Participant.objects.create(reflection=waiting, user=bob)
    # Dan and Erin: an overdue assignment, and nothing done for three weeks.
    Reflection.objects.create(
        couple=other_couple, title="Late", assigned_by=coach, due_date=timezone.localdate() - timedelta(days=2)
    )
    type(theirs).objects.filter(pk=theirs.pk).update(started_at=now - timedelta(days=21))
    type(coached).objects.filter(pk=coached.pk).update(started_at=now - timedelta(days=21))
    theirs.refresh_from_db()
    coached.refresh_from_db()

    lines = attention_for(coach, [coached, theirs])
    reasons = {(line.link.pk, line.why.split(";")[0].split(" ")[1]) for line in lines}
    assert (coached.pk, "partner") in reasons
    assert (theirs.pk, "step") in reasons
    assert (theirs.pk, "answered,") in reasons, "three weeks without activity"
    assert all(line.link.pk != coached.pk or "two weeks" not in line.why for line in lines), (
        "Alice readied ten days ago: not quiet"
    )


def test_the_dashboard_lists_who_needs_attention_without_text(client, coach, alice, bob, couple, coached):
    reflection = Reflection.objects.create(couple=couple, title="Waiting", assigned_by=coach, prompt_total=1)
    Participant.objects.create(reflection=reflection, user=alice, ready_at=timezone.now() - timedelta(days=9))
    Participant.objects.create(reflection=reflection, user=bob)
    client.force_login(coach)
    body = client.get(reverse("coach:dashboard")).content.decode()
    assert "Who needs attention" in body
    assert "A partner has been ready for more than a week" in body


def test_home_says_which_step_and_what_comes_next(client, coach, alice, bob, couple, coached):
    first, second = make_article(title="First things"), make_article(title="Second things")
    programme = programme_save(coach=coach, title="Six weeks")
    step_save(programme=programme, kind="article", article=first, note="Start here.")
    step_save(programme=programme, kind="article", article=second)
    programme_assign(coach=coach, programme=programme, couple=couple)
    client.force_login(bob)
    body = " ".join(client.get(reverse("reflections:home")).content.decode().split())
    assert f"Step 1 of 2, from {COACH_NAME}: “First things”. Next: “Second things”." in body


def test_released_steps_are_a_notice_each_and_at_most_one_email_a_day(
    coach, alice, bob, couple, coached, run_on_commit
):
    from django.core import mail

    from notifications.models import Kind, Notification
    from practice.models import Step

    programme = programme_save(coach=coach, title="Two at once")
    for title in ("One", "Two"):
        step_save(
            programme=programme, kind="article", article=make_article(title=title), release=Step.Release.AFTER_DAYS
        )
    run_on_commit(programme_assign, coach=coach, programme=programme, couple=couple)
    assert Notification.objects.filter(kind=Kind.STEP_RELEASED, user=alice).count() == 2
    to_alice = [m for m in mail.outbox if m.to == [alice.email]]
    assert len(to_alice) == 1 and "One" in to_alice[0].subject
    assert "Private" not in to_alice[0].body
