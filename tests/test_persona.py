"""The persona test: every URL in the project × every persona × GET, htmx
GET, a valid POST and each invalid POST (plain and htmx), each with the
status the rules in EXPECTED give it, and a unique marker planted in every
text answer and note. A response may contain only the markers its persona
is allowed to read (P1–P6), and every allowed marker must show up somewhere
(so the test can see). A form that comes back unsaved (a conflict, a
refusal, a field in error) says what is wrong and shows again what was
typed, never a password.

A new URL must be added to PROJECT_URLS, to EXPECTED and, if it takes
arguments, to url_arguments(); one that takes a POST, to INVALID_POSTS
(and, if it reads fields, to VALID_POSTS). The test fails until it is.
"""

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import AsyncClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import CoachingLink, Invitation, User
from accounts.services import (
    coach_profile_save,
    coaching_accept,
    coaching_invite_create,
    couple_unlink,
    invitation_create,
)
from checkins.services import checkin_accept, checkin_propose, checkin_share, round_open
from checkins.sets import checkin_set
from coaching.authoring import article_save, assignment_create, prompt_save
from conversation.models import REPLY_MAX_LENGTH, ConversationQuerySet, JointNote, JointNoteQuerySet, Reaction, Reply
from conversation.services import follow_up_start, note_save, reaction_set, reply_create, talked_toggle
from core.errors import DomainError
from library.models import Article, BankQuestion, Prompt, PromptKind, Theme
from notifications.models import Notification
from practice.intake import intake_consent_give, intake_revealed, intake_set
from practice.models import CoachNote, CoachNoteQuerySet, IntakeRound, Step
from practice.notes import note_save as coach_note_save
from practice.programmes import programme_assign, programme_save, step_save
from reflections import access, selectors
from reflections.access import Stage, access_to
from reflections.models import ANSWER_MAX_LENGTH, Answer, AnswerQuerySet, Reflection, ReflectionPrompt, shared_view_open
from reflections.services import (
    answer_save,
    article_bring,
    readiness_set,
    readiness_withdraw,
    reflection_share,
    reflection_start,
    reflection_unshare,
)

from .conftest import PASSWORD, link, make_article
from .live_streams import Stream, first_events

# The project's own URL names. Adding a URL means adding it here and to
# url_arguments() if it takes arguments: the persona test must cover it.
PROJECT_URLS = {
    "healthz",
    "favicon",
    "manifest",
    "reflections:home",
    "library:index",
    "reflections:article_bring",
    "library:article",
    "reflections:reflection_start",
    "reflections:reflection",
    "reflections:live_status",
    "reflections:reflection_events",
    "reflections:home_events",
    "reflections:answers_save",
    "reflections:readiness_set",
    "reflections:readiness_withdraw",
    "reflections:reflection_share",
    "reflections:reflection_unshare",
    "conversation:together_start",
    "conversation:together",
    "conversation:talked_toggle",
    "conversation:note_save",
    "conversation:follow_up_start",
    "conversation:reply_create",
    "conversation:reaction_set",
    "conversation:reply_edit",
    "conversation:reply_delete",
    "conversation:conversation_live",
    "conversation:reflection_export",
    "reflections:history",
    "conversation:answers_export",
    "conversation:answers_export_markdown",
    "conversation:answers_export_json",
    "accounts:partner",
    "accounts:invitation_create",
    "accounts:invitation_revoke",
    "accounts:invitation_code",
    "accounts:invitation_accept",
    "accounts:couple_unlink",
    "accounts:account_delete",
    "accounts:language",
    "notifications:notification_mark_read",
    "notifications:notifications_mark_all_read",
    "notifications:email_preferences",
    "coach:dashboard",
    "coach:profile",
    "coach:clients",
    "coach:coaching_invite_create",
    "coach:coaching_end",
    "coach:coaching_accept",
    "coach:articles",
    "coach:article_new",
    "coach:article",
    "coach:article_translation",
    "coach:article_translation_remove",
    "coach:article_delete",
    "coach:article_preview",
    "coach:prompt_new",
    "coach:prompts_from_bank",
    "coach:prompt",
    "coach:prompt_delete",
    "coach:prompt_move",
    "coach:assignment_create",
    "coach:shared_reflection",
    "coach:checkin_propose",
    "coach:checkin_trend",
    "coach:intake",
    "coach:intake_consent",
    "coach:couple",
    "coach:note_new",
    "coach:note",
    "coach:note_delete",
    "coach:export",
    "coach:export_markdown",
    "coach:export_json",
    "coach:programmes",
    "coach:programme_new",
    "coach:programme",
    "coach:programme_delete",
    "coach:step_new",
    "coach:programme_assign",
    "coach:step",
    "coach:step_delete",
    "coach:step_move",
    "coach:enrolment_pause",
    "coach:enrolment_resume",
    "coach:enrolment_end",
    "checkins:checkin",
    "checkins:checkin_propose",
    "checkins:checkin_change",
    "checkins:checkin_accept",
    "checkins:checkin_decline",
    "checkins:checkin_pause",
    "checkins:checkin_resume",
    "checkins:checkin_stop",
    "checkins:checkin_share",
    "checkins:checkin_unshare",
    "checkins:checkin_trend",
}
PROJECT_NAMESPACES = (
    "reflections:",
    "library:",
    "checkins:",
    "conversation:",
    "accounts:",
    "notifications:",
    "coach:",
)
# The project's URLs outside any namespace: what load balancers and browsers ask of any site.
SITE_URLS = {"healthz", "favicon", "manifest"}

# Arguments for third-party URLs that never show answers; any value will do.
THIRD_PARTY_ARGUMENTS = {"key": ["not-a-real-key"], "uidb36": ["1"], "pk": ["1"], "object_id": ["1"]}


@dataclass
class World:
    personas: dict = field(default_factory=dict)  # name -> user or None (anonymous)
    allowed: dict = field(default_factory=dict)  # name -> set of markers it may read
    reflections: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    invitations: list = field(default_factory=list)
    checkins: list = field(default_factory=list)  # Alice and Bob's
    notes: list = field(default_factory=list)  # the coaches' private notes
    programmes: list = field(default_factory=list)  # Coach's
    enrolments: list = field(default_factory=list)  # Coach's programme with Alice and Bob

    planted: set = field(default_factory=set)  # every marker, readable or not

    # What the world is, written down as the test's own oracle (never asked
    # of the code under test): who takes part in each reflection, its stage,
    # which coach may read it, and each coaching link's parties.
    partners: dict = field(default_factory=dict)  # reflection pk -> persona names
    stage: dict = field(default_factory=dict)  # reflection pk -> "open", "revealed" or "closed"
    ready: dict = field(default_factory=dict)  # reflection pk -> persona names who said they are ready
    coach_reads: dict = field(default_factory=dict)  # reflection pk -> coach persona names
    couple_links: dict = field(default_factory=dict)  # couple name ("A", "B", "F") -> coaching link
    pending_link: object = None  # the coach's invitation no couple took
    reply_authors: dict = field(default_factory=dict)  # reply pk -> persona name

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


def plant_reply(world, reflection, author, *, readers):
    """A reply under the first prompt, and a reaction, with a unique marker
    in the reply that exactly `readers` may read."""
    marker = f"MARKER{uuid.uuid4().hex}"
    world.planted.add(marker)
    prompt = reflection.prompts.first()
    reply = reply_create(prompt=prompt, user=author, text=f"My reply {marker}")
    world.reply_authors[reply.pk] = author.name.lower()
    reaction_set(prompt=prompt, user=author, kind="me_too")
    for reader in readers:
        world.allowed[reader].add(marker)


def plant_coach_note(world, coach, couple):
    """A coach's private note with a unique marker: that coach alone may read it."""
    marker = f"MARKER{uuid.uuid4().hex}"
    world.planted.add(marker)
    world.notes.append(
        coach_note_save(coach=coach, couple=couple, text=f"My note {marker}", written_on=date(2026, 12, 1))
    )
    world.allowed[coach.name.lower().replace(" ", "_")].add(marker)


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


def talk_through(reflection, user, *, in_person):
    """Every prompt talked about; `user` wants to talk about the prompts
    numbered `in_person` in person: a follow-up is possible."""
    prompts = list(reflection.prompts.all())
    for prompt in prompts:
        talked_toggle(prompt=prompt, user=user)
    for number in in_person:
        reaction_set(prompt=prompts[number - 1], user=user, kind=Reaction.Kind.IN_PERSON)


def coach_for(coach, a, b):
    """An active coaching link for the couple of `a` and `b` (both accepted)."""
    invitation = coaching_invite_create(coach=coach)
    coaching_accept(link=invitation, user=a)
    return coaching_accept(link=invitation, user=b)


