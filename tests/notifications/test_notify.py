"""Who hears about what, on the home page ("What's new")."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import couple_unlink, invitation_accept, invitation_create
from coaching.authoring import assignment_create
from core.errors import DomainError
from notifications.models import Kind, Notification
from notifications.services import notices_recount
from reflections.services import readiness_set, readiness_withdraw
from tests.conftest import COACH_NAME, answer_all, coach_link, link, make_article

pytestmark = pytest.mark.django_db


def kinds_for(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def alice_ready(reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    readiness_set(reflection=reflection, user=alice)
    return reflection


def test_inviter_is_notified_when_their_invitation_is_accepted(alice, bob):
    invitation_accept(invitation=invitation_create(inviter=alice), user=bob)

    notice = Notification.objects.get(user=alice)
    assert (notice.kind, notice.actor) == (Kind.PARTNER_JOINED, bob)


def test_the_person_who_accepts_gets_no_notice(alice, bob):
    invitation_accept(invitation=invitation_create(inviter=alice), user=bob)

    assert kinds_for(bob) == []


def test_a_refused_acceptance_notifies_nobody(alice, bob, carol):
    link(alice, bob)
    invitation = invitation_create(inviter=carol)

    with pytest.raises(DomainError):
        invitation_accept(invitation=invitation, user=bob)

    assert kinds_for(carol) == []


def test_partner_hears_when_the_other_is_ready(alice_ready, alice, bob):
    notice = Notification.objects.get(user=bob)

    assert (notice.kind, notice.reflection, notice.actor) == (Kind.PARTNER_READY, alice_ready, alice)


def test_the_person_who_is_ready_gets_no_ready_notice(alice_ready, alice):
    assert Kind.PARTNER_READY not in kinds_for(alice)


def test_the_ready_that_reveals_sends_no_ready_notice(alice_ready, alice, bob, run_on_commit):
    run_on_commit(readiness_set, reflection=alice_ready, user=bob)

    assert Kind.PARTNER_READY not in kinds_for(alice)


def test_ready_again_after_withdrawing_keeps_one_unread_ready_notice(alice_ready, alice, bob):
    readiness_withdraw(reflection=alice_ready, user=alice)
    readiness_set(reflection=alice_ready, user=alice)

    assert kinds_for(bob) == [Kind.PARTNER_READY]


def test_both_partners_hear_about_the_reveal(alice_ready, alice, bob, run_on_commit):
    run_on_commit(readiness_set, reflection=alice_ready, user=bob)

    revealed = Notification.objects.filter(kind=Kind.REVEALED, reflection=alice_ready)
    assert {(n.user, n.actor) for n in revealed} == {(alice, bob), (bob, alice)}


def test_the_reveal_is_announced_once_however_often_ready_is_pressed(alice_ready, alice, bob, run_on_commit):
    run_on_commit(readiness_set, reflection=alice_ready, user=bob)
    run_on_commit(readiness_set, reflection=alice_ready, user=bob)
    run_on_commit(readiness_set, reflection=alice_ready, user=alice)

    assert Notification.objects.filter(kind=Kind.REVEALED).count() == 2


def test_the_reveal_puts_away_the_ready_notice(alice_ready, bob, run_on_commit):
    run_on_commit(readiness_set, reflection=alice_ready, user=bob)

    assert Notification.objects.get(user=bob, kind=Kind.PARTNER_READY).read_at is not None


def test_an_assignment_notifies_both_partners_of_every_couple(coach, alice, bob, dan, erin, couple, other_couple):
    coach_link(coach, alice, bob)
    coach_link(coach, dan, erin)

    assignment_create(coach=coach, article=make_article(), couples=[couple, other_couple])

    assigned = Notification.objects.filter(kind=Kind.ASSIGNED)
    assert sorted(n.user.name for n in assigned) == ["Alice", "Bob", "Dan", "Erin"]
    assert {n.actor for n in assigned} == {coach}


def test_a_refused_assignment_notifies_nobody(coach, alice, bob, couple, other_couple):
    coach_link(coach, alice, bob)  # Dan and Erin are not clients

    with pytest.raises(DomainError):
        assignment_create(coach=coach, article=make_article(), couples=[couple, other_couple])

    assert not Notification.objects.filter(kind=Kind.ASSIGNED).exists()


# The home page


def test_home_lists_whats_new_newest_first(client, alice, bob, alice_ready):
    # Written after the ready notice, but dated earlier: order is by date.
    Notification.objects.create(
        user=bob, kind=Kind.PARTNER_JOINED, actor=alice, created_at=timezone.now() - timedelta(hours=1)
    )
    notices_recount()  # written around notification_create
    client.force_login(bob)

    html = client.get(reverse("reflections:home")).content.decode()

    assert "What’s new" in html
    assert html.index(f"Alice is ready to reveal “{alice_ready.title}”") < html.index("Alice accepted your invitation")


def test_home_shows_at_most_five_unread_notices(client, alice, bob):
    Notification.objects.bulk_create(Notification(user=alice, kind=Kind.PARTNER_JOINED, actor=bob) for _ in range(7))
    notices_recount()  # written around notification_create
    client.force_login(alice)

    html = client.get(reverse("reflections:home")).content.decode()

    assert html.count("Mark as read<") == 5


def test_home_names_the_coach_by_the_name_shown_to_clients(client, coach, alice, bob, couple):
    coach_link(coach, alice, bob)
    assignment_create(coach=coach, article=make_article(title="Listening"), couples=[couple])
    client.force_login(alice)

    html = client.get(reverse("reflections:home")).content.decode()

    assert f"{COACH_NAME} assigned “Listening” to you both" in html


def test_home_drops_a_ready_notice_once_the_couple_unlinked(client, alice, bob, alice_ready):
    couple_unlink(couple=alice_ready.couple, by=alice)
    client.force_login(bob)

    html = client.get(reverse("reflections:home")).content.decode()

    assert "ready to reveal" not in html


def test_mark_as_read_works_without_javascript(client, alice, bob, alice_ready):
    notice = Notification.objects.get(user=bob, kind=Kind.PARTNER_READY)
    client.force_login(bob)

    response = client.post(
        reverse("notifications:notification_mark_read", args=[notice.pk]), {"next": reverse("reflections:home")}
    )

    assert response.status_code == 302 and response.url == reverse("reflections:home")
    assert "ready to reveal" not in client.get(reverse("reflections:home")).content.decode()


def test_mark_as_read_of_someone_elses_notice_is_a_404(client, alice, bob, alice_ready):
    notice = Notification.objects.get(user=bob, kind=Kind.PARTNER_READY)
    client.force_login(alice)

    response = client.post(reverse("notifications:notification_mark_read", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_as_read_never_sends_you_off_site(client, alice, bob, alice_ready):
    notice = Notification.objects.get(user=bob, kind=Kind.PARTNER_READY)
    client.force_login(bob)

    response = client.post(
        reverse("notifications:notification_mark_read", args=[notice.pk]), {"next": "https://evil.example/"}
    )

    assert response.url == reverse("reflections:home")


def test_mark_all_as_read_empties_whats_new_for_me_only(client, alice, bob, alice_ready):
    client.force_login(bob)

    client.post(reverse("notifications:notifications_mark_all_read"))

    assert not Notification.objects.filter(user=bob, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=alice, read_at__isnull=True).exists()


def test_whats_new_costs_the_same_queries_for_one_notice_or_five(client, coach, alice, bob, couple):
    coach_link(coach, alice, bob)
    for article in (make_article(), make_article()):
        assignment_create(coach=coach, article=article, couples=[couple])
    Notification.objects.bulk_create(Notification(user=alice, kind=Kind.PARTNER_JOINED, actor=bob) for _ in range(2))
    mine = Notification.objects.filter(user=alice)
    client.force_login(alice)
    client.get(reverse("reflections:home"))  # the first signed-in request records the device (usersessions)

    def queries():
        with CaptureQueriesContext(connection) as context:
            html = client.get(reverse("reflections:home")).content.decode()
        return len(context), html.count("Mark as read<")

    mine.exclude(pk=mine.first().pk).update(read_at=timezone.now())
    notices_recount()
    one, shown = queries()
    assert shown == 1
    mine.update(read_at=None)
    notices_recount()
    five, shown = queries()
    assert shown == 5

    assert five == one


def test_the_reveal_still_succeeds_when_its_notices_fail(client, alice_ready, bob, run_on_commit):
    client.force_login(bob)

    with mock.patch("notifications.receivers.notify_revealed", side_effect=RuntimeError("database hiccup")):
        response = run_on_commit(client.post, reverse("reflections:readiness_set", args=[alice_ready.pk]))

    assert response.status_code == 302
    alice_ready.refresh_from_db()
    assert alice_ready.is_revealed


def test_whats_new_says_when_calmly(alice, bob):
    fresh = Notification.objects.create(user=alice, kind=Kind.PARTNER_JOINED, actor=bob)
    older = Notification.objects.create(
        user=alice, kind=Kind.PARTNER_JOINED, actor=bob, created_at=timezone.now() - timedelta(hours=3, minutes=5)
    )

    assert (fresh.when, older.when) == ("just now", "3\xa0hours ago")
