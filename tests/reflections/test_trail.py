"""The visible trail of a reflection: readiness, withdrawing, the reveal,
sharing with a coach and taking it back."""

from django.urls import reverse

from reflections.models import ReflectionEvent
from reflections.services import readiness_set, readiness_withdraw, reflection_share, reflection_unshare

from ..conftest import COACH_NAME, answer_all

Kind = ReflectionEvent.Kind


def test_every_step_is_recorded_in_order(alice, bob, coach, coached, reflection):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    readiness_set(reflection=reflection, user=alice)
    readiness_withdraw(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)
    reflection_share(reflection=reflection, user=alice, coach=coach)
    reflection_unshare(reflection=reflection, user=alice, coach=coach)

    events = [(e.kind, e.user) for e in reflection.events.all()]

    assert events == [
        (Kind.READY, alice),
        (Kind.WITHDREW, alice),
        (Kind.READY, alice),
        (Kind.READY, bob),
        (Kind.REVEALED, None),
        (Kind.SHARED, alice),
        (Kind.UNSHARED, alice),
    ]


def test_repeated_clicks_do_not_fill_the_trail(alice, bob, reflection):
    answer_all(reflection, alice)
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=alice)
    readiness_withdraw(reflection=reflection, user=bob)

    assert reflection.events.count() == 1


def test_both_partners_see_the_trail_on_the_reflection_page(client, alice, bob, coach, coached, reflection):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)
    reflection_share(reflection=reflection, user=bob, coach=coach)
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    assert "You became ready to reveal" in html
    assert "Bob became ready to reveal" in html
    assert "Revealed to both of you" in html
    assert f"Bob chose to share it with {COACH_NAME}" in html


def test_the_answering_page_shows_the_trail_once_it_has_begun(client, alice, bob, reflection):
    client.force_login(alice)
    url = reverse("reflections:reflection", args=[reflection.pk])
    assert "What happened, when" not in client.get(url).content.decode()

    answer_all(reflection, bob)
    readiness_set(reflection=reflection, user=bob)
    html = client.get(url).content.decode()

    assert "What happened, when" in html
    assert "Bob became ready to reveal" in html
