"""Every form and htmx endpoint, fuzzed with hypothesis: random unicode,
huge strings, NUL bytes, wrong types, missing fields and foreign or tampered
ids. For each example: never a 500; a refused request (4xx, a re-rendered
form, or an error message) writes nothing; another couple's, another coach's
or a stranger's data never changes.

Each example runs in a savepoint that is rolled back, so every example starts
from the same world (see `world`)."""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import (
    CoachingAcceptance,
    CoachingLink,
    CoachProfile,
    Couple,
    Invitation,
    Membership,
    User,
)
from accounts.services import coaching_invite_create, invitation_create
from conversation.models import JointNote, TalkedMark
from conversation.services import note_save
from library.models import Article, Prompt
from notifications.models import EmailPreferences, Notification
from reflections.models import (
    ANSWER_MAX_LENGTH,
    Answer,
    Participant,
    Reflection,
    ReflectionEvent,
    ReflectionPrompt,
    ShareConsent,
)
from reflections.services import answer_save, readiness_set, reflection_share, reflection_start
from tests.conftest import PASSWORD, answer_all, coach_link, make_article, make_coach_article, reveal

fuzz = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)

# --- strategies ---------------------------------------------------------------

SPECIAL_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 100,
    "on",
    "off",
    "true",
    "True",
    "null",
    "None",
    "[]",
    "{}",
    "0",
    "1",
    "5",
    "10",
    "11",
    "-1",
    "1.5",
    "1e3",
    "NaN",
    "²",  # isdigit() but not int()
    "١٢",  # Arabic-Indic digits
    " 3 ",
    "+1",
    "1_0",
    "0x10",
    "9" * 5000,  # more digits than int() accepts
    str(2**63),
    str(-(2**63) - 1),
    "up",
    "down",
    "stop",
    "Tea",
    "Coffee",
    "<script>alert(1)</script>",
    "'; DROP TABLE reflections_answer; --",
    "\u202e\ufeff\u200b",
    "🙂" * 10,
]

huge = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["a", "\x00", "é", "🙂", "\n", "ß", "x\x00"]),
    st.integers(min_value=ANSWER_MAX_LENGTH - 5, max_value=50_000),
)

scalar = st.one_of(
    st.text(max_size=80),
    st.sampled_from(SPECIAL_STRINGS),
    huge,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)

# What a field may carry: one value, or several (a list posts the key repeatedly).
junk = st.one_of(scalar, st.lists(st.one_of(st.text(max_size=20), st.integers()), min_size=0, max_size=3))

WEIRD_IDS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["", "abc", "²", "١٢", " 1", "1 ", "1.0", "0x10", "9" * 5000, "-0", "+1", "1_0", "\x00", "[]"]),
)


TRICKY_IDS = st.sampled_from(["²", "١٢", "9" * 5000, str(10**20), "-1", "0", " 1"])


def ids(*known):
    """A field meant to carry one of `known` ids, or anything else."""
    known = [k for k in known if k is not None]
    return st.one_of(st.sampled_from(known), st.sampled_from(known).map(str), TRICKY_IDS, WEIRD_IDS, junk)


def path_ids(*known):
    """A pk in the URL (only digits get through the URL converter); the
    first of `known` is the one the user may use, and is drawn most often."""
    known = [k for k in known if k is not None]
    return st.one_of(st.just(known[0]), st.sampled_from(known), st.sampled_from([0, 10**20]), st.integers(0, 10**25))


def form(**fields):
    """A form with any of `fields` (each a strategy), any missing, plus junk keys."""
    return st.fixed_dictionaries({}, optional={**fields, "zzz": junk, "csrfmiddlewaretoken": junk})


# --- the world ------------------------------------------------------------------


