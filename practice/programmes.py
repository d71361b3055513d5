"""Programmes: a coach writes one (ordered steps, each a guide, an article
of theirs or a check-in, with a note and a rule for its release), runs it
with client couples, and pauses or ends it. Releasing a step makes it the
couple's (a reflection assigned by the coach, or a check-in proposed by
them); what was released never changes with later edits."""

from dataclasses import asdict
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.models import CoachingLink, Couple, User
from checkins.models import CheckIn
from checkins.services import checkin_propose_as_coach
from checkins.sets import checkin_set
from core.errors import DomainError
from library.models import Article
from reflections.models import Reflection
from reflections.services import reflection_create

from .models import Enrolment, Programme, Step, StepRelease
from .signals import programme_changed, step_released

STEPS_AT_MOST = 20
# Kept as a released step's title (in English, as stored words are) where
# there is nothing else to name it by; practice.selectors translates them
# when it shows them.
A_CHECKIN = gettext_noop("A check-in")
STEP_GONE = gettext_noop("A step that is no longer there")


def programme_save(*, coach: User, programme: Programme | None = None, title: str, summary: str = "") -> Programme:
    title = title.strip()
    if not title:
        raise DomainError(_("Give the programme a name."))
    with transaction.atomic():
        programme = programme or Programme(coach=coach)
        programme.title, programme.summary = title[:120], summary.strip()
        programme.save()
    return programme


def programme_delete(*, programme: Programme) -> None:
    """A programme still running with a couple is ended first, not deleted."""
    with transaction.atomic():
        if programme.enrolments.filter(ended_at__isnull=True).exists():
            raise DomainError(_("This programme is running with a couple. End it there first."))
        programme.delete()


def _check_step(coach: User, *, kind: str, article: Article | None, checkin_set_slug: str) -> None:
    if kind == Step.Kind.ARTICLE:
        if article is None or not Article.objects.assignable_by(coach).filter(pk=article.pk).exists():
            raise DomainError(_("Choose a guide from the library or one of your published articles."))
    elif checkin_set(checkin_set_slug) is None:
        raise DomainError(_("Choose one of Twofold’s check-ins."))


def step_save(
    *,
    programme: Programme,
    step: Step | None = None,
    kind: str,
    article: Article | None = None,
    checkin_set_slug: str = "",
    note: str = "",
    release: str = Step.Release.AFTER_PREVIOUS,
    days: int = 0,
    due_days: int = 14,
) -> Step:
    """A new step at the end, or changes to one (from the next couple it
    reaches on: a release keeps what it was)."""
    _check_step(programme.coach, kind=kind, article=article, checkin_set_slug=checkin_set_slug)
    with transaction.atomic():
        if step is None:
            if programme.steps.count() >= STEPS_AT_MOST:
                raise DomainError(
                    ngettext(
                        "A programme has at most %(count)s step.",
                        "A programme has at most %(count)s steps.",
                        STEPS_AT_MOST,
                    )
                    % {"count": STEPS_AT_MOST}
                )
            step = Step(programme=programme, order=programme.steps.count() + 1)
        step.kind = kind
        step.article = article if kind == Step.Kind.ARTICLE else None
        step.checkin_set = checkin_set_slug if kind == Step.Kind.CHECKIN else ""
        step.note, step.release = note.strip(), release
        step.days = days if release == Step.Release.AFTER_DAYS else 0
        step.due_days = due_days
        step.save()
    return step


def step_delete(*, step: Step) -> None:
    with transaction.atomic():
        programme = step.programme
        step.delete()
        _renumber(list(programme.steps.all()))


def step_move(*, step: Step, direction: str) -> None:
    if direction not in ("up", "down"):
        raise DomainError(_("Move a step up or down."))
    with transaction.atomic():
        steps = list(step.programme.steps.all())
        i = next(n for n, s in enumerate(steps) if s.pk == step.pk)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(steps):
            steps[i], steps[j] = steps[j], steps[i]
            _renumber(steps)


def _renumber(steps: list[Step]) -> None:
    for order, s in enumerate(steps, 1):
        s.order = order
    Step.objects.bulk_update(steps, ["order"])


# Running a programme with a couple


def programme_assign(*, coach: User, programme: Programme, couple: Couple) -> Enrolment:
    """Start `programme` with a client couple: the steps due at once are
    released now."""
    with transaction.atomic():
        if programme.coach_id != coach.pk:
            raise DomainError(_("This is not your programme."))
        if not programme.steps.exists():
            raise DomainError(_("Add a step first: a programme needs at least one."))
        link = CoachingLink.objects.active().filter(coach=coach, couple=couple).first()
        if link is None:
            raise DomainError(_("You can only run a programme with a couple you coach."))
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(programme=programme, link=link, couple=couple)
        except IntegrityError:
            raise DomainError(_("This couple has a programme running already. End it first.")) from None
        release_due(enrolment)
    return enrolment


def _locked_enrolment(enrolment: Enrolment, coach: User) -> Enrolment:
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related("programme").get(pk=enrolment.pk)
    if locked.programme.coach_id != coach.pk:
        raise DomainError(_("This is not your programme."))
    if locked.ended_at is not None:
        raise DomainError(_("This programme has ended."))
    return locked


