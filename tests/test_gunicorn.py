"""gunicorn's memory guard (config/gunicorn.py): workers are not recycled
after a count of requests, only once their memory passes a ceiling."""

import logging
import resource
from types import SimpleNamespace

from config import gunicorn


def worker_after_a_request(monkeypatch, *, peak_mb):
    monkeypatch.setattr(gunicorn, "WORKER_MEMORY_MB", 100)
    monkeypatch.setattr(resource, "getrusage", lambda who: SimpleNamespace(ru_maxrss=peak_mb * 1024))
    worker = SimpleNamespace(alive=True, log=logging.getLogger("gunicorn.error"))
    gunicorn.post_request(worker, None, {}, None)
    return worker


def test_a_worker_past_its_memory_ceiling_is_replaced_after_its_request(monkeypatch):
    assert worker_after_a_request(monkeypatch, peak_mb=150).alive is False


def test_a_worker_within_its_ceiling_serves_on(monkeypatch):
    assert worker_after_a_request(monkeypatch, peak_mb=60).alive is True