@pytest.fixture
def world(make_user, alice, bob, carol, couple, coach, other_coach, dan, erin, other_couple):
    """Alice and Bob, coached by `coach`; Dan and Erin, coached by
    `other_coach`; Carol with an open invitation; Frank, linked with nobody."""
    w = SimpleNamespace(alice=alice, bob=bob, carol=carol, coach=coach, other_coach=other_coach, dan=dan, erin=erin)
    w.couple, w.other_couple = couple, other_couple
    w.frank = make_user("Frank")
    w.article, w.article2 = make_article(), make_article()
    w.library = [w.article.pk, w.article2.pk]
    w.link = coach_link(coach, alice, bob)
    w.other_link = coach_link(other_coach, dan, erin)
    w.pending_link = coaching_invite_create(coach=coach)
    w.coach_article = make_coach_article(coach)
    w.draft = make_coach_article(coach, status=Article.Status.DRAFT)
    w.other_article = make_coach_article(other_coach)
    w.coach_prompt = w.coach_article.prompts.first()
    w.draft_prompt = w.draft.prompts.last()
    w.other_prompt = w.other_article.prompts.first()
    w.library_prompt = w.article.prompts.first()

    # Alice and Bob: one open (Alice half way, Bob ready), one revealed and shared.
    w.open = reflection_start(article=w.article, by=alice)
    text_prompt = w.open.prompts.get(kind="text")
    answer_save(prompt=text_prompt, author=alice, text="Alice's first words")
    answer_all(w.open, bob, text="Bob's words")
    readiness_set(reflection=w.open, user=bob)
    w.revealed = reveal(reflection_start(article=w.article2, by=alice), alice, bob)
    reflection_share(reflection=w.revealed, user=alice, coach=coach)
    note_save(reflection=w.revealed, user=alice, kind="remember", text="Our note", base_version=0)

    # Dan and Erin: the same, foreign to everyone else here.
    w.foreign_open = reflection_start(article=w.article, by=dan)
    answer_all(w.foreign_open, dan, text="Dan's secret")
    w.foreign_revealed = reveal(reflection_start(article=w.article2, by=dan), dan, erin)
    reflection_share(reflection=w.foreign_revealed, user=dan, coach=other_coach)
    reflection_share(reflection=w.foreign_revealed, user=erin, coach=other_coach)
    note_save(reflection=w.foreign_revealed, user=dan, kind="try", text="Dan and Erin's note", base_version=0)

    w.carol_invitation = invitation_create(inviter=carol)
    w.reflections = [w.open.pk, w.revealed.pk, w.foreign_open.pk, w.foreign_revealed.pk]
    w.articles = [w.article.pk, w.coach_article.pk, w.draft.pk, w.other_article.pk]
    w.prompts = [w.coach_prompt.pk, w.draft_prompt.pk, w.other_prompt.pk, w.library_prompt.pk]
    w.links = [w.link.pk, w.other_link.pk, w.pending_link.pk]
    w.notifications = list(Notification.objects.values_list("pk", flat=True))
    return w


COUNTED = [
    User,
    Couple,
    Membership,
    Invitation,
    CoachProfile,
    CoachingLink,
    CoachingAcceptance,
    Article,
    Prompt,
    Reflection,
    ReflectionPrompt,
    Participant,
    Answer,
    ShareConsent,
    TalkedMark,
    JointNote,
    ReflectionEvent,
    Notification,
    EmailPreferences,
]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def foreign_state(w, skip=()):
    """Everything that belongs to Dan and Erin, their coach, Carol, and the
    library: no request by Alice, Bob, `coach` or Frank may change it.
    (Answer and note texts are decrypted by values(), so they are compared.)"""
    theirs = w.other_couple
    parts = {
        "answers": Answer.objects.filter(author__in=[w.dan, w.erin]),
        "notes": JointNote.objects.filter(reflection__couple=theirs),
        "reflections": Reflection.objects.filter(couple=theirs),
        "participants": Participant.objects.filter(reflection__couple=theirs),
        "reflection_prompts": ReflectionPrompt.objects.filter(reflection__couple=theirs),
        "talked": TalkedMark.objects.filter(prompt__reflection__couple=theirs),
        "shares": ShareConsent.objects.filter(reflection__couple=theirs),
        "events": ReflectionEvent.objects.filter(reflection__couple=theirs),
        "couple": Couple.objects.filter(pk=theirs.pk),
        "memberships": Membership.objects.filter(couple=theirs),
        "links": CoachingLink.objects.filter(Q(couple=theirs) | Q(coach=w.other_coach)),
        "acceptances": CoachingAcceptance.objects.filter(link__coach=w.other_coach),
        "articles": Article.objects.filter(Q(owner=w.other_coach) | Q(pk__in=w.library)),
        "prompts": Prompt.objects.filter(Q(article__owner=w.other_coach) | Q(article__in=w.library)),
        "profile": CoachProfile.objects.filter(user=w.other_coach),
        "invitations": Invitation.objects.filter(inviter__in=[w.carol, w.dan, w.erin]),
        "notifications": Notification.objects.filter(user__in=[w.dan, w.erin, w.carol, w.other_coach]),
    }
    state = {name: list(qs.order_by("pk").values()) for name, qs in parts.items() if name not in skip}
    state["users"] = list(
        User.objects.filter(pk__in=[w.dan.pk, w.erin.pk, w.carol.pk, w.other_coach.pk])
        .order_by("pk")
        .values("pk", "email", "display_name", "is_active", "password")
    )
    return state


