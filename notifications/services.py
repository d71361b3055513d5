"""Notices on the home page and their emails. Calm by design: no streaks, no
guilt, no answer or note text anywhere — a notification names who and which
reflection, nothing more. Each notice is written in the transaction of what
caused it; its email is queued only once that transaction commits, and a
failure to queue never breaks the page that caused it."""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.errors import DomainError
from reflections.models import Participant, Reflection

from .models import EmailPreferences, Kind, Notification
from .tasks import send_notification_email

logger = logging.getLogger(__name__)


def notification_create(
    *, user: User, kind: str, reflection: Reflection | None = None, actor: User | None = None, email: bool = True
) -> Notification:
    """A notice for `user`; its email (unless `email` is off) follows in the
    background after commit (the task checks the person's preferences when
    it runs)."""
    with transaction.atomic():
        notification = Notification.objects.create(user=user, kind=kind, reflection=reflection, actor=actor)
        _count_unread(user.pk, 1)
    if email:
        transaction.on_commit(partial(_email_enqueue, notification.pk), robust=True)
    return notification


def _count_unread(user_id: int, change: int) -> None:
    """Moves `user_id`'s count of unread notices by `change`, in the
    caller's transaction (never below zero)."""
    User.objects.filter(pk=user_id).update(unread_notices=Greatest(F("unread_notices") + change, Value(0)))


def _put_away(notices, user_id: int) -> int:
    """Marks `user_id`'s unread `notices` read and takes exactly those off
    their count (the rows this update changed: a notice put away twice at
    once is counted once). Returns how many."""
    with transaction.atomic():
        put_away = notices.filter(user=user_id, read_at__isnull=True).update(read_at=timezone.now())
        if put_away:
            _count_unread(user_id, -put_away)
    return put_away


def notices_recount(users=None) -> int:
    """Sets each person's count of unread notices (everyone's, or `users'`)
    from the notices themselves: for data loaded around notification_create
    (the bench's seeding) and to check that the counts hold. Returns how
    many were wrong."""
    people = User.objects.all() if users is None else User.objects.filter(pk__in=[u.pk for u in users])
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    actual = Coalesce(Subquery(unread), 0)
    wrong = list(people.annotate(actual=actual).exclude(unread_notices=F("actual")).values_list("pk", flat=True))
    User.objects.filter(pk__in=wrong).update(unread_notices=actual)
    return len(wrong)


def _email_enqueue(notification_id: int) -> None:
    try:
        send_notification_email.enqueue(notification_id=notification_id)
    except Exception:
        # The notice itself is saved; a queue that is down must not turn the
        # action that caused it into an error page.
        logger.exception("Could not queue the email for notification %s", notification_id)


def notify_partner_joined(*, inviter: User, partner: User) -> Notification:
    """The person who invited hears that their invitation was accepted."""
    return notification_create(user=inviter, kind=Kind.PARTNER_JOINED, actor=partner)


def notify_partner_ready(*, reflection: Reflection, user: User) -> list[Notification]:
    """`user` is ready and the reflection is not revealed yet: the other
    partner hears it (P6: that, never what). One unread notice per reflection
    is enough, however often someone withdraws and is ready again."""
    notifications = []
    for other in reflection.participants.exclude(user=user).select_related("user"):
        already = Notification.objects.unread().filter(user=other.user, kind=Kind.PARTNER_READY, reflection=reflection)
        if not already.exists():
            notifications.append(
                notification_create(user=other.user, kind=Kind.PARTNER_READY, reflection=reflection, actor=user)
            )
    return notifications


def notify_revealed(*, reflection: Reflection) -> list[Notification]:
    """Both partners hear that the reveal happened. "Your partner is ready"
    and reminders about it have nothing left to ask, so they are put away."""
    with transaction.atomic():
        participants = list(reflection.participants.select_related("user"))
        waiting = Notification.objects.filter(reflection=reflection, kind__in=[Kind.PARTNER_READY, Kind.REMINDER])
        for p in participants:
            _put_away(waiting, p.user_id)
        return [
            notification_create(
                user=p.user,
                kind=Kind.REVEALED,
                reflection=reflection,
                actor=next((o.user for o in participants if o.pk != p.pk), None),
            )
            for p in participants
        ]


def notify_assigned(*, reflection: Reflection, coach: User) -> list[Notification]:
    """Both partners of the couple hear that their coach assigned something."""
    return [
        notification_create(user=p.user, kind=Kind.ASSIGNED, reflection=reflection, actor=coach)
        for p in reflection.participants.select_related("user")
    ]


def notify_suggested(*, reflection: Reflection, user: User) -> list[Notification]:
    """The partner hears that `user` brought an article to reflect on."""
    return [
        notification_create(user=p.user, kind=Kind.SUGGESTED, reflection=reflection, actor=user)
        for p in reflection.participants.select_related("user")
        if p.user_id != user.pk
    ]


