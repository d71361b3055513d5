"""The persona test: every URL in the project × every persona × GET and
htmx GET, with a unique marker planted in every text answer. A response
may contain only the markers its persona is allowed to read (P1–P6), and
every allowed marker must show up somewhere (so the test can see).

A new URL must be added to PROJECT_URLS and, if it takes arguments, to
url_arguments(); the test fails until it is.
"""

import uuid
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation
from accounts.services import couple_unlink, invitation_create
from reflections.models import Answer
from reflections.services import answer_save, readiness_set, reflection_start

from .conftest import link, make_article

# The project's own URL names. Adding a URL means adding it here and to
# url_arguments() if it takes arguments: the persona test must cover it.
PROJECT_URLS = {
    "home",
    "library",
    "article",
    "reflection_start",
    "reflection",
    "reflection_live_status",
    "answers_save",
    "ready",
    "withdraw",
    "partner",
    "invitation_new",
    "invitation_revoke",
    "invitation_enter_code",
    "invitation_accept",
    "unlink",
}

# Arguments for third-party URLs that never show answers; any value will do.
THIRD_PARTY_ARGUMENTS = {"key": ["not-a-real-key"], "uidb36": ["1"], "pk": ["1"], "object_id": ["1"]}


@dataclass
class World:
    personas: dict = field(default_factory=dict)  # name -> user or None (anonymous)
    allowed: dict = field(default_factory=dict)  # name -> set of markers it may read
    reflections: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    invitations: list = field(default_factory=list)

    @property
    def all_markers(self):
        return set().union(*self.allowed.values())


def plant(world, reflection, author, *, readers):
    """Answer every prompt; each text answer carries a unique marker that
    exactly `readers` (persona names) may read."""
    for prompt in reflection.prompts.all():
        if prompt.is_scale:
            answer_save(prompt=prompt, author=author, scale_value=3)
        elif prompt.is_choice:
            answer_save(prompt=prompt, author=author, text=prompt.choices[1])
        else:
            marker = f"MARKER{uuid.uuid4().hex}"
            answer_save(prompt=prompt, author=author, text=f"Private words {marker}")
            for reader in readers:
                world.allowed[reader].add(marker)


@pytest.fixture
def world(make_user, staff, carol):
    w = World()
    names = ["alice", "bob", "dan", "erin", "frank", "gina"]
    users = {name: make_user(name.title()) for name in names}
    w.personas = {**users, "carol": carol, "staff": staff, "anonymous": None}
    w.allowed = {name: set() for name in w.personas}
    w.articles = [make_article(), make_article()]
    first, second = w.articles
    alice, bob, dan, erin, frank, gina = (users[n] for n in names)

    # Alice and Bob: one revealed reflection, one open where Alice is ready.
    link(alice, bob)
    revealed = reflection_start(article=first, by=alice)
    plant(w, revealed, alice, readers=["alice", "bob"])
    plant(w, revealed, bob, readers=["bob", "alice"])
    readiness_set(reflection=revealed, user=alice)
    readiness_set(reflection=revealed, user=bob)
    waiting = reflection_start(article=second, by=bob)
    plant(w, waiting, alice, readers=["alice"])
    readiness_set(reflection=waiting, user=alice)
    plant(w, waiting, bob, readers=["bob"])

    # Dan and Erin: another couple with a revealed reflection.
    link(dan, erin)
    theirs = reflection_start(article=first, by=dan)
    plant(w, theirs, dan, readers=["dan", "erin"])
    plant(w, theirs, erin, readers=["erin", "dan"])
    readiness_set(reflection=theirs, user=dan)
    readiness_set(reflection=theirs, user=erin)

    # Frank and Gina revealed one, left one open, then unlinked (P4).
    ended = link(frank, gina)
    was_shared = reflection_start(article=first, by=frank)
    plant(w, was_shared, frank, readers=["frank"])
    plant(w, was_shared, gina, readers=["gina"])
    readiness_set(reflection=was_shared, user=frank)
    readiness_set(reflection=was_shared, user=gina)
    never_shared = reflection_start(article=second, by=gina)
    plant(w, never_shared, frank, readers=["frank"])
    plant(w, never_shared, gina, readers=["gina"])
    readiness_set(reflection=never_shared, user=gina)
    couple_unlink(couple=ended, by=gina)

    # Carol has an open invitation; Frank has one too, now that he is single.
    w.invitations = [invitation_create(inviter=carol), invitation_create(inviter=frank)]
    w.reflections = [revealed, waiting, theirs, was_shared, never_shared]
    assert Answer.objects.count() == 10 * 3
    return w


