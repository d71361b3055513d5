"""Everyone chooses which emails they get, one switch per kind, all on by default."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.services import invitation_accept, invitation_create
from notifications.models import EmailPreferences, Kind, Notification
from notifications.selectors import email_preferences_for
from notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db

URL = "/account/notifications/"


def all_on_but(*off):
    return {kind: "on" for kind in Kind.values if kind not in off}


def test_the_settings_page_lives_at_account_notifications():
    assert reverse("notifications:email_preferences") == URL


def test_every_kind_of_email_is_on_by_default(alice):
    preferences = email_preferences_for(alice)

    assert all(preferences.wants(kind) for kind in Kind.values)


def test_there_is_a_switch_for_every_kind_of_notification():
    fields = {f.name for f in EmailPreferences._meta.get_fields()}

    assert set(Kind.values) <= fields


def test_the_settings_page_shows_every_switch_ticked_for_a_new_user(client, alice):
    client.force_login(alice)

    html = client.get(URL).content.decode()

    for kind in Kind.values:
        assert f'name="{kind}"' in html
    assert html.count("checked") == len(Kind.values)


def test_the_settings_page_needs_a_login(client):
    response = client.get(URL)

    assert response.status_code == 302 and reverse("account_login") in response.url


def test_the_settings_page_is_linked_from_the_account_page(client, alice):
    client.force_login(alice)

    html = client.get(reverse("account_email")).content.decode()

    assert f'href="{URL}"' in html


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_of_email_can_be_turned_off(client, alice, kind):
    client.force_login(alice)

    response = client.post(URL, all_on_but(kind))

    assert response.status_code == 302
    preferences = email_preferences_for(alice)
    assert not preferences.wants(kind)
    assert all(preferences.wants(k) for k in Kind.values if k != kind)


@pytest.mark.parametrize("kind", Kind.values)
def test_a_kind_turned_off_is_not_emailed(alice, bob, reflection, kind):
    EmailPreferences.objects.create(user=alice, **{kind: False})
    notice = Notification.objects.create(user=alice, kind=kind, reflection=reflection, actor=bob)

    assert send_notification_email.call(notification_id=notice.pk) == "turned off"
    assert mail.outbox == []


def test_turning_an_email_off_keeps_the_notice_on_the_home_page(client, alice, bob, run_on_commit):
    client.force_login(alice)
    client.post(URL, all_on_but(Kind.PARTNER_JOINED))

    run_on_commit(invitation_accept, invitation=invitation_create(inviter=alice), user=bob)

    assert mail.outbox == []
    assert "Bob accepted your invitation" in client.get(reverse("reflections:home")).content.decode()


def test_turning_it_back_on_emails_again(client, alice, bob, run_on_commit):
    client.force_login(alice)
    client.post(URL, all_on_but(Kind.PARTNER_JOINED))
    client.post(URL, all_on_but())

    run_on_commit(invitation_accept, invitation=invitation_create(inviter=alice), user=bob)

    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_my_choices_never_change_my_partners(client, alice, bob):
    client.force_login(alice)

    client.post(URL, all_on_but(*Kind.values))

    assert all(email_preferences_for(bob).wants(kind) for kind in Kind.values)
