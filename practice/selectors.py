"""Reads for a coach's practice. P5 and P6: counts, readiness and dates of
what the coach released, never text; the coach's notes through their one
gate (CoachNote.objects.of). Each read is a fixed number of queries
however many couples, programmes and steps."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import CoachingLink, User
from checkins.sets import checkin_set
from reflections.models import Answer, Participant, Reflection

from .models import CoachNote, Enrolment, StepRelease
from .programmes import A_CHECKIN, STEP_GONE

# When a couple needs a look (the dashboard's first list).
WAITING_DAYS = 7  # one partner ready, the other not, for this long
QUIET_DAYS = 14  # nothing answered, readied or revealed for this long


@dataclass(frozen=True)
class StepCell:
    """One released step on the coach's row of a couple's programme."""

    number: int
    title: str
    partners: list[tuple[str, int, bool]]  # (name, answered, ready)
    total: int
    revealed: bool
    overdue: bool
    own: bool = False  # the couple had started it themselves: no progress shown


@dataclass(frozen=True)
class ProgrammeRow:
    enrolment: Enrolment
    released: list[StepCell]
    waiting: list[str]  # the titles of the steps not released yet

    @property
    def total(self) -> int:
        return len(self.released) + len(self.waiting)


def programme_rows(links: list[CoachingLink]) -> dict[int, ProgrammeRow]:
    """By couple: the programme running (or paused) with each couple, as a
    row of steps. Three queries, however many couples and steps."""
    today = timezone.localdate()
    participants = Participant.objects.select_related("user").order_by("pk")
    enrolments = (
        Enrolment.objects.filter(couple__in=[link.couple_id for link in links], ended_at__isnull=True)
        .select_related("programme")
        .prefetch_related(
            "programme__steps__article",
            Prefetch(
                "releases",
                queryset=StepRelease.objects.select_related("reflection", "checkin").prefetch_related(
                    Prefetch("reflection__participants", queryset=participants)
                ),
            ),
        )
    )
    rows = {}
    for enrolment in enrolments:
        cells = []
        for release in enrolment.releases.all():
            reflection = release.reflection
            title = _release_title(release)
            if reflection is None:  # a check-in: its rounds are on the check-in's line
                cells.append(StepCell(release.number, title, [], 0, False, False))
                continue
            if reflection.assigned_by_id != enrolment.programme.coach_id:
                # They had started it on their own before the step came: P5,
                # a coach follows only what they set.
                cells.append(StepCell(release.number, title, [], 0, reflection.is_revealed, False, own=True))
                continue
            partners = [(p.user.name, p.answered, p.is_ready) for p in reflection.participants.all()]
            due = reflection.due_date
            overdue = bool(due and not reflection.is_revealed and due < today)
            cells.append(
                StepCell(release.number, title, partners, reflection.prompt_total, reflection.is_revealed, overdue)
            )
        released_steps = {release.step_id for release in enrolment.releases.all()}
        waiting = [_step_title(step) for step in enrolment.programme.steps.all() if step.pk not in released_steps]
        rows[enrolment.couple_id] = ProgrammeRow(enrolment, cells, waiting)
    return rows


def _title_in_language(title: str, *translations: dict | None) -> str:
    """A released step's title (kept as it was released) in the reader's
    language: the translation its reflection or check-in carries, the kept
    words where neither has one."""
    language = get_language() or ""
    for words in translations:
        if found := (words or {}).get(language, {}).get("title"):
            return found
    if title in (A_CHECKIN, STEP_GONE):
        return _(title)  # marked in practice.programmes
    return title


def _release_title(release: StepRelease) -> str:
    return _title_in_language(
        release.title,
        release.reflection.translations if release.reflection else None,
        release.checkin.translations if release.checkin else None,
    )


def _step_title(step) -> str:
    if step.article_id:
        return step.article.translated("title")
    chosen = checkin_set(step.checkin_set)
    if chosen is None:
        return _("A check-in")
    return _("The check-in “%(title)s”") % {"title": chosen.translated("title", get_language())}


@dataclass(frozen=True)
class Attention:
    """Why a couple needs a look: what, since when, how many. Never text."""

    link: CoachingLink
    why: str
    since: date


def attention_for(coach: User, links: list[CoachingLink]) -> list[Attention]:
    """The dashboard's short list, oldest first: a partner waiting on the
    other for over WAITING_DAYS, a step or assignment overdue, a couple
    with no activity for QUIET_DAYS on what this coach set them (P5: the
    coach follows only that). Three queries."""
    now = timezone.now()
    by_couple = {link.couple_id: link for link in links}
    mine = Reflection.objects.filter(couple__in=by_couple, assigned_by=coach, revealed_at__isnull=True)
    mine = mine.filter(closed_at__isnull=True)
    partner_not_ready = Participant.objects.filter(reflection=OuterRef("reflection"), ready_at__isnull=True)
    waiting = (
        Participant.objects.filter(reflection__in=mine, ready_at__lt=now - timedelta(days=WAITING_DAYS))
        .filter(Exists(partner_not_ready))
        .values("reflection__couple")
        .annotate(since=Max("ready_at"))
    )
    overdue = mine.filter(due_date__lt=timezone.localdate()).values("couple").annotate(since=Max("due_date"))
    theirs = {"reflection__couple": OuterRef("couple"), "reflection__assigned_by": coach}
    last_answer = Answer.objects.filter(**{f"prompt__{k}": v for k, v in theirs.items()}).order_by("-updated_at")
    last_ready = Participant.objects.filter(**theirs, ready_at__isnull=False).order_by("-ready_at")
    last_reveal = Reflection.objects.filter(
        couple=OuterRef("couple"), assigned_by=coach, revealed_at__isnull=False
    ).order_by("-revealed_at")
    activity = (
        CoachingLink.objects.filter(pk__in=[link.pk for link in links])
        .annotate(
            answered=Subquery(last_answer.values("updated_at")[:1]),
            readied=Subquery(last_ready.values("ready_at")[:1]),
            revealed=Subquery(last_reveal.values("revealed_at")[:1]),
        )
        # SQLite's greatest of several is null when any is: none is here.
        .annotate(
            last=Greatest(
                "started_at",
                Coalesce("answered", "started_at"),
                Coalesce("readied", "started_at"),
                Coalesce("revealed", "started_at"),
            )
        )
        .filter(Q(last__lt=now - timedelta(days=QUIET_DAYS)))
        .values("couple", "last")
    )
    lines = []
    for row in waiting:
        lines.append(
            Attention(
                by_couple[row["reflection__couple"]],
                _("A partner has been ready for more than a week; the other has not finished"),
                timezone.localdate(row["since"]),
            )
        )
    for row in overdue:
        lines.append(
            Attention(by_couple[row["couple"]], _("A step or an assignment is past its due date"), row["since"])
        )
    for row in activity:
        lines.append(
            Attention(
                by_couple[row["couple"]],
                _("Nothing answered, readied or revealed for two weeks"),
                timezone.localdate(row["last"]),
            )
        )
    return sorted(lines, key=lambda line: line.since)


@dataclass(frozen=True)
class ProgrammeLine:
    """Home's line about the couple's programme: where they are and what
    comes next, never a countdown or a score."""

    enrolment: Enrolment
    coach_name: str
    current: str
    next: str
    total: int
    template: str = "practice/_home.html"


def home_panel(user: User, page) -> ProgrammeLine | None:
    """For reflections' home (settings.HOME_PANELS): four queries while a
    programme runs with the couple, one otherwise."""
    if page.couple is None:
        return None
    latest = StepRelease.objects.filter(enrolment=OuterRef("pk")).order_by("-number")
    enrolment = (
        Enrolment.objects.filter(couple=page.couple, ended_at__isnull=True, link__ended_at__isnull=True)
        .select_related("programme__coach__coach_profile")
        .prefetch_related("programme__steps__article", "releases")
        .annotate(
            current=Subquery(latest.values("title")[:1]),
            current_reflection=Subquery(latest.values("reflection__translations")[:1]),
            current_checkin=Subquery(latest.values("checkin__translations")[:1]),
        )
        .first()
    )
    if enrolment is None or not enrolment.released:
        return None
    steps = list(enrolment.programme.steps.all())
    released_steps = {release.step_id for release in enrolment.releases.all()}
    following = next((step for step in steps if step.pk not in released_steps), None)
    coach = enrolment.programme.coach
    return ProgrammeLine(
        enrolment,
        coach.coach_profile.name if hasattr(coach, "coach_profile") else coach.name,
        _title_in_language(enrolment.current, enrolment.current_reflection, enrolment.current_checkin)
        if enrolment.current
        else "",
        _step_title(following) if following else "",
        enrolment.released + sum(step.pk not in released_steps for step in steps),
    )


@dataclass(frozen=True)
class CouplePage:
    """A client couple as their coach sees them: the programme, and the
    coach's own notes (P5: progress, never text; notes are the coach's)."""

    link: CoachingLink | None
    couple_id: int
    names: str
    programme: ProgrammeRow | None
    notes: list[CoachNote] = field(default_factory=list)


def couple_page(coach: User, couple) -> CouplePage:
    link = CoachingLink.objects.active().filter(coach=coach, couple=couple).first()
    names = " & ".join(m.user.name for m in couple.memberships.select_related("user").order_by("pk"))
    rows = programme_rows([link]) if link else {}
    notes = list(CoachNote.objects.of(coach).filter(couple=couple))
    return CouplePage(link, couple.pk, names, rows.get(couple.pk), notes)
