"""`make run` as a new user meets it: bin/run itself (what `make run`
calls) seeds the demo on a fresh SQLite file and serves with DEBUG off, so a
page that is not available is Twofold's own 404, never Django's technical
page with the app's URL patterns, and static files, sign-in and the partner
pages work over plain http on 127.0.0.1."""

import os
import re
import signal
import sqlite3
import subprocess
import time

import httpx
import pytest
from django.conf import settings
from playwright.sync_api import expect

from tools.servers import free_port

from .conftest import check_page, log_in

DEMO_PASSWORD = "twofold-demo"
TECHNICAL_PAGE = ("URLconf", "Using the URLconf", "DEBUG = True", "Traceback", "Page not found at")


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """bin/run on a free port and a database file of its own; yields its
    URL and the database's path. The whole process group (the script, the
    server, the task worker) is stopped at the end."""
    database = tmp_path_factory.mktemp("make-run") / "db.sqlite3"
    port = free_port()
    # The environment of someone's terminal: nothing of this test run's own.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    for key in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ALLOWED_HOSTS", "HTTPS", "EMAIL_BACKEND"):
        env.pop(key, None)
    # Its static files go beside its database, so a suite running at the same
    # time (.ci/run runs SQLite and PostgreSQL side by side) keeps its own.
    env.update(DATABASE_URL=f"sqlite:///{database}", PORT=str(port), STATIC_ROOT=str(database.with_name("static")))
    log = open(database.with_name("run.log"), "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        ["bin/run"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, database.with_name("run.log").read_text()
            assert time.monotonic() < deadline, "bin/run did not serve within 3 minutes"
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        yield url, database
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def run_page(browser, make_run):
    contexts, errors = [], []

    def make():
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=make_run[0])
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def is_twofolds_own_404(page, response):
    body = page.content()
    assert response.status == 404
    expect(page.get_by_role("heading", name="This page is not available")).to_be_visible()
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    assert not [words for words in TECHNICAL_PAGE if words in body]
    # Styled: whitenoise serves the hashed stylesheet with DEBUG off.
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily") != "Times New Roman"
    check_page(page, "404")


def test_make_run_serves_with_debug_off_and_its_own_404(make_run, run_page):
    url, _ = make_run
    assert httpx.get(f"{url}/static/css/twofold.css").status_code == 200

    visitor = run_page()
    is_twofolds_own_404(visitor, visitor.goto("/no-such-page/"))


def test_a_together_bookmark_after_an_unlink_is_twofolds_own_404(make_run, run_page):
    alex = run_page()
    log_in(alex, "alex@example.com", DEMO_PASSWORD)
    alex.goto("/history/")
    alex.get_by_role("link", name="Closeness, then distance").first.click()
    alex.get_by_role("link", name="Go through it together, one question at a time").click()
    alex.wait_for_url("**/together/**")
    bookmark = alex.url

    alex.goto("/partner/unlink/")
    alex.get_by_role("button", name="Unlink from Riley").click()
    alex.wait_for_url("**/partner/")

    is_twofolds_own_404(alex, alex.goto(bookmark))


def test_a_used_invitation_link_is_not_a_technical_page(make_run, run_page):
    url, database = make_run
    with sqlite3.connect(database) as connection:
        (token,) = connection.execute("SELECT token FROM accounts_invitation WHERE used_at IS NOT NULL").fetchone()

    jordan = run_page()
    log_in(jordan, "jordan@example.com", DEMO_PASSWORD)
    response = jordan.goto(f"/partner/join/{token}/")

    assert response.status < 500
    assert not [words for words in TECHNICAL_PAGE if words in jordan.content()]
    check_page(jordan, "a used invitation")


def test_the_icon_and_the_manifest_answer_as_a_phone_asks_for_them(make_run, run_page):
    url, _ = make_run
    icon = httpx.get(f"{url}/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200 and icon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}

    visitor = run_page()
    visitor.goto("/")
    manifest_url = visitor.locator('link[rel="manifest"]').get_attribute("href")
    manifest = httpx.get(f"{url}{manifest_url}").json()
    assert manifest["name"] == "Twofold"
    for icon in manifest["icons"]:
        assert httpx.get(f"{url}{icon['src']}").status_code == 200, icon
    assert httpx.get(f"{url}{visitor.locator('link[rel=apple-touch-icon]').get_attribute('href')}").status_code == 200


def test_make_run_pushes_a_partners_progress_to_the_open_page(make_run, run_page):
    """`make run` serves as production does (Django under ASGI): Sam's open
    reflection page hears Robin answer one more question, within 2 seconds."""
    robin, sam = run_page(), run_page()
    log_in(robin, "robin@example.com", DEMO_PASSWORD)
    log_in(sam, "sam@example.com", DEMO_PASSWORD)
    links = robin.locator(".reflection-list a").evaluate_all("links => links.map(link => link.pathname)")
    for path in links:
        robin.goto(path)
        if robin.locator("textarea").count():
            empty = robin.locator("textarea").evaluate_all("boxes => boxes.findIndex(box => !box.value)")
            if empty >= 0:
                break
    else:
        pytest.fail("the demo has no question Robin has left unanswered")
    sam.goto(path)
    sam.locator("body[data-stream=listening]").wait_for()
    before = int(re.search(r"Robin has answered (\d+)", sam.locator("#live-status").inner_text()).group(1))

    prompt = robin.locator("fieldset.prompt").filter(has=robin.locator("textarea")).nth(empty)
    prompt.locator("textarea").fill("Robin, live")
    prompt.locator(".save-status").get_by_text("Saved.").wait_for()

    sam.get_by_text(f"Robin has answered {before + 1} of").wait_for(timeout=2_000)
