"""gunicorn settings for every app server (`make run`, `make serve`,
`make serve-cluster`, production): `gunicorn -c config/gunicorn.py`.

gunicorn manages the worker processes (starts them, replaces one that
dies, stops them gracefully); each worker is uvicorn running Django's ASGI
handler (config/workers.py), so an open page's event stream waits on the
event loop instead of holding a process. Every value can be overridden
from the environment (see README, "Running in production")."""

import gc
import os

from config.settings import LOGGING

wsgi_app = "config.asgi:application"
worker_class = "config.workers.Worker"
bind = os.environ.get("BIND", "127.0.0.1:8001")
# A worker's event loop holds thousands of open streams; the views run in
# threads, and the interpreter runs one at a time, so more workers than
# cores keep the cores busy while some wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
# How long a worker's event loop may go without telling the master it is alive.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Open streams never end by themselves: a stopping worker closes them after
# config/workers.py's grace, and the pages reconnect to another.
graceful_timeout = 20
# The balancer keeps its connections between requests (HAProxy's own idle
# timeout is longer), so a worker must not close them first.
keepalive = 75
# Never recycled after a count of requests: each restart put a cold worker,
# and its wait, in the slowest answers of every page, and cut every open stream.
max_requests = 0
# Several servers may share a machine (bench, serve); none uses the socket.
control_socket_disable = True
# Fail at start, not at the first request, when settings are wrong.
preload_app = True
# No forwarded_allow_ips: the workers leave X-Forwarded-For and
# X-Forwarded-Proto to the app (config/workers.py says why).
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
