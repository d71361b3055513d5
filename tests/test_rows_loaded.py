"""Each page loads the rows it shows and no others: counted as model
instances made while it renders (Django's post_init signal, sent for every
row the ORM loads), the same before and after the database fills with rows
the page does not show (the viewer's older reflections, another couple's
and another coach's, with answers, replies and notes). A page that loaded
a whole history, or every answer, to show its first screen fails here; the
planted "load everything" below proves it."""

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone

from conversation.services import note_save, reply_create
from library.models import Article
from reflections import overview
from reflections.models import Reflection
from reflections.overview import HISTORY_PER_PAGE
from reflections.selectors import statuses_of, taking_part

from .conftest import coach_link, link
from .test_query_counts import add_reflections, get, one_reflection, signed_in

pytestmark = pytest.mark.django_db


@contextmanager
def rows_loaded():
    """{model label: instances made} while the block runs."""
    loaded = Counter()

    def count(sender, **kwargs):
        loaded[sender._meta.label] += 1

    post_init.connect(count, weak=False, dispatch_uid="tests.rows_loaded")
    try:
        yield loaded
    finally:
        post_init.disconnect(dispatch_uid="tests.rows_loaded")


def loaded_by(client, url):
    get(client, url)  # what a first visit makes once (the live version, the prompts' cache)
    with rows_loaded() as loaded:
        get(client, url)
    return loaded


def crowd(couple, other_couple, other_coach, partners):
    """Rows no page of the viewer's shows: their own older finished
    reflections with a conversation, on articles that left the library,
    and another couple's, coached by another coach, on articles of that
    couple's own."""
    older = add_reflections(couple, 30, state="revealed")
    for reflection in older:
        prompt = reflection.prompts.first()
        reply_create(prompt=prompt, user=partners[0], text="An older reply")
        note_save(reflection=reflection, user=partners[1], kind="try", text="An older note", base_version=0)
    Reflection.objects.filter(pk__in=[r.pk for r in older]).update(created_at=timezone.now() - timedelta(days=365))
    Article.objects.filter(reflections__in=older).update(status=Article.Status.DRAFT)
    coach_link(other_coach, *[m.user for m in other_couple.memberships.all()])
    theirs = add_reflections(other_couple, 20, state="revealed", assigned_by=other_coach)
    theirs += add_reflections(other_couple, 20, state="answering", assigned_by=other_coach)
    Article.objects.filter(reflections__in=theirs).update(visibility=Article.Visibility.COUPLE, couple=other_couple)


@pytest.fixture
def world(alice, bob, dan, erin, coach, other_coach, couple):
    coach_link(coach, alice, bob)
    revealed = one_reflection(alice, bob, coach, 4, "revealed")
    answering = one_reflection(alice, bob, coach, 4, "answering")
    # More than home and a page of History show: the pages are full already.
    add_reflections(couple, HISTORY_PER_PAGE + 1, state="revealed", assigned_by=coach)
    return {
        "other_couple": link(dan, erin),
        "revealed": revealed,
        "answering": answering,
    }


PAGES = {
    "home": ("alice", lambda w: reverse("reflections:home")),
    "history": ("alice", lambda w: reverse("reflections:history")),
    "library": ("alice", lambda w: reverse("library:index")),
    "answering page": ("alice", lambda w: reverse("reflections:reflection", args=[w["answering"].pk])),
    "shared view": ("alice", lambda w: reverse("reflections:reflection", args=[w["revealed"].pk])),
    "together mode": ("alice", lambda w: reverse("conversation:together", args=[w["revealed"].pk, 1])),
    "coach dashboard": ("coach", lambda w: reverse("coach:dashboard")),
    "coach's view": ("coach", lambda w: reverse("coach:shared_reflection", args=[w["revealed"].pk])),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_loads_the_same_rows_however_full_the_database(client, request, world, alice, bob, couple, page):
    viewer, url_of = PAGES[page]
    url = url_of(world)
    signed_in(client, request.getfixturevalue(viewer), url)
    before = loaded_by(client, url)

    crowd(couple, world["other_couple"], request.getfixturevalue("other_coach"), [alice, bob])
    after = loaded_by(client, url)

    assert sum(before.values()) > 0
    assert after == before, f"{page} loads rows it does not show: {after - before}"


def test_the_check_catches_a_page_that_loads_a_whole_history(
    client, world, alice, bob, couple, other_coach, monkeypatch
):
    """Home as it would be if it read every reflection of the viewer's to
    pick the few it shows."""
    url = reverse("reflections:home")
    signed_in(client, alice, url)

    def everything(user, reflections=None, **where):
        statuses_of(user, taking_part(user))
        return statuses_of(user, reflections, **where)

    monkeypatch.setattr(overview, "statuses_of", everything)
    before = loaded_by(client, url)
    crowd(couple, world["other_couple"], other_coach, [alice, bob])

    assert loaded_by(client, url) != before


def test_together_mode_reads_the_answers_of_the_one_question_it_shows(client, alice, bob, coach, couple):
    coach_link(coach, alice, bob)
    reflection = one_reflection(alice, bob, coach, 8, "revealed")
    url = reverse("conversation:together", args=[reflection.pk, 3])
    signed_in(client, alice, url)

    loaded = loaded_by(client, url)

    assert loaded["reflections.Answer"] == 2  # Alice's and Bob's to question 3, of 16
