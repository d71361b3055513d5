"""gunicorn settings for `make serve` and production: `gunicorn -c config/gunicorn.py`.

Every value can be overridden from the environment (see README, "Running in
production")."""

import gc
import os

from config.settings import FORWARDED_ALLOW_IPS, LOGGING

wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8001")
# Sync workers: each request is short and the database does the waiting. Two
# per core plus one keeps the cores busy while some workers wait on I/O.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Recycle workers now and then so a slow leak cannot grow without end.
max_requests = 2000
max_requests_jitter = 200
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
