"""Check-ins on the live path (core.live, reflections/streams.py): a
round that opens reaches home, and a round that closes reaches a page open
on it; each says only that something changed."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.urls import reverse

from checkins.models import Round
from checkins.services import rounds_open_due
from tests.live_streams import Stream
from tests.reflections.test_streams import events_url, open_stream

from .conftest import SUNDAY

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_opening_reaches_home_and_a_closing_round_reaches_its_page(running, alice, on_day):
    rounds_open_due()
    first = Round.objects.get(checkin=running).reflection

    async def scenario():
        home: Stream = await open_stream(alice, reverse("reflections:home_events"))
        page: Stream = await open_stream(alice, events_url(first))
        on_day(SUNDAY + timedelta(days=7))
        assert await sync_to_async(rounds_open_due)() == 1
        assert await home.event() == "status"
        assert await page.event() == "status"  # its page fetches the status: now closed
        await page.close()
        await home.close()

    async_to_sync(scenario)()
