"""A coach's programmes, through the pages: writing one step by step,
reordering, editing and deleting with a confirmation; running it with a
client couple, whose steps then open one after another; pausing and
ending it. Another coach finds nothing (404), a partner is sent to make a
coach profile, and no page ever shows what a couple wrote (P5)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from checkins.sets import checkin_sets
from library.models import Article
from notifications.models import Notification
from practice import programmes
from practice.models import Enrolment, Programme, Step
from reflections.models import Reflection

from ..conftest import answer_all, make_article, make_coach_article, reveal

HTMX = {"HX-Request": "true"}


def step_form(article=None, **changes):
    data = {
        "kind": Step.Kind.ARTICLE,
        "article": article.pk if article else "",
        "checkin_set": "",
        "note": "",
        "release": Step.Release.AFTER_PREVIOUS,
        "days": "",
        "due_days": "14",
    }
    return {**data, **changes}


def shown(response):
    return response.content.decode()


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def guide(db):
    return make_article(title="Turning towards")


@pytest.fixture
def mine(coach):
    return make_coach_article(coach, title="Repair after a fight")


@pytest.fixture
def programme(coach, guide, mine):
    """Two steps: the library guide with a note, then the coach's article once it is revealed."""
    programme = programmes.programme_save(coach=coach, title="First month", summary="For new clients")
    programmes.step_save(programme=programme, kind=Step.Kind.ARTICLE, article=guide, note="Read it on a quiet evening")
    programmes.step_save(programme=programme, kind=Step.Kind.ARTICLE, article=mine, note="Then this one")
    return programme


@pytest.fixture
def running(coach, coached, couple, programme):
    return programmes.programme_assign(coach=coach, programme=programme, couple=couple)


def titles(programme):
    return [step.article.title for step in programme.steps.select_related("article")]


def all_urls(programme, running):
    """(method, url) of every programme page, for one programme, step and enrolment."""
    step = programme.steps.first()
    return [
        ("get", reverse("coach:programmes")),
        ("get", reverse("coach:programme_new")),
        ("get", reverse("coach:programme", args=[programme.pk])),
        ("get", reverse("coach:programme_delete", args=[programme.pk])),
        ("get", reverse("coach:step", args=[step.pk])),
        ("get", reverse("coach:step_delete", args=[step.pk])),
        ("get", reverse("coach:enrolment_end", args=[running.pk])),
        ("post", reverse("coach:programme", args=[programme.pk])),
        ("post", reverse("coach:programme_delete", args=[programme.pk])),
        ("post", reverse("coach:step_new", args=[programme.pk])),
        ("post", reverse("coach:programme_assign", args=[programme.pk])),
        ("post", reverse("coach:step", args=[step.pk])),
        ("post", reverse("coach:step_delete", args=[step.pk])),
        ("post", reverse("coach:step_move", args=[step.pk])),
        ("post", reverse("coach:enrolment_pause", args=[running.pk])),
        ("post", reverse("coach:enrolment_resume", args=[running.pk])),
        ("post", reverse("coach:enrolment_end", args=[running.pk])),
    ]


OWN_URLS = range(2, 17)  # all but the list and the new-programme page, which show only the viewer's own


# Who may open what


def test_every_programme_page_opens_for_its_coach(as_coach, programme, running):
    for method, url in all_urls(programme, running):
        if method == "get":
            assert as_coach.get(url).status_code == 200, url


@pytest.mark.parametrize("index", OWN_URLS)
def test_another_coachs_programme_steps_and_couples_are_not_found(
    client, other_coach, programme, running, guide, index
):
    method, url = all_urls(programme, running)[index]
    client.force_login(other_coach)

    response = getattr(client, method)(url, {"title": "Hijacked", "direction": "down", **step_form(guide)})

    programme.refresh_from_db()
    running.refresh_from_db()
    assert response.status_code == 404
    assert programme.title == "First month"
    assert titles(programme) == ["Turning towards", "Repair after a fight"]
    assert running.is_running


def test_another_coach_sees_only_their_own_programmes(client, other_coach, programme):
    client.force_login(other_coach)

    response = client.get(reverse("coach:programmes"))

    assert "First month" not in shown(response)
    assert "You have no programmes yet" in shown(response)


@pytest.mark.parametrize("index", range(17))
def test_a_partner_is_sent_to_create_a_coach_profile(client, alice, programme, running, index):
    method, url = all_urls(programme, running)[index]
    client.force_login(alice)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == reverse("coach:profile")


