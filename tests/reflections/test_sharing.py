"""Sharing a revealed reflection with a coach (P5): it takes both partners'
consent; either can take it back; the coach reads it read-only, and loses it
the moment consent, coaching or the couple ends."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CoachingLink, CoachProfile
from accounts.services import coaching_end, couple_unlink
from reflections.models import Answer, ShareConsent
from reflections.services import reflection_share, reflection_start

from ..conftest import COACH_NAME, OTHER_COACH_NAME, answer_all, coach_link, reveal

ALICE_WORDS = "Private words of Alice"
BOB_WORDS = "Private words of Bob"


@pytest.fixture
def revealed(alice, bob, coached, article):
    """Alice and Bob's revealed reflection; their coach works with them."""
    return reveal(reflection_start(article=article, by=alice), alice, bob)


@pytest.fixture
def shared(revealed, coach, alice, bob):
    for partner in (alice, bob):
        reflection_share(reflection=revealed, user=partner, coach=coach)
    return revealed


def share(client, reflection, coaching, action="share"):
    name = "reflections:reflection_unshare" if action == "stop" else "reflections:reflection_share"
    return client.post(reverse(name, args=[reflection.pk]), {"link": coaching.pk})


def coach_page(client, coach, reflection):
    client.force_login(coach)
    return client.get(reverse("coach:shared_reflection", args=[reflection.pk]))


# Asking for consent


def test_revealed_reflection_offers_to_share_with_our_coach(client, alice, revealed, coached):
    client.force_login(alice)

    body = client.get(reverse("reflections:reflection", args=[revealed.pk])).content.decode()

    assert f"Share with {COACH_NAME}" in body
    assert f'name="link" value="{coached.pk}"' in body


def test_sharing_records_only_my_consent(client, coach, alice, revealed, coached):
    client.force_login(alice)

    response = share(client, revealed, coached)

    assert response.status_code == 302
    assert response.url == reverse("reflections:reflection", args=[revealed.pk])
    assert list(ShareConsent.objects.values_list("user", "link")) == [(alice.pk, coached.pk)]


def test_sharing_says_what_i_chose(client, alice, revealed, coached):
    client.force_login(alice)

    response = client.post(
        reverse("reflections:reflection_share", args=[revealed.pk]),
        {"link": coached.pk, "action": "share"},
        follow=True,
    )

    body = response.content.decode()
    assert f"You chose to share this reflection with {COACH_NAME}." in body
    assert f"Bob has not (yet), so {COACH_NAME} cannot read it." in body


def test_partner_sees_that_the_other_would_like_to_share(client, alice, bob, revealed, coached):
    client.force_login(alice)
    share(client, revealed, coached)
    client.force_login(bob)

    body = client.get(reverse("reflections:reflection", args=[revealed.pk])).content.decode()

    assert f"Alice would like to share it with {COACH_NAME}." in body


def test_one_partners_consent_is_not_enough(client, coach, alice, revealed, coached):
    client.force_login(alice)
    share(client, revealed, coached)

    response = coach_page(client, coach, revealed)

    assert response.status_code == 404


def test_coach_reads_both_answers_once_both_partners_share(client, coach, alice, bob, revealed, coached):
    for partner in (alice, bob):
        client.force_login(partner)
        share(client, revealed, coached)

    response = coach_page(client, coach, revealed)

    body = response.content.decode()
    assert response.status_code == 200
    assert ALICE_WORDS in body
    assert BOB_WORDS in body


def test_shared_page_is_read_only(client, coach, shared):
    body = coach_page(client, coach, shared).content.decode()

    assert "<textarea" not in body
    assert 'method="post" action="/reflections/' not in body


def test_shared_page_names_who_shared_it(client, coach, shared):
    body = coach_page(client, coach, shared).content.decode()

    assert "Alice and Bob chose to share this revealed reflection with you." in body


def test_gate_gives_the_coach_both_partners_answers_once_shared(coach, shared):
    texts = {answer.text for answer in Answer.objects.visible_to(coach)} - {"Tea", ""}

    assert texts == {ALICE_WORDS, BOB_WORDS}


