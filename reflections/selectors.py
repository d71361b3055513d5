"""Reads for reflections. Answer text is read only through the gate,
Answer.objects.visible_to or its compiled form visible_in (P8); everything
else here is counts and states."""

import functools
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.querysets import prebuilt, precompiled, set_prefetched

from .models import Answer, Participant, Reflection, ReflectionPrompt

# An answer counts once it says something, or passes.
GIVEN = Q(passed=True) | ~Q(text="") | Q(scale_value__isnull=False)


def _count(queryset, outer):
    """COUNT(*) of `queryset`'s rows that match the outer row on `outer`, as
    a correlated subquery (0 when none)."""
    rows = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def answered_count():
    """P6: how many of its reflection's prompts a participant has answered,
    never what, to annotate Participant rows with."""
    given = Answer.objects.filter(GIVEN, prompt__reflection=OuterRef("reflection"), author=OuterRef("user"))
    return _count(given, "author")


def prompt_count(reflection="pk"):
    """How many prompts a reflection has, to annotate rows with (`reflection`
    names the row's reflection)."""
    return _count(ReflectionPrompt.objects.filter(reflection=OuterRef(reflection)), "reflection")


def with_partners(*, progress=False):
    """Loads a reflection's participants and their users in one query, so
    that naming the partners costs nothing per reflection or per partner.
    With `progress`, each participant also carries `answered` (P6: a count)."""
    participants = Participant.objects.select_related("user")
    if progress:
        participants = participants.annotate(answered=answered_count())
    return Prefetch("participants", queryset=participants)


# What a reflection's page or status line shows about it besides partners.
SHOWN_WITH_REFLECTION = ("couple", "article", "assigned_by__coach_profile")


@prebuilt
def _partners_rows():
    """Participant rows with their users and progress, each joined to its
    reflection and what pages show with it: both partners of a reflection
    load in one query, with the reflection itself."""
    return Participant.objects.select_related(
        "user", *(f"reflection__{name}" for name in SHOWN_WITH_REFLECTION)
    ).annotate(answered=answered_count())


@precompiled
def _partners_rows_of(*, reflection_pk):
    from accounts.models import CoachingLink

    from .models import JointNote, ReflectionEvent

    return (
        _partners_rows()
        .annotate(
            couple_coached=Exists(CoachingLink.objects.active().filter(couple=OuterRef("reflection__couple"))),
            reflection_has_notes=Exists(JointNote.objects.filter(reflection=OuterRef("reflection"))),
            reflection_has_events=Exists(ReflectionEvent.objects.filter(reflection=OuterRef("reflection"))),
        )
        .filter(reflection__pk=reflection_pk)
    )


@precompiled
def _partners_rows_of_reflections_with(*, user_pk):
    """Both partners' rows of every reflection `user_pk` takes part in."""
    return (
        _partners_rows()
        .annotate(prompt_count=prompt_count("reflection"))
        .filter(reflection__participants__user=user_pk)
    )


def _reflections_of(rows):
    """The reflections in `rows` (from _partners_rows), once each, with their
    participants left as prefetch_related(with_partners(progress=True))
    leaves them."""
    partners = {}
    for row in rows:
        reflection = partners.setdefault(row.reflection_id, (row.reflection, []))[0]
        row.reflection = reflection  # one instance, not one per row
        partners[row.reflection_id][1].append(row)
    for reflection, participants in partners.values():
        set_prefetched(reflection, "participants", participants)
    return [reflection for reflection, _ in partners.values()]


def reflections_for(user):
    """Reflections `user` takes part in, newest first, for lists of status
    lines: with the couple, article, assigning coach, prompt count, and both
    partners with their progress, in one query."""
    reflections = _reflections_of(_partners_rows_of_reflections_with(user_pk=user.pk))
    for reflection in reflections:
        reflection.prompt_count = next(p.prompt_count for p in reflection.participants.all())
    # Sorted here rather than by the database: the list is short, and
    # Django's ORDER BY costs more to build than this sort.
    return sorted(reflections, key=lambda r: (r.created_at, r.pk), reverse=True)


def reflection_for(user, pk):
    """Reflection `pk` if `user` takes part in it, else None; loaded as
    reflections_for loads each (but the prompt count, which its page counts
    itself). Its couple says whether it has an active coach now
    (`has_active_coach`), and it says whether anyone wrote a joint note in it
    (`has_notes`) and whether its trail has begun (`has_events`): pages skip
    reading what is not there."""
    reflections = _reflections_of(_partners_rows_of(reflection_pk=int(pk)))
    if not reflections or not any(p.user_id == user.pk for p in reflections[0].participants.all()):
        return None
    reflection = reflections[0]
    row = reflection.participants.all()[0]
    reflection.couple.has_active_coach = row.couple_coached
    reflection.has_notes, reflection.has_events = row.reflection_has_notes, row.reflection_has_events
    return reflection