def refused(response):
    """A 4xx, or a page or redirect carrying an error message."""
    if response.status_code >= 400:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(m.level >= message_levels.ERROR for m in (storage or []))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def exercise(client, w, user, url, data=None, *, method="post", htmx=False, partial=(), skip_foreign=()):
    """One request as `user`, with the checks every endpoint shares."""
    client.cookies.clear()  # no session, and no messages left over from an earlier example
    if user is not None:
        client.force_login(user)
    before, foreign = counts(), foreign_state(w, skip_foreign)
    headers = {"HX-Request": "true"} if htmx else {}
    send = client.post if method == "post" else client.get
    response = send(url, data or {}, headers=headers)
    assert response.status_code < 500, f"{response.status_code} for {url} with {data!r}"
    if refused(response):
        after = counts()
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        for name in partial:
            changed.pop(name, None)
        assert not changed, f"refused ({response.status_code}) but wrote {changed} for {url} with {data!r}"
    assert foreign_state(w, skip_foreign) == foreign, f"foreign data changed by {url} with {data!r}"
    return response


def as_sent(value):
    """The string the view reads back with request.POST.get()."""
    if isinstance(value, list):
        return str(value[-1]) if value else ""
    return str(value)


# --- reflections: answering ------------------------------------------------------


def _must_be_refused(prompt, fields, current_version):
    """Whether the posted fields for `prompt` must leave its saved answer as it was."""
    if "shown" not in fields:
        return True
    if as_sent(fields.get("passed", "")) == "on":
        return False
    version = as_sent(fields.get("version", "")) if "version" in fields else ""
    if version and current_version is not None and (version.lstrip("0") or "0") != str(current_version):
        return True  # an edit over another version (or one that is no number): a conflict, never an overwrite
    if prompt.is_scale:
        raw = as_sent(fields.get("scale", "")).strip()
        if not raw:
            return False
        try:
            return not 1 <= int(raw) <= 10
        except ValueError:
            return True
    text = as_sent(fields.get("text", "")).replace("\x00", "")
    if len(text) > ANSWER_MAX_LENGTH + 10:  # clearly too long, whatever transport did to line ends
        return True
    return prompt.is_choice and bool(text.strip()) and text not in prompt.choices and "\r" not in text


answer_fields = st.fixed_dictionaries(
    {},
    optional={
        "shown": junk,
        "text": junk,
        "scale": junk,
        "passed": st.one_of(st.just("on"), junk),
        "version": st.one_of(st.sampled_from(["0", "1", "2", "3"]), TRICKY_IDS, WEIRD_IDS, junk),
    },
)