def enrolment_pause(*, enrolment: Enrolment, coach: User) -> Enrolment:
    with transaction.atomic():
        enrolment = _locked_enrolment(enrolment, coach)
        if enrolment.paused_at is None:
            enrolment.paused_at = timezone.now()
            enrolment.save(update_fields=["paused_at"])
            programme_changed.send(sender=Enrolment, enrolment=enrolment, change="paused")
    return enrolment


def enrolment_resume(*, enrolment: Enrolment, coach: User) -> Enrolment:
    with transaction.atomic():
        enrolment = _locked_enrolment(enrolment, coach)
        if enrolment.paused_at is not None:
            enrolment.paused_at = None
            enrolment.save(update_fields=["paused_at"])
            release_due(enrolment)
    return enrolment


def enrolment_end(*, enrolment: Enrolment, coach: User) -> Enrolment:
    """No more steps. What was released stays the couple's."""
    with transaction.atomic():
        enrolment = _locked_enrolment(enrolment, coach)
        enrolment.ended_at = timezone.now()
        enrolment.save(update_fields=["ended_at"])
        programme_changed.send(sender=Enrolment, enrolment=enrolment, change="ended")
    return enrolment


# Releasing steps (the periodic run, and the reveal of a step)


def _step_done(release: StepRelease) -> bool:
    """Whether a released step is through: its reflection revealed, or its
    check-in's first round."""
    if release.reflection_id:
        return Reflection.objects.filter(pk=release.reflection_id, revealed_at__isnull=False).exists()
    if release.checkin_id:
        return Reflection.objects.filter(checkin_round__checkin=release.checkin_id, revealed_at__isnull=False).exists()
    return True  # what it pointed at is gone: nothing to wait for


def _due(enrolment: Enrolment, step: Step, last: StepRelease | None, now) -> bool:
    if step.release == Step.Release.AFTER_DAYS:
        return enrolment.started_at + timedelta(days=step.days) <= now
    return last is None or _step_done(last)


def release_due(enrolment: Enrolment, *, now=None) -> list[StepRelease]:
    """Release, in order, every step of a running programme that is due.
    Call inside a transaction with the enrolment locked (or just created)."""
    now = now or timezone.now()
    if not enrolment.is_running or not enrolment.link.is_active or enrolment.couple.ended_at:
        return []
    # The next step is the first not yet released, by what it is rather
    # than where it stands: a step moved or deleted after its release is
    # neither released twice nor skipped over by the ones after it.
    done = set(enrolment.releases.exclude(step=None).values_list("step", flat=True))
    steps = [s for s in enrolment.programme.steps.select_related("article") if s.pk not in done]
    released = []
    for step in steps:
        last = enrolment.releases.order_by("-number").first()
        if not _due(enrolment, step, last, now):
            break
        released.append(_release(enrolment, step))
    return released


def _release(enrolment: Enrolment, step: Step) -> StepRelease:
    coach = enrolment.programme.coach
    number = enrolment.released + 1
    release = StepRelease(enrolment=enrolment, step=step, number=number)
    if step.kind == Step.Kind.ARTICLE and step.article is not None:
        existing = Reflection.objects.filter(
            couple=enrolment.couple, article=step.article, follow_up_of__isnull=True
        ).first()
        release.reflection = existing or reflection_create(
            couple=enrolment.couple,
            article=step.article,
            started_by=None,
            assigned_by=coach,
            coach_note=step.note,
            due_date=timezone.localdate() + timedelta(days=step.due_days),
        )
        release.title = step.article.title
    elif step.kind == Step.Kind.CHECKIN:
        chosen = checkin_set(step.checkin_set)
        release.title = chosen.title if chosen else A_CHECKIN
        live = CheckIn.objects.live().filter(couple=enrolment.couple).first()
        release.checkin = live or checkin_propose_as_coach(
            coach=coach,
            link=enrolment.link,
            title=release.title,
            cadence=CheckIn.Cadence.WEEKLY,
            weekday=timezone.localdate().weekday(),
            prompts=[asdict(p) | {"choices": []} for p in chosen.prompts],
            set_slug=chosen.slug,
        )
    else:
        release.title = STEP_GONE
    release.save()
    enrolment.released = number
    enrolment.save(update_fields=["released"])
    step_released.send(sender=StepRelease, release=release)
    return release


def releases_due(*, now=None) -> int:
    """The periodic run: every running programme's due steps. How many released."""
    running = Enrolment.objects.filter(ended_at__isnull=True, paused_at__isnull=True).values_list("pk", flat=True)
    count = 0
    for pk in list(running):
        with transaction.atomic():
            enrolment = (
                Enrolment.objects.select_for_update(of=("self",))
                .select_related("programme__coach", "link", "couple")
                .get(pk=pk)
            )
            count += len(release_due(enrolment, now=now))
    return count


def release_after_reveal(reflection: Reflection) -> None:
    """A released step was revealed: the next step, if it waits on it, now."""
    enrolments = Enrolment.objects.filter(
        ended_at__isnull=True, paused_at__isnull=True, releases__reflection=reflection
    ).values_list("pk", flat=True)
    enrolments = list(enrolments) + list(
        Enrolment.objects.filter(
            ended_at__isnull=True, paused_at__isnull=True, releases__checkin__rounds__reflection=reflection
        ).values_list("pk", flat=True)
    )
    for pk in enrolments:
        with transaction.atomic():
            enrolment = (
                Enrolment.objects.select_for_update(of=("self",))
                .select_related("programme__coach", "link", "couple")
                .get(pk=pk)
            )
            release_due(enrolment)