def answered_by(reflection, user):
    """P6: how many of `reflection`'s prompts `user` has answered, never
    what. (Pages read the same from with_partners(progress=True); this is
    for readiness, counting under the reflection's lock, and for autosave's
    answer, counting right after the save.)"""
    counted = _given_answers_counted(reflection_pk=reflection.pk, user_pk=user.pk)
    return counted[0] if counted else 0


@precompiled
def _given_answers_counted(*, reflection_pk, user_pk):
    """[how many], or [] for none."""
    given = Answer.objects.filter(GIVEN, prompt__reflection=reflection_pk, author=user_pk)
    return given.values("author").annotate(n=Count("pk")).values_list("n", flat=True)


@precompiled
def _reflection_with_couple(*, reflection_pk, user_pk):
    return Reflection.objects.select_related("couple").filter(pk=reflection_pk, participants__user=user_pk)


def reflection_to_answer(user, pk):
    """Reflection `pk` with its couple if `user` takes part in it, else
    None: what saving answers needs, without the partners' side a page
    shows."""
    found = _reflection_with_couple(reflection_pk=int(pk), user_pk=user.pk)
    return found[0] if found else None


@dataclass
class MyProgress:
    """The progress line as autosave refreshes it: only my side."""

    mine_answered: int
    total: int


PROMPT_FIELDS = [field.attname for field in ReflectionPrompt._meta.concrete_fields]


@functools.lru_cache(maxsize=4096)
def _snapshot_rows(reflection_pk, created_at):
    """A reflection's prompts never change once it has started (they are a
    snapshot of the article's), so each process keeps the rows of the last
    few thousand it read. The start time in the key means a reused primary
    key (SQLite reuses them after a rollback) never reads another's."""
    return tuple(_prompt_rows_of(reflection_pk=reflection_pk))


@precompiled
def _prompt_rows_of(*, reflection_pk):
    return ReflectionPrompt.objects.filter(reflection_id=reflection_pk).values_list(*PROMPT_FIELDS)


def prompts_of(reflection):
    """The reflection's prompts in order, as new objects on every call:
    pages hang answers and form state on them."""
    prompts = [
        ReflectionPrompt.from_db(DEFAULT_DB_ALIAS, PROMPT_FIELDS, row)
        for row in _snapshot_rows(reflection.pk, reflection.created_at)
    ]
    for prompt in prompts:
        prompt.choices = list(prompt.choices)  # not the cached list itself
    return prompts


def prompts_with_answers(reflection, viewer):
    """The reflection's prompts, each with `mine` and `partners` answers as
    far as the gate lets `viewer` read them."""
    prompts = prompts_of(reflection)
    by_prompt = {}
    for answer in Answer.objects.visible_in(reflection, viewer):
        by_prompt.setdefault(answer.prompt_id, {})[answer.author_id] = answer
    for prompt in prompts:
        answers = by_prompt.get(prompt.pk, {})
        prompt.mine = answers.get(viewer.pk)
        prompt.partners = next((a for uid, a in answers.items() if uid != viewer.pk), None)
    return prompts


@dataclass
class ReflectionStatus:
    """Where a reflection stands for one viewer. P6: the partner's side is
    counts and readiness only."""

    reflection: Reflection
    me: Participant
    partner: Participant | None
    mine_answered: int
    partner_answered: int
    total: int

    @property
    def fingerprint(self):
        """Changes whenever what the live status shows changes."""
        partner_ready = self.partner.is_ready if self.partner else False
        return f"{self.state}.{self.partner_answered}.{int(partner_ready)}.{int(self.me.is_ready)}"

    @property
    def state(self):
        if self.reflection.couple.ended_at:
            return "archived"
        if self.reflection.is_revealed:
            return "revealed"
        if self.me.is_ready:
            return "partner"
        return "yours"


def reflection_status(reflection, viewer):
    """Needs the participants loaded by with_partners(progress=True)."""
    participants = list(reflection.participants.all())
    me = next(p for p in participants if p.user_id == viewer.pk)
    partner = next((p for p in participants if p.user_id != viewer.pk), None)
    total = getattr(reflection, "prompt_count", None)
    if total is None:
        total = len(prompts_of(reflection))  # kept per process: no query on the status polls
    return ReflectionStatus(
        reflection=reflection,
        me=me,
        partner=partner,
        mine_answered=me.answered,
        partner_answered=partner.answered if partner else 0,
        total=total,
    )


@dataclass
class ParticipantProgress:
    name: str
    answered: int
    ready: bool


@dataclass
class CoachRow:
    """One reflection on a coach's dashboard. P5: counts, readiness, dates."""

    reflection: Reflection
    total: int
    partners: list
    shared: bool

    @property
    def is_overdue(self):
        due = self.reflection.due_date
        return bool(due and not self.reflection.is_revealed and due < timezone.localdate())


