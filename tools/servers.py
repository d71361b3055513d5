"""Run Twofold as production runs it, for the benchmark and the fault tests:
gunicorn from config/gunicorn.py, DEBUG off, against a database of the
caller's choosing. Also signs people in without the login form, so a load
test measures pages, not password hashing."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(*, database_url, field_keys, secret_key=None, **overrides):
    """The environment `make serve` gives the app, for `database_url`.
    `field_keys` must be the keys the caller encrypts with (a list)."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from a test run leaks in (pytest-django's settings, the
        # browser tests' async switch).
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY=secret_key or secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=",".join(field_keys),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


@contextlib.contextmanager
def gunicorn(env, *, workers=None, port=None, log=None):
    """gunicorn serving the app until the block ends; yields its base URL.
    collectstatic runs first, as in `make serve`, so pages find their assets."""
    port = port or free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}"}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.py"],
        env=env,
        cwd=ROOT,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_listening(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_listening(base_url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before listening")
        try:
            httpx.get(f"{base_url}/healthz", timeout=2)  # any answer means it listens
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {base_url} within {timeout}s")


def session_cookie_for(user, secret_key):
    """A signed-in session for `user`, stored where the server reads sessions
    (call with Django set up on the same database). The session's user hash
    is signed with the server's SECRET_KEY, hence the override."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings

    with override_settings(SECRET_KEY=secret_key):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}