# Taking it back, or losing it


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_coach_page_is_not_found_once_either_partner_stops_sharing(client, request, coach, shared, coached, who):
    client.force_login(request.getfixturevalue(who))
    share(client, shared, coached, action="stop")

    response = coach_page(client, coach, shared)

    assert response.status_code == 404
    assert not Answer.objects.visible_to(coach).exists()


def test_stopping_says_the_coach_can_no_longer_read_it(client, alice, shared, coached):
    client.force_login(alice)

    response = client.post(
        reverse("reflections:reflection_unshare", args=[shared.pk]), {"link": coached.pk}, follow=True
    )

    assert f"You stopped sharing this reflection. {COACH_NAME} can no longer read it." in response.content.decode()


def test_stopping_removes_only_my_consent(client, coach, bob, shared, coached):
    client.force_login(bob)

    share(client, shared, coached, action="stop")

    assert not ShareConsent.objects.filter(user=bob).exists()
    assert ShareConsent.objects.filter(reflection=shared, link__coach=coach).count() == 1


def test_coach_page_is_not_found_once_coaching_ends(client, coach, alice, shared, coached):
    coaching_end(link=coached, by=alice)

    response = coach_page(client, coach, shared)

    assert response.status_code == 404
    assert not Answer.objects.visible_to(coach).exists()


def test_coach_page_is_not_found_once_the_coach_ends_coaching(client, coach, shared, coached):
    client.force_login(coach)
    client.post(reverse("coach:coaching_end", args=[coached.pk]))

    response = client.get(reverse("coach:shared_reflection", args=[shared.pk]))

    assert response.status_code == 404


def test_coach_page_is_not_found_once_the_couple_unlinks(client, coach, bob, shared):
    couple_unlink(couple=shared.couple, by=bob)

    response = coach_page(client, coach, shared)

    assert response.status_code == 404
    assert not Answer.objects.visible_to(coach).exists()


def test_removed_coach_can_no_longer_read_a_shared_reflection(client, coach, shared):
    CoachProfile.objects.filter(user=coach).update(active=False)

    response = coach_page(client, coach, shared)

    assert response.status_code == 302
    assert response.url == reverse("coach:profile")
    assert not Answer.objects.visible_to(coach).exists()


# Refused


def test_sharing_an_unrevealed_reflection_is_refused(client, alice, bob, coached, reflection):
    answer_all(reflection, alice)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:reflection_share", args=[reflection.pk]),
        {"link": coached.pk, "action": "share"},
        follow=True,
    )

    assert "This opens once you are both ready and the reflection is revealed." in response.content.decode()
    assert not ShareConsent.objects.exists()


def test_coach_page_of_an_unrevealed_reflection_is_not_found(client, coach, coached, reflection):
    response = coach_page(client, coach, reflection)

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "1.5"])
def test_non_numeric_link_is_not_found(client, alice, revealed, value):
    client.force_login(alice)

    response = client.post(
        reverse("reflections:reflection_share", args=[revealed.pk]), {"link": value, "action": "share"}
    )

    assert response.status_code == 404
    assert not ShareConsent.objects.exists()


def test_missing_link_is_not_found(client, alice, revealed):
    client.force_login(alice)

    response = client.post(reverse("reflections:reflection_share", args=[revealed.pk]), {"action": "share"})

    assert response.status_code == 404


def test_another_couples_coaching_link_is_not_found(client, other_coach, alice, dan, erin, other_couple, revealed):
    theirs = coach_link(other_coach, dan, erin)
    client.force_login(alice)

    response = share(client, revealed, theirs)

    assert response.status_code == 404
    assert not ShareConsent.objects.exists()


def test_ended_coaching_link_is_not_found(client, alice, revealed, coached):
    coaching_end(link=coached, by=alice)
    client.force_login(alice)

    response = share(client, revealed, coached)

    assert response.status_code == 404
    assert not ShareConsent.objects.exists()


def test_half_accepted_coaching_link_is_not_found(client, other_coach, alice, revealed):
    pending = coach_link(other_coach, alice)
    client.force_login(alice)

    response = share(client, revealed, pending)

    assert response.status_code == 404
    assert not ShareConsent.objects.exists()


def test_stranger_cannot_share_our_reflection(client, carol, revealed, coached):
    client.force_login(carol)

    response = share(client, revealed, coached)

    assert response.status_code == 404
    assert not ShareConsent.objects.exists()


