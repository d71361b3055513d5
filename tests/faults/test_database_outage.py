"""Database outage: against a PostgreSQL cluster this test starts itself (initdb
in a temporary folder, its own port), stop the database mid-use, the harshest
way (`pg_ctl stop -m immediate`). Pages answer the friendly 503, /healthz
503, and a save is refused with the same page, never a 500. Start it again:
everything works, with nothing lost or half-written.

Needs PostgreSQL's server binaries (initdb, pg_ctl): PG_BIN names their
folder, else the newest /usr/lib/postgresql/*/bin, else PATH. It does not use
DATABASE_URL, so it runs the same on SQLite and PostgreSQL test runs."""

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from tools.servers import ROOT, free_port, gunicorn, production_env

pytestmark = pytest.mark.faults

FRIENDLY = "Twofold is back in a moment"
NOTHING_SAVED = "nothing was saved or shared by this request"
MARKER = f"outage-marker-{secrets.token_hex(4)}"  # in every answer text; never in a log
HX = {"HX-Request": "true"}
HX_HEADERS = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")
WORKERS = 3
OUTAGE_SECONDS = 3


def postgres_bin():
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if installed:
        return installed[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        pytest.fail("the outage test needs PostgreSQL's server binaries (initdb, pg_ctl): install them or set PG_BIN")
    return Path(initdb).parent


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder. initdb refuses to
    run as root, so as root it runs as the `postgres` user."""

    def __init__(self, folder):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.bin = postgres_bin()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/twofold"

    def run(self, *command):
        subprocess.run([*self.as_owner, *command], check=True, capture_output=True, cwd=self.folder)

    def initdb(self):
        self.run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run(self.bin / "pg_ctl", "-D", self.data, "-l", self.folder / "postgres.log", "-o", options, "-w", "start")

    def stop(self, mode="immediate"):
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def running(self):
        status = [*self.as_owner, self.bin / "pg_ctl", "-D", self.data, "status"]
        return subprocess.run(status, capture_output=True, cwd=self.folder).returncode == 0


def manage(env, *args):
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def cluster():
    folder = Path(tempfile.mkdtemp(prefix="twofold-outage-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(folder)
    try:
        cluster.initdb()
        cluster.start()
        cluster.run(cluster.bin / "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "twofold")
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            if cluster.running():
                cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    """Twofold under gunicorn on the cluster, migrated and seeded, as
    production runs it (each request opens its own connection)."""
    env = production_env(
        database_url=cluster.url,
        field_keys=[Fernet.generate_key().decode()],
        secret_key=secrets.token_urlsafe(50),
    )
    manage(env, "manage.py", "migrate", "--noinput")
    manage(env, "manage.py", "createcachetable")
    seeded = json.loads(manage(env, "-m", "tests.faults.outage_db", "seed"))
    log_path = tmp_path_factory.mktemp("outage") / "gunicorn.log"
    with open(log_path, "wb") as log, gunicorn(env, workers=WORKERS, log=log) as base_url:
        yield {"url": base_url, "env": env, "log": log_path, **seeded}


def stored_answers(site):
    return {
        a["author"]: a for a in json.loads(manage(site["env"], "-m", "tests.faults.outage_db", "answers"))["answers"]
    }


def version_in(body, prompt_pk):
    match = re.search(rf'id="version-{prompt_pk}" name="p{prompt_pk}-version" value="(\d+)"', body)
    return int(match.group(1)) if match else None


class Person:
    """One signed-in browser: the reflection page (for its CSRF token) and
    autosaves of the one text prompt."""

    def __init__(self, site, name):
        self.site = site
        self.client = httpx.Client(base_url=site["url"], cookies=site["cookies"][name], timeout=30)
        self.page_url = f"/reflections/{site['reflection']}/"
        self.token = None

    def open_page(self):
        page = self.client.get(self.page_url)
        if page.status_code == 200:
            self.token = HX_HEADERS.search(page.text).group(1)
        return page

    def autosave(self, text, version):
        prompt = self.site["prompt"]
        return self.client.post(
            f"{self.page_url}answers/",
            data={f"p{prompt}-shown": "1", f"p{prompt}-text": text, f"p{prompt}-version": str(version)},
            headers={**HX, "X-CSRFToken": self.token},
        )


class BackgroundWriter(threading.Thread):
    """Bob, autosaving all through the outage as the page would: one save
    after the other, each from the version the last one returned. After an
    error page he reloads (when it loads again) and goes on from what the
    page says is saved."""

    def __init__(self, person):
        super().__init__(daemon=True)
        self.person = person
        self.finish = threading.Event()
        self.statuses = Counter()
        self.acknowledged = []  # (text, version)
        self.refused = []  # texts whose save did not answer 200
        self.surprises = []  # anything the test must fail on
        self.committed_unacknowledged = 0

    def acks_since(self, count):
        return len(self.acknowledged) - count

    def run(self):
        version, n = None, 0
        prompt = self.person.site["prompt"]
        while True:
            try:
                if version is None:
                    page = self.person.open_page()
                    self.statuses[f"page {page.status_code}"] += 1
                    if page.status_code != 200:
                        time.sleep(0.1)
                        continue
                    version = version_in(page.text, prompt)
                    last = self.acknowledged[-1] if self.acknowledged else ("", 0)
                    if version == last[1] + 1 and self.refused and self.refused[-1] in page.text:
                        # The last save committed, then its connection died before
                        # the answer came back: saved whole, shown on reload.
                        self.committed_unacknowledged += 1
                        self.acknowledged.append((self.refused[-1], version))
                    elif version != last[1]:
                        self.surprises.append(f"after reload: version {version}, last acknowledged {last}")
                    continue
                if self.finish.is_set():
                    return
                n += 1
                text = f"bob-{MARKER}-save-{n}"
                response = self.person.autosave(text, version)
                self.statuses[f"save {response.status_code}"] += 1
                if response.status_code == 200:
                    new_version = version_in(response.text, prompt)
                    if new_version != version + 1:
                        self.surprises.append(f"{text}: from version {version} to {new_version}")
                    version = new_version
                    self.acknowledged.append((text, version))
                else:
                    if response.status_code != 503 or FRIENDLY not in response.text:
                        self.surprises.append(f"{text}: {response.status_code} {response.text[:300]}")
                    self.refused.append(text)
                    version = None
            except httpx.HTTPError as error:
                self.statuses[type(error).__name__] += 1
                self.surprises.append(f"{type(error).__name__}: {error}")
                version = None
                time.sleep(0.1)
            time.sleep(0.02)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.1)
    pytest.fail(f"{what} within {timeout}s")


def assert_friendly_503(response):
    assert response.status_code == 503, (response.status_code, response.text[:500])
    assert FRIENDLY in response.text and NOTHING_SAVED in response.text
    assert "Traceback" not in response.text and MARKER not in response.text
    assert response.headers.get("Retry-After") == "30"


def test_database_stopped_mid_use_gives_friendly_503s_and_recovers_with_nothing_lost(cluster, site, fault_report):
    alice, bob = Person(site, "alice"), Person(site, "bob")
    probe = httpx.Client(base_url=site["url"], timeout=10)
    assert probe.get("/healthz").json() == {"status": "ok", "database": "up"}
    assert alice.client.get("/").status_code == 200
    assert alice.open_page().status_code == 200
    before = f"alice-{MARKER}-before"
    saved = alice.autosave(before, 0)
    assert saved.status_code == 200 and version_in(saved.text, site["prompt"]) == 1

    writer = BackgroundWriter(bob)
    writer.start()
    wait_for(lambda: writer.acks_since(0) >= 5, 30, "Bob's first saves were not acknowledged")

    cluster.stop("immediate")
    stopped = time.monotonic()
    during = f"alice-{MARKER}-during-the-outage"
    rounds = 0
    # Every worker, for a few seconds.
    while rounds < 2 * WORKERS or time.monotonic() - stopped < OUTAGE_SECONDS:
        rounds += 1
        assert_friendly_503(alice.client.get("/"))
        assert_friendly_503(alice.client.get(alice.page_url))
        # As a load balancer asks (no cookies): the view's own JSON answer.
        health = probe.get("/healthz")
        assert health.status_code == 503 and health.json() == {"status": "unavailable", "database": "down"}
        # With a session cookie, loading the session fails first: the 503 page.
        assert_friendly_503(alice.client.get("/healthz"))
        assert_friendly_503(alice.autosave(during, 1))
    wait_for(lambda: writer.statuses["save 503"] > 0, 10, "Bob's saves never met the outage")
    acknowledged_before_restart = len(writer.acknowledged)

    cluster.start()
    healthy = wait_for(lambda: probe.get("/healthz").status_code == 200, 30, "/healthz did not recover")
    fault_report(
        f"database outage: {rounds} rounds of 503s; {healthy - stopped:.1f}s from the stop to /healthz 200 again"
    )
    for _ in range(3 * WORKERS):  # no worker keeps a dead connection
        assert alice.client.get("/").status_code == 200
    wait_for(lambda: writer.acks_since(acknowledged_before_restart) >= 5, 30, "Bob's saves did not resume")
    writer.finish.set()
    writer.join(timeout=30)
    assert not writer.is_alive()
    fault_report(
        f"database outage: Bob autosaving through it: {len(writer.acknowledged)} saves acknowledged, "
        f"{len(writer.refused)} refused with the 503 page, "
        f"{writer.committed_unacknowledged} committed but unacknowledged; {dict(writer.statuses)}"
    )
    assert writer.surprises == []

    # Alice's acknowledged answer is there, whole; the one tried during the
    # outage is nowhere.
    page = alice.open_page()
    assert page.status_code == 200 and before in page.text and during not in page.text
    assert version_in(page.text, site["prompt"]) == 1
    answers = stored_answers(site)
    assert (answers["alice"]["text"], answers["alice"]["version"]) == (before, 1)
    # Bob's answer is his last acknowledged save, with its version.
    assert (answers["bob"]["text"], answers["bob"]["version"]) == writer.acknowledged[-1]
    assert answers["bob"]["version"] == len(writer.acknowledged)

    after = f"alice-{MARKER}-after"
    saved = alice.autosave(after, 1)
    assert saved.status_code == 200 and version_in(saved.text, site["prompt"]) == 2
    assert (stored_answers(site)["alice"]["text"], stored_answers(site)["alice"]["version"]) == (after, 2)

    # The server's log: JSON lines, and no answer text in any of them.
    lines = [line for line in site["log"].read_text().splitlines() if line.strip()]
    assert lines
    for line in lines:
        json.loads(line)
    assert MARKER not in site["log"].read_text()
