"""Coaching: any account can become a coach, staff can remove that; a coach
invites a couple, each partner accepts on their own, and either side ends it.
The coach sees nothing of a couple until both partners have accepted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CoachingAcceptance, CoachingLink, CoachProfile
from accounts.services import coaching_accept, coaching_end, coaching_invite_create, couple_unlink
from core.errors import DomainError

from ..conftest import COACH_NAME, coach_link, link, shows_name


def accept_url(coaching):
    return reverse("coach:coaching_accept", args=[coaching.token])


def end_url(coaching):
    return reverse("coach:coaching_end", args=[coaching.pk])


def deactivate(coach):
    CoachProfile.objects.filter(user=coach).update(active=False)


@pytest.fixture
def invitation(coach):
    return coaching_invite_create(coach=coach)


@pytest.fixture
def half_accepted(invitation, couple, alice):
    """Alice said yes; Bob has not yet."""
    return coaching_accept(link=invitation, user=alice)


# Becoming a coach


def test_profile_page_invites_any_account_to_become_a_coach(client, carol):
    client.force_login(carol)

    response = client.get(reverse("coach:profile"))

    assert response.status_code == 200
    assert "Become a coach" in response.content.decode()


def test_any_account_can_create_a_coach_profile(client, carol):
    client.force_login(carol)

    response = client.post(
        reverse("coach:profile"),
        {"name": "Carol Mendes", "practice": "Harbour Counselling", "bio": "Twenty years with couples."},
    )

    profile = CoachProfile.objects.get(user=carol)
    assert response.status_code == 302
    assert response.url == reverse("coach:dashboard")
    assert (profile.name, profile.practice, profile.bio) == (
        "Carol Mendes",
        "Harbour Counselling",
        "Twenty years with couples.",
    )
    assert profile.active


def test_new_coach_can_open_the_workspace(client, carol):
    client.force_login(carol)
    client.post(reverse("coach:profile"), {"name": "Carol Mendes"})

    response = client.get(reverse("coach:dashboard"))

    assert response.status_code == 200


def test_saving_the_profile_again_edits_it(client, coach):
    client.force_login(coach)

    client.post(reverse("coach:profile"), {"name": "Sam R.", "practice": "", "bio": "New bio."})

    profile = CoachProfile.objects.get(user=coach)
    assert CoachProfile.objects.filter(user=coach).count() == 1
    assert (profile.name, profile.practice, profile.bio) == ("Sam R.", "", "New bio.")


def test_coach_profile_needs_a_name_shown_to_clients(client, carol):
    client.force_login(carol)

    response = client.post(reverse("coach:profile"), {"name": "", "practice": "Harbour Counselling"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not CoachProfile.objects.filter(user=carol).exists()


def test_workspace_sends_an_account_without_a_profile_to_create_one(client, carol):
    client.force_login(carol)

    response = client.get(reverse("coach:dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("coach:profile")


def test_workspace_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(reverse("coach:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_home_page_title_is_only_the_page_name(client, alice):
    """The coach workspace link and the privacy promise belong in the page,
    not inside <title>."""
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "<title>Home · Twofold</title>" in body


def test_home_page_links_to_the_coach_workspace(client, alice):
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert f'<a href="{reverse("coach:profile")}">Open the coach workspace</a>' in body


# Staff remove a coach profile


def test_staff_can_remove_a_coach_profile_in_the_admin(client, staff, coach):
    profile = coach.coach_profile
    client.force_login(staff)
    now = timezone.localtime(profile.created_at)

    response = client.post(
        reverse("admin:accounts_coachprofile_change", args=[profile.pk]),
        {
            "user": coach.pk,
            "name": profile.name,
            "practice": profile.practice,
            "bio": profile.bio,
            "created_at_0": now.strftime("%Y-%m-%d"),
            "created_at_1": now.strftime("%H:%M:%S"),
            # "active" left out: the box is unticked.
        },
    )

    profile.refresh_from_db()
    assert response.status_code == 302
    assert not profile.active


@pytest.mark.parametrize(
    "url_name", ["coach:dashboard", "coach:clients", "coach:articles", "coach:article_new", "coach:assignment_create"]
)
def test_removed_coach_is_turned_away_from_workspace_pages(client, coach, url_name):
    deactivate(coach)
    client.force_login(coach)

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url == reverse("coach:profile")


def test_removed_coach_is_told_their_profile_is_switched_off(client, coach):
    deactivate(coach)
    client.force_login(coach)

    response = client.get(reverse("coach:profile"))

    assert response.status_code == 403
    assert "Your coach profile is switched off" in response.content.decode()


def test_removed_coach_cannot_switch_their_profile_back_on(client, coach):
    deactivate(coach)
    client.force_login(coach)

    response = client.post(reverse("coach:profile"), {"name": "Sam Again"})

    profile = CoachProfile.objects.get(user=coach)
    assert response.status_code == 403
    assert not profile.active
    assert profile.name == COACH_NAME


def test_removed_coach_cannot_invite_couples(client, coach):
    deactivate(coach)
    client.force_login(coach)

    client.post(reverse("coach:coaching_invite_create"))

    assert not CoachingLink.objects.filter(coach=coach).exists()


def test_removed_coach_loses_their_client_couples(coach, coached):
    deactivate(coach)

    assert not CoachingLink.objects.active().filter(coach=coach).exists()


# Inviting a couple


def test_coach_creates_an_invitation_link(client, coach):
    client.force_login(coach)

    response = client.post(reverse("coach:coaching_invite_create"), follow=True)

    coaching = CoachingLink.objects.get(coach=coach)
    assert response.redirect_chain == [(reverse("coach:clients"), 302)]
    assert f"http://testserver{accept_url(coaching)}" in response.content.decode()
    assert coaching.couple is None
    assert coaching.started_at is None


def test_an_account_without_a_coach_profile_cannot_invite(client, carol):
    client.force_login(carol)

    client.post(reverse("coach:coaching_invite_create"))

    assert not CoachingLink.objects.exists()


def test_invitation_page_names_the_coach_and_what_they_can_see(client, alice, couple, invitation):
    client.force_login(alice)

    response = client.get(accept_url(invitation))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"{COACH_NAME} invites you to coaching" in body
    assert "Riverside Couples Practice" in body
    assert "Never what you wrote" in body


def test_opening_the_invitation_accepts_nothing(client, alice, couple, invitation):
    client.force_login(alice)

    client.get(accept_url(invitation))

    assert not CoachingAcceptance.objects.exists()


# Accepting


def test_first_partner_accepting_does_not_start_coaching(client, alice, couple, invitation):
    client.force_login(alice)

    response = client.post(accept_url(invitation), follow=True)

    invitation.refresh_from_db()
    assert response.redirect_chain == [(reverse("accounts:partner"), 302)]
    assert "Coaching starts once your partner accepts too." in response.content.decode()
    assert invitation.couple == couple
    assert invitation.started_at is None


def test_coaching_starts_when_both_partners_accept(client, bob, couple, half_accepted):
    client.force_login(bob)

    response = client.post(accept_url(half_accepted), follow=True)

    half_accepted.refresh_from_db()
    assert f"{COACH_NAME} is now your coach." in response.content.decode()
    assert half_accepted.started_at is not None
    assert CoachingLink.objects.active().filter(pk=half_accepted.pk).exists()


def test_partner_page_tells_the_other_partner_an_invitation_waits_for_them(client, bob, half_accepted):
    client.force_login(bob)

    body = client.get(reverse("accounts:partner")).content.decode()

    assert f"{COACH_NAME}</strong>" in body
    assert "waiting for you to accept" in body
    assert accept_url(half_accepted) in body


def test_partner_page_tells_the_accepting_partner_who_is_left(client, alice, half_accepted):
    client.force_login(alice)

    body = client.get(reverse("accounts:partner")).content.decode()

    assert "waiting for Bob to accept" in body


def test_accepting_twice_counts_as_one_partner(alice, half_accepted):
    coaching = coaching_accept(link=half_accepted, user=alice)

    assert coaching.started_at is None
    assert coaching.acceptances.count() == 1


@pytest.mark.parametrize("url_name", ["coach:dashboard", "coach:clients", "coach:assignment_create"])
def test_coach_sees_nothing_of_the_couple_before_both_accept(client, coach, half_accepted, url_name):
    client.force_login(coach)

    body = client.get(reverse(url_name)).content.decode()

    assert not shows_name(body, "Alice")
    assert not shows_name(body, "Bob")


@pytest.mark.parametrize("url_name", ["coach:dashboard", "coach:clients", "coach:assignment_create"])
def test_coach_sees_the_couple_once_both_accept(client, coach, bob, half_accepted, url_name):
    coaching_accept(link=half_accepted, user=bob)
    client.force_login(coach)

    body = client.get(reverse(url_name)).content.decode()

    assert "Alice &amp; Bob" in body


def test_clients_page_counts_a_half_accepted_invitation_without_names(client, coach, half_accepted):
    client.force_login(coach)

    body = client.get(reverse("coach:clients")).content.decode()

    assert "1 of 2 accepted" in body


def test_someone_not_linked_cannot_accept(client, carol, invitation):
    client.force_login(carol)

    response = client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert "Link with your partner first" in response.content.decode()
    assert invitation.couple is None
    assert not invitation.acceptances.exists()


def test_coach_cannot_accept_their_own_invitation(client, coach, invitation):
    client.force_login(coach)

    response = client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert "This is your own coaching invitation." in response.content.decode()
    assert invitation.couple is None
    assert not invitation.acceptances.exists()


def test_coach_cannot_coach_their_own_couple(client, coach, carol, invitation):
    link(coach, carol)
    client.force_login(carol)

    response = client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert "A coach cannot coach their own couple." in response.content.decode()
    assert invitation.couple is None


def test_expired_invitation_gives_a_clear_message(client, alice, couple, invitation):
    CoachingLink.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(alice)

    response = client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert "This coaching invitation has expired. Ask your coach for a new one." in response.content.decode()
    assert invitation.couple is None
    assert not invitation.acceptances.exists()


def test_withdrawn_invitation_gives_a_clear_message(client, coach, alice, couple, invitation):
    client.force_login(coach)
    client.post(end_url(invitation))
    client.force_login(alice)

    response = client.post(accept_url(invitation))

    assert "This coaching invitation was withdrawn or has ended." in response.content.decode()
    assert not invitation.acceptances.exists()


def test_ended_invitation_page_says_so_without_an_accept_button(client, alice, coached):
    client.force_login(alice)
    client.post(end_url(coached))

    body = client.get(accept_url(coached)).content.decode()

    assert "This invitation was withdrawn or has ended." in body
    assert "as our coach</button>" not in body


def test_invitation_half_accepted_by_one_couple_cannot_be_used_by_another(client, dan, other_couple, half_accepted):
    client.force_login(dan)

    response = client.post(accept_url(half_accepted))

    half_accepted.refresh_from_db()
    assert "This coaching invitation was accepted by another couple." in response.content.decode()
    assert half_accepted.acceptances.filter(user=dan).count() == 0
    assert half_accepted.started_at is None


def test_invitation_both_partners_accepted_cannot_be_used_by_another_couple(client, dan, other_couple, coached):
    client.force_login(dan)

    response = client.post(accept_url(coached))

    coached.refresh_from_db()
    assert "This coaching invitation was accepted by another couple." in response.content.decode()
    assert coached.couple.memberships.filter(user=dan).count() == 0
    assert not coached.acceptances.filter(user=dan).exists()


def test_couple_cannot_accept_a_second_invitation_from_their_coach(client, coach, alice, coached):
    second = coaching_invite_create(coach=coach)
    client.force_login(alice)

    response = client.post(accept_url(second))

    second.refresh_from_db()
    assert "This coach already works with you" in response.content.decode()
    assert second.couple is None


# Ending


def test_ending_asks_the_partner_for_confirmation_first(client, alice, coached):
    client.force_login(alice)

    response = client.get(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 200
    assert f"End coaching with {COACH_NAME}?" in response.content.decode()
    assert coached.ended_at is None


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_either_partner_can_end_coaching(client, request, coached, who):
    partner = request.getfixturevalue(who)
    client.force_login(partner)

    response = client.post(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("accounts:partner")
    assert coached.ended_at is not None
    assert coached.ended_by == partner


def test_ending_asks_the_coach_for_confirmation_first(client, coach, coached):
    client.force_login(coach)

    response = client.get(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 200
    assert "End coaching for Alice &amp; Bob?" in response.content.decode()
    assert coached.ended_at is None


def test_coach_can_end_coaching(client, coach, coached):
    client.force_login(coach)

    response = client.post(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("coach:clients")
    assert coached.ended_at is not None
    assert coached.ended_by == coach


def test_coach_can_withdraw_an_unanswered_invitation(client, coach, invitation):
    client.force_login(coach)

    client.post(end_url(invitation))

    invitation.refresh_from_db()
    assert invitation.ended_at is not None


def test_partner_can_turn_down_a_half_accepted_invitation(client, bob, half_accepted):
    client.force_login(bob)

    client.post(end_url(half_accepted))

    half_accepted.refresh_from_db()
    assert half_accepted.ended_at is not None
    assert half_accepted.started_at is None


@pytest.mark.parametrize("url_name", ["coach:dashboard", "coach:clients"])
def test_coach_no_longer_sees_the_couple_after_coaching_ends(client, coach, alice, coached, url_name):
    client.force_login(alice)
    client.post(end_url(coached))
    client.force_login(coach)

    body = client.get(reverse(url_name)).content.decode()

    assert not shows_name(body, "Alice")
    assert not shows_name(body, "Bob")


def test_coach_no_longer_sees_the_couple_after_they_unlink(client, coach, alice, coached):
    couple_unlink(couple=coached.couple, by=alice)
    client.force_login(coach)

    body = client.get(reverse("coach:dashboard")).content.decode()

    assert not shows_name(body, "Alice")


def test_partner_page_no_longer_shows_the_coach_after_ending(client, alice, bob, coached):
    client.force_login(alice)
    client.post(end_url(coached))
    client.force_login(bob)

    body = client.get(reverse("accounts:partner")).content.decode()

    assert COACH_NAME not in body
    assert "You have no coach." in body


@pytest.mark.parametrize("method", ["get", "post"])
def test_stranger_cannot_end_someone_elses_coaching(client, carol, coached, method):
    client.force_login(carol)

    response = getattr(client, method)(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 404
    assert coached.ended_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_coach_cannot_end_my_coaching(client, other_coach, coached, method):
    client.force_login(other_coach)

    response = getattr(client, method)(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 404
    assert coached.ended_at is None


def test_former_partner_cannot_end_coaching_of_a_couple_they_left(client, coach, alice, bob, carol, coached):
    """After unlinking and linking again, Alice's old coaching is not hers
    to touch any more."""
    couple_unlink(couple=coached.couple, by=alice)
    link(alice, carol)
    client.force_login(alice)

    response = client.post(end_url(coached))

    coached.refresh_from_db()
    assert response.status_code == 404
    assert coached.ended_at is None


def test_ended_coaching_cannot_be_ended_again(client, alice, coached):
    client.force_login(alice)
    client.post(end_url(coached))

    response = client.post(end_url(coached))

    assert response.status_code == 404


def test_couple_can_accept_a_new_invitation_after_ending_coaching(coach, alice, bob, coached):
    coaching_end(link=coached, by=bob)

    coached_again = coach_link(coach, alice, bob)

    assert coached_again.started_at is not None
    assert list(CoachingLink.objects.active().filter(coach=coach)) == [coached_again]


def test_an_invitation_from_a_removed_coach_cannot_be_accepted(coach, alice, couple):
    invitation = coaching_invite_create(coach=coach)
    coach.coach_profile.active = False
    coach.coach_profile.save()

    with pytest.raises(DomainError, match="not available"):
        coaching_accept(link=invitation, user=alice)


def test_partners_no_longer_see_a_removed_coach_on_their_partner_page(client, coached, coach, alice):
    coach.coach_profile.active = False
    coach.coach_profile.save()
    client.force_login(alice)

    assert COACH_NAME not in client.get("/partner/").content.decode()