def notify_replied(*, reflection: Reflection, user: User) -> list[Notification]:
    """The partner hears that `user` replied: one unread notice per
    reflection at a time, and at most one email per reflection a day."""
    made = []
    for participant in reflection.participants.select_related("user"):
        if participant.user_id == user.pk:
            continue
        theirs = Notification.objects.filter(user=participant.user, kind=Kind.REPLIED, reflection=reflection)
        if theirs.unread().exists():
            continue
        emailed_today = theirs.filter(created_at__gte=timezone.now() - timedelta(days=1)).exists()
        made.append(
            notification_create(
                user=participant.user, kind=Kind.REPLIED, reflection=reflection, actor=user, email=not emailed_today
            )
        )
    return made


def notify_checkin_proposed(*, checkin, by: User) -> list[Notification]:
    """The partner (or, for a coach's proposal, both partners) hear of it."""
    return [
        notification_create(user=m.user, kind=Kind.CHECKIN_PROPOSED, actor=by)
        for m in checkin.couple.memberships.select_related("user")
        if m.user_id != by.pk
    ]


def notify_checkin_round(*, reflection: Reflection, users: list[User]) -> list[Notification]:
    """The one gentle reminder of a round's day, to whoever has not finished it."""
    return [notification_create(user=user, kind=Kind.CHECKIN_ROUND, reflection=reflection) for user in users]


def notify_step_released(*, reflection: Reflection, coach: User, couple) -> list[Notification]:
    """Both partners hear of a programme's new step: one notice each, and at
    most one email a day to a couple (a step released the same day as
    another comes as a notice alone)."""
    since = timezone.now() - timedelta(days=1)
    made = []
    for membership in couple.memberships.select_related("user"):
        emailed_today = Notification.objects.filter(
            user=membership.user, kind=Kind.STEP_RELEASED, created_at__gte=since
        ).exists()
        made.append(
            notification_create(
                user=membership.user,
                kind=Kind.STEP_RELEASED,
                reflection=reflection,
                actor=coach,
                email=not emailed_today,
            )
        )
    return made


def notify_programme_changed(*, couple, coach: User, change: str) -> list[Notification]:
    """The coach paused or ended the couple's programme: both hear it, plainly."""
    kind = {"paused": Kind.PROGRAMME_PAUSED, "ended": Kind.PROGRAMME_ENDED}[change]
    return [
        notification_create(user=membership.user, kind=kind, actor=coach)
        for membership in couple.memberships.select_related("user")
    ]


def reminders_send(*, now: datetime | None = None) -> int:
    """A gentle reminder to whoever has not said ready while their partner
    has been ready for REMINDER_DAYS days. At most one per person and
    reflection, ever (a database constraint); never for a revealed
    reflection or an unlinked couple. Running it again sends nothing new.
    Returns how many reminders were created."""
    now = now or timezone.now()
    partner_waiting = Participant.objects.filter(
        reflection=OuterRef("reflection"), ready_at__lte=now - timedelta(days=settings.REMINDER_DAYS)
    ).exclude(user=OuterRef("user"))
    reminded = Notification.objects.filter(kind=Kind.REMINDER, user=OuterRef("user"), reflection=OuterRef("reflection"))
    due = (
        Participant.objects.filter(
            ready_at__isnull=True,
            reflection__revealed_at__isnull=True,
            reflection__couple__ended_at__isnull=True,
            user__is_active=True,
        )
        .filter(Exists(partner_waiting))
        .exclude(Exists(reminded))
        .annotate(waiting_partner=Subquery(partner_waiting.values("user")[:1]))
        .select_related("user", "reflection")
    )
    created = 0
    for participant in due:
        try:
            with transaction.atomic():
                notification_create(
                    user=participant.user,
                    kind=Kind.REMINDER,
                    reflection=participant.reflection,
                    actor=get_user_model().objects.get(pk=participant.waiting_partner),
                )
        except IntegrityError:
            continue  # another run reminded them a moment ago
        created += 1
    return created


def notification_mark_read(*, notification: Notification, user: User) -> None:
    """Only the person it is for can put a notice away."""
    _put_away(Notification.objects.filter(pk=notification.pk), user.pk)


def notifications_mark_all_read(*, user: User) -> int:
    return _put_away(Notification.objects.all(), user.pk)


def email_preferences_save(*, user: User, **choices: bool) -> EmailPreferences:
    """Every kind of email can be turned off by everyone."""
    with transaction.atomic():
        unknown = set(choices) - set(Kind.values)
        if unknown:
            raise DomainError(
                gettext("There is no such kind of email: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))}
            )
        preferences, _ = EmailPreferences.objects.update_or_create(user=user, defaults=choices)
    return preferences