@pytest.fixture
def world(make_user, staff, carol):
    w = World()
    names = ["alice", "bob", "dan", "erin", "frank", "gina", "coach", "other_coach"]
    users = {name: make_user(name.title()) for name in names}
    w.personas = {**users, "carol": carol, "staff": staff, "anonymous": None}
    w.allowed = {name: set() for name in w.personas}
    w.articles = [make_article(), make_article(), make_article()]
    BankQuestion.objects.create(theme=Theme.objects.create(slug="a-theme", name="A theme"), text="From the bank?")
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
        prompt_save(article=article, kind="choice", text="Which one?", choices=["Tea", "Coffee"])
        w.articles.append(article_save(coach=person, article=article, status=Article.Status.PUBLISHED))

    # Alice and Bob, coached by Coach: a revealed reflection both shared with
    # Coach; another revealed one where Bob took sharing back; an assigned one
    # where Alice is ready.
    link(alice, bob)
    w.couple_links["A"] = coach_for(coach, alice, bob)
    revealed = reflection_start(article=first, by=alice)
    plant(w, revealed, alice, readers=["alice", "bob", "coach"])
    plant(w, revealed, bob, readers=["bob", "alice", "coach"])
    reveal(revealed, alice, bob)
    for person in (alice, bob):
        reflection_share(reflection=revealed, user=person, coach=coach)
    plant_note(w, revealed, alice, readers=["alice", "bob", "coach"])
    plant_reply(w, revealed, bob, readers=["alice", "bob", "coach"])
    # Talked through, Alice wanting the scale in person: the follow-up can start.
    talk_through(revealed, alice, in_person=[2])
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
    # An article Bob brought, theirs alone; both are answering.
    brought = article_bring(
        by=bob,
        details={"title": "An article we found", "url": "https://example.com/found", "site_name": "Example"},
        note="Bob's line about why",
        questions=[
            {"kind": "text", "text": "What stayed with you?"},
            {"kind": "scale", "text": "How true is it of us?", "scale_min_label": "Not", "scale_max_label": "Very"},
        ],
    )
    w.articles.append(brought.article)
    plant(w, brought, alice, readers=["alice"])
    plant(w, brought, bob, readers=["bob"])
    # Their weekly check-in, shared with Coach by both: the first round
    # revealed (Coach reads it), the second answered by both but closed
    # quietly as the third opened, before either was ready.
    checkin = checkin_propose(
        by=alice,
        title="How connected we feel",
        cadence=7,
        weekday=6,
        prompts=[asdict(p) | {"choices": []} for p in checkin_set("connected").prompts],
        set_slug="connected",
    )
    checkin = checkin_accept(checkin=checkin, by=bob)
    first_round = round_open(checkin.pk, today=checkin.next_round_on).reflection
    plant(w, first_round, alice, readers=["alice", "bob", "coach"])
    plant(w, first_round, bob, readers=["bob", "alice", "coach"])
    reveal(first_round, alice, bob)
    for person in (alice, bob):
        checkin_share(checkin=checkin, by=person, coach=coach)
    plant_note(w, first_round, bob, readers=["alice", "bob", "coach"])
    checkin.refresh_from_db()
    closed_round = round_open(checkin.pk, today=checkin.next_round_on).reflection
    plant(w, closed_round, alice, readers=["alice"])
    plant(w, closed_round, bob, readers=["bob"])
    checkin.refresh_from_db()
    open_round = round_open(checkin.pk, today=checkin.next_round_on).reflection
    plant(w, open_round, alice, readers=["alice"])
    plant(w, open_round, bob, readers=["bob"])
    w.checkins = [checkin]

    # Dan and Erin, coached by Other Coach: revealed, shared by Dan alone.
    link(dan, erin)
    # Other Coach's intake: Dan agrees up front to share it, Erin once it
    # is revealed, so Other Coach reads it (P5, consent given before answering).
    intake_article = article_save(
        coach=other_coach,
        title="Where you are starting from",
        source_title="S",
        source_name="N",
        source_url="https://example.com/intake",
        summary="Before we begin.",
        visibility=Article.Visibility.CLIENTS,
    )
    for kind, text, extra in (
        ("text", "What brings you here?", {}),
        ("scale", "How hopeful?", {"scale_min_label": "Not", "scale_max_label": "Very"}),
        ("choice", "Which first?", {"choices": ["Talking", "Listening"]}),
    ):
        prompt_save(article=intake_article, kind=kind, text=text, **extra)
    intake_article = article_save(coach=other_coach, article=intake_article, status=Article.Status.PUBLISHED)
    w.articles.append(intake_article)
    intake_set(coach=other_coach, article=intake_article)
    invitation = coaching_invite_create(coach=other_coach)
    invitation = coaching_accept(link=invitation, user=dan)
    intake_consent_give(link=invitation, user=dan)
    w.couple_links["B"] = coaching_accept(link=invitation, user=erin)
    intake = IntakeRound.objects.get(link=w.couple_links["B"]).reflection
    plant(w, intake, dan, readers=["dan", "erin", "other_coach"])
    plant(w, intake, erin, readers=["erin", "dan", "other_coach"])
    reveal(intake, dan, erin)
    intake_revealed(intake)  # what the reveal's signal does once it commits
    intake_consent_give(link=w.couple_links["B"], user=erin)
    plant_note(w, intake, erin, readers=["dan", "erin", "other_coach"])
    theirs = reflection_start(article=first, by=dan)
    plant(w, theirs, dan, readers=["dan", "erin"])
    plant(w, theirs, erin, readers=["erin", "dan"])
    reveal(theirs, dan, erin)
    plant_note(w, theirs, erin, readers=["dan", "erin"])
    plant_reply(w, theirs, dan, readers=["dan", "erin"])
    reflection_share(reflection=theirs, user=dan, coach=other_coach)
    # Talked through, and Erin started its follow-up (the text and the scale
    # again), which both are answering: each one's words are theirs alone
    # until the reveal.
    talk_through(theirs, erin, in_person=[1, 2])
    followed, _ = follow_up_start(reflection=theirs, user=erin)
    plant(w, followed, dan, readers=["dan"])
    plant(w, followed, erin, readers=["erin"])

    # Frank and Gina, coached by Coach, shared a revealed reflection, left
    # one open, then unlinked (P4): sharing ends with the couple.
    ended = link(frank, gina)
    w.couple_links["F"] = coach_for(coach, frank, gina)
    was_shared = reflection_start(article=first, by=frank)
    plant(w, was_shared, frank, readers=["frank"])
    plant(w, was_shared, gina, readers=["gina"])
    reveal(was_shared, frank, gina)
    for person in (frank, gina):
        reflection_share(reflection=was_shared, user=person, coach=coach)
    plant_note(w, was_shared, frank, readers=[])  # closed for both once they unlink
    plant_reply(w, was_shared, gina, readers=["gina"])  # but each keeps their own words
    never_shared = reflection_start(article=second, by=gina)
    plant(w, never_shared, frank, readers=["frank"])
    plant(w, never_shared, gina, readers=["gina"])
    readiness_set(reflection=never_shared, user=gina)
    couple_unlink(couple=ended, by=gina)

    # A coach's private notes (a new kind of marker: only that coach ever
    # reads one), on a couple coached now and on one whose coaching ended.
    for author, couple in ((coach, revealed.couple), (coach, ended), (other_coach, theirs.couple)):
        plant_coach_note(w, author, couple)
    # Coach's programme with Alice and Bob: its two steps are their first
    # guide (revealed) and the assignment they are answering.
    programme = programme_save(coach=coach, title="Six weeks together")
    step_save(programme=programme, kind="article", article=first, note="Start here.")
    step_save(programme=programme, kind="article", article=second)
    w.enrolments = [programme_assign(coach=coach, programme=programme, couple=revealed.couple)]
    w.programmes = [programme]

    # Open invitations: Carol's, Frank's (single again), and a coach's.
    w.invitations = [invitation_create(inviter=carol), invitation_create(inviter=frank)]
    w.pending_link = coaching_invite_create(coach=coach)
    w.reflections = [
        *(revealed, unshared, waiting, brought, theirs, followed, was_shared, never_shared),
        *(first_round, closed_round, open_round),
        intake,
    ]
    for reflection, partners, stage, ready in [
        (revealed, {"alice", "bob"}, "revealed", {"alice", "bob"}),
        (unshared, {"alice", "bob"}, "revealed", {"alice", "bob"}),
        (waiting, {"alice", "bob"}, "open", {"alice"}),
        (brought, {"alice", "bob"}, "open", set()),
        (theirs, {"dan", "erin"}, "revealed", {"dan", "erin"}),
        (followed, {"dan", "erin"}, "open", set()),
        (was_shared, {"frank", "gina"}, "closed", {"frank", "gina"}),
        (never_shared, {"frank", "gina"}, "closed", {"gina"}),
        (first_round, {"alice", "bob"}, "revealed", {"alice", "bob"}),
        (closed_round, {"alice", "bob"}, "closed", set()),
        (open_round, {"alice", "bob"}, "open", set()),
        (intake, {"dan", "erin"}, "revealed", {"dan", "erin"}),
    ]:
        w.partners[reflection.pk], w.stage[reflection.pk], w.ready[reflection.pk] = partners, stage, ready
        w.coach_reads[reflection.pk] = (
            {"coach"} if reflection in (revealed, first_round) else {"other_coach"} if reflection == intake else set()
        )
    assert Answer.objects.count() == 12 * 3 + 4 + 2 * 2 + 5 * 6 + 2 * 3
    return w


