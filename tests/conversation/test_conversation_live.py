"""The conversation's live poll: an open shared view asks every few seconds
whether its threads changed and swaps in only what was said, never the
forms where a reply is being typed; it stops once the couple unlinks."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import couple_unlink
from conversation.models import Reply
from conversation.services import reaction_set, reply_create, reply_delete, reply_edit, talked_toggle

from ..conftest import answer_all

HTMX = {"HX-Request": "true"}


def live_url(reflection, seen="", prompt=None):
    query = f"?seen={seen}" + (f"&prompt={prompt}" if prompt is not None else "")
    return reverse("conversation:conversation_live", args=[reflection.pk]) + query


def seen_in(html):
    return re.search(r"conversation/\?seen=(\w+)", html).group(1)


def opened_page(client, reflection):
    return client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()


def test_nothing_new_is_a_204(client, alice, revealed):
    client.force_login(alice)
    seen = seen_in(opened_page(client, revealed))

    assert client.get(live_url(revealed, seen), headers=HTMX).status_code == 204


def test_a_partners_reply_arrives_as_the_threads_log_alone(client, alice, bob, revealed, prompt):
    client.force_login(alice)
    seen = seen_in(opened_page(client, revealed))

    reply_create(prompt=prompt, user=bob, text="Bob, just now")
    response = client.get(live_url(revealed, seen), headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Bob, just now" in body
    assert f'id="thread-log-{prompt.pk}" hx-swap-oob="true"' in body
    # Only what was said: the reply and reaction forms stay as they are on the page.
    assert "reply_create" not in body and reverse("conversation:reply_create", args=[revealed.pk, 1]) not in body
    assert seen_in(body) != seen
    assert client.get(live_url(revealed, seen_in(body)), headers=HTMX).status_code == 204


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda prompt, bob, reply: reply_edit(reply=reply, user=bob, text="Bob, edited"), id="edit"),
        pytest.param(lambda prompt, bob, reply: reply_delete(reply=reply, user=bob), id="delete"),
        pytest.param(lambda prompt, bob, reply: reaction_set(prompt=prompt, user=bob, kind="moved"), id="reaction"),
    ],
)
def test_every_change_to_a_thread_is_seen(client, alice, bob, revealed, prompt, change):
    reply = reply_create(prompt=prompt, user=bob, text="Bob, first")
    client.force_login(alice)
    seen = seen_in(opened_page(client, revealed))

    change(prompt, bob, reply)

    assert client.get(live_url(revealed, seen), headers=HTMX).status_code == 200


def test_an_open_edit_box_is_kept_when_the_log_is_swapped(client, alice, bob, revealed, prompt):
    mine = reply_create(prompt=prompt, user=alice, text="Alice, mine")
    reply_create(prompt=prompt, user=bob, text="Bob, after")
    client.force_login(alice)

    body = client.get(live_url(revealed), headers=HTMX).content.decode()

    assert f'id="reply-actions-{mine.pk}" hx-preserve' in body


def test_together_mode_asks_for_its_one_prompt(client, alice, bob, revealed):
    first, second = revealed.prompts.all()[:2]
    reply_create(prompt=first, user=bob, text="On the first")
    reply_create(prompt=second, user=bob, text="On the second")
    client.force_login(alice)

    body = client.get(live_url(revealed, prompt=2), headers=HTMX).content.decode()

    assert "On the second" in body and "On the first" not in body
    assert "prompt=2" in body  # the poll keeps asking for the same prompt


@pytest.mark.parametrize("number", [0, 99])
def test_a_prompt_that_is_not_there_is_a_404(client, alice, revealed, number):
    client.force_login(alice)

    assert client.get(live_url(revealed, prompt=number), headers=HTMX).status_code == 404


def test_after_an_unlink_the_poll_says_so_and_stops(client, alice, bob, revealed, prompt, couple):
    reply_create(prompt=prompt, user=bob, text="Before the unlink")
    client.force_login(alice)
    couple_unlink(couple=couple, by=alice)

    response = client.get(live_url(revealed), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "This shared view has closed" in body
    assert "data-live" not in body
    assert "Before the unlink" not in body


def test_before_the_reveal_there_is_no_conversation_to_poll(client, alice, bob, reflection):
    answer_all(reflection, alice)
    client.force_login(alice)

    assert client.get(live_url(reflection), headers=HTMX).status_code == 404


@pytest.mark.parametrize("who", ["carol", "coach"])
def test_nobody_else_polls_it(client, revealed, who, request, coached):
    from reflections.services import reflection_share

    for partner in (request.getfixturevalue("alice"), request.getfixturevalue("bob")):
        reflection_share(reflection=revealed, user=partner, coach=request.getfixturevalue("coach"))
    client.force_login(request.getfixturevalue(who))

    assert client.get(live_url(revealed), headers=HTMX).status_code == 404


def test_the_poll_costs_the_same_for_one_reply_as_for_two_hundred(client, alice, bob, revealed, prompt):
    reply_create(prompt=prompt, user=bob, text="The only one")
    client.force_login(alice)
    client.get(live_url(revealed), headers=HTMX)  # warm the prompts' snapshot and the session

    with CaptureQueriesContext(connection) as one:
        client.get(live_url(revealed), headers=HTMX)
    author = {0: alice, 1: bob}
    for i in range(199):
        Reply.objects.create(prompt=prompt, author=author[i % 2], text=f"Reply {i}")
    with CaptureQueriesContext(connection) as many:
        body = client.get(live_url(revealed), headers=HTMX).content.decode()

    assert "Reply 198" in body
    assert len(many) == len(one)


def test_together_mode_holds_its_questions_conversation_and_polls_for_it(client, alice, bob, revealed):
    second = revealed.prompts.all()[1]
    reply_create(prompt=second, user=bob, text="Bob, on the second")
    client.force_login(alice)

    body = client.get(reverse("conversation:together", args=[revealed.pk, 2])).content.decode()

    assert "Bob, on the second" in body
    assert f'id="thread-{second.pk}"' in body
    assert live_url(revealed, seen_in(body), prompt=2).replace("&", "&amp;") in body


def test_a_reply_sent_from_together_mode_without_javascript_comes_back_there(client, alice, bob, revealed):
    second = revealed.prompts.all()[1]
    client.force_login(alice)

    response = client.post(
        reverse("conversation:reply_create", args=[revealed.pk, 2]), {"text": "From together mode", "back": "together"}
    )

    assert response.status_code == 302
    assert response.url == reverse("conversation:together", args=[revealed.pk, 2]) + f"#thread-{second.pk}"
    assert Reply.objects.get().text == "From together mode"


def test_a_partners_talked_mark_arrives_as_the_questions_mark_alone(client, alice, bob, revealed, prompt):
    client.force_login(alice)
    seen = seen_in(opened_page(client, revealed))

    talked_toggle(prompt=prompt, user=bob)
    response = client.get(live_url(revealed, seen), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="talked-1" hx-swap-oob="true"' in body
    assert "Bob marked this as talked about." in body
    assert client.get(live_url(revealed, seen_in(body)), headers=HTMX).status_code == 204
