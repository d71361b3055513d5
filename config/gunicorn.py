"""gunicorn settings for `make serve` and production: `gunicorn -c config/gunicorn.py`.

Every value can be overridden from the environment (see README, "Running in
production")."""

import gc
import os
import resource

from config.settings import FORWARDED_ALLOW_IPS, LOGGING

wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8001")
# Sync workers: each request is short and the database does the waiting. Two
# per core plus one keeps the cores busy while some workers wait on I/O.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# A worker is recycled only when its memory has grown past a ceiling (see
# post_request), which a slow leak would reach, never after a count of
# requests: each restart put a cold worker, and its wait, in the slowest
# answers of every page.
max_requests = 0
WORKER_MEMORY_MB = int(os.environ.get("GUNICORN_WORKER_MEMORY_MB", 512))
# Several servers may share a machine (bench, serve); none uses the socket.
control_socket_disable = True
# Fail at start, not at the first request, when settings are wrong.
preload_app = True
# The proxy in front sets X-Forwarded-Proto; trust it only from where it runs.
# The app believes the same list about the client's address (settings).
forwarded_allow_ips = ",".join(FORWARDED_ALLOW_IPS)
# Requests are logged by config.logs.RequestLogMiddleware (no query strings);
# gunicorn's own lines use the same format as the app's.
accesslog = None
logconfig_dict = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}


def when_ready(server):
    """The preloaded app lives as long as the workers: freezing it takes its
    objects out of every collection the workers run, so the collector never
    walks them again, and leaves their memory pages shared."""
    gc.freeze()


def post_request(worker, req, environ, resp):
    """The memory guard: a worker whose resident memory has ever passed
    WORKER_MEMORY_MB finishes this request and is replaced, as gunicorn
    itself replaces one after max_requests."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    if worker.alive and peak_mb > WORKER_MEMORY_MB:
        worker.log.info("Restarting worker: %d MB of memory, over GUNICORN_WORKER_MEMORY_MB", peak_mb)
        worker.alive = False
