"""The app servers' memory guard (config/workers.py): workers are not
recycled after a count of requests, only once their memory passes a
ceiling, and then gracefully."""

import logging
import os
import resource
import signal
from types import SimpleNamespace

from asgiref.sync import async_to_sync

from config import workers


def worker_after_a_tick(monkeypatch, *, peak_mb):
    """A worker after uvicorn's periodic tick, with `peak_mb` of memory;
    the signals it sent itself."""
    monkeypatch.setattr(workers, "WORKER_MEMORY_MB", 100)
    monkeypatch.setattr(resource, "getrusage", lambda who: SimpleNamespace(ru_maxrss=peak_mb * 1024))
    sent = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append((pid, sig)))
    worker = workers.Worker.__new__(workers.Worker)  # without a master to belong to
    worker.alive, worker.log, worker.notified = True, logging.getLogger("gunicorn.error"), 0
    worker.notify = lambda: setattr(worker, "notified", worker.notified + 1)
    async_to_sync(worker.callback_notify)()
    return worker, sent


def test_a_worker_past_its_memory_ceiling_stops_gracefully(monkeypatch):
    worker, sent = worker_after_a_tick(monkeypatch, peak_mb=150)
    assert worker.notified == 1
    assert worker.alive is False and sent == [(os.getpid(), signal.SIGTERM)]


def test_a_worker_within_its_ceiling_serves_on(monkeypatch):
    worker, sent = worker_after_a_tick(monkeypatch, peak_mb=60)
    assert worker.notified == 1
    assert worker.alive is True and sent == []


def test_the_app_servers_run_django_under_asgi_in_uvicorn_workers():
    from config import gunicorn

    assert gunicorn.wsgi_app == "config.asgi:application"
    assert gunicorn.worker_class == "config.workers.Worker"
    assert workers.Worker.CONFIG_KWARGS["lifespan"] == "off"