def coach_overview(coach):
    """[(coaching link, [CoachRow])] for every active client couple: the
    reflections this coach assigned, and any the couple shared with them."""
    from accounts.selectors import clients_of

    links = list(clients_of(coach))
    shared_ids = set(Reflection.objects.shared_with(coach).values_list("pk", flat=True))
    reflections = list(
        Reflection.objects.filter(couple__in=[link.couple_id for link in links])
        .filter(Q(assigned_by=coach) | Q(pk__in=shared_ids))
        .prefetch_related(with_partners(progress=True))
        .annotate(prompt_count=prompt_count())
        .order_by("-created_at")
    )
    rows = {}
    for r in reflections:
        partners = [ParticipantProgress(p.user.name, p.answered, p.is_ready) for p in r.participants.all()]
        rows.setdefault(r.couple_id, []).append(CoachRow(r, r.prompt_count, partners, r.pk in shared_ids))
    return [(link, rows.get(link.couple_id, [])) for link in links]


def shared_reflections_for(coach):
    """P5: the reflections both partners shared with `coach`, with the
    partners loaded for the read-only view."""
    return Reflection.objects.shared_with(coach).prefetch_related(with_partners())


def prompts_by_author(reflection, viewer):
    """For a read-only view of everyone's answers (a coach reading what was
    shared): each prompt gets `by_author`, in participant order, as far as the
    gate lets `viewer` read them."""
    prefetch_related_objects([reflection], with_partners())  # no query when already loaded
    participants = list(reflection.participants.all())
    visible = {(a.prompt_id, a.author_id): a for a in Answer.objects.visible_in(reflection, viewer)}
    prompts = prompts_of(reflection)
    for prompt in prompts:
        prompt.by_author = [(p.user, visible.get((prompt.pk, p.user_id))) for p in participants]
    return prompts


@dataclass
class CoachSharing:
    """Where sharing one revealed reflection with one coach stands."""

    link: object
    name: str
    mine: bool
    partners: bool


@precompiled
def _active_coaching_links(*, couple_pk):
    from accounts.models import CoachingLink

    return CoachingLink.objects.active().select_related("coach__coach_profile").filter(couple=couple_pk)


def sharing_with_coaches(reflection, viewer):
    """P5: for each of the couple's active coaches, whether I and my partner
    chose to share this reflection with them."""
    # Most couples have no coach: reflection_for says so, and then there are
    # no links and no consents to read.
    if not getattr(reflection.couple, "has_active_coach", True):
        return []
    links = _active_coaching_links(couple_pk=reflection.couple_id)
    if not links:
        return []
    consents = {(c.coach_id, c.user_id) for c in reflection.share_consents.all()}
    result = []
    for link in links:
        mine = (link.coach_id, viewer.pk) in consents
        partners = any(coach == link.coach_id and user != viewer.pk for coach, user in consents)
        result.append(CoachSharing(link, link.coach.coach_profile.name, mine, partners))
    return result


@dataclass
class ScaleComparison:
    prompt: ReflectionPrompt
    mine: int
    partners: int

    @property
    def gap(self):
        return abs(self.mine - self.partners)


def scale_summary(prompts, *, close=1, apart=3):
    """Where the two of you are close on a scale, and where you differ most
    (largest gap first). Uses the answers already read through the gate."""
    both = [
        ScaleComparison(p, p.mine.scale_value, p.partners.scale_value)
        for p in prompts
        if p.is_scale
        and p.mine
        and p.partners
        and p.mine.scale_value is not None
        and p.partners.scale_value is not None
    ]
    return {
        "close": [c for c in both if c.gap <= close],
        "apart": sorted((c for c in both if c.gap >= apart), key=lambda c: -c.gap),
    }


@precompiled
def _events_of(*, reflection_pk):
    from .models import ReflectionEvent

    return ReflectionEvent.objects.select_related("user", "coach__coach_profile").filter(reflection=reflection_pk)


def trail_of(reflection):
    """The reflection's trail, oldest first: who did what, when; never text."""
    if not getattr(reflection, "has_events", True):  # reflection_for says none yet
        return []
    return _events_of(reflection_pk=reflection.pk)


def notes_for(reflection, viewer):
    """The joint notes `viewer` may read, one per kind (empty ones made up)."""
    from .models import JointNote

    # A reflection nobody wrote a note in (reflection_for says so) has none to read.
    written = getattr(reflection, "has_notes", True)
    saved = {n.kind: n for n in JointNote.objects.visible_in(reflection, viewer)} if written else {}
    return [saved.get(kind) or JointNote(reflection=reflection, kind=kind) for kind in JointNote.Kind.values]


def history_for(user):
    """Our revealed reflections, as the couple we are now, newest first."""
    from accounts.selectors import linked_couple_for

    couple = linked_couple_for(user)
    if couple is None:
        return Reflection.objects.none()
    return couple.reflections.filter(revealed_at__isnull=False).order_by("-revealed_at")