@pytest.mark.django_db
@fuzz
@given(data=st.data(), htmx=st.booleans())
def test_answers_save(client, world, data, htmx):
    w = world
    prompt_ids = list(ReflectionPrompt.objects.values_list("pk", flat=True))
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.alice, w.bob, w.carol, w.coach]), label="user")
        pk = data.draw(path_ids(*w.reflections), label="pk")
        own_ids = list(w.open.prompts.values_list("pk", flat=True))
        pool = st.one_of(st.sampled_from(own_ids), st.sampled_from(prompt_ids))
        chosen = data.draw(st.lists(pool, unique=True, min_size=1, max_size=4), label="prompts")
        per_prompt = {pid: data.draw(answer_fields, label=f"p{pid}") for pid in chosen}
        post = {f"p{pid}-{name}": value for pid, fields in per_prompt.items() for name, value in fields.items()}
        post.update(data.draw(form(), label="extra"))
        mine_before = {
            a.prompt_id: (a.text, a.scale_value, a.passed, a.version) for a in Answer.objects.filter(author=user)
        }
        partner_before = list(Answer.objects.exclude(author=user).order_by("pk").values())

        response = exercise(
            client, w, user, reverse("reflections:answers_save", args=[pk]), post, htmx=htmx, partial={"Answer"}
        )

        assert list(Answer.objects.exclude(author=user).order_by("pk").values()) == partner_before
        if refused(response):
            mine_after = {
                a.prompt_id: (a.text, a.scale_value, a.passed, a.version) for a in Answer.objects.filter(author=user)
            }
            for prompt in ReflectionPrompt.objects.filter(reflection_id=pk) if pk in w.reflections else []:
                current = mine_before.get(prompt.pk)
                if _must_be_refused(prompt, per_prompt.get(prompt.pk, {}), current and current[3]):
                    assert mine_after.get(prompt.pk) == current, f"prompt {prompt.pk} changed with {post!r}"


@pytest.mark.django_db
@fuzz
@given(
    name=st.sampled_from(["reflections:readiness_set", "reflections:readiness_withdraw"]),
    who=st.sampled_from(["alice", "bob", "carol", "coach"]),
    pk=st.integers(0, 10**25),
    body=form(link=junk, action=junk),
)
def test_ready_and_withdraw(client, world, name, who, pk, body):
    w = world
    with rolled_back():
        pk = w.reflections[pk % 5] if pk % 5 < 4 else pk
        exercise(client, w, getattr(w, who), reverse(name, args=[pk]), body)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_reflection_share(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.alice, w.bob, w.carol, w.coach]))
        pk = data.draw(path_ids(w.revealed.pk, *w.reflections))
        name = data.draw(st.sampled_from(["reflections:reflection_share", "reflections:reflection_unshare"]))
        body = data.draw(form(link=ids(*w.links)))
        exercise(client, w, user, reverse(name, args=[pk]), body)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_reflection_start(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.carol, w.frank, w.coach]))
        slugs = [w.article.slug, w.article2.slug, w.coach_article.slug, w.draft.slug, w.other_article.slug]
        slug = data.draw(st.one_of(st.sampled_from(slugs), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z")))
        exercise(client, w, user, reverse("reflections:reflection_start", args=[slug]), data.draw(form()))


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_live_status(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.bob, w.carol, w.coach]))
        pk = data.draw(path_ids(*w.reflections))
        query = data.draw(form(seen=junk))
        exercise(client, w, user, reverse("reflections:live_status", args=[pk]), query, method="get", htmx=True)


# --- reflections: together mode and notes ------------------------------------------


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_notes_save(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.alice, w.bob, w.carol, w.coach]))
        pk = data.draw(path_ids(w.revealed.pk, *w.reflections))
        body = data.draw(
            form(
                kind=st.one_of(st.sampled_from(["remember", "try", "TRY", ""]), junk),
                text=junk,
                version=st.one_of(st.sampled_from(["0", "1", "2"]), WEIRD_IDS, junk),
            )
        )
        own_notes = list(JointNote.objects.filter(reflection=w.revealed).order_by("pk").values())
        response = exercise(client, w, user, reverse("conversation:note_save", args=[pk]), body)
        if refused(response):
            assert list(JointNote.objects.filter(reflection=w.revealed).order_by("pk").values()) == own_notes


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_together_talked(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.alice, w.bob, w.carol, w.coach]))
        pk = data.draw(path_ids(w.revealed.pk, *w.reflections))
        number = data.draw(st.one_of(st.integers(0, 4), st.sampled_from([0, 10**20]), st.integers(0, 10**25)))
        exercise(client, w, user, reverse("conversation:talked_toggle", args=[pk, number]), data.draw(form()))


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_together_page(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.carol]))
        pk = data.draw(path_ids(w.revealed.pk, *w.reflections))
        number = data.draw(st.one_of(st.integers(0, 4), st.sampled_from([0, 10**20]), st.integers(0, 10**25)))
        exercise(client, w, user, reverse("conversation:together", args=[pk, number]), data.draw(form()), method="get")