def url_arguments(name, world):
    """Every argument set to request `name` with: real ids from the world."""
    reflections = [{"pk": r.pk} for r in world.reflections]
    articles = [{"pk": a.pk} for a in world.articles]
    prompts = [{"pk": pk} for pk in Prompt.objects.values_list("pk", flat=True)]
    project = {
        "library:article": [{"slug": a.slug} for a in world.articles],
        "coach:article_translation": [{"pk": a.pk, "language": "es"} for a in world.articles],
        "coach:article_translation_remove": [{"pk": a.pk, "language": "es"} for a in world.articles],
        "reflections:reflection_start": [{"slug": a.slug} for a in world.articles],
        "reflections:reflection": reflections,
        "reflections:live_status": reflections,
        "reflections:reflection_events": reflections,
        "conversation:conversation_live": reflections,
        "reflections:answers_save": reflections,
        "reflections:readiness_set": reflections,
        "reflections:readiness_withdraw": reflections,
        "reflections:reflection_share": reflections,
        "reflections:reflection_unshare": reflections,
        "conversation:together_start": reflections,
        "conversation:together": [{"pk": r.pk, "number": n} for r in world.reflections for n in (1, 3)],
        "conversation:talked_toggle": [{"pk": r.pk, "number": 1} for r in world.reflections],
        "conversation:note_save": reflections,
        "conversation:follow_up_start": reflections,
        "conversation:reply_create": [{"pk": r.pk, "number": 1} for r in world.reflections],
        "conversation:reaction_set": [{"pk": r.pk, "number": 1} for r in world.reflections],
        "conversation:reply_edit": [{"reply_pk": pk} for pk in Reply.objects.values_list("pk", flat=True)],
        "conversation:reply_delete": [{"reply_pk": pk} for pk in Reply.objects.values_list("pk", flat=True)],
        "conversation:reflection_export": reflections,
        "accounts:invitation_revoke": [{"pk": i.pk} for i in world.invitations],
        "accounts:invitation_accept": [{"token": i.token} for i in Invitation.objects.all()],
        "notifications:notification_mark_read": [
            {"pk": pk} for pk in Notification.objects.values_list("pk", flat=True)
        ],
        "coach:shared_reflection": reflections,
        "coach:article": articles,
        "coach:article_delete": articles,
        "coach:article_preview": articles,
        "coach:prompt_new": articles,
        "coach:prompts_from_bank": articles,
        "coach:prompt": prompts,
        "coach:prompt_delete": prompts,
        "coach:prompt_move": prompts,
        "coach:coaching_end": [{"pk": pk} for pk in CoachingLink.objects.values_list("pk", flat=True)],
        "coach:intake_consent": [{"pk": pk} for pk in CoachingLink.objects.values_list("pk", flat=True)],
        "coach:couple": [{"couple_pk": link.couple_id} for link in world.couple_links.values()],
        "coach:note_new": [{"couple_pk": link.couple_id} for link in world.couple_links.values()],
        "coach:note": [{"pk": note.pk} for note in world.notes],
        **dict.fromkeys(
            ["coach:programme", "coach:programme_delete", "coach:step_new", "coach:programme_assign"],
            [{"pk": programme.pk} for programme in world.programmes],
        ),
        **dict.fromkeys(
            ["coach:step", "coach:step_delete", "coach:step_move"],
            [{"pk": pk} for pk in Step.objects.filter(programme__in=world.programmes).values_list("pk", flat=True)],
        ),
        **dict.fromkeys(
            ["coach:enrolment_pause", "coach:enrolment_resume", "coach:enrolment_end"],
            [{"pk": enrolment.pk} for enrolment in world.enrolments],
        ),
        "coach:note_delete": [{"pk": note.pk} for note in world.notes],
        "coach:coaching_accept": [{"token": t} for t in CoachingLink.objects.values_list("token", flat=True)],
        **dict.fromkeys(
            [name for name in PROJECT_URLS if name.startswith("checkins:") and name not in CHECKIN_PAGES]
            + ["coach:checkin_trend"],
            [{"pk": c.pk} for c in world.checkins],
        ),
    }
    return project.get(name)


CHECKIN_PAGES = {"checkins:checkin", "checkins:checkin_propose"}  # no arguments


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
    """(url name, its arguments, url) for every URL to request."""
    for name, params in sorted(set((n, frozenset(p)) for n, p in all_url_patterns())):
        if not params:
            yield name, {}, reverse(name)
            continue
        if name.startswith("admin:"):
            argument_sets = admin_arguments(name, params)
        elif name in PROJECT_URLS:
            argument_sets = url_arguments(name, world)
            assert argument_sets, f"persona test: give real arguments for {name!r} in url_arguments()"
        else:
            argument_sets = [{p: THIRD_PARTY_ARGUMENTS.get(p, ["x"])[0] for p in params}]
        for kwargs in argument_sets:
            yield name, kwargs, reverse(name, kwargs=kwargs)


def test_persona_test_knows_every_project_url():
    own = {name for name, _ in all_url_patterns() if name.startswith(PROJECT_NAMESPACES) or name in SITE_URLS}
    assert own == PROJECT_URLS, "a new URL must join the persona test"


METHODS = ("GET", "htmx GET", "POST", "invalid POST", "htmx invalid POST")
INVALID = METHODS[3:]

# What a person typed into a form that comes back unsaved: it must come back
# with it (nothing typed is lost).
TYPED = f"Words I typed {uuid.uuid4().hex}"


def saved_version(prompt, persona, world):
    """The version of `persona`'s answer to `prompt` that their page loaded (0: none yet)."""
    user = world.personas[persona]
    answer = Answer.objects.filter(prompt=prompt, author=user).first() if user else None
    return answer.version if answer else 0


def answers_form(kwargs, persona, world, *, version=saved_version, **typed):
    """The answers form of reflection `kwargs["pk"]` as `persona`'s page posts
    it, for the prompts of the kinds in `typed` (text=, scale=, choice=),
    each from `version`: the one the page loaded, unless told otherwise."""
    data = {}
    for prompt in ReflectionPrompt.objects.filter(reflection=kwargs["pk"], kind__in=typed):
        box = "scale" if prompt.kind == PromptKind.SCALE else "text"
        data |= {
            f"p{prompt.pk}-shown": "1",
            f"p{prompt.pk}-version": str(version(prompt, persona, world)),
            f"p{prompt.pk}-{box}": typed[prompt.kind],
        }
    return data


def article_form(**fields):
    return {
        "title": "A new article",
        "source_title": "The original",
        "source_name": "Its author",
        "source_url": "https://example.com/original",
        "summary": "In my own words.",
        "visibility": Article.Visibility.CLIENTS,
        "status": Article.Status.DRAFT,
    } | fields


def translation_form(kwargs, persona, world, **fields):
    """An article's translation into Spanish: its words and each question's."""
    data = {"title": "Un artículo", "summary": "Con mis palabras."}
    for prompt in Article.objects.get(pk=kwargs["pk"]).prompts.all():
        data[f"p{prompt.pk}-text"] = "¿Una pregunta?"
        if prompt.is_scale:
            data |= {f"p{prompt.pk}-scale_min_label": "Poco", f"p{prompt.pk}-scale_max_label": "Mucho"}
        if prompt.is_choice:
            data[f"p{prompt.pk}-choices"] = "\n".join(f"Opción {n}" for n in range(len(prompt.choices)))
    return data | fields


def prompt_form(prompt):
    return {
        "kind": prompt.kind,
        "text": f"{prompt.text} (edited)",
        "scale_min_label": prompt.scale_min_label,
        "scale_max_label": prompt.scale_max_label,
        "choices": "\n".join(prompt.choices),
    }


def assignment_form(persona, world):
    """The coach's own article, for the couple they coach."""
    couple = {"coach": "A", "other_coach": "B"}.get(persona)
    if couple is None:
        return {}
    article = Article.objects.filter(owner=world.personas[persona]).order_by("pk").first()
    return {"article": article.pk, "couples": [world.couple_links[couple].couple_id]}


def step_form(world, **fields):
    """A step: the library's first article, when the one before it is revealed."""
    return {
        "kind": "article",
        "article": world.articles[0].pk,
        "checkin_set": "",
        "note": "",
        "release": "previous",
        "days": "",
        "due_days": "14",
    } | fields


def own_article_pk(persona, world):
    user = world.personas[persona]
    article = Article.objects.filter(owner=user).first() if user else None
    return article.pk if article else ""


def coach_checkin_form(persona, world):
    """A check-in for the couple the coach coaches."""
    couple = {"coach": "A", "other_coach": "B"}.get(persona)
    if couple is None:
        return {}
    return {"couple": world.couple_links[couple].couple_id, "source": "connected", "cadence": "7", "weekday": "6"}


# A check-in of one's own with a name and no questions: the form comes back saying so.
OWN_CHECKIN_WITHOUT_QUESTIONS = {"source": "own", "title": TYPED, "cadence": "7", "weekday": "6"}


def note_version(kwargs, kind):
    return JointNote.objects.filter(reflection=kwargs["pk"], kind=kind).values_list("version", flat=True).first() or 0


def bring_form(**fields):
    """The second step of bringing an article: its details and a question of our own."""
    own = {"own-TOTAL_FORMS": "3", "own-INITIAL_FORMS": "0", "own-MIN_NUM_FORMS": "0", "own-MAX_NUM_FORMS": "3"}
    own |= {f"own-{n}-kind": "text" for n in range(3)}
    return {
        "step": "start",
        "url": "https://example.com/another",
        "title": "Another find",
        "own-0-text": "What did you make of it?",
        **own,
    } | fields


