"""Home lists what needs attention (every reflection still waiting for
someone) and the latest finished ones; History pages through all finished
reflections, revealed or closed by an unlink."""

import pytest
from django.urls import reverse

from accounts.services import couple_unlink
from reflections.overview import HISTORY_PER_PAGE, HOME_FINISHED

from ..test_query_counts import add_reflections


def titles_on(client, url):
    html = client.get(url).content.decode()
    return html, html.count('class="status-line"'), html.count('<li class="card">')


@pytest.mark.django_db
def test_home_lists_everything_waiting_and_only_the_latest_finished(client, alice, couple):
    waiting = add_reflections(couple, 4, state="waiting") + add_reflections(couple, 3, state="answering")
    add_reflections(couple, HOME_FINISHED + 2, state="revealed")
    client.force_login(alice)

    html, lines, _ = titles_on(client, reverse("reflections:home"))

    assert lines == len(waiting) + HOME_FINISHED
    assert all(r.title in html for r in waiting)
    assert reverse("reflections:history") in html and "All your finished reflections" in html


@pytest.mark.django_db
def test_home_says_nothing_of_history_while_it_shows_everything(client, alice, couple):
    add_reflections(couple, HOME_FINISHED, state="revealed")
    client.force_login(alice)

    html, lines, _ = titles_on(client, reverse("reflections:home"))

    assert lines == HOME_FINISHED
    assert "All your finished reflections" not in html


@pytest.mark.django_db
def test_history_pages_through_every_finished_reflection_newest_first(client, alice, couple):
    finished = add_reflections(couple, HISTORY_PER_PAGE + 5, state="revealed")
    add_reflections(couple, 2, state="answering")
    client.force_login(alice)
    url = reverse("reflections:history")

    first, _, cards = titles_on(client, url)
    assert cards == HISTORY_PER_PAGE and 'rel="next"' in first and 'rel="prev"' not in first
    second, _, cards = titles_on(client, f"{url}?page=2")
    assert cards == 5 and 'rel="prev"' in second and 'rel="next"' not in second
    newest_first = sorted(finished, key=lambda r: (r.created_at, r.pk), reverse=True)
    assert newest_first[0].title in first and newest_first[-1].title in second


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, status", [("3", 404), ("abc", 200), ("0", 200), ("-2", 200), ("99999999999999999999", 200)]
)
def test_a_history_page_out_of_range_is_not_found_and_nonsense_is_the_first(client, alice, couple, page, status):
    add_reflections(couple, HISTORY_PER_PAGE + 5, state="revealed")
    client.force_login(alice)

    assert client.get(reverse("reflections:history"), {"page": page}).status_code == status


@pytest.mark.django_db
def test_a_reflection_closed_by_an_unlink_stays_in_its_partners_history(client, alice, couple):
    (closed,) = add_reflections(couple, 1, state="answering")
    couple_unlink(couple=couple, by=alice)
    client.force_login(alice)

    html, _, cards = titles_on(client, reverse("reflections:history"))

    assert cards == 1 and closed.title in html and "Closed when you unlinked" in html
