"""How many requests of one worker run Django's code at once.

Under ASGI every request waits on the worker's event loop until its view
runs in a thread (config/gunicorn.py). Without a bound, a burst puts every
request in a thread at once: they take turns at the interpreter, each holds
memory and a database connection, and on SQLite they queue inside the
database for its one write lock, where a wait over its timeout is an error.
Here the rest wait their turn on the event loop instead, as they waited in
the socket's queue for a free sync worker before. An event stream holds its
turn only until its response starts; then it waits on the loop for free.
"""

import asyncio

from asgiref.sync import markcoroutinefunction
from django.conf import settings


class AdmissionMiddleware:
    # Only async: a middleware that can run either way runs in Django's
    # sync mode when the middleware inside it is sync, which would put its
    # wait inside the very thread it is meant to hold back.
    async_capable = True
    sync_capable = False

    def __init__(self, get_response):
        self.get_response = get_response
        self.turns = asyncio.Semaphore(settings.REQUESTS_AT_ONCE)
        markcoroutinefunction(self)

    async def __call__(self, request):
        async with self.turns:
            return await self.get_response(request)