# The valid POST of each URL that reads fields: what its own page would send
# (a dict, or a function of the URL's kwargs, the persona and the world).
# Any other URL's valid POST has no fields.
VALID_POSTS = {
    "reflections:answers_save": lambda kwargs, persona, world: answers_form(
        kwargs, persona, world, text="Words saved now", scale="7", choice="Coffee"
    ),
    # The couple's coach: only Alice and Bob's reflections have this link.
    "reflections:reflection_share": lambda kwargs, persona, world: {"link": world.couple_links["A"].pk},
    "reflections:reflection_unshare": lambda kwargs, persona, world: {"link": world.couple_links["A"].pk},
    # Written from the first question in together mode (the shared view's form has no number).
    "conversation:note_save": lambda kwargs, persona, world: {
        "kind": "remember",
        "text": "A new note",
        "version": note_version(kwargs, "remember"),
        "number": "1",
    },
    "reflections:article_bring": bring_form(),
    "conversation:reply_create": {"text": "A reply of mine"},
    "conversation:reaction_set": {"kind": "moved"},
    "conversation:reply_edit": {"text": "My reply, edited"},
    "accounts:invitation_code": lambda kwargs, persona, world: {"code": world.invitations[0].code},  # Carol's
    "accounts:account_delete": {"password": PASSWORD},
    "accounts:language": {"language": "es", "next": "/history/"},
    "notifications:notification_mark_read": {"next": "/history/"},
    "notifications:notifications_mark_all_read": {"next": "/history/"},
    "notifications:email_preferences": {"revealed": "on"},
    "coach:profile": {"name": "A name for clients"},
    "coach:article_new": article_form(),
    "coach:article": article_form(title="Renamed", status=Article.Status.PUBLISHED),
    "coach:article_translation": translation_form,
    "coach:prompt_new": {"kind": PromptKind.TEXT, "text": "A new question?"},
    "coach:prompts_from_bank": lambda kwargs, persona, world: {"questions": [BankQuestion.objects.get().pk]},
    "coach:prompt": lambda kwargs, persona, world: prompt_form(Prompt.objects.get(pk=kwargs["pk"])),
    "coach:prompt_move": {"direction": "down"},
    "coach:assignment_create": lambda kwargs, persona, world: assignment_form(persona, world),
    "checkins:checkin_propose": {"source": "stress-and-support", "cadence": "7", "weekday": "6"},
    "checkins:checkin_change": {"source": "load-at-home", "cadence": "14", "weekday": "2"},
    "checkins:checkin_share": lambda kwargs, persona, world: {"link": world.couple_links["A"].pk},
    "checkins:checkin_unshare": lambda kwargs, persona, world: {"link": world.couple_links["A"].pk},
    "coach:checkin_propose": lambda kwargs, persona, world: coach_checkin_form(persona, world),
    "coach:intake": lambda kwargs, persona, world: {"article": own_article_pk(persona, world)},
    "coach:intake_consent": {"share": "yes"},
    "coach:note_new": {"text": "A new note", "written_on": "2026-12-02"},
    "coach:note": {"text": "An edited note", "written_on": "2026-12-02"},
    "coach:programme_new": {"title": "A programme", "summary": ""},
    "coach:programme": {"title": "Renamed", "summary": "Its summary"},
    "coach:step_new": lambda kwargs, persona, world: step_form(world),
    "coach:step": lambda kwargs, persona, world: step_form(world),
    # Alice and Bob run it already: the form says so (400).
    "coach:programme_assign": lambda kwargs, persona, world: {"couple": world.couple_links["A"].couple_id},
    "coach:step_move": {"direction": "down"},
}


def post_data(name, kwargs, persona, world):
    """The valid POST to `name` as `persona`."""
    form = VALID_POSTS.get(name, {})
    return form(kwargs, persona, world) if callable(form) else form


@dataclass(frozen=True)
class Invalid:
    """One way to get a POST wrong: `why`, in words, and the `form` sent (a
    dict, or a function of the URL's kwargs, the persona and the world). A
    form that comes back shows `keeps` again (what was typed: nothing is
    lost), except in an htmx fragment that leaves the box as it was
    (`in_fragment=False`), and never shows `hides` (a password)."""

    why: str
    form: dict | Callable
    keeps: str = ""
    in_fragment: bool = True
    hides: str = ""

    def data(self, kwargs, persona, world):
        return self.form(kwargs, persona, world) if callable(self.form) else self.form


def stale(prompt, persona, world):
    return 0  # every answer here is saved (version 1 or later): 0 is an older tab's


# The invalid POSTs of every URL that takes a POST (a URL missing here fails
# the test); several, by name, where a view has several ways to refuse. An
# action that reads no field gets fields it does not take (STRAY): they
# change nothing, so it answers as the valid POST does.
STRAY = Invalid("fields this URL does not take", {"unexpected": TYPED, "pk": "99999999"})
INVALID_POSTS = {
    "reflections:answers_save": {
        "stale": Invalid(
            "a text answer typed over an older version (another tab saved since)",
            lambda kwargs, persona, world: answers_form(kwargs, persona, world, version=stale, text=TYPED),
            keeps=TYPED,
            in_fragment=False,  # autosave swaps in only the message; the box keeps its text
        ),
        "out of range": Invalid(
            "a scale of 11 and a choice that is not on the list",
            lambda kwargs, persona, world: answers_form(kwargs, persona, world, scale="11", choice="Neither"),
        ),
    },
    "reflections:reflection_share": Invalid("a coaching link that is not a number", {"link": "our coach"}),
    "reflections:reflection_unshare": Invalid("a coaching link that is not a number", {"link": "our coach"}),
    "conversation:note_save": {
        "stale": Invalid(
            "a note written from version 0 where a newer one is saved",
            {"kind": "remember", "text": TYPED, "version": "0", "number": "1"},
            keeps=TYPED,
            in_fragment=False,  # autosave swaps in the newer version and why; the box keeps its text
        ),
        "too long": Invalid(
            f"a note longer than {ANSWER_MAX_LENGTH:,} characters",
            {"kind": "try", "text": f"{TYPED} {'x' * ANSWER_MAX_LENGTH}", "version": "0"},
            keeps=TYPED,
            in_fragment=False,
        ),
        "unknown kind": Invalid("a kind of note there is not", {"kind": "secret", "text": TYPED, "version": "0"}),
        "no such question": Invalid(
            "a together-mode question this reflection does not have (the note saves; back to the shared view)",
            lambda kwargs, persona, world: {
                "kind": "remember",
                "text": "A new note",
                "version": note_version(kwargs, "remember"),
                "number": "99",
            },
        ),
    },
    "conversation:reply_create": Invalid(
        f"a reply longer than {REPLY_MAX_LENGTH:,} characters",
        {"text": f"{TYPED} {'x' * REPLY_MAX_LENGTH}"},
        keeps=TYPED,
    ),
    "conversation:reaction_set": Invalid("a reaction that is not offered", {"kind": "furious"}),
    "conversation:reply_edit": Invalid("an emptied reply", {"text": "   "}),
    "reflections:article_bring": {
        "no title": Invalid("the details without a title", bring_form(title="", note=TYPED), keeps=TYPED),
        "nothing to look up": Invalid(
            "neither a link nor a text to look up", {"step": "lookup", "url": "", "text": " "}
        ),
    },
    "accounts:invitation_code": Invalid(
        "a code no invitation has (codes have no O and no I)", {"code": "OOOO-IIII"}, keeps="OOOO-IIII"
    ),
    "accounts:account_delete": Invalid("a wrong password", {"password": TYPED}, hides=TYPED),
    "accounts:language": Invalid("a language Twofold does not speak", {"language": "klingon", "next": "/"}),
    "notifications:notification_mark_read": Invalid("a next page on another site", {"next": "https://example.com/"}),
    "notifications:notifications_mark_all_read": Invalid("a next page on another site", {"next": "//example.com/"}),
    "coach:profile": Invalid("no name", {"name": " ", "bio": TYPED}, keeps=TYPED),
    "coach:article_new": {
        "no link": Invalid("a source link that is no link", article_form(title=TYPED, source_url="x"), keeps=TYPED),
        "nothing to look up": Invalid("a lookup without a link", {"step": "lookup", "url": ""}),
    },
    "coach:article": Invalid("no title", article_form(title="", summary=TYPED), keeps=TYPED),
    "coach:article_translation": Invalid(
        "no title",
        lambda kwargs, persona, world: translation_form(kwargs, persona, world, title="", summary=TYPED),
        keeps=TYPED,
    ),
    "coach:prompt_new": Invalid("a scale without its labels", {"kind": PromptKind.SCALE, "text": TYPED}, keeps=TYPED),
    "coach:prompts_from_bank": Invalid("a bank question there is not", {"questions": ["99999999"]}),
    "coach:prompt": Invalid("a kind of answer there is not", {"kind": "essay", "text": TYPED}, keeps=TYPED),
    "coach:prompt_move": Invalid("a direction neither up nor down", {"direction": "sideways"}),
    "coach:assignment_create": Invalid(
        "a couple the coach does not coach (Frank and Gina, unlinked)",
        lambda kwargs, persona, world: {
            "article": world.articles[0].pk,
            "couples": [world.couple_links["F"].couple_id],
            "note": TYPED,
        },
        keeps=TYPED,
    ),
    "checkins:checkin_propose": Invalid(
        "a check-in of our own with no questions", OWN_CHECKIN_WITHOUT_QUESTIONS, keeps=TYPED
    ),
    "checkins:checkin_change": Invalid("our own questions, none ticked", OWN_CHECKIN_WITHOUT_QUESTIONS, keeps=TYPED),
    "checkins:checkin_share": Invalid("a coaching link that is not a number", {"link": "our coach"}),
    "checkins:checkin_unshare": Invalid("a coaching link that is not a number", {"link": "our coach"}),
    "coach:checkin_propose": Invalid(
        "a couple the coach does not coach (Frank and Gina, unlinked)",
        lambda kwargs, persona, world: OWN_CHECKIN_WITHOUT_QUESTIONS | {"couple": world.couple_links["F"].couple_id},
        keeps=TYPED,
    ),
    "coach:intake": Invalid("an article that is not the coach's", {"article": "99999999"}),
    **dict.fromkeys(
        ["coach:programme_new", "coach:programme"],
        Invalid("a programme without a name", {"title": "", "summary": TYPED}, keeps=TYPED),
    ),
    **dict.fromkeys(
        ["coach:step_new", "coach:step"],
        Invalid(
            "a step with no article, its release in days that are no number",
            lambda kwargs, persona, world: step_form(world, article="", note=TYPED, release="days", days="seven"),
            keeps=TYPED,
        ),
    ),
    "coach:programme_assign": Invalid("no couple", {"couple": ""}),
    "coach:step_move": Invalid("a direction neither up nor down", {"direction": "sideways"}),
    **dict.fromkeys(
        ["coach:note_new", "coach:note"],
        {
            "too long": Invalid(
                "a note over 10,000 characters",
                {"text": f"{TYPED} {'x' * 10_000}", "written_on": "2026-12-02"},
                keeps=TYPED,
            ),
            "bad date": Invalid("a day there is not", {"text": TYPED, "written_on": "2026-02-30"}, keeps=TYPED),
        },
    ),
    **dict.fromkeys(
        [
            "coach:intake_consent",
            "coach:article_translation_remove",
            "coach:note_delete",
            "coach:programme_delete",
            "coach:step_delete",
            "coach:enrolment_pause",
            "coach:enrolment_resume",
            "coach:enrolment_end",
            "checkins:checkin_accept",
            "checkins:checkin_decline",
            "checkins:checkin_pause",
            "checkins:checkin_resume",
            "checkins:checkin_stop",
            "reflections:reflection_start",
            "reflections:readiness_set",
            "reflections:readiness_withdraw",
            "conversation:talked_toggle",
            "conversation:follow_up_start",
            "conversation:reply_delete",
            "accounts:invitation_create",
            "accounts:invitation_revoke",
            "accounts:invitation_accept",
            "accounts:couple_unlink",
            "notifications:email_preferences",  # every box is a yes or a no: nothing to get wrong
            "coach:coaching_accept",
            "coach:coaching_end",
            "coach:coaching_invite_create",
            "coach:article_delete",
            "coach:prompt_delete",
        ],
        STRAY,
    ),
}


