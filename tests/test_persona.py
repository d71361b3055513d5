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
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import CoachingLink, Invitation
from accounts.services import (
    coach_profile_save,
    coaching_accept,
    coaching_invite_create,
    couple_unlink,
    invitation_create,
)
from notifications.models import Notification
from reflections.authoring import article_save, assignment_create, prompt_save
from reflections.models import Answer, Article, JointNote, Prompt
from reflections.services import (
    answer_save,
    note_save,
    readiness_set,
    reflection_share,
    reflection_start,
    reflection_unshare,
)

from .conftest import link, make_article

# The project's own URL names. Adding a URL means adding it here and to
# url_arguments() if it takes arguments: the persona test must cover it.
PROJECT_URLS = {
    "healthz",
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
    "reflection_share",
    "coach_dashboard",
    "coach_articles",
    "coach_article_new",
    "coach_article",
    "coach_article_delete",
    "coach_article_preview",
    "coach_prompt_new",
    "coach_prompt",
    "coach_prompt_delete",
    "coach_prompt_move",
    "coach_assign",
    "coach_reflection",
    "coach_profile",
    "coach_clients",
    "coaching_invite",
    "coaching_end",
    "coaching_accept",
    "together_start",
    "together",
    "together_talked",
    "notes_save",
    "export_reflection",
    "history",
    "export_mine_markdown",
    "export_mine_json",
    "delete_account",
    "notification_read",
    "notifications_read_all",
    "notification_settings",
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

    planted: set = field(default_factory=set)  # every marker, readable or not

    @property
    def all_markers(self):
        return self.planted


def plant_note(world, reflection, author, *, readers):
    """A joint note with a unique marker that exactly `readers` may read."""
    marker = f"MARKER{uuid.uuid4().hex}"
    world.planted.add(marker)
    note_save(reflection=reflection, user=author, kind="remember", text=f"Our note {marker}", base_version=0)
    for reader in readers:
        world.allowed[reader].add(marker)


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
            world.planted.add(marker)
            answer_save(prompt=prompt, author=author, text=f"Private words {marker}")
            for reader in readers:
                world.allowed[reader].add(marker)


def reveal(reflection, *people):
    for person in people:
        readiness_set(reflection=reflection, user=person)


def coach_for(coach, *couples):
    """An active coaching link per couple (both partners accepted)."""
    for a, b in couples:
        invitation = coaching_invite_create(coach=coach)
        coaching_accept(link=invitation, user=a)
        coaching_accept(link=invitation, user=b)


@pytest.fixture
def world(make_user, staff, carol):
    w = World()
    names = ["alice", "bob", "dan", "erin", "frank", "gina", "coach", "other_coach"]
    users = {name: make_user(name.title()) for name in names}
    w.personas = {**users, "carol": carol, "staff": staff, "anonymous": None}
    w.allowed = {name: set() for name in w.personas}
    w.articles = [make_article(), make_article(), make_article()]
    first, second, third = w.articles
    alice, bob, dan, erin, frank, gina, coach, other_coach = (users[n] for n in names)
    for person in (coach, other_coach):
        coach_profile_save(user=person, name=f"{person.name} Coaching")
        article = article_save(
            coach=person,
            title=f"{person.name}'s article",
            source_title="S",
            source_name="N",
            source_url="https://example.com/s",
            summary="Mine.",
            visibility=Article.Visibility.CLIENTS,
        )
        prompt_save(article=article, kind="text", text="A coach's question?")
        prompt_save(article=article, kind="scale", text="How much?", scale_min_label="No", scale_max_label="Yes")
        w.articles.append(article_save(coach=person, article=article, status=Article.Status.PUBLISHED))

    # Alice and Bob, coached by Coach: a revealed reflection both shared with
    # Coach; another revealed one where Bob took sharing back; an assigned one
    # where Alice is ready.
    link(alice, bob)
    coach_for(coach, (alice, bob))
    revealed = reflection_start(article=first, by=alice)
    plant(w, revealed, alice, readers=["alice", "bob", "coach"])
    plant(w, revealed, bob, readers=["bob", "alice", "coach"])
    reveal(revealed, alice, bob)
    for person in (alice, bob):
        reflection_share(reflection=revealed, user=person, coach=coach)
    plant_note(w, revealed, alice, readers=["alice", "bob", "coach"])
    unshared = reflection_start(article=third, by=bob)
    plant(w, unshared, alice, readers=["alice", "bob"])
    plant(w, unshared, bob, readers=["bob", "alice"])
    reveal(unshared, alice, bob)
    for person in (alice, bob):
        reflection_share(reflection=unshared, user=person, coach=coach)
    reflection_unshare(reflection=unshared, user=bob, coach=coach)
    plant_note(w, unshared, bob, readers=["alice", "bob"])
    (waiting,) = assignment_create(coach=coach, article=second, couples=[alice.memberships.get().couple])
    plant(w, waiting, alice, readers=["alice"])
    readiness_set(reflection=waiting, user=alice)
    plant(w, waiting, bob, readers=["bob"])

    # Dan and Erin, coached by Other Coach: revealed, shared by Dan alone.
    link(dan, erin)
    coach_for(other_coach, (dan, erin))
    theirs = reflection_start(article=first, by=dan)
    plant(w, theirs, dan, readers=["dan", "erin"])
    plant(w, theirs, erin, readers=["erin", "dan"])
    reveal(theirs, dan, erin)
    plant_note(w, theirs, erin, readers=["dan", "erin"])
    reflection_share(reflection=theirs, user=dan, coach=other_coach)

    # Frank and Gina, coached by Coach, shared a revealed reflection, left
    # one open, then unlinked (P4): sharing ends with the couple.
    ended = link(frank, gina)
    coach_for(coach, (frank, gina))
    was_shared = reflection_start(article=first, by=frank)
    plant(w, was_shared, frank, readers=["frank"])
    plant(w, was_shared, gina, readers=["gina"])
    reveal(was_shared, frank, gina)
    for person in (frank, gina):
        reflection_share(reflection=was_shared, user=person, coach=coach)
    plant_note(w, was_shared, frank, readers=[])  # closed for both once they unlink
    never_shared = reflection_start(article=second, by=gina)
    plant(w, never_shared, frank, readers=["frank"])
    plant(w, never_shared, gina, readers=["gina"])
    readiness_set(reflection=never_shared, user=gina)
    couple_unlink(couple=ended, by=gina)

    # Open invitations: Carol's, Frank's (single again), and a coach's.
    w.invitations = [invitation_create(inviter=carol), invitation_create(inviter=frank)]
    coaching_invite_create(coach=coach)
    w.reflections = [revealed, unshared, waiting, theirs, was_shared, never_shared]
    assert Answer.objects.count() == 12 * 3
    return w


def url_arguments(name, world):
    """Every argument set to request `name` with: real ids from the world."""
    reflections = [{"pk": r.pk} for r in world.reflections]
    articles = [{"pk": a.pk} for a in world.articles]
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
        "reflection_share": reflections,
        "coach_reflection": reflections,
        "coach_article": articles,
        "coach_article_delete": articles,
        "coach_article_preview": articles,
        "coach_prompt_new": articles,
        "coach_prompt": [{"pk": pk} for pk in Prompt.objects.values_list("pk", flat=True)],
        "coach_prompt_delete": [{"pk": pk} for pk in Prompt.objects.values_list("pk", flat=True)],
        "coach_prompt_move": [{"pk": pk} for pk in Prompt.objects.values_list("pk", flat=True)],
        "coaching_end": [{"pk": pk} for pk in CoachingLink.objects.values_list("pk", flat=True)],
        "coaching_accept": [{"token": t} for t in CoachingLink.objects.values_list("token", flat=True)],
        "together_start": reflections,
        "together": [{"pk": r.pk, "number": n} for r in world.reflections for n in (1, 3)],
        "together_talked": [{"pk": r.pk, "number": 1} for r in world.reflections],
        "notes_save": reflections,
        "export_reflection": reflections,
        "notification_read": [{"pk": pk} for pk in Notification.objects.values_list("pk", flat=True)],
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


def all_url_patterns(patterns=None, namespace="", outer=frozenset()):
    """(full name, parameter names) of every named URL pattern, including
    parameters of the includes it sits in (allauth's webauthn keys/<pk>/...)."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_patterns(entry.url_patterns, inner, outer | set(entry.pattern.regex.groupindex))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", outer | set(entry.pattern.regex.groupindex)


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
    allauth = ("account_", "mfa_", "usersessions_")
    own = {name for name, _ in all_url_patterns() if ":" not in name and not name.startswith(allauth)}
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
        texts += " ".join(JointNote.objects.visible_to(user).values_list("text", flat=True))
        assert {m for m in world.all_markers if m in texts} == world.allowed[persona], persona


@pytest.mark.django_db
def test_the_gate_within_one_reflection_agrees_with_the_gate(world):
    """visible_in (the gate's SQL, compiled once per kind of reader) reads
    exactly what visible_to reads, for every persona in every reflection."""
    for persona, user in world.personas.items():
        viewer = user or AnonymousUser()
        for reflection in world.reflections:
            for model, within in ((Answer, "prompt__reflection"), (JointNote, "reflection")):
                expected = sorted(model.objects.visible_to(viewer).filter(**{within: reflection}).values_list("pk"))
                got = sorted((row.pk,) for row in model.objects.visible_in(reflection, viewer))
                assert got == expected, f"{persona}, {model.__name__}s of {reflection}"


@pytest.mark.django_db
def test_the_gate_within_one_reflection_refuses_a_filtered_queryset(world):
    alice = world.personas["alice"]
    with pytest.raises(TypeError):
        Answer.objects.filter(author=alice).visible_in(world.reflections[0], alice)
