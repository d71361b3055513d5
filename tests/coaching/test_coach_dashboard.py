"""The coach's progress dashboard (P5): per partner how many answered, who
is ready, revealed, overdue — never what anyone wrote."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import couple_unlink
from coaching.authoring import assignment_create
from reflections.models import Reflection
from reflections.services import answer_save, readiness_set, reflection_share, reflection_start

from ..conftest import answer_all, coach_link, link, make_coach_article, reveal, shows_name

HTMX = {"HX-Request": "true"}


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def mine(coach):
    return make_coach_article(coach, title="Listening without fixing")


@pytest.fixture
def assigned(coach, coached, mine):
    (reflection,) = assignment_create(coach=coach, article=mine, couples=[coached.couple])
    return reflection


def dashboard(client, **headers):
    response = client.get(reverse("coach:dashboard"), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def set_due(reflection, days_from_today):
    Reflection.objects.filter(pk=reflection.pk).update(due_date=timezone.localdate() + timedelta(days=days_from_today))


def test_dashboard_lists_my_client_couple(as_coach, coached):
    assert "Alice &amp; Bob" in dashboard(as_coach)


def test_dashboard_invites_a_coach_without_clients_to_invite_some(as_coach):
    assert "No client couples yet" in dashboard(as_coach)


def test_dashboard_shows_an_assigned_reflection(as_coach, assigned):
    assert "Listening without fixing" in dashboard(as_coach)


def test_dashboard_shows_how_many_questions_each_partner_answered(as_coach, alice, assigned):
    answer_save(prompt=assigned.prompts.get(kind="text"), author=alice, text="Something")

    body = dashboard(as_coach)

    assert "Alice: 1 of 3" in body
    assert "Bob: 0 of 3" in body


def test_dashboard_counts_a_pass_as_an_answer(as_coach, bob, assigned):
    answer_save(prompt=assigned.prompts.get(kind="scale"), author=bob, passed=True)

    assert "Bob: 1 of 3" in dashboard(as_coach)


def test_dashboard_shows_who_is_ready(as_coach, alice, assigned):
    answer_all(assigned, alice)
    readiness_set(reflection=assigned, user=alice)

    body = dashboard(as_coach)

    assert "Alice: 3 of 3, ready" in body
    assert "Bob: 0 of 3<" in body
    assert "In progress" in body


def test_dashboard_shows_a_revealed_reflection(as_coach, alice, bob, assigned):
    reveal(assigned, alice, bob)

    body = dashboard(as_coach)

    assert f"Revealed {assigned.revealed_at:%-d %b %Y}" in body


def test_dashboard_marks_a_reflection_past_its_due_date_as_overdue(as_coach, assigned):
    set_due(assigned, -1)

    assert "Overdue" in dashboard(as_coach)


def test_reflection_due_today_is_not_overdue(as_coach, assigned):
    set_due(assigned, 0)

    body = dashboard(as_coach)

    assert "Overdue" not in body
    assert "In progress" in body


def test_revealed_reflection_is_never_overdue(as_coach, alice, bob, assigned):
    reveal(assigned, alice, bob)
    set_due(assigned, -3)

    body = dashboard(as_coach)

    assert "Overdue" not in body
    assert "Revealed" in body


def test_dashboard_shows_the_due_date(as_coach, assigned):
    Reflection.objects.filter(pk=assigned.pk).update(due_date="2030-05-01")

    assert "due 1 May 2030" in dashboard(as_coach)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("stage", ["answering", "one ready", "revealed"])
def test_dashboard_never_shows_answer_text(as_coach, alice, bob, assigned, stage, headers):
    markers = {user: f"SECRET{uuid.uuid4().hex}" for user in (alice, bob)}
    for user, marker in markers.items():
        answer_all(assigned, user, text=f"Private {marker}")
    if stage in {"one ready", "revealed"}:
        readiness_set(reflection=assigned, user=alice)
    if stage == "revealed":
        readiness_set(reflection=assigned, user=bob)

    body = dashboard(as_coach, **headers)

    assert "Listening without fixing" in body
    assert not [marker for marker in markers.values() if marker in body]


def test_dashboard_never_shows_the_option_a_partner_chose(as_coach, alice, assigned):
    answer_save(prompt=assigned.prompts.get(kind="choice"), author=alice, text="Far")

    body = dashboard(as_coach)

    assert "Alice: 1 of 3" in body
    assert "Far" not in body


def test_dashboard_leaves_out_reflections_the_couple_started_themselves(as_coach, alice, coached, article):
    reflection_start(article=article, by=alice)

    assert article.title not in dashboard(as_coach)


def test_dashboard_links_to_a_reflection_both_partners_shared(as_coach, coach, alice, bob, coached, article):
    reflection = reveal(reflection_start(article=article, by=alice), alice, bob)
    for partner in (alice, bob):
        reflection_share(reflection=reflection, user=partner, coach=coach)

    body = dashboard(as_coach)

    assert article.title in body
    assert reverse("coach:shared_reflection", args=[reflection.pk]) in body


def test_dashboard_has_no_link_to_a_reflection_only_one_partner_shared(as_coach, coach, alice, bob, assigned):
    reveal(assigned, alice, bob)
    reflection_share(reflection=assigned, user=alice, coach=coach)

    assert reverse("coach:shared_reflection", args=[assigned.pk]) not in dashboard(as_coach)


def test_dashboard_shows_nothing_of_another_coachs_clients(client, other_coach, assigned):
    client.force_login(other_coach)

    body = dashboard(client)

    assert not shows_name(body, "Alice")
    assert "Listening without fixing" not in body


def test_client_list_shows_nothing_of_another_coachs_clients(client, other_coach, coached):
    client.force_login(other_coach)

    body = client.get(reverse("coach:clients")).content.decode()

    assert not shows_name(body, "Alice")
    assert "No client couples yet." in body


def test_dashboard_forgets_a_couple_who_unlinked(as_coach, alice, assigned):
    couple_unlink(couple=assigned.couple, by=alice)

    body = dashboard(as_coach)

    assert not shows_name(body, "Alice")
    assert "Listening without fixing" not in body


def test_dashboard_shows_only_my_assignments_to_a_couple_with_two_coaches(
    client, coach, other_coach, alice, bob, assigned
):
    coach_link(other_coach, alice, bob)
    theirs = make_coach_article(other_coach, title="The other coach's pick")
    assignment_create(coach=other_coach, article=theirs, couples=[assigned.couple])
    client.force_login(coach)

    body = dashboard(client)

    assert "Listening without fixing" in body
    assert "The other coach" not in body


def test_dashboard_needs_the_same_number_of_queries_for_more_clients(client, make_user, coach, assigned):
    client.force_login(coach)
    dashboard(client)  # the first signed-in request records the device (usersessions)
    with CaptureQueriesContext(connection) as one:
        dashboard(client)
    for n in range(3):
        a, b = make_user(f"Partner{n}a"), make_user(f"Partner{n}b")
        couple = link(a, b)
        coach_link(coach, a, b)
        assignment_create(coach=coach, article=assigned.article, couples=[couple])
        answer_all(Reflection.objects.get(couple=couple), a)

    with CaptureQueriesContext(connection) as four:
        body = dashboard(client)

    assert body.count("of 3") == 8
    assert len(four) == len(one)
