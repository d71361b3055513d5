"""At most REQUESTS_AT_ONCE requests of a worker run Django's code at once
(config/admission.py); the rest wait their turn on the event loop."""

import asyncio

from asgiref.sync import async_to_sync

from config.admission import AdmissionMiddleware


def test_requests_past_the_bound_wait_their_turn(settings):
    settings.REQUESTS_AT_ONCE = 2
    inside, most = 0, 0

    async def view(request):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.05)
        inside -= 1
        return request

    admission = AdmissionMiddleware(view)

    async def burst():
        return await asyncio.gather(*(admission(n) for n in range(7)))

    assert async_to_sync(burst)() == list(range(7))  # every request is served
    assert most == 2


def test_django_runs_it_in_async_mode_even_above_sync_middleware():
    """A middleware able to run either way would run in sync mode above a
    sync one, inside the thread it is meant to hold back."""
    assert AdmissionMiddleware.async_capable and not AdmissionMiddleware.sync_capable
