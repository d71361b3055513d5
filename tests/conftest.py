"""The fixed cast: alice and bob (partners), carol (a stranger), staff.
Small factories build everything else through the real services."""

import itertools
import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import invitation_accept, invitation_create
from library.models import Article, Prompt, PromptKind
from reflections.services import answer_save, reflection_start

PASSWORD = "correct-horse-battery-staple"
_article_numbers = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(name, **fields):
        email = f"{name.lower()}@example.com"
        user = User.objects.create_user(email, password=PASSWORD, display_name=name, **fields)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def alice(make_user):
    return make_user("Alice")


@pytest.fixture
def bob(make_user):
    return make_user("Bob")


@pytest.fixture
def carol(make_user):
    return make_user("Carol")


@pytest.fixture
def staff(make_user):
    return make_user("Staff", is_staff=True, is_superuser=True)


def link(a, b):
    return invitation_accept(invitation=invitation_create(inviter=a), user=b)


@pytest.fixture
def couple(alice, bob):
    return link(alice, bob)


def make_article(prompts=None, **fields):
    """A published library article with one text, one scale and one choice prompt."""
    n = next(_article_numbers)
    article = Article.objects.create(
        title=fields.pop("title", f"Article {n}"),
        slug=fields.pop("slug", f"article-{n}"),
        source_title="A source",
        source_name="Somewhere",
        source_url="https://example.com/source",
        summary="Our own words.",
        status=Article.Status.PUBLISHED,
        visibility=Article.Visibility.PUBLIC,
        **fields,
    )
    prompts = prompts or [
        {"kind": PromptKind.TEXT, "text": "What did you notice?"},
        {"kind": PromptKind.SCALE, "text": "How close?", "scale_min_label": "Far", "scale_max_label": "Close"},
        {"kind": PromptKind.CHOICE, "text": "Which one?", "choices": ["Tea", "Coffee"]},
    ]
    for order, prompt in enumerate(prompts, 1):
        Prompt.objects.create(article=article, order=order, **prompt)
    return article


@pytest.fixture
def article(db):
    return make_article()


@pytest.fixture
def reflection(couple, article, alice):
    return reflection_start(article=article, by=alice)


def answer_all(reflection, user, text="An answer"):
    """Answer every prompt of `reflection` as `user`; text prompts get `text`."""
    for prompt in reflection.prompts.all():
        if prompt.is_scale:
            answer_save(prompt=prompt, author=user, scale_value=5)
        elif prompt.is_choice:
            answer_save(prompt=prompt, author=user, text=prompt.choices[0])
        else:
            answer_save(prompt=prompt, author=user, text=text)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` prove something SQLite cannot show (row locks
    between real connections). They run in `make test-postgres`, which CI runs,
    unless the marker names another way: @pytest.mark.postgres(run="...")."""
    marker = request.node.get_closest_marker("postgres")
    if marker:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip(f"needs PostgreSQL: runs in {marker.kwargs.get('run', '`make test-postgres`')} (CI runs it)")


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    """Each test starts with no prompt snapshots kept from another test."""
    from django.core.cache import caches

    caches["snapshots"].clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers take a third of a second per user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Coaches. A coach's display name and the name shown to clients differ on
# purpose, so a test can tell which one a page shows.

COACH_NAME = "Sam Rivera"
OTHER_COACH_NAME = "Otto Weiss"


def make_coach(make_user, display_name, profile_name, **profile):
    from accounts.services import coach_profile_save

    user = make_user(display_name)
    coach_profile_save(user=user, name=profile_name, **profile)
    return user


@pytest.fixture
def coach(make_user):
    return make_coach(make_user, "Coachuser", COACH_NAME, practice="Riverside Couples Practice")


@pytest.fixture
def other_coach(make_user):
    return make_coach(make_user, "Othercoach", OTHER_COACH_NAME)


def coach_link(coach, *partners):
    """A coaching invitation from `coach`, accepted by each of `partners`
    (both partners: an active coaching link)."""
    from accounts.services import coaching_accept, coaching_invite_create

    invitation = coaching_invite_create(coach=coach)
    for partner in partners:
        invitation = coaching_accept(link=invitation, user=partner)
    return invitation


@pytest.fixture
def coached(coach, alice, bob, couple):
    """Alice and Bob's active coaching link with `coach`."""
    return coach_link(coach, alice, bob)


def make_coach_article(coach, *, prompts=None, **fields):
    """An article written by `coach` through the authoring services:
    published for clients only unless told otherwise."""
    from coaching.authoring import article_save, prompt_save

    status = fields.pop("status", Article.Status.PUBLISHED)
    article = article_save(
        coach=coach,
        title=fields.pop("title", f"Coach article {next(_article_numbers)}"),
        source_title="A source",
        source_name="Somewhere",
        source_url="https://example.com/source",
        summary="The coach's own words.",
        visibility=fields.pop("visibility", Article.Visibility.CLIENTS),
        **fields,
    )
    for prompt in prompts or [
        {"kind": PromptKind.TEXT, "text": "What stayed with you?"},
        {"kind": PromptKind.SCALE, "text": "How safe?", "scale_min_label": "Not at all", "scale_max_label": "Fully"},
        {"kind": PromptKind.CHOICE, "text": "Which fits?", "choices": ["Near", "Far"]},
    ]:
        prompt_save(article=article, **prompt)
    if status == Article.Status.PUBLISHED:
        article = article_save(coach=coach, article=article, status=status)
    return article


def reveal(reflection, *people):
    """Answer every prompt as each of `people` (text answers say
    "Private words of <Name>") and say ready, so the reflection is revealed."""
    from reflections.services import readiness_set

    for person in people:
        answer_all(reflection, person, text=f"Private words of {person.name}")
    for person in people:
        readiness_set(reflection=reflection, user=person)
    reflection.refresh_from_db()
    return reflection


@pytest.fixture
def dan(make_user):
    return make_user("Dan")


@pytest.fixture
def erin(make_user):
    return make_user("Erin")


@pytest.fixture
def other_couple(dan, erin):
    """A second couple, Dan and Erin, linked after Alice and Bob when both
    are requested (`couple` first)."""
    return link(dan, erin)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Tests run inside a transaction that never commits; this runs what
    would run on commit (queueing emails, the reveal signal) as it happens."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (notification emails) run at once, in the test, so
    that mail.outbox shows what a worker would have sent."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def shows_name(body, name):
    """Whether the page shows `name` as a word: a random CSRF token on the
    page can contain "Bob", a name the page shows stands on its own."""
    return re.search(rf"\b{re.escape(name)}\b", body) is not None
