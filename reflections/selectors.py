"""Reads for reflections, and the page models built from them. Answer text
is read only through its gate, Answer.objects.visible_to (P8; the
conversation's notes and replies have theirs in conversation/models.py);
everything else here is counts, states and names."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import caches
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import CoachingLink, User

from .access import Access, Stage, access_to, stage_of
from .forms import PostedAnswer, answer_form
from .models import Answer, Participant, Reflection, ReflectionEvent, ReflectionPrompt, ShareConsent


def with_partners() -> Prefetch:
    """Loads a reflection's participants (with their progress counts) and
    their users in one query."""
    return Prefetch("participants", queryset=Participant.objects.select_related("user"))


# What a reflection's page or status line shows about it besides partners.
SHOWN_WITH_REFLECTION = ("couple", "article", "assigned_by__coach_profile", "follow_up_of")


@dataclass(frozen=True)
class Opened:
    """A reflection as its pages open it: with both partners and their
    progress (P6: counts), how the viewer may open it, and whether it has a
    trail yet, so that pages read only what is there."""

    reflection: Reflection
    participants: list[Participant]
    access: Access
    has_events: bool


def opened_by(viewer: User, pk: int, *, for_page: bool = True) -> Opened | None:
    """Reflection `pk` as `viewer` may open it, in one query over its
    participant rows; None when it does not exist or access.access_to says
    no. Not `for_page` (saving answers, whose service reads under its lock
    what it needs), it is only the reflection and who takes part."""
    # reflection__pk: a number out of the key range matches nothing, as on any id lookup.
    participants = Participant.objects.filter(reflection__pk=pk).order_by("pk")
    if for_page:
        participants = participants.select_related(
            "user", *(f"reflection__{name}" for name in SHOWN_WITH_REFLECTION)
        ).annotate(has_events=Exists(ReflectionEvent.objects.filter(reflection=OuterRef("reflection"))))
    else:
        participants = participants.select_related("reflection__couple")
    participants = list(participants)
    if not participants:
        return None
    first = participants[0]
    access = access_to(first.reflection, viewer, participants=participants)
    if access is None:
        return None
    if not for_page:
        return Opened(first.reflection, participants, access, has_events=False)
    return Opened(first.reflection, participants, access, first.has_events)


def own_answers(user: User, prompt_ids: set[int]) -> dict[int, Answer]:
    """`user`'s saved answers to `prompt_ids`, through the gate: what a
    conflict box shows beside what was typed."""
    if not prompt_ids:
        return {}
    return {a.prompt_id: a for a in Answer.objects.visible_to(user).filter(author=user, prompt__in=prompt_ids)}


# Prompts


# A cached snapshot is plain data: each prompt's column values, in this
# order. The key names the columns, so after a migration that changes them
# the prompts are read afresh, never unpickled into a model that no longer
# fits; and an entry lives a month, not for ever.
SNAPSHOT_COLUMNS = tuple(field.attname for field in ReflectionPrompt._meta.concrete_fields)
SNAPSHOT_VERSION = hashlib.sha256(" ".join(SNAPSHOT_COLUMNS).encode()).hexdigest()[:8]
SNAPSHOT_SECONDS = 30 * 24 * 3600


def _snapshot_key(reflection: Reflection) -> str:
    # The start time in the key: SQLite reuses a primary key after a
    # rollback, and a new reflection must never read another's prompts.
    return f"prompts:{SNAPSHOT_VERSION}:{reflection.pk}:{reflection.created_at.timestamp()}"


def prompts_of(reflection: Reflection) -> list[ReflectionPrompt]:
    """The reflection's prompts in order. They are a snapshot that never
    changes once the reflection has started, so they are kept in the
    snapshots cache once read; each call makes new instances of them."""
    snapshots = caches["snapshots"]
    key = _snapshot_key(reflection)
    rows = snapshots.get(key)
    if rows is None:
        rows = list(ReflectionPrompt.objects.filter(reflection=reflection).values_list(*SNAPSHOT_COLUMNS))
        snapshots.set(key, rows, timeout=SNAPSHOT_SECONDS)
    db = ReflectionPrompt.objects.db
    return [ReflectionPrompt.from_db(db, SNAPSHOT_COLUMNS, row) for row in rows]


# Page models


@dataclass(frozen=True)
class Side:
    """One partner's side of a reflection as the other may see it (P6):
    who, how many answered, whether ready. Never what: `answered` counts a
    pass as an answer, and `passed` (how many of those are passes) is known
    only to whoever may read the answers, the author always, the partner
    after the reveal."""

    user: User
    answered: int
    ready_at: datetime | None
    passed: int = 0

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None

    @property
    def not_passed(self) -> int:
        return self.answered - self.passed


@dataclass(frozen=True)
class ReflectionStatus:
    """Where a reflection stands for one viewer."""

    reflection: Reflection
    stage: Stage
    me: Side
    partner: Side | None
    total: int

    @property
    def mine_answered(self) -> int:
        return self.me.answered

    @property
    def mine_passed(self) -> int:
        return self.me.passed

    @property
    def mine_not_passed(self) -> int:
        return self.me.not_passed

    @property
    def partner_answered(self) -> int:
        return self.partner.answered if self.partner else 0

    @property
    def state(self) -> str:
        """The group the reflection belongs in for its viewer."""
        if self.stage == Stage.CLOSED:
            return "archived"
        if self.stage == Stage.REVEALED:
            return "revealed"
        return "partner" if self.me.is_ready else "yours"

    @property
    def fingerprint(self) -> str:
        """Changes whenever what the live status shows changes."""
        partner_ready = self.partner.is_ready if self.partner else False
        return f"{self.state}.{self.partner_answered}.{int(partner_ready)}.{int(self.me.is_ready)}"


def _status(reflection: Reflection, participants: list[Participant], viewer: User, total: int) -> ReflectionStatus:
    stage = stage_of(reflection)
    # P6: the partner's passes show apart only once the reveal opened their
    # answers (a closed reflection shows the viewer's own alone).
    shown = {viewer.pk} if stage != Stage.REVEALED else {p.user_id for p in participants}
    sides = {
        p.user_id: Side(p.user, p.answered, p.ready_at, p.passed if p.user_id in shown else 0) for p in participants
    }
    me = sides.pop(viewer.pk)
    return ReflectionStatus(reflection, stage, me, next(iter(sides.values()), None), total)


def status_of(opened: Opened, viewer: User) -> ReflectionStatus:
    return _status(opened.reflection, opened.participants, viewer, opened.reflection.prompt_total)


def statuses_of(
    user: User, reflections: QuerySet[Reflection] | None = None, *, where: Q | None = None
) -> list[ReflectionStatus]:
    """The status lines, newest first, of `reflections` (a query of some
    `user` takes part in), or of all theirs that match `where` (conditions
    on the participant rows): one query over the participant rows of both
    partners, whose counts say how far each got (no answer is read). A
    condition goes in `where` rather than in `reflections` where it can:
    filtering the rows themselves keeps PostgreSQL on the indexes."""
    if reflections is None:
        reflections = Participant.objects.filter(user=user).values("reflection")
    else:
        reflections = reflections.values("pk")
    rows = (
        Participant.objects.filter(where or Q(), reflection__in=reflections)
        .select_related("user", "reflection__couple", "reflection__assigned_by__coach_profile")
        .order_by("-reflection__created_at", "-reflection_id", "pk")
    )
    by_reflection: dict[int, list[Participant]] = {}
    for row in rows:
        by_reflection.setdefault(row.reflection_id, []).append(row)
    return [_status(both[0].reflection, both, user, both[0].reflection.prompt_total) for both in by_reflection.values()]


# Not revealed yet, not closed, and the couple still linked: waiting for someone.
STILL_OPEN = Q(
    reflection__revealed_at__isnull=True,
    reflection__closed_at__isnull=True,
    reflection__couple__ended_at__isnull=True,
)


def taking_part(user: User) -> QuerySet[Reflection]:
    """The reflections `user` takes part in, newest first."""
    return Reflection.objects.filter(participants__user=user).order_by("-created_at", "-pk")


def finished_for(user: User) -> QuerySet[Reflection]:
    """Revealed, or closed (the couple unlinked, or a check-in round ended
    unfinished): the history."""
    return taking_part(user).filter(
        Q(revealed_at__isnull=False) | Q(closed_at__isnull=False) | Q(couple__ended_at__isnull=False)
    )


@dataclass(frozen=True)
class MyProgress:
    """The progress line as autosave refreshes it: only my side."""

    mine_answered: int
    total: int
    mine_passed: int = 0

    @property
    def mine_not_passed(self) -> int:
        return self.mine_answered - self.mine_passed


def my_progress(reflection: Reflection, user: User, total: int) -> MyProgress:
    """How many of `reflection`'s prompts `user` answered, and how many of
    those they passed: their participant row's counts."""
    answered, passed = Participant.objects.values_list("answered", "passed").get(reflection=reflection, user=user)
    return MyProgress(mine_answered=answered, total=total, mine_passed=passed)