# --- partners: invitations and unlinking -----------------------------------------------


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_invitation_enter_code(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.frank, w.alice, w.carol]))
        code = st.one_of(
            st.sampled_from([w.carol_invitation.code, w.carol_invitation.code.lower(), "ABCD-EFGH"]),
            junk,
        )
        exercise(client, w, user, reverse("accounts:invitation_code"), data.draw(form(code=code)))


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_invitation_new_and_revoke(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.frank, w.alice, w.coach]))
        own = invitation_create(inviter=w.frank)
        if data.draw(st.booleans()):
            url = reverse("accounts:invitation_create")
        else:
            url = reverse("accounts:invitation_revoke", args=[data.draw(path_ids(own.pk, w.carol_invitation.pk))])
        exercise(client, w, user, url, data.draw(form(pk=ids(own.pk, w.carol_invitation.pk))))


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_invitation_accept(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.frank, w.alice, w.carol, w.coach]))
        token = data.draw(st.one_of(st.just(w.carol_invitation.token), st.from_regex(r"\A[-a-zA-Z0-9_]{1,80}\Z")))
        method = data.draw(st.sampled_from(["post", "post", "get"]))
        exercise(
            client,
            w,
            user,
            reverse("accounts:invitation_accept", args=[token]),
            data.draw(form(token=junk, code=junk)),
            method=method,
            # Accepting Carol's invitation is meant to change it, and to tell her.
            skip_foreign={"invitations", "notifications"},
        )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_unlink(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.bob, w.frank, w.coach]))
        body = data.draw(form(couple=ids(w.couple.pk, w.other_couple.pk), confirm=junk))
        exercise(client, w, user, reverse("accounts:couple_unlink"), body)
        assert Couple.objects.get(pk=w.other_couple.pk).ended_at is None


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_delete_account(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.frank, w.coach]))
        password = st.one_of(st.just(PASSWORD), st.just(PASSWORD + "\x00"), junk)
        exercise(
            client, w, user, reverse("accounts:account_delete"), data.draw(form(password=password, user=ids(w.dan.pk)))
        )


# --- coaching links ----------------------------------------------------------------------


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_profile(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.frank, w.alice]))
        body = data.draw(form(name=junk, practice=junk, bio=junk, user=ids(w.other_coach.pk)))
        profile_before = list(CoachProfile.objects.filter(user=user).values())
        response = exercise(client, w, user, reverse("coach:profile"), body)
        if refused(response):
            assert list(CoachProfile.objects.filter(user=user).values()) == profile_before


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coaching_invite_and_end(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.alice, w.bob, w.frank]))
        if data.draw(st.booleans()):
            url = reverse("coach:coaching_invite_create")
        else:
            url = reverse("coach:coaching_end", args=[data.draw(path_ids(*w.links))])
        method = data.draw(st.sampled_from(["post", "post", "get"]))
        exercise(
            client, w, user, url, data.draw(form(link=ids(*w.links), couple=ids(w.other_couple.pk))), method=method
        )


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coaching_accept(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.bob, w.frank, w.coach, w.carol]))
        tokens = [w.pending_link.token, w.link.token, w.other_link.token]
        token = data.draw(st.one_of(st.sampled_from(tokens), st.from_regex(r"\A[-a-zA-Z0-9_]{1,80}\Z")))
        method = data.draw(st.sampled_from(["post", "post", "get"]))
        body = data.draw(form(link=ids(*w.links), couple=ids(w.other_couple.pk)))
        exercise(client, w, user, reverse("coach:coaching_accept", args=[token]), body, method=method)


# --- coach workspace: articles, questions, assigning -------------------------------------------

article_fields = dict(
    title=junk,
    source_title=junk,
    source_name=junk,
    source_url=st.one_of(st.just("https://example.com/x"), st.just("javascript:alert(1)"), junk),
    summary=junk,
    visibility=st.one_of(st.sampled_from(["public", "clients", "PUBLIC"]), junk),
    status=st.one_of(st.sampled_from(["draft", "published"]), junk),
)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_article_new(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        body = data.draw(form(**article_fields, owner=ids(w.other_coach.pk), slug=junk))
        exercise(client, w, user, reverse("coach:article_new"), body)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_article_edit(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        pk = data.draw(path_ids(*w.articles))
        body = data.draw(form(**article_fields, owner=ids(w.other_coach.pk), slug=junk, pk=ids(*w.articles)))
        own = list(Article.objects.filter(owner=w.coach).order_by("pk").values())
        response = exercise(client, w, user, reverse("coach:article", args=[pk]), body)
        if refused(response):
            assert list(Article.objects.filter(owner=w.coach).order_by("pk").values()) == own


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_article_delete(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.alice]))
        pk = data.draw(path_ids(*w.articles))
        method = data.draw(st.sampled_from(["post", "get"]))
        exercise(client, w, user, reverse("coach:article_delete", args=[pk]), data.draw(form()), method=method)