@pytest.mark.parametrize("index", range(17))
def test_an_anonymous_visitor_is_asked_to_log_in(client, programme, running, index):
    method, url = all_urls(programme, running)[index]

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["step_new", "programme_assign"])
def test_post_only_actions_refuse_a_get(as_coach, programme, name):
    assert as_coach.get(reverse(f"coach:{name}", args=[programme.pk])).status_code == 405


def test_the_list_shows_steps_and_couples_and_the_nav_leads_to_it(as_coach, programme, running):
    response = as_coach.get(reverse("coach:programmes"))

    assert "First month" in shown(response)
    assert "2 steps · running with 1 couple" in shown(response)
    assert f'href="{reverse("coach:programmes")}" aria-current="page">Programmes' in shown(response)


def test_an_empty_list_leads_to_creating_one(as_coach):
    response = as_coach.get(reverse("coach:programmes"))

    assert "You have no programmes yet" in shown(response)
    assert reverse("coach:programme_new") in shown(response)


# Writing a programme


def test_a_coach_writes_a_programme_of_two_steps_through_the_pages(as_coach, coach, guide, mine):
    response = as_coach.post(reverse("coach:programme_new"), {"title": "Six weeks", "summary": "Slowly"})
    programme = Programme.objects.get(coach=coach)
    assert response.status_code == 302 and response.url == reverse("coach:programme", args=[programme.pk])

    as_coach.post(reverse("coach:step_new", args=[programme.pk]), step_form(guide, note="Start here"))
    as_coach.post(
        reverse("coach:step_new", args=[programme.pk]),
        step_form(mine, release=Step.Release.AFTER_DAYS, days="7", due_days="10"),
    )

    first, second = programme.steps.all()
    assert (first.article, first.note, first.release) == (guide, "Start here", Step.Release.AFTER_PREVIOUS)
    assert (second.article, second.release, second.days, second.due_days) == (mine, Step.Release.AFTER_DAYS, 7, 10)
    page = shown(as_coach.get(reverse("coach:programme", args=[programme.pk])))
    assert "Turning towards" in page and "Repair after a fight" in page and "Start here" in page
    assert "when the programme starts" in page and "7 days after the programme starts" in page
    assert "Edits change only steps not yet released to a couple" in page


def test_a_step_can_be_one_of_twofolds_checkins(as_coach, programme):
    chosen = next(iter(checkin_sets().values()))

    response = as_coach.post(
        reverse("coach:step_new", args=[programme.pk]), step_form(kind=Step.Kind.CHECKIN, checkin_set=chosen.slug)
    )

    assert response.status_code == 302
    assert programme.steps.last().checkin_set == chosen.slug
    assert chosen.title in shown(as_coach.get(reverse("coach:programme", args=[programme.pk])))


def test_the_article_list_tells_the_coachs_own_from_the_library(as_coach, programme, other_coach):
    make_coach_article(other_coach, title="Not for you")

    page = shown(as_coach.get(reverse("coach:programme", args=[programme.pk])))

    select = page[page.index('<select name="article"') : page.index("</select>", page.index('<select name="article"'))]
    yours, library = select.split('label="Twofold’s library"')
    assert 'label="Your articles"' in yours and "Repair after a fight" in yours and "Turning towards" not in yours
    assert "Turning towards" in library and "Repair after a fight" not in library
    assert "Not for you" not in page


def test_steps_move_up_and_down(as_coach, programme):
    first, second = programme.steps.all()

    response = as_coach.post(reverse("coach:step_move", args=[second.pk]), {"direction": "up"})

    assert response.status_code == 302
    assert titles(programme) == ["Repair after a fight", "Turning towards"]
    as_coach.post(reverse("coach:step_move", args=[second.pk]), {"direction": "down"})
    assert titles(programme) == ["Turning towards", "Repair after a fight"]


def test_moving_with_htmx_swaps_the_list_in_place(as_coach, programme):
    second = programme.steps.last()

    response = as_coach.post(reverse("coach:step_move", args=[second.pk]), {"direction": "up"}, headers=HTMX)

    assert response.status_code == 200
    assert shown(response).lstrip().startswith('<ol id="step-list"')
    assert titles(programme) == ["Repair after a fight", "Turning towards"]


def test_a_move_in_no_direction_is_refused_with_a_message(as_coach, programme):
    second = programme.steps.last()

    response = as_coach.post(reverse("coach:step_move", args=[second.pk]), {"direction": "sideways"})

    assert response.status_code == 302
    assert said(response) == ["Move a step up or down."]
    assert titles(programme) == ["Turning towards", "Repair after a fight"]