def requests_for(name):
    """(method, variant, Invalid or None) of each request to `name`: a GET,
    an htmx GET, the valid POST, and each invalid POST plain and as htmx.
    Third-party URLs are requested as pages only: a POST to them (logging
    out, say) would change who is signed in for the rest."""
    if name not in EXPECTED:
        return [("GET", "", None), ("htmx GET", "", None)]
    if not EXPECTED[name].takes_post:
        invalid = {"": STRAY}  # refused before any field is read
    else:
        entry = INVALID_POSTS.get(name)
        assert entry, f"persona test: say what an invalid POST to {name!r} is, in INVALID_POSTS"
        invalid = entry if isinstance(entry, dict) else {"": entry}
    return [(m, "", None) for m in METHODS[:3]] + [(m, v, each) for m in INVALID for v, each in invalid.items()]


def send(client, method, url, data=None):
    """One request; a POST runs in a transaction that is rolled back, so the
    world stays as it was for the next request, with the persona still
    signed in (deleting their account signed them out: rolled back too)."""
    headers = {"HX-Request": "true"} if method.startswith("htmx") else {}
    if not method.endswith("POST"):
        response = client.get(url, headers=headers)
        return first_events(response) if response.streaming else response
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    with transaction.atomic():
        response = client.post(url, data, headers=headers)
        transaction.set_rollback(True)
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return response


def test_persona_test_knows_the_expected_status_of_every_project_url():
    assert set(EXPECTED) == PROJECT_URLS


def test_persona_test_knows_an_invalid_post_for_every_url_that_takes_a_post():
    takes_post = {name for name, rule in EXPECTED.items() if rule.takes_post}
    assert set(INVALID_POSTS) == takes_post, "say what an invalid POST is (INVALID_POSTS) for exactly these"
    for name in takes_post:
        rule, posts = EXPECTED[name], INVALID_POSTS[name]
        assert rule.invalid is not None, f"EXPECTED[{name!r}] must say what an invalid POST answers"
        if isinstance(rule.invalid, dict):
            assert isinstance(posts, dict) and set(rule.invalid) == set(posts), name


def answered_as_expected(response, name, kwargs, persona, method, world, variant, where) -> str:
    """The response's body, once its status is the one the rules give and it
    holds no marker the persona may not read."""
    if name in EXPECTED:
        expected = expected_status(name, kwargs, persona, method, world, variant)
        assert response.status_code == expected, f"{where} -> {response.status_code}, not {expected}"
    elif name.startswith("admin:") and persona != "staff":
        expected = admin_status_for_others(name, persona)
        assert response.status_code == expected, f"{where} -> {response.status_code}, not {expected}"
    else:
        assert response.status_code < 500, f"{where} -> {response.status_code}"
    if world.personas[persona] is not None:  # nothing a signed-in person is shown stays in a cache
        assert {"no-store", "private"} <= set(response.get("Cache-Control", "").split(", ")), where
    body = response.content.decode(errors="replace")
    leaked = {m for m in world.all_markers if m in body} - world.allowed[persona]
    assert not leaked, f"{persona} read {len(leaked)} answer(s) they may not at {where}"
    return body