prompt_fields = dict(
    kind=st.one_of(st.sampled_from(["text", "scale", "choice", "TEXT"]), junk),
    text=junk,
    scale_min_label=junk,
    scale_max_label=junk,
    choices=junk,
)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_prompt_new(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        pk = data.draw(path_ids(*w.articles))
        body = data.draw(form(**prompt_fields, article=ids(*w.articles), order=WEIRD_IDS))
        exercise(client, w, user, reverse("coach:prompt_new", args=[pk]), body)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_prompt_edit(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        pk = data.draw(path_ids(*w.prompts))
        body = data.draw(form(**prompt_fields, article=ids(*w.articles), order=WEIRD_IDS))
        own = list(Prompt.objects.filter(article__owner=w.coach).order_by("pk").values())
        response = exercise(client, w, user, reverse("coach:prompt", args=[pk]), body)
        if refused(response):
            assert list(Prompt.objects.filter(article__owner=w.coach).order_by("pk").values()) == own


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_prompt_move(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        pk = data.draw(path_ids(*w.prompts))
        body = data.draw(form(direction=st.one_of(st.sampled_from(["up", "down", "UP"]), junk)))
        htmx = data.draw(st.booleans())
        own = list(Prompt.objects.filter(article__owner=w.coach).order_by("pk").values())
        response = exercise(client, w, user, reverse("coach:prompt_move", args=[pk]), body, htmx=htmx)
        if refused(response):
            assert list(Prompt.objects.filter(article__owner=w.coach).order_by("pk").values()) == own


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_prompt_delete(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        pk = data.draw(path_ids(*w.prompts))
        method = data.draw(st.sampled_from(["post", "post", "get"]))
        exercise(client, w, user, reverse("coach:prompt_delete", args=[pk]), data.draw(form()), method=method)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_coach_assign(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.coach, w.coach, w.alice]))
        couples = st.lists(ids(w.couple.pk, w.other_couple.pk), max_size=3)
        body = data.draw(
            form(
                article=ids(*w.articles),
                couples=st.one_of(couples, ids(w.couple.pk, w.other_couple.pk)),
                note=junk,
                due_date=st.one_of(
                    st.dates().map(str), st.sampled_from(["2025-02-30", "0000-00-00", "9999-12-31"]), junk
                ),
            )
        )
        exercise(client, w, user, reverse("coach:assignment_create"), body)


# --- notifications -------------------------------------------------------------------------------

next_urls = st.one_of(
    st.sampled_from(["/", "/history/", "//evil.example.com", "https://evil.example.com/", "javascript:alert(1)"]),
    junk,
)


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_notification_read(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.bob, w.frank]))
        if data.draw(st.booleans()):
            url = reverse("notifications:notification_mark_read", args=[data.draw(path_ids(*w.notifications))])
        else:
            url = reverse("notifications:notifications_mark_all_read")
        response = exercise(client, w, user, url, data.draw(form(next=next_urls)))
        if response.status_code == 302:
            assert response["Location"].startswith("/") and not response["Location"].startswith("//")


@pytest.mark.django_db
@fuzz
@given(data=st.data())
def test_notification_settings(client, world, data):
    w = world
    with rolled_back():
        user = data.draw(st.sampled_from([w.alice, w.frank]))
        flag = st.one_of(st.sampled_from(["on", "true", "false", "0", ""]), junk)
        body = data.draw(
            form(
                partner_joined=flag,
                partner_ready=flag,
                revealed=flag,
                assigned=flag,
                reminder=flag,
                user=ids(w.dan.pk),
            )
        )
        exercise(client, w, user, reverse("notifications:email_preferences"), body)
