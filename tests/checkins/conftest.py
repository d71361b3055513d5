from dataclasses import asdict
from datetime import date

import pytest

from checkins.services import checkin_accept, checkin_propose
from checkins.sets import checkin_set

# A Sunday, so that a weekly check-in on Sundays opens its first round today.
SUNDAY = date(2026, 11, 1)


def set_prompts(slug="connected"):
    return [asdict(p) | {"choices": []} for p in checkin_set(slug).prompts]


def propose(by, *, weekday=6, cadence=7, slug="connected"):
    return checkin_propose(
        by=by, title=checkin_set(slug).title, cadence=cadence, weekday=weekday, prompts=set_prompts(slug), set_slug=slug
    )


@pytest.fixture
def on_day(monkeypatch):
    """Sets the day (and hour) the services take as now."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    def move(day, hour=9):
        now = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))
        monkeypatch.setattr(timezone, "now", lambda: now)
        return now

    return move


@pytest.fixture
def running(couple, alice, bob, on_day):
    """Alice proposed the weekly "How connected we feel" on Sundays; Bob accepted on SUNDAY."""
    on_day(SUNDAY)
    checkin = propose(alice)
    return checkin_accept(checkin=checkin, by=bob)


@pytest.fixture
def library(db):
    """Twofold's library loaded, the question bank with it."""
    from library.content import library_load

    library_load()
