"""The app servers' worker: uvicorn in a gunicorn worker (config/gunicorn.py)."""

import os
import resource
import signal

from uvicorn_worker import UvicornWorker

# A worker is replaced once its memory has ever passed this ceiling, which a
# slow leak would reach, never after a count of requests: each restart puts
# a cold worker, and its wait, in the slowest answers of every page, and
# sends its open streams to reconnect.
WORKER_MEMORY_MB = int(os.environ.get("GUNICORN_WORKER_MEMORY_MB", 512))


class Worker(UvicornWorker):
    """uvloop and httptools (a C parser); no lifespan protocol, which
    Django's handler does not speak; and open event streams closed within
    5 seconds of a graceful stop, which they would otherwise hold up to
    gunicorn's graceful_timeout: the pages reconnect to another worker.

    uvicorn's own reading of X-Forwarded-For is off. From a peer in
    FORWARDED_ALLOW_IPS it takes the rightmost entry outside that list for
    the client, so a client at one of those addresses was believed about
    its own (a fresh bucket for the rate limits at every request), and
    TRUSTED_PROXY_COUNT and TRUSTED_CLIENT_IP_HEADER went unread. The app
    decides from the real peer, as its settings say (accounts/adapter.py),
    and reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER)."""

    CONFIG_KWARGS = {
        "loop": "uvloop",
        "http": "httptools",
        "lifespan": "off",
        "timeout_graceful_shutdown": 5,
        "proxy_headers": False,
    }

    async def callback_notify(self) -> None:
        """uvicorn's tick, every few seconds: the master hears the worker
        is alive, and a worker past its memory ceiling stops gracefully
        (as on SIGTERM), for the master to start a fresh one."""
        await super().callback_notify()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        if self.alive and peak_mb > WORKER_MEMORY_MB:
            self.log.info("Restarting worker: %d MB of memory, over GUNICORN_WORKER_MEMORY_MB", peak_mb)
            self.alive = False
            os.kill(os.getpid(), signal.SIGTERM)
