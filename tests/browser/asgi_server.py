"""The browser tests' server: uvicorn running Django's ASGI handler, as
every app server does (config/gunicorn.py), in a thread of the test
process, so that the tests share its database and its mail outbox.

pytest-django's own live server speaks WSGI, which cannot hold an event
stream open; this one takes its place under the same fixture name."""

import asyncio
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import uvicorn
from asgiref.sync import sync_to_async
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.core.signals import request_started
from django.db import connections
from django.test.utils import modify_settings


class AsgiLiveServer:
    def __init__(self, host="localhost", port=0):
        # SQLite's in-memory test database lives in one connection: every
        # request's thread is handed that one, as Django's own live server does.
        self.shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        self.socket = socket.create_server((host, port))
        self.host, self.port = host, self.socket.getsockname()[1]
        app = ASGIStaticFilesHandler(get_asgi_application())
        # Open streams are cut a second after the stop, not waited for.
        config = uvicorn.Config(app, lifespan="off", log_level="warning", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.loop = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        # pytest-django's _live_server_helper enables this around each test.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": host})
        # Its own receiver: a second server stopping (a restart in a test)
        # must not take the session's server's sharing with it.
        self.receiver_uid = f"{__name__}.{id(self)}"

    def start(self, timeout=20):
        for connection in self.shared.values():
            connection.inc_thread_sharing()
        request_started.connect(self._share_connections, dispatch_uid=self.receiver_uid)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI live server did not start")
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        request_started.disconnect(dispatch_uid=self.receiver_uid)
        for connection in self.shared.values():
            connection.dec_thread_sharing()
        self.socket.close()

    def meanwhile(self, change, /, **arguments):
        """`change(**arguments)` made as a request to this server would make
        it: in a thread of its event loop's, so that what it publishes once
        it commits (core.live) reaches the open pages this loop holds. Once
        the server has stopped, as another server would: nobody here hears it."""
        if not self.thread.is_alive():
            return elsewhere(change, **arguments)
        running = sync_to_async(change, thread_sensitive=False)(**arguments)
        return asyncio.run_coroutine_threadsafe(running, self.loop).result(timeout=30)

    def _serve(self):
        async def serve():
            self.loop = asyncio.get_running_loop()
            # Work Django hands to the loop's own threads (an async view's
            # error page, thread_sensitive=False) shares the connection too.
            threads = ThreadPoolExecutor(thread_name_prefix="asgi-live-server", initializer=self._share_connections)
            self.loop.set_default_executor(threads)
            await self.server.serve(sockets=[self.socket])

        asyncio.run(serve())

    def _share_connections(self, **kwargs):
        for alias, connection in self.shared.items():
            connections[alias] = connection

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def __str__(self):
        return self.url

    def __add__(self, other):
        return f"{self}{other}"


def elsewhere(change, /, **arguments):
    """`change(**arguments)` made in a thread of its own, as another app
    server would make it: what it publishes reaches nobody here. The test
    itself runs inside Playwright's event loop, where a change could not
    wait for its publishing (core.live) to finish."""
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}

    def made():
        for alias, connection in shared.items():
            connections[alias] = connection
        return change(**arguments)

    for connection in shared.values():
        connection.inc_thread_sharing()
    try:
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(made).result(timeout=60)
    finally:
        for connection in shared.values():
            connection.dec_thread_sharing()