def test_a_step_is_edited_on_its_own_page(as_coach, programme, guide):
    step = programme.steps.last()
    assert "Repair after a fight" in shown(as_coach.get(reverse("coach:step", args=[step.pk])))

    response = as_coach.post(reverse("coach:step", args=[step.pk]), step_form(guide, note="Changed", due_days="3"))

    step.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("coach:programme", args=[programme.pk])
    assert (step.article, step.note, step.due_days) == (guide, "Changed", 3)


def test_the_title_and_summary_are_edited_on_the_programme_page(as_coach, programme):
    response = as_coach.post(reverse("coach:programme", args=[programme.pk]), {"title": "Second month", "summary": ""})

    programme.refresh_from_db()
    assert response.status_code == 302
    assert (programme.title, programme.summary) == ("Second month", "")


def test_a_step_is_deleted_after_a_confirmation(as_coach, programme):
    first = programme.steps.first()

    confirm = as_coach.get(reverse("coach:step_delete", args=[first.pk]))
    assert "Delete this step?" in shown(confirm) and "Turning towards" in shown(confirm)
    assert titles(programme) == ["Turning towards", "Repair after a fight"]

    response = as_coach.post(reverse("coach:step_delete", args=[first.pk]))

    assert response.status_code == 302
    assert titles(programme) == ["Repair after a fight"]
    assert programme.steps.get().order == 1


def test_a_programme_is_deleted_after_a_confirmation(as_coach, programme):
    confirm = as_coach.get(reverse("coach:programme_delete", args=[programme.pk]))
    assert "Delete “First month”?" in shown(confirm)
    assert Programme.objects.filter(pk=programme.pk).exists()

    response = as_coach.post(reverse("coach:programme_delete", args=[programme.pk]))

    assert response.status_code == 302 and response.url == reverse("coach:programmes")
    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_a_running_programme_is_not_deleted(as_coach, programme, running):
    response = as_coach.post(reverse("coach:programme_delete", args=[programme.pk]))

    assert response.status_code == 302 and response.url == reverse("coach:programme", args=[programme.pk])
    assert said(response) == ["This programme is running with a couple. End it there first."]
    assert Programme.objects.filter(pk=programme.pk).exists()


# Bad input comes back with what was typed


def test_a_programme_without_a_name_comes_back(as_coach, coach):
    response = as_coach.post(reverse("coach:programme_new"), {"title": "  ", "summary": "Kept words"})

    assert response.status_code == 400
    assert "Give the programme a name." in shown(response) and "Kept words" in shown(response)
    assert not Programme.objects.filter(coach=coach).exists()


def test_renaming_to_nothing_comes_back_with_the_summary_kept(as_coach, programme):
    response = as_coach.post(reverse("coach:programme", args=[programme.pk]), {"title": "", "summary": "New summary"})

    programme.refresh_from_db()
    assert response.status_code == 400
    assert "Give the programme a name." in shown(response) and "New summary" in shown(response)
    assert programme.title == "First month"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"article": ""}, "Choose a guide from the library or one of your published articles."),
        ({"article": "9" * 30}, "Choose a guide from the library or one of your published articles."),
        ({"article": "²"}, "Choose a guide from the library or one of your published articles."),
        ({"kind": Step.Kind.CHECKIN}, "Choose one of Twofold’s check-ins."),
        ({"kind": Step.Kind.CHECKIN, "checkin_set": "no-such-set"}, "Choose one of Twofold’s check-ins."),
        ({"release": Step.Release.AFTER_DAYS, "days": "seven"}, "Enter a whole number."),
        ({"release": Step.Release.AFTER_DAYS, "days": ""}, "Say after how many days it opens."),
        ({"release": Step.Release.AFTER_DAYS, "days": "-1"}, "greater than or equal to 0"),
        ({"due_days": "99999999999999999999"}, "less than or equal to 365"),
        ({"kind": "poem"}, "Select a valid choice."),
    ],
)
def test_a_step_that_is_not_complete_comes_back_with_what_was_typed(as_coach, programme, guide, changes, error):
    response = as_coach.post(
        reverse("coach:step_new", args=[programme.pk]), {**step_form(guide, note="My typed note"), **changes}
    )

    assert response.status_code == 400
    assert error in shown(response)
    assert "My typed note" in shown(response)
    assert programme.steps.count() == 2


@pytest.mark.parametrize("whose", ["another coach", "a draft of mine"])
def test_an_article_the_coach_may_not_use_is_refused(as_coach, coach, other_coach, programme, whose):
    if whose == "another coach":
        article = make_coach_article(other_coach)
    else:
        article = make_coach_article(coach, status=Article.Status.DRAFT)

    response = as_coach.post(reverse("coach:step_new", args=[programme.pk]), step_form(article, note="Typed"))

    assert response.status_code == 400
    assert "Choose a guide from the library or one of your published articles." in shown(response)
    assert programme.steps.count() == 2


