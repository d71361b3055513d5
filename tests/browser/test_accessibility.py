"""Every page, as each kind of visitor, in light and dark mode: axe-core finds
no WCAG 2.x A/AA violation, and nothing scrolls sideways at 320 px (which is
also a 640 px window at 200 % zoom)."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import coach_profile_save, couple_unlink, invitation_create
from checkins.services import checkin_accept, checkin_propose, round_open
from practice.notes import note_save
from practice.programmes import programme_assign, programme_save, step_save
from reflections.services import readiness_set, reflection_start
from tests.checkins.conftest import set_prompts
from tests.conftest import answer_all, coach_link, link, make_article, make_coach_article, reveal
from tests.test_persona import all_url_patterns

from .asgi_server import elsewhere
from .conftest import PASSWORD, check_accessibility, check_page, log_in, make_person

NARROW = {"width": 320, "height": 800}
# Pages that need arguments, with where to find real ones in the cast.
PAGES_WITH_ARGUMENTS = {
    "library:article",
    "reflections:reflection",
    "accounts:invitation_accept",
    "account_reset_password_from_key",
    "checkins:checkin_trend",
    "checkins:checkin_change",
    "checkins:checkin_stop",
}


@pytest.fixture
def cast(library):
    """Alice has a past couple (archived reflection) and is now linked with
    Bob, with reflections she is answering, is waiting on, and has revealed,
    and a running check-in: one round revealed (so the trend has charts),
    the next one open."""
    alice, bob, carol, dan = (make_person(n) for n in ["Alice", "Bob", "Carol", "Dan"])
    demo, second, third, fourth = library[0], make_article(), make_article(), make_article()

    def made():
        past = link(alice, dan)
        archived = reflection_start(article=demo, by=alice)
        answer_all(archived, alice)
        couple_unlink(couple=past, by=dan)
        link(alice, bob)
        answering = reflection_start(article=demo, by=alice)
        waiting = reflection_start(article=second, by=alice)
        answer_all(waiting, alice)
        readiness_set(reflection=waiting, user=alice)
        revealed = reflection_start(article=third, by=bob)
        for person in (alice, bob):
            answer_all(revealed, person)
            readiness_set(reflection=revealed, user=person)
        checkin = checkin_propose(
            by=alice, title="How connected we feel", cadence=7, weekday=6, prompts=set_prompts(), set_slug="connected"
        )
        checkin = checkin_accept(checkin=checkin, by=bob)
        revealed_round = reveal(round_open(checkin.pk, today=checkin.next_round_on).reflection, alice, bob)
        checkin.refresh_from_db()
        open_round = round_open(checkin.pk, today=checkin.next_round_on).reflection
        return [answering, waiting, revealed, archived, revealed_round, open_round], checkin

    reflections, checkin = elsewhere(made)

    arguments = {
        "library:article": [{"slug": a.slug} for a in (demo, fourth)],
        "reflections:reflection": [{"pk": r.pk} for r in reflections],
        "accounts:invitation_accept": [{"token": invitation_create(inviter=carol).token}],
        "account_reset_password_from_key": [{"uidb36": "0", "key": "expired-key"}],
        **dict.fromkeys(
            ["checkins:checkin_trend", "checkins:checkin_change", "checkins:checkin_stop"], [{"pk": checkin.pk}]
        ),
    }
    return {"alice": alice, "carol": carol, "arguments": arguments}


# An open page's event stream never ends, and is no page.
EVENT_STREAMS = {"reflections:home_events", "reflections:reflection_events"}


def page_urls(arguments):
    """Every GET page of the project and of allauth (the admin is Django's)."""
    urls = []
    names = {name for name, _ in all_url_patterns()}
    assert names >= PAGES_WITH_ARGUMENTS, f"no such URL names: {PAGES_WITH_ARGUMENTS - names}"
    for name, params in sorted(set((n, frozenset(p)) for n, p in all_url_patterns())):
        if name.startswith("admin:") or name in EVENT_STREAMS:
            continue
        if not params:
            urls.append(reverse(name))
        elif name in PAGES_WITH_ARGUMENTS:
            urls += [reverse(name, kwargs=kwargs) for kwargs in arguments[name]]
    return urls + ["/no-such-page/"]


def sweep(page, urls):
    """Visit each URL and check every HTML page that comes back."""
    checked = 0
    for url in urls:
        probe = page.request.get(url, max_redirects=0)
        if probe.status == 405 or "attachment" in probe.headers.get("content-disposition", ""):
            continue  # a POST-only endpoint or a download, not a page
        response = page.goto(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        check_page(page, f"{url} (ended at {page.url})")
        checked += 1
    return checked


@pytest.mark.parametrize(("scheme", "language"), [("light", "en"), ("dark", "en"), ("light", "es")])
def test_every_page_passes_axe_for_a_partner(new_page, cast, scheme, language):
    """Spanish too: its longer words must still fit at 320 px, and its pages
    say their language (<html lang>)."""
    User.objects.filter(pk=cast["alice"].pk).update(language=language)
    page = new_page(viewport=NARROW, color_scheme=scheme)
    log_in(page, cast["alice"].email)
    # Confirm the password once, so the pages behind allauth's reauthentication
    # (adding an authenticator app or a passkey, recovery codes) are checked too.
    page.goto("/accounts/reauthenticate/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "reauthenticate" not in url)
    urls = [u for u in page_urls(cast["arguments"]) if "logout" not in u]
    assert sweep(page, urls) >= 18
    # The trend's tables sit in closed <details>, where axe does not look: open them.
    page.goto(reverse("checkins:checkin_trend", kwargs=cast["arguments"]["checkins:checkin_trend"][0]))
    for summary in page.locator("details > summary").all():
        summary.click()
    check_page(page, "the trend with its numbers open")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_for_someone_without_a_partner(new_page, cast, scheme):
    page = new_page(viewport=NARROW, color_scheme=scheme)
    log_in(page, cast["carol"].email)
    page.get_by_role("link", name="Partner", exact=True).click()
    page.get_by_role("button", name="Revoke this invitation").click()
    page.get_by_role("button", name="Create an invitation").wait_for()
    check_page(page, "partner page without an invitation")
    page.get_by_role("button", name="Create an invitation").click()
    assert sweep(page, ["/", "/partner/", "/partner/join/", "/checkins/", "/accounts/logout/"]) == 5


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_for_a_visitor(new_page, cast, scheme):
    page = new_page(viewport=NARROW, color_scheme=scheme)
    assert sweep(page, page_urls(cast["arguments"])) >= 10


@pytest.fixture
def coach_cast(library):
    """Morgan coaches Alice and Bob, who run Morgan's three-step programme:
    step 1 revealed, step 2 half answered, a check-in still to come; and
    Morgan keeps a note on them, and an article of Morgan's own with its
    Spanish translation. The coach's pages, each with something on it."""
    morgan, alice, bob = make_person("Morgan"), make_person("Alice"), make_person("Bob")
    second = make_article()

    def made():
        coach_profile_save(user=morgan, name="Morgan Lee", practice="Lee Couples Practice")
        couple = link(alice, bob)
        coach_link(morgan, alice, bob)
        programme = programme_save(coach=morgan, title="Closer in six weeks", summary="For new clients.")
        steps = [
            step_save(programme=programme, kind="article", article=library[0], note="Take it slowly."),
            step_save(programme=programme, kind="article", article=second),
            step_save(programme=programme, kind="checkin", checkin_set_slug="connected", release="days", days=30),
        ]
        enrolment = programme_assign(coach=morgan, programme=programme, couple=couple)
        reveal(enrolment.releases.get().reflection, alice, bob)
        answer_all(enrolment.releases.get(number=2).reflection, alice)
        note = note_save(coach=morgan, couple=couple, text="Ask about the move.", written_on=date(2026, 3, 14))
        own = make_coach_article(morgan, title="After the closeness")
        own.translations = {"es": {"title": "Después de la cercanía", "summary": "Con mis palabras."}}
        own.save(update_fields=["translations"])
        return [
            "/coach/",
            "/coach/programmes/",
            "/coach/programmes/new/",
            reverse("coach:programme", args=[programme.pk]),
            reverse("coach:programme_delete", args=[programme.pk]),
            *(reverse("coach:step", args=[step.pk]) for step in steps),
            reverse("coach:step_delete", args=[steps[0].pk]),
            reverse("coach:enrolment_end", args=[enrolment.pk]),
            reverse("coach:couple", args=[couple.pk]),
            reverse("coach:note", args=[note.pk]),
            reverse("coach:note_delete", args=[note.pk]),
            "/coach/intake/",
            "/coach/export/",
            reverse("coach:article", args=[own.pk]),
            reverse("coach:article_translation", args=[own.pk, "es"]),
            reverse("coach:article_translation_remove", args=[own.pk, "es"]),
        ]

    return morgan, elsewhere(made)


@pytest.mark.parametrize(("scheme", "language"), [("light", "en"), ("dark", "en"), ("light", "es")])
def test_every_page_of_a_coachs_practice_passes_axe(new_page, coach_cast, scheme, language):
    morgan, urls = coach_cast
    User.objects.filter(pk=morgan.pk).update(language=language)
    page = new_page(viewport=NARROW, color_scheme=scheme)
    log_in(page, morgan.email)
    # Each is the page itself, not a redirect to the profile or a 404.
    assert [page.request.get(url, max_redirects=0).status for url in urls] == [200] * len(urls)
    assert sweep(page, urls) == len(urls)


@pytest.mark.parametrize("template", ["400.html", "403.html", "403_csrf.html", "500.html"])
def test_error_pages_pass_axe(new_page, live_server, template):
    page = new_page(viewport=NARROW)
    page.goto("/")  # so that the stylesheet resolves
    page.set_content(render_to_string(template, {"request": None}))
    check_page(page, template)


def test_forms_with_errors_pass_axe(new_page, cast):
    page = new_page(viewport=NARROW)
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Sign up", exact=True).click()
    check_page(page, "sign-up form with errors")
    log_in(page, cast["carol"].email)
    page.goto("/partner/join/")
    page.get_by_label("Invitation code").fill("nope")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("A code has 8 letters and digits")).to_be_visible()
    check_page(page, "invitation code with an error")
    page.goto("/checkins/new/")
    page.get_by_label("Our own, from the question bank").check()
    page.get_by_role("button", name="Propose it").click()
    expect(page.get_by_text("Give your check-in a name.")).to_be_visible()
    check_page(page, "check-in proposal with errors")


def test_the_accessibility_check_catches_a_violation(new_page, live_server):
    """The checker itself: an image without alt text must fail it."""
    page = new_page()
    page.goto("/")
    page.set_content('<html lang="en"><title>t</title><main><img src="/x.png"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
