"""The open pages' event streams (reflections/streams.py, core/live.py):
who hears what, that nothing but the kind of change is said (P6), and
that a stream ends when its access does."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import AsyncClient, Client
from django.urls import reverse

from accounts.services import account_delete, couple_unlink
from conversation.services import reply_create, talked_toggle
from reflections import streams
from reflections.services import answer_save, readiness_set, readiness_withdraw, reflection_create

from ..conftest import answer_all, make_article, reveal
from ..live_streams import Stream

pytestmark = pytest.mark.django_db(transaction=True)


def events_url(reflection):
    return reverse("reflections:reflection_events", args=[reflection.pk])


async def open_stream(user, url) -> Stream:
    client = AsyncClient()
    await client.aforce_login(user)
    response = await client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/event-stream"
    stream = Stream(response)
    assert await stream.event() == "ready"  # listening from here on
    stream.client = client
    return stream


def run(scenario):
    async_to_sync(scenario)()


def test_a_stream_opens_with_ready_and_how_soon_to_come_back(alice, reflection):
    async def scenario():
        client = AsyncClient()
        await client.aforce_login(alice)
        stream = Stream(await client.get(events_url(reflection)))
        first = await stream.chunk()
        await stream.close()
        assert first == f"retry: {streams.RETRY_MS}\nevent: ready\ndata: ready\n\n"

    run(scenario)


def test_only_the_partners_may_open_it(client, alice, carol, reflection):
    url = events_url(reflection)
    assert client.get(url).status_code == 302  # to log in
    client.force_login(carol)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405
    assert Client().get(reverse("reflections:home_events")).status_code == 302


def test_a_partners_readiness_reaches_both_and_says_nothing_of_the_answers(alice, bob, reflection):
    answer_all(reflection, bob, text="Bob's secret sentence")

    async def scenario():
        alices, bobs = await open_stream(alice, events_url(reflection)), await open_stream(bob, events_url(reflection))
        await sync_to_async(readiness_set)(reflection=reflection, user=bob)
        heard = [await alices.chunk(), await bobs.chunk()]
        await alices.close()
        await bobs.close()
        assert heard == ["event: status\ndata: status\n\n"] * 2

    run(scenario)


def test_progress_reaches_the_partner_not_the_author(alice, bob, reflection):
    prompt = reflection.prompts.first()

    async def scenario():
        alices, bobs = await open_stream(alice, events_url(reflection)), await open_stream(bob, events_url(reflection))
        await sync_to_async(answer_save)(prompt=prompt, author=bob, text="Bob's words")
        assert await alices.event() == "status"
        assert await bobs.event(timeout=0.3) is None
        # A second save of the same answer changes no count: nobody hears it.
        await sync_to_async(answer_save)(prompt=prompt, author=bob, text="Bob's words, longer")
        assert await alices.event(timeout=0.3) is None
        await alices.close()
        await bobs.close()

    run(scenario)


def test_the_conversation_reaches_the_partner(alice, bob, reflection):
    revealed = reveal(reflection, alice, bob)
    prompt = revealed.prompts.first()

    async def scenario():
        alices = await open_stream(alice, events_url(revealed))
        await sync_to_async(reply_create)(prompt=prompt, user=bob, text="A reply, secret")
        assert await alices.chunk() == "event: conversation\ndata: conversation\n\n"
        await sync_to_async(talked_toggle)(prompt=prompt, user=bob)
        assert await alices.event() == "conversation"
        await alices.close()

    run(scenario)


def test_a_reflection_stream_hears_its_own_reflection_and_home_hears_them_all(alice, bob, couple, reflection):
    other = reflection_create(couple=couple, article=make_article(), started_by=alice)
    answer_all(other, bob)

    async def scenario():
        this_page = await open_stream(alice, events_url(reflection))
        home = await open_stream(alice, reverse("reflections:home_events"))
        await sync_to_async(readiness_set)(reflection=other, user=bob)
        assert await home.event() == "status"
        assert await this_page.event(timeout=0.3) is None
        await this_page.close()
        await home.close()

    run(scenario)


def test_signing_out_ends_that_sessions_streams_only(alice, reflection):
    async def scenario():
        signed_out = await open_stream(alice, events_url(reflection))
        other_device = await open_stream(alice, events_url(reflection))
        await signed_out.client.post(reverse("account_logout"))
        assert await signed_out.event() == "closed"
        assert await signed_out.event() == ""  # and it ends
        assert await other_device.event(timeout=0.3) is None
        await other_device.close()

    run(scenario)


def test_a_password_changed_elsewhere_ends_the_other_sessions_streams(alice, reflection, monkeypatch):
    monkeypatch.setattr(streams, "SECOND_LOOK_SECONDS", 0.1)

    async def scenario():
        stream = await open_stream(alice, events_url(reflection))

        def change_password():
            alice.set_password("a-new-long-passphrase-17")
            alice.save()

        await sync_to_async(change_password)()
        assert await stream.event() == "closed"

    run(scenario)


def test_the_session_that_changed_the_password_keeps_its_streams(alice, reflection, monkeypatch):
    """Its page gives the session the new hash just after the change
    commits (Django's update_session_auth_hash), so a first look may find
    it stale: the second look, a moment later, does not."""
    monkeypatch.setattr(streams, "SECOND_LOOK_SECONDS", 0.5)

    async def scenario():
        stream = await open_stream(alice, events_url(reflection))
        session_key = stream.client.session.session_key

        def change_password():
            alice.set_password("a-new-long-passphrase-17")
            alice.save()

        def new_hash_in_this_session():
            session = SessionStore(session_key)
            session[HASH_SESSION_KEY] = alice.get_session_auth_hash()
            session.save()

        await sync_to_async(change_password)()
        assert await stream.event(timeout=0.2) is None  # meanwhile, its first look finds the session stale
        await sync_to_async(new_hash_in_this_session)()
        assert await stream.event(timeout=1.5) is None
        await stream.close()

    run(scenario)


def test_unlinking_ends_the_reflections_streams_and_tells_home(alice, bob, couple, reflection):
    async def scenario():
        page = await open_stream(bob, events_url(reflection))
        home = await open_stream(bob, reverse("reflections:home_events"))
        await sync_to_async(couple_unlink)(couple=couple, by=alice)
        assert await page.event() == "closed"
        assert await home.event() == "status"
        await home.close()
        # Opened again, the closed reflection's stream says so at once.
        again = await open_stream(bob, events_url(reflection))
        assert await again.event() == "closed"

    run(scenario)


def test_deleting_the_account_ends_its_streams(alice, reflection):
    async def scenario():
        stream = await open_stream(alice, reverse("reflections:home_events"))
        await sync_to_async(account_delete)(user=alice)
        assert await stream.event() == "closed"

    run(scenario)


def test_access_is_asked_again_now_and_then_even_without_a_message(alice, reflection, monkeypatch):
    monkeypatch.setattr(streams, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setattr(streams, "RECHECK_SECONDS", 0)
    monkeypatch.setattr(streams, "SECOND_LOOK_SECONDS", 0.1)

    async def scenario():
        stream = await open_stream(alice, events_url(reflection))
        assert await stream.chunk() == ": \n\n"  # a heartbeat: access still holds
        session_key = stream.client.session.session_key
        await sync_to_async(SessionStore(session_key).delete)()  # gone, and nobody said so
        assert await stream.event() == "closed"

    run(scenario)


@pytest.mark.postgres  # SQLite's in-memory test database is never closed
def test_a_waiting_stream_holds_no_database_connection(alice, reflection):
    async def scenario():
        stream = await open_stream(alice, events_url(reflection))
        # Checked in the thread the view's database work ran in.
        assert await sync_to_async(lambda: connection.connection is None)()
        await stream.close()

    run(scenario)


def test_withdrawing_is_heard_too(alice, bob, reflection):
    answer_all(reflection, bob)
    readiness_set(reflection=reflection, user=bob)

    async def scenario():
        stream = await open_stream(alice, events_url(reflection))
        await sync_to_async(readiness_withdraw)(reflection=reflection, user=bob)
        assert await stream.event() == "status"
        await stream.close()

    run(scenario)