def test_an_edit_that_is_not_complete_comes_back_on_the_steps_page(as_coach, programme):
    step = programme.steps.last()

    response = as_coach.post(reverse("coach:step", args=[step.pk]), step_form(note="Half-typed"))

    step.refresh_from_db()
    assert response.status_code == 400
    assert "Choose a guide from the library" in shown(response) and "Half-typed" in shown(response)
    assert step.note == "Then this one"


# Running it with a couple


def test_assigning_releases_step_one_as_a_reflection_from_the_coach(as_coach, coach, coached, couple, programme):
    response = as_coach.post(reverse("coach:programme_assign", args=[programme.pk]), {"couple": couple.pk})

    assert response.status_code == 302 and response.url == reverse("coach:programme", args=[programme.pk])
    reflection = Reflection.objects.get(couple=couple)
    assert (reflection.title, reflection.assigned_by, reflection.coach_note) == (
        "Turning towards",
        coach,
        "Read it on a quiet evening",
    )
    assert Enrolment.objects.get(couple=couple).released == 1
    page = shown(as_coach.get(reverse("coach:programme", args=[programme.pk])))
    assert "Alice &amp; Bob" in page and "1 step released" in page


def test_revealing_step_one_releases_step_two(couple, alice, bob, running, run_on_commit):
    first = Reflection.objects.get(couple=couple)

    run_on_commit(reveal, first, alice, bob)

    assert sorted(Reflection.objects.filter(couple=couple).values_list("title", flat=True)) == [
        "Repair after a fight",
        "Turning towards",
    ]
    running.refresh_from_db()
    assert running.released == 2


def test_a_step_after_some_days_opens_on_the_periodic_run(coach, coached, couple, guide, mine):
    programme = programmes.programme_save(coach=coach, title="By the calendar")
    programmes.step_save(programme=programme, kind=Step.Kind.ARTICLE, article=guide)
    for article, days in [(mine, 3), (make_article(title="Later"), 5)]:
        programmes.step_save(
            programme=programme, kind=Step.Kind.ARTICLE, article=article, release=Step.Release.AFTER_DAYS, days=days
        )
    enrolment = programmes.programme_assign(coach=coach, programme=programme, couple=couple)

    assert programmes.releases_due(now=timezone.now() + timedelta(days=2)) == 0
    assert programmes.releases_due(now=timezone.now() + timedelta(days=6)) == 2

    enrolment.refresh_from_db()
    assert enrolment.released == 3
    assert Reflection.objects.filter(couple=couple, title="Later").exists()


def test_assigning_needs_a_client_couple(as_coach, programme, other_couple):
    for couple in ["", other_couple.pk, "9" * 30, "abc"]:
        response = as_coach.post(reverse("coach:programme_assign", args=[programme.pk]), {"couple": couple})

        assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_a_programme_without_steps_cannot_start(as_coach, coach, coached, couple):
    empty = programmes.programme_save(coach=coach, title="Empty")

    response = as_coach.post(reverse("coach:programme_assign", args=[empty.pk]), {"couple": couple.pk})

    assert response.status_code == 400
    assert "Add a step first: a programme needs at least one." in shown(response)
    assert not Enrolment.objects.exists()


def test_a_couple_runs_one_programme_at_a_time(as_coach, coach, couple, running, guide):
    other = programmes.programme_save(coach=coach, title="Another")
    programmes.step_save(programme=other, kind=Step.Kind.ARTICLE, article=guide)

    response = as_coach.post(reverse("coach:programme_assign", args=[other.pk]), {"couple": couple.pk})

    assert response.status_code == 400
    assert "This couple has a programme running already. End it first." in shown(response)


def test_pausing_stops_releases_and_tells_both_partners(as_coach, couple, alice, bob, running, run_on_commit):
    response = as_coach.post(reverse("coach:enrolment_pause", args=[running.pk]))
    assert response.status_code == 302

    run_on_commit(reveal, Reflection.objects.get(couple=couple), alice, bob)

    running.refresh_from_db()
    assert running.paused_at is not None and running.released == 1
    assert Reflection.objects.filter(couple=couple).count() == 1
    assert set(Notification.objects.filter(kind="programme_paused").values_list("user", flat=True)) == {
        alice.pk,
        bob.pk,
    }
    assert "Resume" in shown(as_coach.get(reverse("coach:programme", args=[running.programme_id])))


