"""The intake: the questions a coach's new client couple answers first.
It is a reflection like any other (assigned by the coach once both
partners accepted the coaching link), revealed to the couple when both are
ready, and read by the coach only when both share it (P5). Each partner may
agree to that share up front, when accepting the link; the agreement
becomes the reflection's ShareConsent at the reveal, and either can take it
back before or after."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import CoachingLink, User
from core.errors import DomainError
from library.models import Article
from reflections.models import Reflection, ShareConsent
from reflections.services import reflection_create

from .models import Intake, IntakeConsent, IntakeRound


def intake_set(*, coach: User, article: Article | None) -> Intake | None:
    """Set (or, with None, clear) the intake: one of the coach's own published articles."""
    with transaction.atomic():
        if article is None:
            Intake.objects.filter(coach=coach).delete()
            return None
        if article.owner_id != coach.pk or article.status != Article.Status.PUBLISHED:
            raise DomainError(_("Choose one of your own published articles as the intake."))
        intake, _created = Intake.objects.update_or_create(coach=coach, defaults={"article": article})
        return intake


def intake_of(link: CoachingLink) -> Article | None:
    intake = Intake.objects.filter(coach=link.coach_id).select_related("article").first()
    return intake.article if intake else None


def intake_consent_give(*, link: CoachingLink, user: User) -> IntakeConsent:
    with transaction.atomic():
        if not link.couple or not link.couple.memberships.filter(user=user).exists():
            raise DomainError(_("You are not part of this coaching."))
        consent, _created = IntakeConsent.objects.get_or_create(link=link, user=user)
        _consents_follow(link)
    return consent


def intake_consent_take_back(*, link: CoachingLink, user: User) -> None:
    """Before the reveal: no share will be made. After: the share is taken back."""
    with transaction.atomic():
        IntakeConsent.objects.filter(link=link, user=user).delete()
        ShareConsent.objects.filter(link=link, user=user, reflection__intake_round__link=link).delete()


def intake_start(link: CoachingLink) -> IntakeRound | None:
    """Coaching started: the couple's intake, if the coach has one and the
    couple has not answered it already (they keep one reflection an article)."""
    article = intake_of(link)
    if article is None or IntakeRound.objects.filter(link=link).exists():
        return None
    existing = Reflection.objects.filter(couple=link.couple, article=article, follow_up_of__isnull=True).first()
    reflection = existing or reflection_create(
        couple=link.couple, article=article, started_by=None, assigned_by=link.coach, coach_note=""
    )
    return IntakeRound.objects.create(link=link, reflection=reflection)


def _consents_follow(link: CoachingLink) -> None:
    """Each up-front agreement becomes the revealed intake's ShareConsent."""
    round_ = IntakeRound.objects.filter(link=link, reflection__revealed_at__isnull=False).first()
    if round_ is None:
        return
    ShareConsent.objects.bulk_create(
        [
            ShareConsent(reflection_id=round_.reflection_id, user_id=c.user_id, link=link)
            for c in link.intake_consents.all()
        ],
        ignore_conflicts=True,
    )


def intake_revealed(reflection: Reflection) -> None:
    round_ = IntakeRound.objects.filter(reflection=reflection).select_related("link").first()
    if round_ is not None:
        _consents_follow(round_.link)