def test_sharing_needs_a_post(client, alice, revealed):
    client.force_login(alice)

    response = client.get(reverse("reflections:reflection_share", args=[revealed.pk]))

    assert response.status_code == 405


# Another coach


def test_another_coach_cannot_read_what_was_shared_with_mine(client, other_coach, shared):
    response = coach_page(client, other_coach, shared)

    assert response.status_code == 404
    assert not Answer.objects.visible_to(other_coach).exists()


def test_sharing_with_one_coach_does_not_share_with_the_couples_other_coach(
    client, other_coach, alice, bob, revealed, coached
):
    coach_link(other_coach, alice, bob)
    for partner in (alice, bob):
        client.force_login(partner)
        share(client, revealed, coached)

    response = coach_page(client, other_coach, revealed)

    assert response.status_code == 404


def test_couple_with_two_coaches_chooses_per_coach(client, other_coach, alice, revealed):
    coach_link(other_coach, alice, revealed.couple.partner_of(alice))
    client.force_login(alice)

    body = client.get(reverse("reflections:reflection", args=[revealed.pk])).content.decode()

    assert f"Share with {COACH_NAME}" in body
    assert f"Share with {OTHER_COACH_NAME}" in body


def test_ending_coaching_withdraws_every_consent_to_share(client, shared, coached, coach, alice, bob):
    coaching_end(link=coached, by=coach)

    assert not ShareConsent.objects.exists()


def test_coaching_again_later_does_not_reopen_what_was_shared_before(client, shared, coached, coach, alice, bob):
    coaching_end(link=coached, by=alice)
    coach_link(coach, alice, bob)

    assert coach_page(client, coach, shared).status_code == 404


# A consent belongs to one coaching link and ends with it (audit finding 6),
# however the link or the coach's profile ends.


def test_a_consent_belongs_to_the_coaching_link_it_was_given_on(shared, coached):
    assert set(ShareConsent.objects.values_list("link", flat=True)) == {coached.pk}


def test_staff_deleting_the_coaching_link_ends_its_consents(client, shared, coached, coach, alice, bob):
    coached.delete()
    coach_link(coach, alice, bob)

    assert not ShareConsent.objects.exists()
    assert coach_page(client, coach, shared).status_code == 404
    assert not Answer.objects.visible_to(coach).exists()


def test_a_coach_switched_off_and_on_again_regains_nothing(client, admin_client, shared, coached, coach, alice, bob):
    profile = CoachProfile.objects.get(user=coach)
    change_url = reverse("admin:accounts_coachprofile_change", args=[profile.pk])
    form = {"user": coach.pk, "name": profile.name, "practice": profile.practice, "bio": profile.bio}

    assert admin_client.post(change_url, {**form, "active": ""}).status_code == 302
    assert admin_client.post(change_url, {**form, "active": "on"}).status_code == 302

    coached.refresh_from_db()
    assert coached.ended_at is not None, "switching the coach off ends their coaching"
    assert not ShareConsent.objects.exists()
    assert coach_page(client, coach, shared).status_code == 404
    assert not Answer.objects.visible_to(coach).exists()
    coach_link(coach, alice, bob)
    assert not Answer.objects.visible_to(coach).exists(), "a renewed coaching starts with nothing shared"


def test_a_coach_switched_off_by_a_query_and_on_again_regains_nothing(client, shared, coach, alice, bob):
    """Even when the profile is switched off behind the services' back, the
    gate counts only consents on a link that is active now."""
    CoachProfile.objects.filter(user=coach).update(active=False)
    CoachProfile.objects.filter(user=coach).update(active=True)
    CoachingLink.objects.filter(coach=coach).update(ended_at=timezone.now())
    coach_link(coach, alice, bob)

    assert coach_page(client, coach, shared).status_code == 404
    assert not Answer.objects.visible_to(coach).exists()


def test_staff_deleting_the_coach_profile_ends_the_coaching(client, admin_client, shared, coached, coach):
    profile = CoachProfile.objects.get(user=coach)
    delete_url = reverse("admin:accounts_coachprofile_delete", args=[profile.pk])

    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302

    coached.refresh_from_db()
    assert coached.ended_at is not None
    assert not ShareConsent.objects.exists()
