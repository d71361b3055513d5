"""Each person's count of unread notices (User.unread_notices) is kept in
the transaction of every notice written or put away, so home reads notices
only when there are some; notices_recount says whether the counts hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Kind, Notification
from notifications.services import (
    notices_recount,
    notification_create,
    notification_mark_read,
    notifications_mark_all_read,
    notify_partner_ready,
)
from reflections.services import readiness_set

from ..conftest import answer_all
from ..reflections.migrating import migrate, migrate_to_latest


def unread(user):
    return User.objects.get(pk=user.pk).unread_notices


def test_the_count_follows_every_notice_written_and_put_away(alice, bob):
    first = notification_create(user=alice, kind=Kind.PARTNER_JOINED, actor=bob, email=False)
    notification_create(user=alice, kind=Kind.PARTNER_JOINED, actor=bob, email=False)
    notification_create(user=alice, kind=Kind.PARTNER_JOINED, actor=bob, email=False)
    assert unread(alice) == 3

    notification_mark_read(notification=first, user=alice)
    notification_mark_read(notification=first, user=alice)  # twice: counted once
    assert unread(alice) == 2

    assert notifications_mark_all_read(user=alice) == 2
    assert unread(alice) == 0
    assert unread(bob) == 0
    assert notices_recount() == 0


def test_someone_else_cannot_put_a_notice_away_or_move_the_count(alice, bob):
    notice = notification_create(user=alice, kind=Kind.PARTNER_JOINED, actor=bob, email=False)

    notification_mark_read(notification=notice, user=bob)

    assert unread(alice) == 1 and unread(bob) == 0
    assert Notification.objects.get().read_at is None


def test_the_reveal_puts_away_the_ready_notice_and_counts_the_reveal(
    alice, bob, reflection, django_capture_on_commit_callbacks
):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    before = (unread(alice), unread(bob))
    readiness_set(reflection=reflection, user=alice)
    notify_partner_ready(reflection=reflection, user=alice)  # again: still the one notice
    assert (unread(alice), unread(bob)) == (before[0], before[1] + 1)

    with django_capture_on_commit_callbacks(execute=True):  # the reveal's notices follow its commit
        readiness_set(reflection=reflection, user=bob)

    # Bob's "Alice is ready" is put away; each of them has the reveal's notice.
    assert not Notification.objects.filter(kind=Kind.PARTNER_READY, read_at__isnull=True).exists()
    assert (unread(alice), unread(bob)) == (before[0] + 1, before[1] + 1)
    assert notices_recount() == 0


def test_recount_mends_notices_written_around_the_service(alice, bob):
    Notification.objects.bulk_create(Notification(user=alice, kind=Kind.PARTNER_JOINED, actor=bob) for _ in range(3))
    assert unread(alice) == 0

    assert notices_recount() == 1
    assert unread(alice) == 3
    assert notices_recount() == 0


def home_queries(client):
    with CaptureQueriesContext(connection) as context:
        html = client.get(reverse("reflections:home")).content.decode()
    return len(context), "What’s new" in html


def test_home_reads_notices_only_when_some_are_unread(client, alice, bob):
    client.force_login(alice)
    client.get(reverse("reflections:home"))  # the first signed-in request records the device
    none, shown_none = home_queries(client)

    notification_create(user=alice, kind=Kind.PARTNER_JOINED, actor=bob, email=False)
    some, shown_some = home_queries(client)

    assert (shown_none, shown_some) == (False, True)
    assert some == none + 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_unread_notices_there_were():
    apps = migrate([("notifications", "0003_replied"), ("accounts", "0003_unread_notices")])
    User = apps.get_model("accounts", "User")
    Notification = apps.get_model("notifications", "Notification")
    three, none = (User.objects.create(email=f"{name}@example.org") for name in ("three", "none"))
    Notification.objects.bulk_create(Notification(user=three, kind="partner_joined") for _ in range(3))
    Notification.objects.create(user=three, kind="partner_joined", read_at=timezone.now())
    Notification.objects.create(user=none, kind="partner_joined", read_at=timezone.now())

    try:
        apps = migrate([("notifications", "0004_count_unread")])
        counts = dict(apps.get_model("accounts", "User").objects.values_list("email", "unread_notices"))
        assert counts == {"three@example.org": 3, "none@example.org": 0}
    finally:
        migrate_to_latest()
