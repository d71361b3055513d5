"""Efficient by construction: every hot page costs a fixed number of queries,
whatever the data size. Each page is measured with a little data and with a
lot, against ONE named bound (the count measured for the small case): a
bound that had to grow with the data would be an N+1.

The meta-checks go further than a bound: they measure the same page small
and large in one test and demand the very same count, and one of them puts
an N+1 back in on purpose to show that the bound catches it.

Counts include what every signed-in request costs (session, the user with
their coach profile); they are constant, and each test warms the page up
once first, since the first signed-in request also records the device
(which later requests repeat at most once a minute)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CoachingLink, Membership
from conversation.models import JointNote, Reaction, Reply, TalkedMark
from conversation.services import note_save, reaction_set, reply_create
from library.models import Article, PromptKind, Theme
from notifications.models import Notification
from reflections.models import Answer, Participant, Reflection, ReflectionEvent, ReflectionPrompt, ShareConsent
from reflections.overview import HISTORY_PER_PAGE, HOME_FINISHED
from reflections.selectors import STILL_OPEN, finished_for
from reflections.services import (
    answer_save,
    progress_recount,
    readiness_set,
    reflection_create,
    reflection_share,
    reflection_start,
)

from .conftest import answer_all, coach_link, link, make_article, reveal

# The data sizes: reflections on lists, prompts on one reflection.
FEW, MANY = 1, 200
FEW_PROMPTS, MANY_PROMPTS = 1, 50

# The bounds, one per page: what the page costs with the least data.
# One of them the guide to read next, one the couple's check-in, one their
# coach's programme; progress and passes are counts on the participant rows.
HOME_QUERIES = 8
HISTORY_QUERIES = 3  # a page of status lines is one query
REFLECTION_ANSWERING_QUERIES = 5  # before the reveal, answering, nobody ready yet (no trail to read)
REFLECTION_WAITING_QUERIES = 6  # before the reveal, ready and waiting for the partner
# The shared view: the same URL after the reveal, with its conversation, the
# talked marks and the follow-up started from it, if any (what next).
REFLECTION_REVEALED_QUERIES = 13
REFLECTION_TALKED_THROUGH_QUERIES = 14  # every question talked about: what next adds the guide to read next
TOGETHER_QUERIES = 9  # one question, its talked marks, its conversation and both joint notes
# The last question once all are talked about: what next adds the follow-up,
# the in-person reactions and the guide to read next.
TOGETHER_TALKED_THROUGH_QUERIES = 12
COACH_REFLECTION_QUERIES = 10  # a coach reading what both partners shared, its conversation and talked marks
# Among them the client couples' check-ins, their programmes, and the three
# reads of who needs attention.
COACH_DASHBOARD_QUERIES = 13
# With a programme running: its steps and their articles, what was released,
# and those reflections' partners.
COACH_DASHBOARD_PROGRAMME_QUERIES = COACH_DASHBOARD_QUERIES + 4
AUTOSAVE_QUERIES = 11  # one answer saved from the answering page (htmx), including its transaction


# Building data. The first reflection of a size always goes through the real
# services; the hundreds after it are written in bulk (the same rows that
# reflection_create, answer_save, readiness_set and reflection_share write),
# since hundreds of them through the services would take most of a minute.


def prompts(count):
    """`count` prompts, cycling text, scale and choice."""
    kinds = [
        {"kind": PromptKind.TEXT, "text": "What did you notice?"},
        {"kind": PromptKind.SCALE, "text": "How close?", "scale_min_label": "Far", "scale_max_label": "Close"},
        {"kind": PromptKind.CHOICE, "text": "Which one?", "choices": ["Tea", "Coffee"]},
    ]
    return [{**kinds[i % len(kinds)], "text": f"{kinds[i % len(kinds)]['text']} ({i + 1})"} for i in range(count)]


def answer_value(prompt, user):
    if prompt.is_scale:
        return {"scale_value": 3 + user.pk % 5}
    if prompt.is_choice:
        return {"text": prompt.choices[0]}
    return {"text": f"Private words of {user.name}"}


def add_reflections(couple, count, *, state="revealed", assigned_by=None, share_with=None):
    """`count` more reflections for `couple`, in `state`: "revealed" (both
    answered everything and were ready), "waiting" (the first partner is
    ready, the second answered half) or "answering" (half answered)."""
    if count <= 0:
        return []
    partners = [m.user for m in couple.memberships.select_related("user").order_by("pk")]
    reflections = [
        reflection_create(
            couple=couple,
            article=make_article(prompts=prompts(2)),
            started_by=None if assigned_by else partners[0],
            assigned_by=assigned_by,
        )
        for _ in range(count)
    ]
    snapshot = list(ReflectionPrompt.objects.filter(reflection__in=reflections))
    answered = {
        "revealed": {partners[0]: snapshot, partners[1]: snapshot},
        "waiting": {partners[0]: snapshot, partners[1]: snapshot[::2]},
        "answering": {partners[0]: snapshot[::2], partners[1]: snapshot[1::2]},
    }[state]
    Answer.objects.bulk_create(
        Answer(prompt=p, author=user, **answer_value(p, user)) for user, ps in answered.items() for p in ps
    )
    progress_recount(Participant.objects.filter(reflection__in=reflections))  # as answer_save keeps them
    now = timezone.now()
    ready = partners if state == "revealed" else partners[:1] if state == "waiting" else []
    Participant.objects.filter(reflection__in=reflections, user__in=ready).update(ready_at=now)
    ReflectionEvent.objects.bulk_create(
        ReflectionEvent(reflection=r, kind=ReflectionEvent.Kind.READY, user=user) for r in reflections for user in ready
    )
    if state == "revealed":
        Reflection.objects.filter(pk__in=[r.pk for r in reflections]).update(revealed_at=now)
        ReflectionEvent.objects.bulk_create(
            ReflectionEvent(reflection=r, kind=ReflectionEvent.Kind.REVEALED) for r in reflections
        )
    if share_with:
        link = CoachingLink.objects.active().get(coach=share_with, couple=couple)
        ShareConsent.objects.bulk_create(
            ShareConsent(reflection=r, user=user, link=link) for r in reflections for user in partners
        )
    return reflections


def first_reflection(alice, bob, *, prompt_count=3, state="revealed"):
    """One reflection through the real services: started by Alice, answered,
    and ready or revealed as `state` says."""
    reflection = reflection_start(article=make_article(prompts=prompts(prompt_count)), by=alice)
    if state == "revealed":
        return reveal(reflection, alice, bob)
    answer_all(reflection, alice, text="Private words of Alice")
    if state == "waiting":
        readiness_set(reflection=reflection, user=alice)
    return reflection


def reflections_of(couple, alice, bob, coach, count):
    """`count` reflections of Alice and Bob: the first through the services,
    the rest a mix of every state the home page groups, some assigned by
    their coach."""
    first_reflection(alice, bob)
    rest = count - 1
    add_reflections(couple, rest // 2, state="revealed")
    add_reflections(couple, rest // 4, state="waiting", assigned_by=coach)
    add_reflections(couple, rest - rest // 2 - rest // 4, state="answering", assigned_by=coach)


def shown_on_home(user):
    """What home lists: every reflection waiting for someone, and the
    latest finished ones (History has the rest)."""
    still_open = Participant.objects.filter(STILL_OPEN, user=user).count()
    return still_open + min(finished_for(user).count(), HOME_FINISHED)


def revealed_past(couple, alice, bob, count):
    """`count` revealed reflections: the history."""
    first_reflection(alice, bob)
    add_reflections(couple, count - 1, state="revealed")


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def signed_in(client, user, url):
    """Sign in and open `url` once: the first signed-in request also records
    the device (usersessions), which later requests within the minute do not
    repeat."""
    client.force_login(user)
    get(client, url)
    return client


def cold_request(client, url):
    """(the queries, page) of one request, as a worker would serve it before
    this reflection's prompts are in the snapshots cache
    (reflections.selectors.prompts_of), to someone who has opened the page
    before."""
    get(client, url)
    caches["snapshots"].clear()
    with CaptureQueriesContext(connection) as captured:
        html = get(client, url)
    return captured.captured_queries, html


def measured(client, url):
    """(number of queries, page) for one cold request."""
    queries, html = cold_request(client, url)
    return len(queries), html


@pytest.fixture
def assert_queries(django_assert_max_num_queries):
    """At most `bound` queries; a failure lists them."""
    return django_assert_max_num_queries


@pytest.fixture
def coached_couple(coach, alice, bob, couple):
    coach_link(coach, alice, bob)
    return couple


# Home and history


@pytest.mark.parametrize("count", [FEW, MANY])
def test_home_costs_a_fixed_number_of_queries(client, alice, bob, coach, coached_couple, count, assert_queries):
    reflections_of(coached_couple, alice, bob, coach, count)
    url = reverse("reflections:home")
    signed_in(client, alice, url)

    with assert_queries(HOME_QUERIES):
        html = get(client, url)

    assert html.count('class="status-line"') == shown_on_home(alice)


@pytest.mark.parametrize("count", [FEW, MANY])
def test_history_costs_a_fixed_number_of_queries(client, alice, bob, couple, count, assert_queries):
    revealed_past(couple, alice, bob, count)
    url = reverse("reflections:history")
    signed_in(client, alice, url)

    with assert_queries(HISTORY_QUERIES):
        html = get(client, url)

    assert html.count('<li class="card">') == min(count, HISTORY_PER_PAGE)


# One reflection: answering, waiting, revealed; together mode; the coach's view


def one_reflection(alice, bob, coach, prompt_count, state):
    """A reflection with `prompt_count` prompts. Revealed, it has what the
    shared view shows: shared with the coach, both notes, talked marks (on
    fewer than all its prompts: what next waits until all are talked about)."""
    reflection = first_reflection(alice, bob, prompt_count=prompt_count, state=state)
    if state == "revealed":
        for partner in (alice, bob):
            reflection_share(reflection=reflection, user=partner, coach=coach)
        note_save(reflection=reflection, user=alice, kind="remember", text="Alice's note", base_version=0)
        note_save(reflection=reflection, user=bob, kind="try", text="Bob's note", base_version=0)
        TalkedMark.objects.bulk_create(
            TalkedMark(prompt=p, user=alice) for p in reflection.prompts.all()[: prompt_count // 2]
        )
    return reflection


REFLECTION_STATES = {
    "answering": REFLECTION_ANSWERING_QUERIES,
    "waiting": REFLECTION_WAITING_QUERIES,
    "revealed": REFLECTION_REVEALED_QUERIES,
}


@pytest.mark.parametrize("state", REFLECTION_STATES)
@pytest.mark.parametrize("prompt_count", [FEW_PROMPTS, MANY_PROMPTS])
def test_reflection_page_costs_a_fixed_number_of_queries(
    client, alice, bob, coach, coached_couple, prompt_count, state, assert_queries
):
    reflection = one_reflection(alice, bob, coach, prompt_count, state)
    url = reverse("reflections:reflection", args=[reflection.pk])
    signed_in(client, alice, url)

    with assert_queries(REFLECTION_STATES[state]):
        html = get(client, url)

    assert html.count("Private words of Alice") == (prompt_count + 2) // 3
    if state == "revealed":
        assert html.count("Private words of Bob") == (prompt_count + 2) // 3
        assert "Last saved by Alice" in html and "Last saved by Bob" in html
    else:
        assert "Private words of Bob" not in html


@pytest.mark.parametrize("prompt_count", [FEW_PROMPTS, MANY_PROMPTS])
def test_together_mode_costs_a_fixed_number_of_queries(
    client, alice, bob, coach, coached_couple, prompt_count, assert_queries
):
    reflection = one_reflection(alice, bob, coach, prompt_count, "revealed")
    first, last = (
        reverse("conversation:together_start", args=[reflection.pk]),
        reverse("conversation:together", args=[reflection.pk, prompt_count]),
    )
    signed_in(client, alice, first)

    for url in (first, last):
        with assert_queries(TOGETHER_QUERIES):
            html = get(client, url)
        assert f"Question {prompt_count if url == last else 1} of {prompt_count}" in html
        assert f"Talked about {prompt_count // 2} of {prompt_count}" in html


def talked_through(alice, bob, coach, prompt_count):
    """A revealed reflection whose every prompt was talked about, each with
    an in-person reaction from Bob, and a library guide of its theme to
    read next: what next shows all it can."""
    reflection = one_reflection(alice, bob, coach, prompt_count, "revealed")
    prompts = list(reflection.prompts.all())
    TalkedMark.objects.bulk_create(TalkedMark(prompt=p, user=alice) for p in prompts[prompt_count // 2 :])
    Reaction.objects.bulk_create(Reaction(prompt=p, author=bob, kind=Reaction.Kind.IN_PERSON) for p in prompts)
    theme = Theme.objects.create(slug=f"theme-{reflection.pk}", name="A theme")
    Article.objects.filter(pk=reflection.article_id).update(theme=theme)
    guide = make_article(title=f"Read next {reflection.pk}", body="A guide's own words.", theme=theme)
    guide.themes.add(theme)
    return reflection


@pytest.mark.parametrize("prompt_count", [FEW_PROMPTS, MANY_PROMPTS])
def test_the_shared_view_talked_through_costs_a_fixed_number_of_queries(
    client, alice, bob, coach, coached_couple, prompt_count, assert_queries
):
    reflection = talked_through(alice, bob, coach, prompt_count)
    url = reverse("reflections:reflection", args=[reflection.pk])
    signed_in(client, alice, url)

    count, html = measured(client, url)

    assert "What next" in html and "Start a follow-up" in html and f"Read next {reflection.pk}" in html
    assert count == REFLECTION_TALKED_THROUGH_QUERIES


@pytest.mark.parametrize("prompt_count", [FEW_PROMPTS, MANY_PROMPTS])
def test_together_mode_talked_through_costs_a_fixed_number_of_queries(
    client, alice, bob, coach, coached_couple, prompt_count, assert_queries
):
    reflection = talked_through(alice, bob, coach, prompt_count)
    url = reverse("conversation:together", args=[reflection.pk, prompt_count])
    signed_in(client, alice, url)

    with assert_queries(TOGETHER_TALKED_THROUGH_QUERIES):
        html = get(client, url)

    assert "What next" in html and "Start a follow-up" in html and f"Read next {reflection.pk}" in html


@pytest.mark.parametrize("prompt_count", [FEW_PROMPTS, MANY_PROMPTS])
def test_coach_view_of_a_shared_reflection_costs_a_fixed_number_of_queries(
    client, alice, bob, coach, coached_couple, prompt_count, assert_queries
):
    reflection = one_reflection(alice, bob, coach, prompt_count, "revealed")
    url = reverse("coach:shared_reflection", args=[reflection.pk])
    signed_in(client, coach, url)

    with assert_queries(COACH_REFLECTION_QUERIES):
        html = get(client, url)

    assert html.count("Private words of Alice") == (prompt_count + 2) // 3
    assert html.count("Private words of Bob") == (prompt_count + 2) // 3


# The coach dashboard


def client_couples(make_user, coach, alice, bob, couple):
    """Alice and Bob and two more couples, all clients of `coach`."""
    couples = [couple]
    for n in range(2):
        a, b = make_user(f"Client{n}a"), make_user(f"Client{n}b")
        couples.append(link(a, b))
        coach_link(coach, a, b)
    return couples


def dashboard_reflections(couples, alice, bob, coach, count):
    """`count` reflections across the client couples: the first assigned and
    revealed through the services and shared; the rest assigned, in every
    state, and some revealed ones shared."""
    from coaching.authoring import assignment_create

    (first,) = assignment_create(coach=coach, article=make_article(), couples=[couples[0]])
    reveal(first, alice, bob)
    for partner in (alice, bob):
        reflection_share(reflection=first, user=partner, coach=coach)
    rest = count - 1
    for i, couple in enumerate(couples):
        share = rest // len(couples) + (1 if i < rest % len(couples) else 0)
        add_reflections(couple, share // 3, state="revealed", assigned_by=coach, share_with=coach)
        add_reflections(couple, share // 3, state="waiting", assigned_by=coach)
        add_reflections(couple, share - 2 * (share // 3), state="answering", assigned_by=coach)


@pytest.mark.parametrize("count", [FEW, MANY])
def test_coach_dashboard_costs_a_fixed_number_of_queries(
    client, make_user, alice, bob, coach, coached_couple, count, assert_queries
):
    couples = client_couples(make_user, coach, alice, bob, coached_couple)
    dashboard_reflections(couples, alice, bob, coach, count)
    url = reverse("coach:dashboard")
    signed_in(client, coach, url)

    with assert_queries(COACH_DASHBOARD_QUERIES):
        html = get(client, url)

    assert html.count('class="partner-progress"') == 2 * count


# Meta-checks: the same page, small then large, costs exactly the same; and
# the bound fails when an N+1 comes back.


def test_home_costs_exactly_the_same_for_many_reflections_as_for_one(client, alice, bob, coach, coached_couple):
    reflections_of(coached_couple, alice, bob, coach, FEW)
    url = reverse("reflections:home")
    signed_in(client, alice, url)
    few, _ = measured(client, url)

    add_reflections(coached_couple, MANY - FEW, state="waiting", assigned_by=coach)
    many, html = measured(client, url)

    assert html.count('class="status-line"') == shown_on_home(alice) == MANY  # all waiting: all need attention
    assert many == few == HOME_QUERIES


def test_history_costs_exactly_the_same_for_many_reflections_as_for_one(client, alice, bob, couple):
    revealed_past(couple, alice, bob, FEW)
    url = reverse("reflections:history")
    signed_in(client, alice, url)
    few, _ = measured(client, url)

    add_reflections(couple, MANY - FEW)
    many, html = measured(client, url)

    assert html.count('<li class="card">') == HISTORY_PER_PAGE
    assert many == few == HISTORY_QUERIES


def test_coach_dashboard_costs_exactly_the_same_for_many_reflections_as_for_one(
    client, make_user, alice, bob, coach, coached_couple
):
    couples = client_couples(make_user, coach, alice, bob, coached_couple)
    dashboard_reflections(couples, alice, bob, coach, FEW)
    url = reverse("coach:dashboard")
    signed_in(client, coach, url)
    few, _ = measured(client, url)

    for couple in couples:
        add_reflections(couple, (MANY - FEW) // len(couples), assigned_by=coach, share_with=coach)
    many, html = measured(client, url)

    assert html.count("Read what they shared") == 1 + (MANY - FEW) // len(couples) * len(couples)
    assert many == few == COACH_DASHBOARD_QUERIES


def test_coach_dashboard_costs_the_same_for_many_programmes_and_steps_as_for_one(
    client, make_user, alice, bob, coach, coached_couple
):
    from practice.programmes import programme_assign, programme_save, step_save

    couples = client_couples(make_user, coach, alice, bob, coached_couple)

    def programme_with(steps):
        programme = programme_save(coach=coach, title=f"{steps} steps")
        for _ in range(steps):
            step_save(programme=programme, kind="article", article=make_article(prompts=prompts(2)), release="days")
        return programme

    programme_assign(coach=coach, programme=programme_with(1), couple=couples[0])
    url = reverse("coach:dashboard")
    signed_in(client, coach, url)
    few, _ = measured(client, url)

    for couple in couples[1:]:
        programme_assign(coach=coach, programme=programme_with(6), couple=couple)
    many, html = measured(client, url)

    assert html.count("Step 6:") == len(couples) - 1
    assert many == few == COACH_DASHBOARD_PROGRAMME_QUERIES


@pytest.mark.parametrize(
    "page, viewer, bound",
    [
        ("reflections:reflection", "alice", REFLECTION_REVEALED_QUERIES),
        ("conversation:together_start", "alice", TOGETHER_QUERIES),
        ("coach:shared_reflection", "coach", COACH_REFLECTION_QUERIES),
    ],
)
def test_revealed_pages_cost_exactly_the_same_for_many_prompts_as_for_one(
    client, alice, bob, coach, coached_couple, page, viewer, bound
):
    small = one_reflection(alice, bob, coach, FEW_PROMPTS, "revealed")
    large = one_reflection(alice, bob, coach, MANY_PROMPTS, "revealed")
    viewer = {"alice": alice, "coach": coach}[viewer]
    signed_in(client, viewer, reverse(page, args=[small.pk]))

    few, _ = measured(client, reverse(page, args=[small.pk]))
    many, html = measured(client, reverse(page, args=[large.pk]))

    assert "Private words of Alice" in html
    assert many == few == bound


@pytest.mark.parametrize(
    "page, viewer, bound",
    [
        ("reflections:reflection", "alice", REFLECTION_REVEALED_QUERIES),
        ("conversation:together_start", "alice", TOGETHER_QUERIES),
        ("coach:shared_reflection", "coach", COACH_REFLECTION_QUERIES),
    ],
)
def test_revealed_pages_cost_exactly_the_same_for_many_replies_as_for_one(
    client, alice, bob, coach, coached_couple, page, viewer, bound
):
    reflection = one_reflection(alice, bob, coach, 3, "revealed")
    first = reflection.prompts.first()
    reply_create(prompt=first, user=bob, text="Bob's one reply")
    reaction_set(prompt=first, user=bob, kind="moved")
    url = reverse(page, args=[reflection.pk])
    signed_in(client, {"alice": alice, "coach": coach}[viewer], url)

    one, _ = measured(client, url)
    Reply.objects.bulk_create(
        Reply(prompt=first, author=(alice, bob)[i % 2], text=f"Reply number {i}.") for i in range(MANY - 1)
    )
    many, html = measured(client, url)

    assert html.count("<p>Reply number ") == MANY - 1
    assert many == one == bound


def test_reflection_page_costs_exactly_the_same_for_many_prompts_as_for_one_before_the_reveal(
    client, alice, bob, coached_couple
):
    small = first_reflection(alice, bob, prompt_count=FEW_PROMPTS, state="answering")
    large = first_reflection(alice, bob, prompt_count=MANY_PROMPTS, state="answering")
    signed_in(client, alice, reverse("reflections:reflection", args=[small.pk]))

    few, _ = measured(client, reverse("reflections:reflection", args=[small.pk]))
    many, html = measured(client, reverse("reflections:reflection", args=[large.pk]))

    assert html.count("Private words of Alice") == (MANY_PROMPTS + 2) // 3
    assert many == few == REFLECTION_ANSWERING_QUERIES


def test_autosave_costs_exactly_the_same_for_many_prompts_as_for_one(client, alice, bob, coached_couple):
    small = first_reflection(alice, bob, prompt_count=FEW_PROMPTS, state="answering")
    large = first_reflection(alice, bob, prompt_count=MANY_PROMPTS, state="answering")
    signed_in(client, alice, reverse("reflections:reflection", args=[small.pk]))

    def autosave(reflection):
        prompt = reflection.prompts.filter(kind=PromptKind.TEXT).last()
        data = {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "A new draft"}
        caches["snapshots"].clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                reverse("reflections:answers_save", args=[reflection.pk]), data, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200 and "Saved." in response.content.decode()
        return len(captured)

    many, few = autosave(large), autosave(small)
    assert many == few == AUTOSAVE_QUERIES


def test_the_bound_catches_an_n_plus_one(client, alice, bob, coach, coached_couple, monkeypatch, assert_queries):
    """The home page as it would be if statuses_of forgot to load the
    partners' users along with their rows: a query more per reflection, and
    the bound fails."""
    from reflections import overview, selectors

    reflections_of(coached_couple, alice, bob, coach, MANY)
    url = reverse("reflections:home")
    signed_in(client, alice, url)

    def forgetful(user, reflections=None, **where):
        statuses = selectors.statuses_of(user, reflections, **where)
        for status in statuses:
            status.reflection.refresh_from_db()  # one query per reflection, as a lazy loader would
        return statuses

    monkeypatch.setattr(overview, "statuses_of", forgetful)

    with pytest.raises(pytest.fail.Exception, match="Expected to perform"), assert_queries(HOME_QUERIES):
        get(client, url)


# Indexes: the composite ones the lookups above rely on. Foreign keys get
# their own one-column index from Django; these are the ones that don't
# come for free, so dropping one must fail here.

HOT_PATH_INDEXES = {
    # history, and the gates' "revealed, and ours"
    Reflection: [("couple", "revealed_at")],
    # answered counts and answer_save: one answer per prompt and author
    Answer: [("prompt", "author")],
    # a reflection's partners, and "is this user in it?"
    Participant: [("reflection", "user")],
    # the trail, oldest first
    ReflectionEvent: [("reflection", "at")],
    # the reflection's two joint notes
    JointNote: [("reflection", "kind")],
    # sharing with a coach: whose consent, for which reflection, on which link
    ShareConsent: [("reflection", "user", "link")],
    # what's new: my unread notices
    Notification: [("user", "read_at")],
    # a couple's two members
    Membership: [("couple", "user")],
}


def columns(model, fields):
    return tuple(model._meta.get_field(name).column for name in fields)


def test_hot_path_indexes(db):
    with connection.cursor() as cursor:
        found = {
            model: {
                tuple(c["columns"])
                for c in connection.introspection.get_constraints(cursor, model._meta.db_table).values()
                if c["index"] or c["unique"]
            }
            for model in HOT_PATH_INDEXES
        }

    missing = [
        (model.__name__, fields)
        for model, wanted in HOT_PATH_INDEXES.items()
        for fields in wanted
        if columns(model, fields) not in found[model]
    ]
    assert missing == []


def test_the_linked_couple_lookup_has_its_index(db):
    """Every page finds "my linked couple" by user and active membership: the
    partial unique index that keeps one linked couple per user (P7) serves it."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Membership._meta.db_table)

    index = constraints["one_linked_couple_per_user"]
    assert index["columns"] == ["user_id"] and index["unique"]