def test_resuming_releases_what_came_due_while_paused(as_coach, couple, alice, bob, running, run_on_commit):
    as_coach.post(reverse("coach:enrolment_pause", args=[running.pk]))
    run_on_commit(reveal, Reflection.objects.get(couple=couple), alice, bob)

    as_coach.post(reverse("coach:enrolment_resume", args=[running.pk]))

    running.refresh_from_db()
    assert running.paused_at is None and running.released == 2


def test_ending_asks_first_then_tells_both_partners(as_coach, alice, bob, running):
    confirm = as_coach.get(reverse("coach:enrolment_end", args=[running.pk]))
    assert "End “First month” for Alice &amp; Bob?" in shown(confirm)
    running.refresh_from_db()
    assert running.ended_at is None

    response = as_coach.post(reverse("coach:enrolment_end", args=[running.pk]))

    running.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("coach:programme", args=[running.programme_id])
    assert running.ended_at is not None
    assert set(Notification.objects.filter(kind="programme_ended").values_list("user", flat=True)) == {
        alice.pk,
        bob.pk,
    }


def test_an_ended_programme_cannot_be_paused_or_ended_again(as_coach, coach, running):
    programmes.enrolment_end(enrolment=running, coach=coach)

    for name in ["enrolment_pause", "enrolment_resume", "enrolment_end"]:
        response = as_coach.post(reverse(f"coach:{name}", args=[running.pk]))
        assert response.status_code == 302
        assert set(said(response)) == {"This programme has ended."}
    assert as_coach.get(reverse("coach:enrolment_end", args=[running.pk])).status_code == 302
    assert Notification.objects.filter(kind="programme_ended").count() == 2


# P5: progress, never text


def test_no_programme_page_shows_what_the_couple_wrote(as_coach, couple, alice, bob, programme, running):
    chosen = next(iter(checkin_sets().values()))
    programmes.step_save(programme=programme, kind=Step.Kind.CHECKIN, checkin_set_slug=chosen.slug)
    reflection = Reflection.objects.get(couple=couple)
    answer_all(reflection, alice, text="Private words of Alice")
    answer_all(reflection, bob, text="Private words of Bob")

    for method, url in all_urls(programme, running):
        if method == "get":
            assert "Private words" not in shown(as_coach.get(url)), url
    bad = as_coach.post(reverse("coach:step_new", args=[programme.pk]), step_form(note="x"))
    assert bad.status_code == 400 and "Private words" not in shown(bad)
    assert not CheckIn.objects.exists()


def test_a_wrong_number_of_days_comes_back_as_typed_with_the_choices_kept(as_coach, programme, mine):
    data = {**step_form(mine), "release": Step.Release.AFTER_DAYS, "days": "seven"}

    response = as_coach.post(reverse("coach:step_new", args=[programme.pk]), data)

    assert response.status_code == 400
    assert 'value="seven"' in shown(response)
    assert f'<option value="{mine.pk}" selected>' in shown(response)
    assert 'value="days" id="id_release_1" required checked' in shown(response)


def test_moving_a_step_after_its_release_neither_repeats_nor_skips_one(
    as_coach, coach, coached, couple, alice, bob, programme, run_on_commit
):
    programmes.step_save(programme=programme, kind=Step.Kind.ARTICLE, article=make_article(title="Third"))
    programmes.programme_assign(coach=coach, programme=programme, couple=couple)
    third = programme.steps.last()
    for _ in range(2):
        as_coach.post(reverse("coach:step_move", args=[third.pk]), {"direction": "up"})
    assert titles(programme) == ["Third", "Turning towards", "Repair after a fight"]

    run_on_commit(reveal, Reflection.objects.get(couple=couple), alice, bob)
    run_on_commit(reveal, Reflection.objects.get(couple=couple, title="Third"), alice, bob)

    enrolment = Enrolment.objects.get(couple=couple)
    assert list(enrolment.releases.values_list("title", flat=True)) == [
        "Turning towards",
        "Third",
        "Repair after a fight",
    ]


def test_deleting_a_released_step_skips_none_after_it(
    as_coach, coach, coached, couple, alice, bob, programme, run_on_commit
):
    programmes.programme_assign(coach=coach, programme=programme, couple=couple)

    as_coach.post(reverse("coach:step_delete", args=[programme.steps.first().pk]))
    run_on_commit(reveal, Reflection.objects.get(couple=couple), alice, bob)

    assert Reflection.objects.filter(couple=couple, title="Repair after a fight").exists()
