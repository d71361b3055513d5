"""The partner status on the reflection page, fetched again when its event
stream says it changed (P6: that, never what)."""

import re

from django.urls import reverse

from reflections.services import readiness_set

from ..conftest import answer_all

HTMX = {"HX-Request": "true"}


def status_url(reflection, seen=""):
    return reverse("reflections:live_status", args=[reflection.pk]) + (f"?seen={seen}" if seen else "")


def seen_value(html):
    return re.search(r"\?seen=([\w.]+)", html).group(1)


def test_page_fetches_partner_status_when_its_stream_says_so(client, alice, reflection):
    client.force_login(alice)
    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()
    assert f'sse-connect="{reverse("reflections:reflection_events", args=[reflection.pk])}"' in html
    assert 'hx-trigger="sse:ready, sse:status, sse:closed, twofold:poll"' in html
    assert status_url(reflection) in html


def test_unchanged_status_answers_no_content(client, alice, reflection):
    client.force_login(alice)
    seen = seen_value(client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode())
    assert client.get(status_url(reflection, seen), headers=HTMX).status_code == 204


def test_partner_progress_and_readiness_show_without_text(client, alice, bob, reflection):
    client.force_login(alice)
    seen = seen_value(client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode())
    answer_all(reflection, bob, text="Bob's secret sentence")
    readiness_set(reflection=reflection, user=bob)

    response = client.get(status_url(reflection, seen), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bob has answered 3 of 3 and is ready to reveal" in html
    assert "secret sentence" not in html
    assert seen_value(html) != seen


def test_reveal_swaps_in_the_shared_view(client, alice, bob, reflection):
    answer_all(reflection, alice, text="Alice's words")
    answer_all(reflection, bob, text="Bob's words")
    readiness_set(reflection=reflection, user=alice)
    client.force_login(alice)
    seen = seen_value(client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode())
    readiness_set(reflection=reflection, user=bob)

    response = client.get(status_url(reflection, seen), headers=HTMX)

    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reselect"] == "#main"
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Bob&#x27;s words" in html and "Alice&#x27;s words" in html
    # The status line has done its work; the conversation's live part takes
    # over, on a stream of the new <main>'s own.
    assert "/status/" not in html
    assert html.count("data-live") == 1 and reverse("conversation:conversation_live", args=[reflection.pk]) in html
    assert f'sse-connect="{reverse("reflections:reflection_events", args=[reflection.pk])}"' in html


def test_strangers_get_404(client, carol, reflection):
    client.force_login(carol)
    assert client.get(status_url(reflection), headers=HTMX).status_code == 404