# Check-ins: the trend and the check-in page, one revealed round and many.


def checkin_with_rounds(alice, bob, count):
    """Alice and Bob's weekly check-in with `count` revealed rounds, opened
    and answered through the services."""
    from dataclasses import asdict

    from checkins.services import checkin_accept, checkin_propose
    from checkins.sets import checkin_set

    chosen = checkin_set("connected")
    checkin = checkin_propose(
        by=alice,
        title=chosen.title,
        cadence=7,
        weekday=6,
        prompts=[asdict(p) | {"choices": []} for p in chosen.prompts],
    )
    checkin_accept(checkin=checkin, by=bob)
    add_rounds(checkin, alice, bob, count)
    return checkin


def add_rounds(checkin, alice, bob, count):
    from checkins.services import round_open

    for _ in range(count):
        checkin.refresh_from_db()
        reflection = round_open(checkin.pk, today=checkin.next_round_on).reflection
        for person in (alice, bob):
            for prompt in reflection.prompts.all():
                answer_save(prompt=prompt, author=person, **answer_value(prompt, person))
            readiness_set(reflection=reflection, user=person)


TREND_QUERIES = 7  # the check-in, its revealed rounds, their scales, the numbers through the gate, the partners
CHECKIN_PAGE_QUERIES = 8  # the couple, its check-in and prompts, the latest rounds' status lines, its coaches


@pytest.mark.parametrize("url_name", ["checkins:checkin_trend", "checkins:checkin"])
def test_the_trend_and_the_checkin_page_cost_the_same_for_many_rounds_as_for_one(client, alice, bob, couple, url_name):
    checkin = checkin_with_rounds(alice, bob, FEW)
    url = reverse(url_name, args=[checkin.pk] if url_name.endswith("trend") else [])
    signed_in(client, alice, url)
    few, _ = measured(client, url)

    add_rounds(checkin, alice, bob, 11)
    many, html = measured(client, url)

    bound = TREND_QUERIES if url_name.endswith("trend") else CHECKIN_PAGE_QUERIES
    assert many == few == bound, (few, many)
    if url_name.endswith("trend"):
        assert html.count("<tr>") == 4 * (1 + FEW + 11)  # four charts, each a header and a row a round
