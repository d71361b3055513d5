"""Browser tests: Playwright driving Debian's Chromium against a live server
(asgi_server.py: Django under ASGI, as in production).

Without Chromium (or Playwright, or axe-core) `make test` skips them with one
line saying how to enable them; with CI=true a missing piece is a failure.
"""

import json
import os
import re
import threading
import weakref
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db.backends.signals import connection_created

from accounts.models import User
from library.content import library_load
from library.models import Article

from .asgi_server import AsgiLiveServer

# The Playwright sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Logical structure: axe files these under best practice, we hold pages to them.
STRUCTURE_RULES = ["heading-order", "page-has-heading-one", "landmark-one-main", "region", "skip-link"]
PASSWORD = "a-long-enough-passphrase-93"
PHONE = {"width": 390, "height": 844}
NO_JAVASCRIPT = weakref.WeakSet()  # pages opened with JavaScript off
DESKTOP = {"width": 1280, "height": 900}


def _missing_piece():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs requirements.txt)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm install)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing_piece()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are mandatory in CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}; install it and run make test again")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """Takes the place of pytest-django's (whose helper still gives each
    test that uses it a transactional database)."""
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh contexts (separate cookies): one per person."""
    contexts, errors = [], []

    def make(*, viewport=PHONE, javascript=True, **options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if not javascript:
            NO_JAVASCRIPT.add(page)
        page.on("pageerror", lambda error: errors.append(error))
        # A Content-Security-Policy violation shows up as a console error.
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and errors.append(message.text),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(autouse=True)
def _fresh_state(db):
    """allauth counts attempts in the cache; every test starts from zero."""
    cache.clear()
    mail.outbox = []
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _one_in_memory_database():
    """On SQLite every thread of the live server must be handed the test's
    one connection (asgi_server.py). A thread that opens its own reaches
    the same in-memory database through SQLite's shared cache, where two
    connections writing and reading one table fail at once with "database
    table is locked", now and then: a flaky test, not a failing one."""
    opened_elsewhere = []

    def created(sender, connection, **kwargs):
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        if in_memory and threading.current_thread() is not threading.main_thread():
            opened_elsewhere.append(threading.current_thread().name)

    connection_created.connect(created, weak=False, dispatch_uid="tests.browser.one_in_memory_database")
    yield
    connection_created.disconnect(dispatch_uid="tests.browser.one_in_memory_database")
    assert not opened_elsewhere, f"a connection of its own opened in {opened_elsewhere}"


@pytest.fixture
def library(transactional_db):
    """The whole library loaded; the list holds the guide the tests answer."""
    library_load()
    return [Article.objects.get(slug="closeness-then-distance")]


def check_accessibility(page, context=""):
    """axe-core with the WCAG 2.0/2.1/2.2 A and AA rules: zero violations."""
    if page in NO_JAVASCRIPT:
        # JavaScript is off in this page: check the same HTML in a page where it is on.
        scratch = page.context.browser.new_page(viewport=page.viewport_size)
        try:
            scratch.goto(page.url)
            scratch.set_content(page.content())
            return check_accessibility(scratch, context)
        finally:
            scratch.close()
    # Evaluated through the browser's debugging protocol, so a strict
    # Content-Security-Policy (rightly) cannot stop it, as it would a <script>.
    page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate(
        """async ([tags, rules]) => {
          const only = (type, values) => ({runOnly: {type, values}, resultTypes: ['violations']});
          const wcag = await axe.run(document, only('tag', tags));
          const structure = await axe.run(document, only('rule', rules));
          return {violations: wcag.violations.concat(structure.violations)};
        }""",
        [AXE_TAGS, STRUCTURE_RULES],
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"{context or page.url}: " + json.dumps(problems, indent=1)


def check_no_horizontal_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def check_page(page, context=""):
    check_accessibility(page, context)
    check_no_horizontal_scroll(page)


def screenshot(page, name):
    """Saved for the README when SCREENSHOTS_DIR is set (make screenshots)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def sent_code(email):
    message = [m for m in mail.outbox if email in m.to][-1]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)


def sign_up(page, name, email):
    page.goto("/accounts/signup/")
    check_page(page, "sign up")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_url("**/accounts/confirm-email/**")
    check_page(page, "confirm email code")
    page.get_by_label("Code").fill(sent_code(email))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def log_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def make_person(name):
    """A verified account made directly, for tests that are not about signing up."""
    from allauth.account.models import EmailAddress

    email = f"{name.lower()}@example.com"
    user = User.objects.create_user(email, password=PASSWORD, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
