"""Unlinking: a confirmation first, then the shared view closes for both (P4)."""

import pytest
from django.urls import reverse

from accounts.models import Couple
from accounts.services import couple_unlink
from core.errors import DomainError
from reflections.services import answer_save, readiness_set, reflection_start

from ..conftest import COACH_NAME, answer_all, make_article


@pytest.fixture
def revealed(reflection, alice, bob):
    answer_all(reflection, alice, text="Alice wrote this privately")
    answer_all(reflection, bob, text="Bob wrote this privately")
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)
    reflection.refresh_from_db()
    assert reflection.is_revealed
    return reflection


def test_confirmation_page_says_what_unlinking_does(client, alice, couple):
    client.force_login(alice)

    response = client.get(reverse("accounts:couple_unlink"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Unlink from Bob?" in body
    assert "shared view of every revealed reflection closes for both of you" in body
    assert "keeps reading your own answers" in body


def test_confirmation_page_lists_every_consequence(client, alice, couple):
    client.force_login(alice)

    body = client.get(reverse("accounts:couple_unlink")).content.decode()

    assert "joint notes, replies and reactions" in body
    assert "never revealed stay private forever" in body
    assert "not finished are closed" in body
    assert "If you had a coach, the coaching would end too." in body
    assert f'href="{reverse("conversation:answers_export")}"' in body


def test_confirmation_page_names_the_coaching_that_ends(client, alice, coached):
    client.force_login(alice)

    body = client.get(reverse("accounts:couple_unlink")).content.decode()

    assert f"Your coaching with {COACH_NAME} ends" in body
    assert f"{COACH_NAME} no longer sees your progress or any reflection you shared" in body


def test_confirmation_page_changes_nothing(client, alice, couple):
    client.force_login(alice)

    client.get(reverse("accounts:couple_unlink"))

    couple.refresh_from_db()
    assert couple.is_linked
    assert couple.memberships.filter(active=True).count() == 2


def test_unlinking_ends_the_couple_for_both(client, alice, couple):
    client.force_login(alice)

    response = client.post(reverse("accounts:couple_unlink"))

    couple.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("accounts:partner")
    assert couple.ended_at is not None
    assert couple.ended_by == alice
    assert couple.memberships.filter(active=True).count() == 0
    assert not Couple.objects.linked().exists()


def test_after_unlinking_the_partner_page_offers_a_new_invitation(client, alice, bob, couple):
    client.force_login(alice)
    client.post(reverse("accounts:couple_unlink"))
    client.force_login(bob)

    response = client.get(reverse("accounts:partner"))

    body = response.content.decode()
    assert "Invite your partner" in body
    assert "You are linked with" not in body


def test_unlink_page_when_not_linked_redirects_to_partner_page(client, carol):
    client.force_login(carol)

    response = client.post(reverse("accounts:couple_unlink"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:partner")


def test_partners_read_each_others_revealed_answers_while_linked(client, alice, revealed):
    client.force_login(alice)

    body = client.get(reverse("reflections:reflection", args=[revealed.pk])).content.decode()

    assert "Alice wrote this privately" in body
    assert "Bob wrote this privately" in body


@pytest.mark.parametrize("viewer, own, partners", [("alice", "Alice", "Bob"), ("bob", "Bob", "Alice")])
def test_after_unlinking_each_reads_only_their_own_answers(client, request, alice, revealed, viewer, own, partners):
    couple_unlink(couple=revealed.couple, by=alice)
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("reflections:reflection", args=[revealed.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"{own} wrote this privately" in body
    assert f"{partners} wrote this privately" not in body


def test_after_unlinking_an_open_reflection_cannot_be_edited(alice, bob, couple):
    reflection = reflection_start(article=make_article(), by=alice)
    prompt = reflection.prompts.first()
    answer_save(prompt=prompt, author=alice, text="Before")
    couple_unlink(couple=couple, by=bob)

    with pytest.raises(DomainError, match="no longer linked"):
        answer_save(prompt=prompt, author=alice, text="After")

    assert prompt.answers.get(author=alice).text == "Before"


def test_posting_answers_after_unlinking_says_the_reflection_is_closed(client, alice, bob, couple):
    reflection = reflection_start(article=make_article(), by=alice)
    prompt = reflection.prompts.get(kind="text")
    couple_unlink(couple=couple, by=bob)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[reflection.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "Too late"},
    )

    assert response.status_code == 400
    assert "no longer linked, so this reflection is closed" in response.content.decode()
    assert not prompt.answers.exists()


def test_after_unlinking_nobody_can_get_ready(alice, bob, couple):
    reflection = reflection_start(article=make_article(), by=alice)
    answer_all(reflection, alice)
    couple_unlink(couple=couple, by=bob)

    with pytest.raises(DomainError):
        readiness_set(reflection=reflection, user=alice)

    reflection.refresh_from_db()
    assert not reflection.is_revealed
    assert reflection.participants.get(user=alice).ready_at is None


def test_unlinking_twice_is_refused(alice, couple):
    couple_unlink(couple=couple, by=alice)

    with pytest.raises(DomainError, match="not linked any more"):
        couple_unlink(couple=couple, by=alice)


def test_only_a_member_can_unlink_a_couple(carol, couple):
    with pytest.raises(DomainError, match="not part of this couple"):
        couple_unlink(couple=couple, by=carol)

    couple.refresh_from_db()
    assert couple.is_linked