@dataclass
class PromptRow:
    """One prompt of a reflection as its viewer sees it: the answers the gate
    lets them read, and the form's state when a save came back unsaved."""

    prompt: ReflectionPrompt
    mine: Answer | None = None
    partners: Answer | None = None
    form: PostedAnswer = field(default_factory=PostedAnswer)
    error: str = ""
    conflict: bool = False  # saved elsewhere since the form loaded: `mine` is that saved version


def prompt_rows(
    reflection: Reflection,
    viewer: User,
    *,
    prompts: list[ReflectionPrompt] | None = None,
    own_only: bool = False,
    posted: dict | None = None,
    errors: dict | None = None,
    conflicts: set | None = None,
) -> list[PromptRow]:
    """The reflection's prompts with `viewer`'s and their partner's answers,
    as far as the gate lets `viewer` read them; what was posted (and why it
    did not save) overrides the saved answer in the form, so nothing typed
    is lost. `prompts`: only these of the reflection's (a page showing one
    reads one's answers), else all of them. `own_only` when the page shows
    nobody else's answers (the gate's first rule alone)."""
    posted, errors, conflicts = posted or {}, errors or {}, conflicts or set()
    gated = Answer.objects.visible_to(viewer, own_only=own_only).filter(prompt__reflection=reflection)
    if prompts is not None:
        gated = gated.filter(prompt__in=[prompt.pk for prompt in prompts])
    answers: dict[int, dict[int, Answer]] = {}
    for answer in gated:
        answers.setdefault(answer.prompt_id, {})[answer.author_id] = answer
    rows = []
    for prompt in prompts_of(reflection) if prompts is None else prompts:
        by_author = answers.get(prompt.pk, {})
        mine = by_author.pop(viewer.pk, None)
        rows.append(
            PromptRow(
                prompt=prompt,
                mine=mine,
                partners=next(iter(by_author.values()), None),
                form=answer_form(mine, posted.get(prompt.pk)),
                error=errors.get(prompt.pk, ""),
                conflict=prompt.pk in conflicts,
            )
        )
    return rows


