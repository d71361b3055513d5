"""The app servers' worker: uvicorn in a gunicorn worker (config/gunicorn.py)."""

from uvicorn_worker import UvicornWorker


class Worker(UvicornWorker):
    """uvloop and httptools (a C parser); no lifespan protocol, which
    Django's handler does not speak; and open event streams closed within
    5 seconds of a graceful stop, which they would otherwise hold up to
    gunicorn's graceful_timeout: the pages reconnect to another worker."""

    CONFIG_KWARGS = {"loop": "uvloop", "http": "httptools", "lifespan": "off", "timeout_graceful_shutdown": 5}
