"""The conversation after the reveal: replies under each prompt and a
reaction to the partner's answer, by the joint notes' rules (the partners
while linked; a coach read-only where both shared), encrypted at rest, and
a calm notice (one email a reflection a day)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import couple_unlink
from conversation.models import Reaction, Reply
from conversation.services import reaction_set, reply_create, reply_delete
from core.errors import DomainError
from notifications.models import Kind, Notification
from reflections.services import reflection_share

HTMX = {"HX-Request": "true"}


def replies_url(reflection, number=1):
    return reverse("conversation:reply_create", args=[reflection.pk, number])


def test_a_partner_replies_and_the_other_reads_it_under_the_prompt(client, alice, bob, revealed, prompt):
    client.force_login(alice)

    response = client.post(replies_url(revealed), {"text": "That surprised me, in a good way."})

    assert response.status_code == 302
    assert response.url.endswith(f"#q-{prompt.pk}")
    client.force_login(bob)
    body = client.get(reverse("reflections:reflection", args=[revealed.pk])).content.decode()
    assert "That surprised me, in a good way." in body


def test_with_htmx_the_thread_comes_back_newest_last(client, alice, bob, revealed, prompt):
    reply_create(prompt=prompt, user=bob, text="First from Bob")
    client.force_login(alice)

    response = client.post(replies_url(revealed), {"text": "Then Alice"}, headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("First from Bob") < body.index("Then Alice")
    assert f'id="thread-{prompt.pk}"' in body


@pytest.mark.parametrize("text, says", [("   ", "Write something first"), ("x" * 2001, "at most 2,000 characters")])
def test_a_reply_that_cannot_be_sent_says_why_and_keeps_the_words(client, alice, revealed, text, says):
    client.force_login(alice)

    plain = client.post(replies_url(revealed), {"text": text})
    fragment = client.post(replies_url(revealed), {"text": text}, headers=HTMX)

    assert (plain.status_code, fragment.status_code) == (400, 422)
    for response in (plain, fragment):
        assert says in response.content.decode()
        assert text.strip() in response.content.decode()
    assert not Reply.objects.exists()


def test_replies_are_encrypted_at_rest(alice, prompt):
    reply_create(prompt=prompt, user=alice, text="Words only Bob should read")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {Reply._meta.db_table}")
        (stored,) = cursor.fetchone()
    assert "Words only Bob should read" not in stored
    assert stored.startswith("sealed:")


def test_each_edits_and_deletes_only_their_own(client, alice, bob, prompt):
    mine = reply_create(prompt=prompt, user=alice, text="Mine")
    theirs = reply_create(prompt=prompt, user=bob, text="Bob's")
    client.force_login(alice)

    assert client.post(reverse("conversation:reply_edit", args=[theirs.pk]), {"text": "Changed"}).status_code == 404
    assert client.post(reverse("conversation:reply_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("conversation:reply_edit", args=[mine.pk]), {"text": "Mine, better"}).status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.text, mine.text, mine.updated_at is not None) == ("Bob's", "Mine, better", True)
    with pytest.raises(DomainError, match="only delete your own"):
        reply_delete(reply=theirs, user=alice)
    assert client.post(reverse("conversation:reply_delete", args=[mine.pk])).status_code == 302
    assert list(Reply.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_reaction_replaces_the_earlier_one_and_the_same_again_takes_it_back(alice, prompt):
    reaction_set(prompt=prompt, user=alice, kind="moved")
    reaction_set(prompt=prompt, user=alice, kind="me_too")
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["me_too"]

    reaction_set(prompt=prompt, user=alice, kind="me_too")

    assert not Reaction.objects.exists()
    with pytest.raises(DomainError, match="reactions offered"):
        reaction_set(prompt=prompt, user=alice, kind="furious")


def test_nothing_before_the_reveal(client, alice, bob, reflection):
    prompt = reflection.prompts.first()
    with pytest.raises(DomainError):
        reply_create(prompt=prompt, user=alice, text="Too early")
    client.force_login(alice)
    assert client.post(replies_url(reflection), {"text": "Too early"}).status_code == 404


def test_unlinking_closes_the_conversation_for_both_and_each_keeps_their_own(client, alice, bob, revealed, prompt):
    reply_create(prompt=prompt, user=alice, text="Before we parted")
    reply_create(prompt=prompt, user=bob, text="Me too")
    couple_unlink(couple=revealed.couple, by=bob)

    assert [reply.text for reply in Reply.objects.visible_to(alice)] == ["Before we parted"]
    assert [reply.text for reply in Reply.objects.visible_to(bob)] == ["Me too"]
    client.force_login(alice)
    assert client.post(replies_url(revealed), {"text": "After"}).status_code == 404


def test_a_coach_reads_it_only_once_both_shared_and_cannot_write(client, alice, bob, coach, coached, revealed, prompt):
    reply_create(prompt=prompt, user=bob, text="For our coach to see")
    assert not Reply.objects.visible_to(coach).exists()
    for person in (alice, bob):
        reflection_share(reflection=revealed, user=person, coach=coach)
    client.force_login(coach)

    body = client.get(reverse("coach:shared_reflection", args=[revealed.pk])).content.decode()

    assert "For our coach to see" in body
    assert 'name="text"' not in body, "read-only: no reply box"
    assert client.post(replies_url(revealed), {"text": "Coach here"}).status_code == 404


def test_the_partner_hears_of_a_reply_with_at_most_one_email_a_day(
    alice, bob, prompt, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(prompt=prompt, user=alice, text="Pineapple words")
    Notification.objects.filter(user=bob).update(read_at=prompt.reflection.revealed_at)
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(prompt=prompt, user=alice, text="Mango words")
        reply_create(prompt=prompt, user=alice, text="Three")

    notices = Notification.objects.filter(user=bob, kind=Kind.REPLIED)
    assert notices.count() == 2, "a new notice only once the last one was read"
    emails = [m for m in mailoutbox if bob.email in m.to and "replied" in m.subject]
    assert len(emails) == 1
    assert "Pineapple" not in emails[0].body and "Mango" not in emails[0].body
    assert not Notification.objects.filter(user=alice, kind=Kind.REPLIED).exists()


@pytest.mark.parametrize("replies", [1, 200])
def test_the_shared_view_costs_the_same_whatever_the_number_of_replies(client, alice, bob, revealed, prompt, replies):
    Reply.objects.bulk_create(Reply(prompt=prompt, author=bob, text=f"Reply {n}") for n in range(replies))
    client.force_login(alice)
    url = reverse("reflections:reflection", args=[revealed.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert f"Reply {replies - 1}" in response.content.decode()
    # Replies and reactions: two queries, whatever their number; the talked
    # marks, the joint notes and the follow-up (what next): three more.
    assert len(queries) == 11


def test_the_reflections_download_carries_its_conversation(client, alice, bob, revealed, prompt):
    reply_create(prompt=prompt, user=bob, text="Bob's reply, downloaded")
    reaction_set(prompt=prompt, user=alice, kind="in_person")
    client.force_login(alice)

    body = client.get(reverse("conversation:reflection_export", args=[revealed.pk])).content.decode()

    assert "Bob's reply, downloaded" in body
    assert "Alice: Let’s talk about this in person" in body


def test_my_own_export_carries_my_replies_and_not_my_partners(client, alice, bob, revealed, prompt):
    reply_create(prompt=prompt, user=alice, text="Alice wrote this reply")
    reply_create(prompt=prompt, user=bob, text="Bob wrote this reply")
    client.force_login(alice)

    markdown = client.get(reverse("conversation:answers_export_markdown")).content.decode()
    data = client.get(reverse("conversation:answers_export_json")).json()

    assert "Alice wrote this reply" in markdown and "Bob wrote this reply" not in markdown
    assert [r["text"] for r in data["replies"]] == ["Alice wrote this reply"]
    assert data["replies"][0]["question"] == prompt.text


def test_after_an_unlink_my_export_keeps_my_replies_and_never_my_partners(client, alice, bob, revealed, prompt):
    """Audit 2, finding 9: each partner exports their own half, always."""
    reply_create(prompt=prompt, user=alice, text="Said before we parted")
    reply_create(prompt=prompt, user=bob, text="Bob answered that")
    couple_unlink(couple=revealed.couple, by=bob)
    client.force_login(alice)

    markdown = client.get(reverse("conversation:answers_export_markdown")).content.decode()
    data = client.get(reverse("conversation:answers_export_json")).json()

    assert "Said before we parted" in markdown and "Bob answered that" not in markdown
    assert [r["text"] for r in data["replies"]] == ["Said before we parted"]
    assert client.get(reverse("conversation:reflection_export", args=[revealed.pk])).status_code == 404
