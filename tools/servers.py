"""Run Twofold as production runs it, for the benchmark and the fault tests:
gunicorn from config/gunicorn.py (uvicorn workers), DEBUG off, against a
database of the caller's choosing; two of them behind HAProxy
(config/haproxy.cfg), with a Redis of the caller's own. Also signs people in
without the login form, so a load test measures pages, not password hashing."""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Debian puts them here, which is not on every user's PATH.
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


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
        # Under ASGI each request runs in a thread of its own, and a
        # connection kept past its request would be kept by nobody.
        CONN_MAX_AGE="0",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class AppServer:
    """One gunicorn: its master and workers, in a process group of their own."""

    def __init__(self, process, url):
        self.process = process
        self.url = url

    @property
    def address(self):
        return self.url.removeprefix("http://")

    def kill(self):
        """SIGKILL to the master and every worker at once, as when the
        machine under them dies: nothing is finished or cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def app_server(env, *, workers=None, port=None, log=None, collectstatic=True):
    """gunicorn serving the app until the block ends; yields an AppServer.
    collectstatic runs first, as in `make serve`, so pages find their assets
    (a second server on the same checkout can skip it)."""
    port = port or free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}"}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if collectstatic:
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.py"],
        env=env,
        cwd=ROOT,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
        start_new_session=True,
    )
    server = AppServer(process, f"http://127.0.0.1:{port}")
    try:
        wait_until_listening(server.url, process)
        yield server
    finally:
        stop(process)


@contextlib.contextmanager
def gunicorn(env, **options):
    """gunicorn serving the app until the block ends; yields its base URL."""
    with app_server(env, **options) as server:
        yield server.url


def stop(process, timeout=20):
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_listening(base_url, process, timeout=60, what="gunicorn"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        try:
            httpx.get(f"{base_url}/healthz", timeout=2)  # any answer means it listens
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {base_url} within {timeout}s")


class RedisServer:
    """A redis-server of the caller's own, on its own port, keeping nothing
    on disk: stopped and started again, it is empty, as a Redis that lost
    its memory. Never the machine's own Redis."""

    def __init__(self, folder, port=None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self, timeout=20):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode} (see its redis.log)")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout}s")

    def kill(self):
        """Gone at once, with everything it held."""
        self.process.kill()
        self.process.wait()

    def running(self):
        return self.process is not None and self.process.poll() is None


@contextlib.contextmanager
def redis_server(folder):
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        if server.running():
            server.kill()


class Balancer:
    """HAProxy from config/haproxy.cfg, with an admin socket of its own."""

    def __init__(self, url, socket_path):
        self.url = url
        self.socket_path = socket_path

    def command(self, line):
        """One command on HAProxy's admin socket; its answer."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.socket_path))
            sock.sendall(f"{line}\n".encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        return answer.decode()

    def stats(self):
        """HAProxy's `show stat` for each server, by name: {"app1": {"status":
        "UP", "wredis": "3", ...}, ...} (its fields are in HAProxy's manual)."""
        header, *lines = self.command("show stat").strip().splitlines()
        names = header.removeprefix("# ").split(",")
        rows = [dict(zip(names, line.split(","), strict=False)) for line in lines]
        return {row["svname"]: row for row in rows if row["svname"] not in {"FRONTEND", "BACKEND"}}

    def states(self):
        """{"app1": "UP", "app2": "DOWN"}: what HAProxy thinks of each server now."""
        return {name: row["status"].split(" ")[0] for name, row in self.stats().items()}

    def set_state(self, server, state):
        """Takes app server `server` ("app1") out of rotation ("maint"), as an
        operator does before working on it, or puts it back ("ready"): back,
        it takes requests again once its health checks pass."""
        answer = self.command(f"set server app_servers/{server} state {state}").strip()
        if answer:
            raise RuntimeError(f"HAProxy refused to set {server} to {state}: {answer}")


@contextlib.contextmanager
def haproxy(servers, *, folder, port=None, check_interval="2s", health_check_host="127.0.0.1", log=None):
    """HAProxy in front of the two app `servers` (AppServer each) until the
    block ends; yields a Balancer once it listens."""
    first, second = servers
    port = port or free_port()
    folder = Path(folder)
    socket_path = folder / "haproxy.sock"
    (folder / "admin.cfg").write_text(f"global\n    stats socket {socket_path} mode 600 level admin\n")
    env = {
        **os.environ,
        "HAPROXY_BIND": f"127.0.0.1:{port}",
        "APP_SERVER_1": first.address,
        "APP_SERVER_2": second.address,
        "HEALTH_CHECK_HOST": health_check_host,
        "HEALTH_CHECK_INTERVAL": check_interval,
    }
    process = subprocess.Popen(
        [HAPROXY, "-db", "-f", str(ROOT / "config" / "haproxy.cfg"), "-f", str(folder / "admin.cfg")],
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )
    balancer = Balancer(f"http://127.0.0.1:{port}", socket_path)
    try:
        wait_until_listening(balancer.url, process, what="haproxy")
        yield balancer
    finally:
        stop(process)


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