@pytest.mark.django_db
def test_no_persona_reads_an_answer_it_may_not_in_the_other_language(client, world):
    """Translation must not open a door: every page and fragment again (GET
    and htmx GET), by every persona reading Twofold in the other language,
    their account's or, signed out, the switcher's: the same statuses, no
    marker they may not read, and every one they may."""
    language = next(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    seen = {name: set() for name in world.personas}
    requests = list(requests_to_make(world))
    for persona, user in world.personas.items():
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            User.objects.filter(pk=user.pk).update(language=language)
            client.force_login(user)
        for name, kwargs, url in requests:
            for method in METHODS[:2]:
                response = send(client, method, url)
                where = f"{persona} {method} {url} ({name}, in {language})"
                body = answered_as_expected(response, name, kwargs, persona, method, world, "", where)
                if response.status_code == 200 and response.get("Content-Language"):
                    assert response["Content-Language"] == language, where
                seen[persona] |= {m for m in world.all_markers if m in body}
    for persona in world.personas:
        assert seen[persona] == world.allowed[persona], f"{persona} could not read all they may in {language}"


def says_what_is_wrong(body):
    """An error next to the field, or the form's (or the page's) error box."""
    return 'class="field-error"' in body or "message-error" in body


@pytest.mark.django_db
def test_no_persona_reads_an_answer_it_may_not(client, world):
    """Every URL × every persona × GET, htmx GET, a valid POST and each
    invalid POST (plain and htmx): the status the rules below expect, and no
    marker the persona may not read. A form that comes back unsaved says
    what is wrong and shows again what the persona typed."""
    seen = {name: set() for name in world.personas}
    requests = list(requests_to_make(world))
    assert len(requests) > 50
    for persona, user in world.personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, kwargs, url in requests:
            for method, variant, invalid in requests_for(name):
                if invalid is not None:
                    data = invalid.data(kwargs, persona, world)
                else:
                    data = post_data(name, kwargs, persona, world) if method == "POST" else None
                response = send(client, method, url, data)
                where = f"{persona} {method} {url} ({name}{f': {invalid.why}' if invalid else ''})"
                body = answered_as_expected(response, name, kwargs, persona, method, world, variant, where)
                seen[persona] |= {m for m in world.all_markers if m in body}
                if invalid is not None and response.status_code in (200, 400, 409, 422):  # it came back
                    if response.status_code != 200:
                        assert says_what_is_wrong(body), f"{where} does not say what is wrong"
                    if invalid.keeps and (method == "invalid POST" or invalid.in_fragment):
                        assert invalid.keeps in body, f"{where} loses what was typed"
                    if invalid.hides:
                        assert invalid.hides not in body, f"{where} shows what was typed in secret"
    for persona in world.personas:
        assert seen[persona] == world.allowed[persona], f"{persona} could not read all they may"


# The expected statuses. Views are GET pages (POST: 405), POST actions (GET:
# 405) or forms (both). Anonymous visitors are sent to log in (302) from
# everything but home and the health check; people who are not coaches are
# sent to create a coach profile (302) from the coach workspace; a persona
# the rule does not allow gets 404 from any method the view takes.

COUPLES = {"A": {"alice", "bob"}, "B": {"dan", "erin"}, "F": {"frank", "gina"}}
LINKED = COUPLES["A"] | COUPLES["B"]  # Frank and Gina unlinked
COACHES = {"coach", "other_coach"}
CLIENTS_OF = {"coach": COUPLES["A"], "other_coach": COUPLES["B"]}  # active coaching


def anyone(persona, kwargs, world):
    return True


@dataclass(frozen=True)
class PlainOrHtmx:
    """A status that differs for htmx: the page comes back with `plain`, a fragment with `htmx`."""

    plain: int
    htmx: int


UNSAVED = PlainOrHtmx(400, htmx=422)  # the answers page says why; autosave's fragment too
IGNORED = "as the valid POST"  # an invalid POST whose wrong fields change nothing


@dataclass(frozen=True)
class Rule:
    """What one URL answers a persona, by method. `allowed` says who may use
    it at all (anyone else: 404). Each method's status is a number, a
    PlainOrHtmx, or a function of (persona, kwargs, world) giving one; an
    invalid POST's may be one per variant of INVALID_POSTS ({name: status})."""

    allowed: Callable = anyone
    get: object = 405
    post: object = 405
    invalid: object = None  # None: not said yet, and the test fails

    @property
    def takes_post(self):
        return self.post != 405

    def status(self, persona, kwargs, world, method, variant=""):
        value = {"GET": self.get, "htmx GET": self.get, "POST": self.post}.get(method, self.invalid)
        if isinstance(value, dict):
            value = value[variant]
        if value is IGNORED:
            value = self.post
        if value == 405:
            return 405  # require_safe / require_POST answer before anything is looked up
        if not self.allowed(persona, kwargs, world):
            return 404
        if callable(value):
            value = value(persona, kwargs, world)
        if isinstance(value, PlainOrHtmx):
            value = value.htmx if method.startswith("htmx") else value.plain
        return value


def page(*, reader=anyone):
    """A GET page: 200 for whoever `reader` says may see it, 404 otherwise; any POST is 405."""
    return Rule(allowed=reader, get=200, invalid=405)


def action(*, allowed=anyone, done=302, invalid=None):
    """A POST action: GET is 405; the valid POST answers `done`, an invalid one `invalid`."""
    return Rule(allowed=allowed, post=done, invalid=invalid)


def form(*, allowed=anyone, get=200, post, invalid=None):
    """A page with a form: GET shows it; the valid POST answers `post`, an invalid one `invalid`."""
    return Rule(allowed=allowed, get=get, post=post, invalid=invalid)


def partner_in(kwargs, world, persona, *, stage=None):
    pk = kwargs["pk"]
    return persona in world.partners[pk] and (stage is None or world.stage[pk] == stage)


def partner(persona, kwargs, world):
    return partner_in(kwargs, world, persona)


def partner_after_reveal(persona, kwargs, world):
    return partner_in(kwargs, world, persona, stage="revealed")


def partner_past_the_reveal(persona, kwargs, world):
    """A partner once the reflection is revealed, or closed by an unlink (the
    conversation's poll then says the shared view has closed)."""
    return partner_in(kwargs, world, persona) and world.stage[kwargs["pk"]] != "open"


def answering(persona, kwargs, world):
    """A partner whose answers may change: the reflection is open and they are not ready (Bob, once)."""
    return partner_in(kwargs, world, persona, stage="open") and persona not in world.ready[kwargs["pk"]]


def coached_by_coach(persona, kwargs, world):
    """A partner in one of Alice and Bob's reflections: the coaching link the forms name is theirs."""
    return partner_in(kwargs, world, persona) and persona in COUPLES["A"]


def article_for(kwargs, world):
    return next(a for a in world.articles if a.slug == kwargs.get("slug") or a.pk == kwargs.get("pk"))


def may_read_article(persona, kwargs, world):
    article = article_for(kwargs, world)
    if article.couple_id is not None:  # brought by Alice and Bob, theirs alone
        return persona in COUPLES["A"]
    if article.owner is None:
        return True
    return persona in CLIENTS_OF[article.owner.name.lower().replace(" ", "_")]


def owns_article(persona, kwargs, world):
    owner = article_for(kwargs, world).owner
    return owner is not None and owner == world.personas[persona]


def owns_prompt(persona, kwargs, world):
    return Prompt.objects.get(pk=kwargs["pk"]).article.owner == world.personas[persona]


def invited_by(persona, kwargs, world):
    return Invitation.objects.get(pk=kwargs["pk"]).inviter == world.personas[persona]


def invitation_accepted(persona, kwargs, world):
    """302 when `persona` may link through this invitation now, else 200 (the page says why)."""
    invitation = Invitation.objects.select_related("inviter").get(token=kwargs["token"])
    inviter = invitation.inviter.name.lower().replace(" ", "_")
    free = {"carol", "frank", "gina", "coach", "other_coach", "staff"}
    usable = invitation.used_at is None and invitation.revoked_at is None
    return 302 if usable and persona != inviter and persona in free and inviter in free else 200


def coaching_party(persona, kwargs, world):
    """The coach of an open link, or a partner of its couple while linked."""
    link = CoachingLink.objects.get(pk=kwargs["pk"])
    couple = next((name for name, each in world.couple_links.items() if each.pk == link.pk), None)
    coach = "coach" if link.coach == world.personas["coach"] else "other_coach"
    return persona == coach or (couple in ("A", "B") and persona in COUPLES[couple])


def coaching_accepted(persona, kwargs, world):
    """302 when `persona`'s couple may take (or has taken) this coaching link, else 200."""
    link = CoachingLink.objects.get(token=kwargs["token"])
    if link.pk == world.pending_link.pk:
        return 302 if persona in COUPLES["B"] else 200  # Alice and Bob have this coach already
    couple = next(name for name, each in world.couple_links.items() if each.pk == link.pk)
    return 302 if couple in ("A", "B") and persona in COUPLES[couple] else 200


def writes_reply(persona, kwargs, world):
    """The reply's author, while its shared view is open to them."""
    pk = Reply.objects.get(pk=kwargs["reply_pk"]).prompt.reflection_id
    return world.reply_authors[kwargs["reply_pk"]] == persona and world.stage[pk] == "revealed"


def owns_notice(persona, kwargs, world):
    return Notification.objects.get(pk=kwargs["pk"]).user == world.personas[persona]


def coach_reads(persona, kwargs, world):
    return persona in world.coach_reads[kwargs["pk"]]


def runs_the_programme(persona, kwargs, world):
    """The world's one programme (its steps, its enrolment) is Coach's."""
    return persona == "coach"


def coaches_couple(persona, kwargs, world):
    """The coach who coaches, or coached, the couple."""
    link = next(each for each in world.couple_links.values() if each.couple_id == kwargs["couple_pk"])
    return world.personas[persona] is not None and link.coach == world.personas[persona]


def wrote_note(persona, kwargs, world):
    note = next(note for note in world.notes if note.pk == kwargs["pk"])
    return world.personas[persona] is not None and note.coach == world.personas[persona]


def partner_of_link(persona, kwargs, world):
    link = CoachingLink.objects.get(pk=kwargs["pk"])
    couple = next((name for name, each in world.couple_links.items() if each.pk == link.pk), None)
    return couple in ("A", "B") and persona in COUPLES[couple]


def in_checkin(persona, kwargs, world):
    """A partner of the couple whose check-in it is (the world's one is Alice and Bob's)."""
    return persona in COUPLES["A"]


def without_checkin(persona, kwargs, world):
    """A proposal is made (302) by a linked couple with no check-in yet
    (Dan and Erin); anyone else's form comes back saying why (400)."""
    return 302 if persona in COUPLES["B"] else 400


EXPECTED = {
    "healthz": page(),
    # The icon is a static file: /favicon.ico points there. The manifest is public.
    "favicon": Rule(get=302, invalid=405),
    "manifest": page(),
    "reflections:home": page(),
    "library:index": page(),
    "reflections:history": page(),
    "conversation:answers_export": page(),
    "conversation:answers_export_markdown": page(),
    "conversation:answers_export_json": page(),
    "library:article": page(reader=may_read_article),
    # Anyone signed in may look up an article; starting one takes a partner
    # (without one, the form comes back saying so).
    "reflections:article_bring": form(
        post=lambda persona, kwargs, world: 302 if persona in LINKED else 400,
        invalid={"no title": 400, "nothing to look up": 400},
    ),
    "reflections:reflection_start": action(allowed=may_read_article, invalid=IGNORED),
    "reflections:reflection": page(reader=partner),
    "reflections:live_status": page(reader=partner),
    # The event streams: what a page sees before anything changes (`ready`).
    "reflections:reflection_events": page(reader=partner),
    "reflections:home_events": page(),
    "conversation:together_start": page(reader=partner_after_reveal),
    "conversation:together": page(reader=partner_after_reveal),
    "conversation:reflection_export": page(reader=partner_after_reveal),
    # Answers change only while their author may answer; any other
    # partner's form comes back saying why (400; autosave's fragment 422).
    # Typed over a newer version, both versions come back (409).
    "reflections:answers_save": action(
        allowed=partner,
        done=lambda persona, kwargs, world: 302 if answering(persona, kwargs, world) else 400,
        invalid={
            "stale": lambda persona, kwargs, world: 409 if answering(persona, kwargs, world) else UNSAVED,
            "out of range": UNSAVED,
        },
    ),
    "reflections:readiness_set": action(allowed=partner, invalid=IGNORED),
    "reflections:readiness_withdraw": action(allowed=partner, invalid=IGNORED),
    # A link that is not a number is nobody's coach: 404, as another couple's is.
    "reflections:reflection_share": action(allowed=coached_by_coach, invalid=404),
    "reflections:reflection_unshare": action(allowed=coached_by_coach, invalid=404),
    "conversation:talked_toggle": action(allowed=partner_after_reveal, invalid=IGNORED),
    # The partners after the reveal: the follow-up opens (made now for Alice
    # and Bob, Dan and Erin's already there), or the shared view says why
    # not (Alice and Bob's second reflection was not talked through).
    "conversation:follow_up_start": action(allowed=partner_after_reveal, invalid=IGNORED),
    # A stale note comes back beside the newer one (409), a long one with
    # why (400; autosave's fragment 422); a kind of note there is not is
    # 404. A question number that is none of the reflection's only changes
    # where the page comes back: the shared view (htmx: the note's status).
    "conversation:note_save": action(
        allowed=partner_after_reveal,
        invalid={
            "stale": 409,
            "too long": UNSAVED,
            "unknown kind": 404,
            "no such question": PlainOrHtmx(302, htmx=200),
        },
    ),
    # The conversation after the reveal: the partners, while linked; each
    # edits and deletes only their own replies (anyone else's: 404). The
    # page comes back (302); htmx gets the thread (200); refused, the
    # thread again with why (400; htmx 422).
    "conversation:reply_create": action(
        allowed=partner_after_reveal, done=PlainOrHtmx(302, htmx=200), invalid=PlainOrHtmx(400, htmx=422)
    ),
    "conversation:reaction_set": action(
        allowed=partner_after_reveal, done=PlainOrHtmx(302, htmx=200), invalid=PlainOrHtmx(400, htmx=422)
    ),
    "conversation:reply_edit": action(
        allowed=writes_reply, done=PlainOrHtmx(302, htmx=200), invalid=PlainOrHtmx(400, htmx=422)
    ),
    "conversation:reply_delete": action(allowed=writes_reply, done=PlainOrHtmx(302, htmx=200), invalid=IGNORED),
    "conversation:conversation_live": page(reader=partner_past_the_reveal),
    "accounts:partner": page(),
    "accounts:invitation_create": action(invalid=IGNORED),
    "accounts:invitation_revoke": action(allowed=invited_by, invalid=IGNORED),
    "accounts:invitation_code": form(post=302, invalid=400),  # a code leads on to its invitation
    "accounts:invitation_accept": form(post=invitation_accepted, invalid=IGNORED),
    "accounts:couple_unlink": form(
        get=lambda persona, kwargs, world: 200 if persona in LINKED else 302, post=302, invalid=IGNORED
    ),
    "accounts:account_delete": form(post=302, invalid=400),
    # The switcher at the foot of every page works signed out too; the
    # account's page of it is for a signed-in person.
    "accounts:language": form(
        get=lambda persona, kwargs, world: 302 if persona == "anonymous" else 200, post=302, invalid=400
    ),
    # A next page off the site is ignored: home instead.
    "notifications:notification_mark_read": action(allowed=owns_notice, invalid=IGNORED),
    "notifications:notifications_mark_all_read": action(invalid=IGNORED),
    "notifications:email_preferences": form(post=302, invalid=IGNORED),
    "coach:profile": form(post=302, invalid=400),
    "coach:coaching_accept": form(post=coaching_accepted, invalid=IGNORED),
    "coach:coaching_end": form(allowed=coaching_party, post=302, invalid=IGNORED),
    # The coach workspace (for coaches only: see expected_status).
    "coach:dashboard": page(),
    "coach:articles": page(),
    "coach:clients": page(),
    "coach:article_new": form(post=302, invalid=400),
    "coach:assignment_create": form(post=302, invalid=400),
    "coach:coaching_invite_create": action(invalid=IGNORED),
    "coach:article": form(allowed=owns_article, post=302, invalid=400),
    "coach:article_translation": form(allowed=owns_article, post=302, invalid=400),
    "coach:article_translation_remove": form(allowed=owns_article, post=302, invalid=IGNORED),
    "coach:article_delete": form(allowed=owns_article, post=302, invalid=IGNORED),
    "coach:article_preview": page(reader=owns_article),
    "coach:prompt_new": action(allowed=owns_article, invalid=400),
    "coach:prompts_from_bank": action(allowed=owns_article, invalid=400),
    "coach:prompt": form(allowed=owns_prompt, post=302, invalid=400),
    "coach:prompt_delete": form(allowed=owns_prompt, post=302, invalid=IGNORED),
    # Neither up nor down: the page says so (302, then a message); htmx gets the list as it was.
    "coach:prompt_move": action(allowed=owns_prompt, invalid=PlainOrHtmx(302, htmx=200)),
    "coach:shared_reflection": page(reader=coach_reads),
    # Check-ins. Alice and Bob's runs: accepting, declining or resuming it
    # is refused with a message (302, as done); pausing, changing, stopping
    # and sharing it work. Coach proposes to Alice and Bob, who have one
    # (the form says why: 400), Other Coach to Dan and Erin (302).
    "checkins:checkin": page(),
    "checkins:checkin_propose": form(post=without_checkin, invalid=400),
    "checkins:checkin_change": form(allowed=in_checkin, post=302, invalid=400),
    "checkins:checkin_accept": action(allowed=in_checkin, invalid=IGNORED),
    "checkins:checkin_decline": action(allowed=in_checkin, invalid=IGNORED),
    "checkins:checkin_pause": action(allowed=in_checkin, invalid=IGNORED),
    "checkins:checkin_resume": action(allowed=in_checkin, invalid=IGNORED),
    "checkins:checkin_stop": form(allowed=in_checkin, post=302, invalid=IGNORED),
    "checkins:checkin_share": action(allowed=in_checkin, invalid=404),
    "checkins:checkin_unshare": action(allowed=in_checkin, invalid=404),
    "checkins:checkin_trend": page(reader=in_checkin),
    "coach:checkin_propose": form(
        post=lambda persona, kwargs, world: 302 if persona == "other_coach" else 400, invalid=400
    ),
    # Both partners share Alice and Bob's check-in with Coach.
    "coach:checkin_trend": page(reader=lambda persona, kwargs, world: persona == "coach"),
    "coach:intake": form(post=302, invalid=400),
    # A coach's couple page and notes: the coach who coaches or coached the
    # couple (Coach still reads Frank and Gina's after their coaching ended);
    # a note, only the coach who wrote it.
    "coach:couple": page(reader=coaches_couple),
    "coach:note_new": action(allowed=coaches_couple, invalid={"too long": 400, "bad date": 400}),
    "coach:note": form(allowed=wrote_note, post=302, invalid={"too long": 400, "bad date": 400}),
    "coach:note_delete": form(allowed=wrote_note, post=302, invalid=IGNORED),
    "coach:export": page(),
    # Programmes: Coach's own; Other Coach gets 404.
    "coach:programmes": page(),
    "coach:programme_new": form(post=302, invalid=400),
    "coach:programme": form(allowed=runs_the_programme, post=302, invalid=400),
    # Running with Alice and Bob: refused with a message (302), not deleted.
    "coach:programme_delete": form(allowed=runs_the_programme, post=302, invalid=IGNORED),
    "coach:step_new": action(allowed=runs_the_programme, invalid=400),
    "coach:programme_assign": action(allowed=runs_the_programme, done=400, invalid=400),
    "coach:step": form(allowed=runs_the_programme, post=302, invalid=400),
    "coach:step_delete": form(allowed=runs_the_programme, post=302, invalid=IGNORED),
    "coach:step_move": action(
        allowed=runs_the_programme, done=PlainOrHtmx(302, htmx=200), invalid=PlainOrHtmx(302, htmx=200)
    ),
    "coach:enrolment_pause": action(allowed=runs_the_programme, invalid=IGNORED),
    "coach:enrolment_resume": action(allowed=runs_the_programme, invalid=IGNORED),
    "coach:enrolment_end": form(allowed=runs_the_programme, post=302, invalid=IGNORED),
    "coach:export_markdown": page(),
    "coach:export_json": page(),
    # A partner of the link's couple, while linked, agrees or takes it back.
    "coach:intake_consent": action(allowed=partner_of_link, invalid=IGNORED),
}
OPEN_TO_ANONYMOUS = SITE_URLS | {"reflections:home", "accounts:language"}
COACH_WORKSPACE = {name for name in EXPECTED if name.startswith("coach:")} - {
    "coach:profile",
    "coach:coaching_accept",
    "coach:coaching_end",
    "coach:intake_consent",  # the partners' side of the intake
}


def expected_status(name, kwargs, persona, method, world, variant=""):
    if persona == "anonymous" and name not in OPEN_TO_ANONYMOUS:
        return 302  # to log in
    if name in COACH_WORKSPACE and persona not in COACHES:
        return 302  # to create a coach profile
    if method in INVALID and EXPECTED[name].invalid is None:
        pytest.fail(f"persona test: say what an invalid POST to {name!r} answers, in EXPECTED")
    return EXPECTED[name].status(persona, kwargs, world, method, variant)


def admin_status_for_others(name, persona):
    """The admin to anyone but staff: its login page sends visitors to
    allauth's login (302) and refuses people who are signed in (403); every
    other admin page sends them to that login page (302). Nobody but staff
    is shown an admin page or form."""
    if name == "admin:login":
        return 302 if persona == "anonymous" else 403
    return 302


@pytest.mark.django_db
def test_world_gives_each_persona_what_the_gate_gives(world):
    """The gate and the test's own oracle agree marker by marker."""
    for persona, user in world.personas.items():
        if user is None:
            continue
        texts = " ".join(answer.text for answer in Answer.objects.visible_to(user))
        texts += " ".join(JointNote.objects.visible_to(user).values_list("text", flat=True))
        texts += " ".join(Reply.objects.visible_to(user).values_list("text", flat=True))
        texts += " ".join(CoachNote.objects.of(user).values_list("text", flat=True))
        assert {m for m in world.all_markers if m in texts} == world.allowed[persona], persona


@pytest.mark.django_db
def test_the_rule_and_the_gates_agree_for_every_persona_and_reflection(world):
    """access.access_to (in Python, for pages and services) and the gates'
    shared_view_open (in SQL, for text) are the same rule: a viewer reads
    someone else's words in a reflection exactly when the rule opens its
    shared view to them."""
    for persona, user in world.personas.items():
        viewer = user or AnonymousUser()
        open_in_sql = set(Reflection.objects.filter(shared_view_open(viewer, "pk")).values_list("pk", flat=True))
        for reflection in world.reflections:
            loaded = Reflection.objects.select_related("couple").get(pk=reflection.pk)
            access = access_to(loaded, viewer)
            shared_view = access is not None and access.stage == Stage.REVEALED
            assert (reflection.pk in open_in_sql) == shared_view, f"{persona}, {reflection}"
            authors = set(
                Answer.objects.visible_to(viewer).filter(prompt__reflection=reflection).values_list("author", flat=True)
            )
            partners = set(reflection.participants.values_list("user", flat=True))
            expected = partners if shared_view else partners & {viewer.pk}
            assert authors == expected, f"{persona}, {reflection}"


def every_response(client, world):
    """(persona, method, url name, url, response) for every persona's GET and
    htmx GET of every URL, and each invalid POST to a project URL: the forms
    that come back unsaved, with a conflict box or what was typed."""
    requests = list(requests_to_make(world))
    for persona, user in world.personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, kwargs, url in requests:
            for method, _, invalid in requests_for(name):
                if method != "POST":
                    data = invalid.data(kwargs, persona, world) if invalid else None
                    yield persona, method, name, url, send(client, method, url, data)


@pytest.mark.django_db
def test_every_page_reads_text_only_through_the_gates(client, world, monkeypatch):
    """With both gates shut, no page, fragment, export or form that comes
    back unsaved shows a single answer or note: nothing reads text for
    display any other way (P8)."""
    monkeypatch.setattr(AnswerQuerySet, "visible_to", lambda self, viewer, **narrowed: self.none())
    monkeypatch.setattr(JointNoteQuerySet, "visible_to", lambda self, viewer: self.none())
    monkeypatch.setattr(ConversationQuerySet, "visible_to", lambda self, viewer: self.none())
    monkeypatch.setattr(CoachNoteQuerySet, "of", lambda self, coach: self.none())
    for persona, method, name, url, response in every_response(client, world):
        assert response.status_code < 500, f"{persona} {method} {url} ({name}) -> {response.status_code}"
        body = response.content.decode(errors="replace")
        assert not any(m in body for m in world.all_markers), f"{persona} read text past the gates at {method} {url}"


@pytest.mark.django_db
def test_every_reflection_view_and_service_asks_the_one_rule(client, world, monkeypatch):
    """With the rule saying no, a partner's own reflections are 404 on every
    reflection URL, valid POST or invalid, and every service that changes a
    reflection refuses."""
    monkeypatch.setattr(access, "access_to", lambda reflection, viewer, **loaded: None)
    monkeypatch.setattr(selectors, "access_to", lambda reflection, viewer, **loaded: None)
    alice = world.personas["alice"]
    revealed, _, waiting = world.reflections[:3]
    client.force_login(alice)
    pages = {
        "reflections:reflection",
        "reflections:live_status",
        "reflections:reflection_events",
        "conversation:conversation_live",
        "conversation:together_start",
        "conversation:together",
        "conversation:reflection_export",
    }
    for name, kwargs, url in requests_to_make(world):
        if name.startswith(("reflections:", "conversation:")) and "/reflections/" in url:
            if name in pages:
                sent = [("GET", None)]
            else:
                sent = [("POST", post_data(name, kwargs, "alice", world))]
                sent += [(method, each.data(kwargs, "alice", world)) for method, _, each in requests_for(name) if each]
            for method, data in sent:
                response = send(client, method, url, data)
                assert response.status_code == 404, f"{name} {method} {url} -> {response.status_code}"
    prompt = waiting.prompts.first()
    refused = [
        lambda: answer_save(prompt=prompt, author=alice, text="x"),
        lambda: readiness_set(reflection=waiting, user=alice),
        lambda: readiness_withdraw(reflection=waiting, user=alice),
        lambda: reflection_share(reflection=revealed, user=alice, coach=world.personas["coach"]),
        lambda: reflection_unshare(reflection=revealed, user=alice, coach=world.personas["coach"]),
        lambda: talked_toggle(prompt=revealed.prompts.first(), user=alice),
        lambda: note_save(reflection=revealed, user=alice, kind="try", text="x", base_version=0),
        lambda: reply_create(prompt=revealed.prompts.first(), user=alice, text="x"),
        lambda: reaction_set(prompt=revealed.prompts.first(), user=alice, kind="moved"),
        lambda: follow_up_start(reflection=revealed, user=alice),
    ]
    for service in refused:
        with pytest.raises(DomainError, match="not part of this reflection"):
            service()


@pytest.mark.django_db(transaction=True)
def test_no_event_says_what_changed_and_only_the_partners_hear_of_it(world):
    """Every signed-in persona holds home's stream and every reflection's it
    may open (404 for the rest, as the persona test above checks). Then
    the partners of one revealed and one open reflection reply, write a
    note and answer, each with a marker: no event carries any text, only
    the kind of change (P6), and nobody but those partners hears of it."""
    revealed = next(r for r in world.reflections if world.stage[r.pk] == "revealed")
    answering = next(
        r
        for r in world.reflections
        if world.stage[r.pk] == "open" and not world.ready[r.pk] and r.couple_id == revealed.couple_id
    )
    hearers = world.partners[revealed.pk] | world.partners[answering.pk]
    alice, bob = (world.personas[name] for name in sorted(world.partners[revealed.pk]))
    markers = [f"MARKER{uuid.uuid4().hex}" for _ in range(4)]

    def change():
        prompt = revealed.prompts.first()
        reply_create(prompt=prompt, user=bob, text=markers[0])
        version = JointNote.objects.filter(reflection=revealed, kind="try").values_list("version", flat=True).first()
        note_save(reflection=revealed, user=alice, kind="try", text=markers[1], base_version=version or 0)
        text_prompts = [p for p in answering.prompts.all() if not (p.is_scale or p.is_choice)]
        for author, marker in zip((alice, bob), markers[2:], strict=True):
            for prompt in text_prompts:  # emptied, then answered: the partner's count changes
                answer_save(prompt=prompt, author=author, text="")
                answer_save(prompt=prompt, author=author, text=marker)

    reflections = world.reflections

    async def scenario():
        streams = {}
        for persona, user in world.personas.items():
            if user is None:
                continue
            client = AsyncClient()
            await client.aforce_login(user)
            urls = [(reverse("reflections:home_events"), "open")]
            urls += [(reverse("reflections:reflection_events", args=[r.pk]), world.stage[r.pk]) for r in reflections]
            for url, stage in urls:
                response = await client.get(url)
                if response.status_code == 200:
                    streams[persona, url] = stream = Stream(response)
                    assert await stream.event() == "ready"
                    if stage == "closed":  # unlinked: nothing more can change
                        assert await stream.event() == "closed"
        await sync_to_async(change)()
        heard = {}
        for (persona, _url), stream in streams.items():
            while chunk := await stream.chunk(timeout=0.3):
                heard.setdefault(persona, []).append(chunk)
            await stream.close()
        return heard

    heard = async_to_sync(scenario)()

    assert set(heard) == hearers
    for persona, chunks in heard.items():
        for chunk in chunks:
            assert not any(marker in chunk for marker in markers), f"{persona} heard text: {chunk!r}"
            assert chunk in {f"event: {kind}\ndata: {kind}\n\n" for kind in ("status", "conversation")}, chunk
