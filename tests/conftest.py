"""The fixed cast: alice and bob (partners), carol (a stranger), staff.
Small factories build everything else through the real services."""

import itertools

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import invitation_accept, invitation_create
from reflections.models import Article, Prompt, PromptKind
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
    between real connections). They run in `make test-postgres`, which CI runs."""
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: runs in `make test-postgres` (CI runs it)")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers take a third of a second per user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
