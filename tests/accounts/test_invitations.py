"""Partner invitations: create, revoke, accept by link or code (P7)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Couple, Invitation, Membership, new_invitation_code
from accounts.services import couple_unlink, invitation_accept, invitation_create, invitation_revoke
from core.errors import DomainError

from ..conftest import link

LOOK_ALIKES = set("0O1IL")


def accept_url(invitation):
    return reverse("accounts:invitation_accept", args=[invitation.token])


def assert_nothing_linked(invitation):
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert invitation.used_by is None


# Creating


def test_creating_an_invitation_shows_its_link_and_code(client, alice):
    client.force_login(alice)

    response = client.post(reverse("accounts:invitation_create"), follow=True)

    invitation = Invitation.objects.get(inviter=alice)
    body = response.content.decode()
    assert response.redirect_chain == [(reverse("accounts:partner"), 302)]
    assert f"http://testserver{accept_url(invitation)}" in body
    assert invitation.display_code in body
    assert invitation.display_code == f"{invitation.code[:4]}-{invitation.code[4:]}"


def test_invitation_code_has_eight_characters_without_look_alikes(alice):
    codes = [invitation_create(inviter=alice).code] + [new_invitation_code() for _ in range(300)]

    assert all(len(code) == 8 for code in codes)
    used = set("".join(codes))
    assert not used & LOOK_ALIKES
    assert used <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


def test_invitation_expires_after_the_configured_number_of_days(alice, settings):
    assert settings.INVITATION_DAYS == 7
    before = timezone.now()

    invitation = invitation_create(inviter=alice)

    expected = before + timedelta(days=7)
    assert expected <= invitation.expires_at < expected + timedelta(seconds=5)


def test_invitation_lifetime_follows_the_setting(alice, settings):
    settings.INVITATION_DAYS = 2
    before = timezone.now()

    invitation = invitation_create(inviter=alice)

    expected = before + timedelta(days=2)
    assert expected <= invitation.expires_at < expected + timedelta(seconds=5)


def test_a_new_invitation_replaces_my_open_one(client, alice):
    first = invitation_create(inviter=alice)
    client.force_login(alice)

    client.post(reverse("accounts:invitation_create"))

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.usable().filter(inviter=alice).count() == 1


def test_linked_user_cannot_create_an_invitation(client, alice, couple):
    client.force_login(alice)

    response = client.post(reverse("accounts:invitation_create"), follow=True)

    assert "already linked with a partner" in response.content.decode()
    assert not Invitation.objects.filter(inviter=alice, used_at__isnull=True).exists()


# Revoking


def test_inviter_can_revoke_an_invitation(client, alice):
    invitation = invitation_create(inviter=alice)
    client.force_login(alice)

    response = client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]), follow=True)

    invitation.refresh_from_db()
    assert response.redirect_chain == [(reverse("accounts:partner"), 302)]
    assert invitation.revoked_at is not None
    assert "Invitation revoked" in response.content.decode()
    assert invitation.code not in response.content.decode()


def test_someone_else_cannot_revoke_an_invitation(client, alice, carol):
    invitation = invitation_create(inviter=alice)
    client.force_login(carol)

    response = client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))

    invitation.refresh_from_db()
    assert response.status_code == 404
    assert invitation.revoked_at is None


def test_revoke_service_refuses_anyone_but_the_inviter(alice, carol):
    invitation = invitation_create(inviter=alice)

    with pytest.raises(DomainError, match="Only the person who sent"):
        invitation_revoke(invitation=invitation, by=carol)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoked_invitation_link_no_longer_links(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    invitation_revoke(invitation=invitation, by=alice)
    client.force_login(bob)

    response = client.post(accept_url(invitation))

    assert "This invitation was revoked" in response.content.decode()
    assert not Couple.objects.exists()


# Accepting


def test_accept_page_names_the_inviter_and_offers_to_link(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    response = client.get(accept_url(invitation))

    body = response.content.decode()
    assert response.status_code == 200
    assert "An invitation from Alice" in body
    assert "Accept and link our accounts" in body
    assert not Couple.objects.exists()


def test_accepting_by_link_links_both_partners(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    response = client.post(accept_url(invitation))

    assert response.status_code == 302
    assert response.url == reverse("reflections:home")
    couple = Couple.objects.get()
    assert couple.is_linked
    assert set(couple.memberships.filter(active=True).values_list("user", flat=True)) == {alice.pk, bob.pk}


def test_accepting_marks_the_invitation_used(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.used_by == bob


def test_accepting_says_who_you_are_linked_with(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    response = client.post(accept_url(invitation), follow=True)

    assert "You and Alice are now linked." in response.content.decode()


def test_entering_a_code_leads_to_its_invitation(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    response = client.post(reverse("accounts:invitation_code"), {"code": invitation.code})

    assert response.status_code == 302
    assert response.url == accept_url(invitation)


def test_code_typed_in_lower_case_with_dash_and_spaces_works(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    typed = f" {invitation.code[:4].lower()} - {invitation.code[4:].lower()} "
    client.force_login(bob)

    response = client.post(reverse("accounts:invitation_code"), {"code": typed})

    assert response.status_code == 302
    assert response.url == accept_url(invitation)


def test_accepting_by_code_links_both_partners(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)

    response = client.post(reverse("accounts:invitation_code"), {"code": invitation.display_code.lower()}, follow=True)
    client.post(response.redirect_chain[-1][0])

    couple = Couple.objects.get()
    assert couple.partner_of(bob) == alice


def test_unknown_code_gives_a_form_error(client, alice):
    client.force_login(alice)

    response = client.post(reverse("accounts:invitation_code"), {"code": "ABCD-EFGH"})

    assert response.status_code == 400
    assert "No invitation has this code" in response.content.decode()


def used_invitation(alice, bob):
    invitation = invitation_create(inviter=alice)
    invitation_accept(invitation=invitation, user=bob)
    return invitation


def revoked_invitation(alice, bob):
    invitation = invitation_create(inviter=alice)
    invitation_revoke(invitation=invitation, by=alice)
    return invitation


def expired_invitation(alice, bob):
    invitation = invitation_create(inviter=alice)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return invitation


@pytest.mark.parametrize("spent", [used_invitation, revoked_invitation, expired_invitation])
def test_a_spent_code_says_only_that_it_can_no_longer_be_used(client, alice, bob, carol, spent):
    """Audit 2, finding 8: the code no longer leads to a page naming who sent it."""
    invitation = spent(alice, bob)
    client.force_login(carol)

    response = client.post(reverse("accounts:invitation_code"), {"code": invitation.code})

    assert response.status_code == 400
    body = response.content.decode()
    assert "This code can no longer be used" in body
    assert "Alice" not in body


@pytest.mark.parametrize("spent", [used_invitation, revoked_invitation, expired_invitation])
def test_a_spent_invitations_link_does_not_name_who_sent_it(client, alice, bob, carol, spent):
    invitation = spent(alice, bob)
    client.force_login(carol)

    response = client.get(accept_url(invitation))

    body = response.content.decode()
    assert "This invitation can no longer be used" in body
    assert "Alice" not in body
    assert "Accept and link our accounts" not in body


def test_code_of_the_wrong_length_gives_a_form_error(client, alice):
    client.force_login(alice)

    response = client.post(reverse("accounts:invitation_code"), {"code": "ABC"})

    assert response.status_code == 400
    assert "A code has 8 letters and digits" in response.content.decode()


# P7: refusals change nothing


def test_accepting_your_own_invitation_is_refused(client, alice):
    invitation = invitation_create(inviter=alice)
    client.force_login(alice)

    response = client.post(accept_url(invitation))

    assert "This is your own invitation" in response.content.decode()
    assert not Couple.objects.exists()
    assert not Membership.objects.exists()
    assert_nothing_linked(invitation)


def test_accepting_an_expired_invitation_is_refused(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(bob)

    response = client.post(accept_url(invitation))

    assert "This invitation has expired" in response.content.decode()
    assert not Couple.objects.exists()
    assert not Membership.objects.exists()
    assert_nothing_linked(invitation)


def test_accepting_a_revoked_invitation_is_refused(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    invitation_revoke(invitation=invitation, by=alice)
    client.force_login(bob)

    response = client.post(accept_url(invitation))

    assert "This invitation was revoked" in response.content.decode()
    assert not Couple.objects.exists()
    assert not Membership.objects.exists()
    assert_nothing_linked(invitation)


def test_accepting_a_used_invitation_is_refused(client, alice, bob, carol):
    invitation = invitation_create(inviter=alice)
    client.force_login(bob)
    client.post(accept_url(invitation))
    used_at = Invitation.objects.get(pk=invitation.pk).used_at
    client.force_login(carol)

    response = client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert "This invitation has already been used" in response.content.decode()
    assert Couple.objects.count() == 1
    assert not Membership.objects.filter(user=carol).exists()
    assert invitation.used_by == bob
    assert invitation.used_at == used_at


def test_a_used_invitation_cannot_be_reused_even_after_unlinking(client, alice, bob, carol):
    invitation = invitation_create(inviter=alice)
    couple = invitation_accept(invitation=invitation, user=bob)
    couple_unlink(couple=couple, by=alice)
    client.force_login(carol)

    response = client.post(accept_url(invitation))

    assert "This invitation has already been used" in response.content.decode()
    assert Couple.objects.count() == 1
    assert not Membership.objects.filter(user=carol).exists()


def test_accepting_while_already_linked_is_refused(client, alice, bob, carol, couple):
    invitation = invitation_create(inviter=carol)
    client.force_login(bob)

    response = client.post(accept_url(invitation))

    assert "You are already linked with a partner" in response.content.decode()
    assert Couple.objects.count() == 1
    assert not Membership.objects.filter(user=carol).exists()
    assert_nothing_linked(invitation)


def test_accepting_from_an_inviter_who_has_since_linked_is_refused(client, make_user, alice, carol):
    dan = make_user("Dan")
    invitation = invitation_create(inviter=carol)
    link(dan, carol)  # revokes Carol's open invitation
    client.force_login(alice)

    response = client.post(accept_url(invitation))

    assert "This invitation was revoked" in response.content.decode()
    assert Couple.objects.count() == 1
    assert not Membership.objects.filter(user=alice).exists()
    assert_nothing_linked(invitation)


def test_refused_accept_page_offers_no_accept_button(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    invitation_revoke(invitation=invitation, by=alice)
    client.force_login(bob)

    response = client.get(accept_url(invitation))

    assert "Accept and link our accounts" not in response.content.decode()


def test_unknown_invitation_token_is_not_found(client, bob):
    client.force_login(bob)

    response = client.get(reverse("accounts:invitation_accept", args=["no-such-token"]))

    assert response.status_code == 404


def test_invitation_link_with_a_nul_byte_is_not_found(client, bob):
    client.force_login(bob)

    response = client.get("/partner/join/abc%00def/")

    assert response.status_code == 404


def test_code_with_a_nul_byte_gives_a_form_error(client, alice, bob):
    invitation = invitation_create(inviter=alice)
    typed = f"{invitation.code[:4]}\x00{invitation.code[4:]}"
    client.force_login(bob)

    response = client.post(reverse("accounts:invitation_code"), {"code": typed})

    assert response.status_code == 400
    assert not Couple.objects.exists()


def test_after_unlinking_a_partner_can_accept_someone_new(client, alice, bob, carol, couple):
    couple_unlink(couple=couple, by=alice)
    invitation = invitation_create(inviter=carol)
    client.force_login(alice)

    client.post(accept_url(invitation))

    new_couple = Couple.objects.linked().get()
    assert new_couple.partner_of(alice) == carol


# P7 in the database


def test_database_refuses_a_second_active_membership(alice, bob, carol, couple):
    other = Couple.objects.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(couple=other, user=alice)

    assert Membership.objects.filter(user=alice, active=True).count() == 1


def test_database_allows_inactive_memberships_beside_an_active_one(alice, couple):
    other = Couple.objects.create(ended_at=timezone.now())

    Membership.objects.create(couple=other, user=alice, active=False)

    assert Membership.objects.filter(user=alice).count() == 2


# Anonymous visitors


@pytest.mark.parametrize(
    "name, needs",
    [
        ("accounts:partner", None),
        ("accounts:invitation_create", None),
        ("accounts:invitation_revoke", "pk"),
        ("accounts:invitation_code", None),
        ("accounts:invitation_accept", "token"),
        ("accounts:couple_unlink", None),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_log_in(client, alice, name, needs, method):
    invitation = invitation_create(inviter=alice)
    kwargs = {"pk": {"pk": invitation.pk}, "token": {"token": invitation.token}, None: {}}[needs]
    url = reverse(name, kwargs=kwargs)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    invitation.refresh_from_db()
    assert invitation.is_usable
    assert not Couple.objects.exists()


def test_linking_revokes_every_open_invitation_of_both_people(alice, bob, carol, dan):
    alices = invitation_create(inviter=alice)  # made before she links with Bob
    carols = invitation_create(inviter=carol)

    invitation_accept(invitation=invitation_create(inviter=bob), user=alice)

    assert not Invitation.objects.get(pk=alices.pk).is_usable
    assert Invitation.objects.get(pk=carols.pk).is_usable  # nobody else's
    couple_unlink(couple=alice.memberships.get(active=True).couple, by=alice)
    with pytest.raises(DomainError, match="revoked"):
        invitation_accept(invitation=alices, user=dan)
