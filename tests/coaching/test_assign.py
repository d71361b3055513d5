"""Assigning an article to client couples: one reflection per couple, on
both partners' home pages as coming from the coach. All or nothing."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.services import coaching_end
from coaching.authoring import assignment_create
from core.errors import DomainError
from library.models import Article
from reflections.models import Participant, Reflection
from reflections.services import reflection_start

from ..conftest import COACH_NAME, coach_link, make_article, make_coach_article, shows_name


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def mine(coach):
    return make_coach_article(coach, title="Listening without fixing")


@pytest.fixture
def both_coached(coach, coached, dan, erin, other_couple):
    """Alice & Bob (linked first) and Dan & Erin are both my clients."""
    return coached, coach_link(coach, dan, erin)


def assign(client, article, *couples, note="", due_date=""):
    return client.post(
        reverse("coach:assignment_create"),
        {"article": article.pk, "couples": [c.pk for c in couples], "note": note, "due_date": due_date},
    )


# The assign page


def test_assign_page_offers_my_client_couples(as_coach, coached, mine):
    body = as_coach.get(reverse("coach:assignment_create")).content.decode()

    assert f'value="{coached.couple.pk}"' in body
    assert "Alice &amp; Bob" in body


def test_assign_page_offers_my_articles_and_the_public_library(as_coach, coached, mine, article):
    body = as_coach.get(reverse("coach:assignment_create")).content.decode()

    assert "Listening without fixing" in body
    assert article.title in body


def test_assign_page_leaves_out_drafts_and_other_coaches_client_articles(as_coach, coach, other_coach, coached):
    make_coach_article(coach, title="My unfinished draft", status=Article.Status.DRAFT)
    make_coach_article(other_coach, title="Their clients only")

    body = as_coach.get(reverse("coach:assignment_create")).content.decode()

    assert "My unfinished draft" not in body
    assert "Their clients only" not in body


def test_assign_page_leaves_out_another_coaches_clients(client, other_coach, coached):
    client.force_login(other_coach)

    body = client.get(reverse("coach:assignment_create")).content.decode()

    assert not shows_name(body, "Alice")
    assert "You have no client couples yet." in body


# Assigning


def test_assigning_creates_a_reflection_for_the_couple(as_coach, coach, coached, mine):
    response = assign(as_coach, mine, coached.couple, note="Take your time.", due_date="2030-05-01")

    reflection = Reflection.objects.get(couple=coached.couple, article=mine)
    assert response.status_code == 302
    assert response.url == reverse("coach:dashboard")
    assert reflection.assigned_by == coach
    assert reflection.started_by is None
    assert reflection.coach_note == "Take your time."
    assert reflection.due_date == date(2030, 5, 1)


def test_assigned_reflection_copies_the_articles_questions(as_coach, coached, mine):
    assign(as_coach, mine, coached.couple)

    reflection = Reflection.objects.get(couple=coached.couple)
    assert list(reflection.prompts.values_list("text", flat=True)) == list(mine.prompts.values_list("text", flat=True))


def test_assigned_reflection_includes_both_partners(as_coach, alice, bob, coached, mine):
    assign(as_coach, mine, coached.couple)

    participants = Participant.objects.filter(reflection__couple=coached.couple)
    assert {p.user for p in participants} == {alice, bob}


def test_note_and_due_date_are_optional(as_coach, coached, mine):
    response = assign(as_coach, mine, coached.couple)

    reflection = Reflection.objects.get(couple=coached.couple)
    assert response.status_code == 302
    assert (reflection.coach_note, reflection.due_date) == ("", None)


def test_assigning_to_several_couples_creates_one_reflection_each(as_coach, both_coached, mine):
    couples = [link.couple for link in both_coached]

    response = assign(as_coach, mine, *couples, note="For both of you")

    assert response.status_code == 302
    assert Reflection.objects.filter(article=mine, couple__in=couples, coach_note="For both of you").count() == 2


def test_coach_can_assign_a_public_library_article(as_coach, coached, article):
    assign(as_coach, article, coached.couple)

    assert Reflection.objects.filter(couple=coached.couple, article=article).exists()


def test_assigning_says_how_many_couples_got_it(as_coach, both_coached, mine):
    response = as_coach.post(
        reverse("coach:assignment_create"),
        {"article": mine.pk, "couples": [link.couple.pk for link in both_coached]},
        follow=True,
    )

    assert "Assigned to 2 couples." in response.content.decode()


# On the couple's home pages


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_assigned_reflection_shows_on_both_home_pages_from_the_coach(client, request, coach, coached, mine, who):
    assignment_create(coach=coach, article=mine, couples=[coached.couple], note="Read it on Sunday.")
    client.force_login(request.getfixturevalue(who))

    body = client.get(reverse("reflections:home")).content.decode()

    assert "Listening without fixing" in body
    assert f"From {COACH_NAME}" in body
    assert "Read it on Sunday." in body


def test_home_names_the_coach_by_their_profile_name(client, coach, alice, coached, mine):
    assignment_create(coach=coach, article=mine, couples=[coached.couple])
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "From Coachuser" not in body


def test_home_shows_the_due_date(client, coach, alice, coached, mine):
    assignment_create(coach=coach, article=mine, couples=[coached.couple], due_date=date(2030, 5, 1))
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "due 1 May" in body


def test_reflection_a_couple_started_themselves_is_not_from_a_coach(client, alice, coached, mine):
    reflection_start(article=mine, by=alice)
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "Listening without fixing" in body
    assert 'class="from-coach"' not in body


def test_assigned_reflection_stays_with_the_couple_after_coaching_ends(client, coach, alice, coached, mine):
    assignment_create(coach=coach, article=mine, couples=[coached.couple])
    coaching_end(link=coached, by=alice)
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "Listening without fixing" in body


# Refused, and nothing created


def test_assigning_to_a_couple_that_is_not_my_client_is_refused(as_coach, coached, other_couple, mine):
    response = assign(as_coach, mine, other_couple)

    assert response.status_code == 400
    assert "You can only assign to couples you coach" in response.content.decode()
    assert not Reflection.objects.exists()


def test_assignment_including_a_couple_that_is_not_my_client_creates_nothing(as_coach, coached, other_couple, mine):
    response = assign(as_coach, mine, coached.couple, other_couple)

    assert response.status_code == 400
    assert not Reflection.objects.exists()


def test_assigning_to_a_couple_who_ended_coaching_is_refused(as_coach, alice, coached, mine):
    coaching_end(link=coached, by=alice)

    response = assign(as_coach, mine, coached.couple)

    assert response.status_code == 400
    assert not Reflection.objects.exists()


def test_service_refuses_a_couple_that_is_not_my_client_with_a_clear_message(coach, coached, other_couple, mine):
    with pytest.raises(DomainError, match="You can only assign to couples you coach."):
        assignment_create(coach=coach, article=mine, couples=[coached.couple, other_couple])

    assert not Reflection.objects.exists()


def test_assigning_an_article_the_couple_already_has_is_refused(as_coach, alice, coached, mine):
    reflection_start(article=mine, by=alice)

    response = assign(as_coach, mine, coached.couple, note="Again")

    assert response.status_code == 400
    assert "Alice and Bob already have “Listening without fixing”. Nothing was assigned." in (response.content.decode())
    assert not Reflection.objects.filter(coach_note="Again").exists()


def test_one_couple_already_having_the_article_stops_the_whole_assignment(as_coach, dan, both_coached, mine):
    """Alice & Bob come first and would get it; Dan & Erin already have it."""
    ours, theirs = both_coached
    reflection_start(article=mine, by=dan)

    response = assign(as_coach, mine, ours.couple, theirs.couple)

    assert response.status_code == 400
    assert "Dan and Erin already have" in response.content.decode()
    assert not Reflection.objects.filter(couple=ours.couple).exists()
    assert Reflection.objects.count() == 1


def test_service_rolls_back_reflections_made_for_couples_before_the_refused_one(coach, dan, both_coached, mine):
    ours, theirs = both_coached
    reflection_start(article=mine, by=dan)

    with pytest.raises(DomainError, match="Nothing was assigned."):
        assignment_create(coach=coach, article=mine, couples=[ours.couple, theirs.couple])

    assert not Reflection.objects.filter(couple=ours.couple).exists()


def test_assigning_another_coachs_clients_only_article_is_refused(as_coach, other_coach, coached):
    theirs = make_coach_article(other_coach, title="Their clients only")

    response = assign(as_coach, theirs, coached.couple)

    assert response.status_code == 400
    assert not Reflection.objects.exists()


def test_assigning_a_draft_is_refused(as_coach, coach, coached):
    draft = make_coach_article(coach, status=Article.Status.DRAFT)

    response = assign(as_coach, draft, coached.couple)

    assert response.status_code == 400
    assert not Reflection.objects.exists()


def test_service_refuses_another_coachs_clients_only_article(coach, other_coach, coached):
    theirs = make_coach_article(other_coach)

    with pytest.raises(DomainError, match="You can assign your own published articles"):
        assignment_create(coach=coach, article=theirs, couples=[coached.couple])


def test_assigning_to_no_couple_is_refused(as_coach, coached, mine):
    response = assign(as_coach, mine)

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Reflection.objects.exists()


def test_assignment_with_a_bad_due_date_is_refused_and_keeps_the_note(as_coach, coached, mine):
    response = assign(as_coach, mine, coached.couple, note="My careful note", due_date="next week")

    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid date." in body
    assert "My careful note" in body
    assert not Reflection.objects.exists()


def test_public_library_article_by_another_coach_can_be_assigned(coach, other_coach, coached):
    shared = make_coach_article(other_coach, visibility=Article.Visibility.PUBLIC)

    (reflection,) = assignment_create(coach=coach, article=shared, couples=[coached.couple])

    assert reflection.assigned_by == coach


def test_library_article_without_questions_cannot_be_assigned(coach, coached):
    empty = make_article()
    empty.prompts.all().delete()

    with pytest.raises(DomainError, match="has no questions yet"):
        assignment_create(coach=coach, article=empty, couples=[coached.couple])

    assert not Reflection.objects.exists()
