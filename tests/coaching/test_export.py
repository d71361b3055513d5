"""The coach's export: what the coach made and wrote (articles and their
questions, programmes and steps, the intake, private notes), never what a
couple wrote, not even a reflection both partners shared with the coach."""

import json
import uuid
from datetime import date

import pytest
from django.urls import reverse

from coaching.authoring import assignment_create
from practice.intake import intake_set
from practice.notes import note_save
from practice.programmes import programme_save, step_save
from reflections.services import reflection_share

from ..conftest import answer_all, make_coach_article, reveal

NOTE = f"Private note {uuid.uuid4().hex}"


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def practice(coach, coached):
    """An article with its questions, a programme with a step and a
    check-in, the intake, and a note on Alice and Bob."""
    article = make_coach_article(coach, title="Listening without fixing")
    programme = programme_save(coach=coach, title="Six weeks closer", summary="Gently, week by week.")
    step_save(programme=programme, kind="article", article=article, note="Read it on a quiet evening.")
    step_save(programme=programme, kind="checkin", checkin_set_slug="connected")
    intake_set(coach=coach, article=make_coach_article(coach, title="Where we start"))
    note_save(coach=coach, couple=coached.couple, text=NOTE, written_on=date(2025, 3, 14))
    return article


@pytest.fixture
def couples_words(coach, alice, bob, coached, practice):
    """Alice and Bob's words: one reflection revealed and shared with the
    coach by both, one answered and not revealed."""
    (shared,) = assignment_create(coach=coach, article=practice, couples=[coached.couple])
    reveal(shared, alice, bob)
    for person in (alice, bob):
        reflection_share(reflection=shared, user=person, coach=coach)
    second = make_coach_article(coach, title="Another look")
    (open_one,) = assignment_create(coach=coach, article=second, couples=[coached.couple])
    answer_all(open_one, alice, text="Private words still unrevealed")


def markdown(client):
    response = client.get(reverse("coach:export_markdown"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="twofold-my-practice.md"'
    return response.content.decode()


def as_json(client):
    response = client.get(reverse("coach:export_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="twofold-my-practice.json"'
    return json.loads(response.content)


def test_the_export_page_says_what_the_downloads_hold(as_coach):
    response = as_coach.get(reverse("coach:export"))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("coach:export_markdown") in body and reverse("coach:export_json") in body
    assert "Nothing a couple wrote" in body


def test_the_coach_profile_links_the_export(as_coach):
    assert reverse("coach:export") in as_coach.get(reverse("coach:profile")).content.decode()


def test_the_markdown_holds_articles_programmes_intake_and_notes(as_coach, practice):
    body = markdown(as_coach)

    assert "Listening without fixing" in body and "What stayed with you?" in body
    assert "Six weeks closer" in body and "Read it on a quiet evening." in body
    assert "The check-in “How connected we feel”" in body
    assert "New client couples answer “Where we start” first." in body
    assert "Alice & Bob" in body and "14 March 2025" in body and NOTE in body


def test_the_json_holds_articles_programmes_intake_and_notes(as_coach, practice):
    data = as_json(as_coach)

    article = next(a for a in data["articles"] if a["title"] == "Listening without fixing")
    assert [q["text"] for q in article["questions"]] == ["What stayed with you?", "How safe?", "Which fits?"]
    (programme,) = data["programmes"]
    assert programme["title"] == "Six weeks closer"
    assert [step["kind"] for step in programme["steps"]] == ["article", "checkin"]
    assert programme["steps"][0]["what"] == "Listening without fixing"
    assert data["intake"] == {"article": "Where we start"}
    assert data["notes"] == [{"couple": "Alice & Bob", "written_on": "2025-03-14", "text": NOTE}]


def test_an_empty_practice_exports_too(as_coach):
    assert "You have no notes." in markdown(as_coach)
    assert as_json(as_coach) | {"exported_at": None, "account": None} == {
        "exported_at": None,
        "account": None,
        "articles": [],
        "programmes": [],
        "intake": None,
        "notes": [],
    }


def test_no_answer_is_in_the_export_even_a_shared_one(as_coach, couples_words):
    body = markdown(as_coach)
    data = json.dumps(as_json(as_coach), ensure_ascii=False)

    for export in (body, data):
        assert "Listening without fixing" in export  # the shared reflection's article is there
        assert "Private words" not in export


def test_another_coachs_export_holds_none_of_mine(client, other_coach, practice):
    client.force_login(other_coach)

    body = markdown(client) + json.dumps(as_json(client), ensure_ascii=False)

    assert NOTE not in body
    assert "Listening without fixing" not in body and "Six weeks closer" not in body


@pytest.mark.parametrize("name", ["coach:export", "coach:export_markdown", "coach:export_json"])
def test_a_partner_is_sent_to_the_coach_profile(client, alice, coached, practice, name):
    client.force_login(alice)

    response = client.get(reverse(name))

    assert (response.status_code, response.url) == (302, reverse("coach:profile"))


@pytest.mark.parametrize("name", ["coach:export", "coach:export_markdown", "coach:export_json"])
def test_a_visitor_is_sent_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("name", ["coach:export", "coach:export_markdown", "coach:export_json"])
def test_the_export_takes_no_post(as_coach, name):
    assert as_coach.post(reverse(name)).status_code == 405