@dataclass(frozen=True)
class AuthorsRow:
    """One prompt for a read-only view of both partners' answers (a coach
    reading what was shared): (partner, answer or None), in partner order."""

    prompt: ReflectionPrompt
    by_author: list[tuple[User, Answer | None]]


def rows_by_author(opened: Opened, viewer: User) -> list[AuthorsRow]:
    reflection = opened.reflection
    partners = [p.user for p in opened.participants]
    visible = {
        (a.prompt_id, a.author_id): a for a in Answer.objects.visible_to(viewer).filter(prompt__reflection=reflection)
    }
    return [
        AuthorsRow(prompt, [(user, visible.get((prompt.pk, user.pk))) for user in partners])
        for prompt in prompts_of(reflection)
    ]


@dataclass(frozen=True)
class CoachSharing:
    """Where sharing one revealed reflection with one coach stands."""

    link: CoachingLink
    name: str
    mine: bool
    partners: bool


def sharing_with_coaches(opened: Opened, viewer: User) -> list[CoachSharing]:
    """P5: for each of the couple's active coaches, whether I and my partner
    chose to share this reflection with them."""
    reflection = opened.reflection
    links = list(
        CoachingLink.objects.active().select_related("coach__coach_profile").filter(couple=reflection.couple_id)
    )
    if not links:
        return []
    consents = set(ShareConsent.objects.filter(reflection=reflection, link__in=links).values_list("link", "user"))
    return [
        CoachSharing(
            link=link,
            name=link.coach.coach_profile.name,
            mine=(link.pk, viewer.pk) in consents,
            partners=any(on == link.pk and user != viewer.pk for on, user in consents),
        )
        for link in links
    ]


def trail_of(opened: Opened) -> list[ReflectionEvent]:
    """The reflection's trail, oldest first: who did what, when; never text."""
    if not opened.has_events:
        return []
    events = ReflectionEvent.objects.select_related("user", "coach__coach_profile")
    return list(events.filter(reflection=opened.reflection))