def url_arguments(name, world):
    """Every argument set to request `name` with: real ids from the world."""
    project = {
        "article": [{"slug": a.slug} for a in world.articles],
        "reflection_start": [{"slug": a.slug} for a in world.articles],
        "reflection": [{"pk": r.pk} for r in world.reflections],
        "reflection_live_status": [{"pk": r.pk} for r in world.reflections],
        "answers_save": [{"pk": r.pk} for r in world.reflections],
        "ready": [{"pk": r.pk} for r in world.reflections],
        "withdraw": [{"pk": r.pk} for r in world.reflections],
        "invitation_revoke": [{"pk": i.pk} for i in world.invitations],
        "invitation_accept": [{"token": i.token} for i in Invitation.objects.all()],
    }
    return project.get(name)


def admin_arguments(name, params):
    """Admin URLs: object ids of every registered model's rows."""
    if "app_label" in params:
        return [{"app_label": label} for label in {m._meta.app_label for m in admin.site._registry}]
    if "object_id" in params and "content_type_id" not in params:
        for model in admin.site._registry:
            if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
                return [{"object_id": str(pk)} for pk in model.objects.values_list("pk", flat=True)] or [
                    {"object_id": "1"}
                ]
    return [dict.fromkeys(params, "1")]


def all_url_patterns(patterns=None, namespace=""):
    """(full name, parameter names) of every named URL pattern."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", set(entry.pattern.regex.groupindex)


def requests_to_make(world):
    for name, params in sorted(set((n, frozenset(p)) for n, p in all_url_patterns())):
        if not params:
            yield name, reverse(name)
            continue
        if name.startswith("admin:"):
            argument_sets = admin_arguments(name, params)
        elif name in PROJECT_URLS:
            argument_sets = url_arguments(name, world)
            assert argument_sets, f"persona test: give real arguments for {name!r} in url_arguments()"
        else:
            argument_sets = [{p: THIRD_PARTY_ARGUMENTS.get(p, ["x"])[0] for p in params}]
        for kwargs in argument_sets:
            yield name, reverse(name, kwargs=kwargs)


def test_persona_test_knows_every_project_url():
    own = {name for name, _ in all_url_patterns() if ":" not in name and not name.startswith(("account_", "mfa_"))}
    assert own == PROJECT_URLS, "a new URL must join the persona test"


@pytest.mark.django_db
def test_no_persona_reads_an_answer_it_may_not(client, world):
    seen = {name: set() for name in world.personas}
    requests = list(requests_to_make(world))
    assert len(requests) > 50
    for persona, user in world.personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, url in requests:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                assert response.status_code < 500, f"{persona} GET {url} ({name}) -> {response.status_code}"
                body = response.content.decode(errors="replace")
                found = {m for m in world.all_markers if m in body}
                leaked = found - world.allowed[persona]
                assert not leaked, f"{persona} read {len(leaked)} answer(s) they may not at {url} ({name})"
                seen[persona] |= found
    for persona in world.personas:
        assert seen[persona] == world.allowed[persona], f"{persona} could not read all they may"


@pytest.mark.django_db
def test_world_gives_each_persona_what_the_gate_gives(world):
    """The gate and the test's own oracle agree marker by marker."""
    for persona, user in world.personas.items():
        if user is None:
            continue
        texts = " ".join(Answer.objects.visible_to(user).values_list("text", flat=True))
        assert {m for m in world.all_markers if m in texts} == world.allowed[persona], persona
