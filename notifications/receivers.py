"""Notifications react to what accounts and reflections report; neither of
them knows notifications exists."""

import logging

from django.dispatch import receiver

from accounts.signals import partner_linked
from checkins.signals import checkin_proposed, round_reminder
from coaching.signals import reflection_assigned
from conversation.signals import follow_up_started, partner_replied
from practice.signals import programme_changed, step_released
from reflections.signals import article_brought, partner_ready, reflection_revealed

from .services import (
    notify_assigned,
    notify_checkin_proposed,
    notify_checkin_round,
    notify_partner_joined,
    notify_partner_ready,
    notify_programme_changed,
    notify_replied,
    notify_revealed,
    notify_step_released,
    notify_suggested,
)

logger = logging.getLogger(__name__)


@receiver(partner_linked, dispatch_uid="notifications.partner_joined")
def on_partner_linked(sender, inviter, partner, **kwargs):
    notify_partner_joined(inviter=inviter, partner=partner)


@receiver(partner_ready, dispatch_uid="notifications.partner_ready")
def on_partner_ready(sender, reflection, user, **kwargs):
    notify_partner_ready(reflection=reflection, user=user)


@receiver(reflection_assigned, dispatch_uid="notifications.assigned")
def on_reflection_assigned(sender, reflection, coach, **kwargs):
    notify_assigned(reflection=reflection, coach=coach)


@receiver(article_brought, dispatch_uid="notifications.suggested")
def on_article_brought(sender, reflection, user, **kwargs):
    notify_suggested(reflection=reflection, user=user)


@receiver(follow_up_started, dispatch_uid="notifications.follow_up_suggested")
def on_follow_up_started(sender, reflection, user, **kwargs):
    """A follow-up is a partner's suggestion, like an article they brought."""
    notify_suggested(reflection=reflection, user=user)


@receiver(partner_replied, dispatch_uid="notifications.replied")
def on_partner_replied(sender, reflection, user, **kwargs):
    notify_replied(reflection=reflection, user=user)


@receiver(reflection_revealed, dispatch_uid="notifications.revealed")
def on_reflection_revealed(sender, reflection, **kwargs):
    """Sent once per reveal, after its transaction commits (P2), so both
    partners hear about it exactly once. The reveal has happened by then:
    a failure here is logged, never turned into an error page."""
    try:
        notify_revealed(reflection=reflection)
    except Exception:
        logger.exception("Could not write the reveal notices for reflection %s", reflection.pk)


@receiver(checkin_proposed, dispatch_uid="notifications.checkin_proposed")
def on_checkin_proposed(sender, checkin, by, **kwargs):
    notify_checkin_proposed(checkin=checkin, by=by)


@receiver(round_reminder, dispatch_uid="notifications.checkin_round")
def on_round_reminder(sender, round, users, **kwargs):
    notify_checkin_round(reflection=round.reflection, users=users)


@receiver(step_released, dispatch_uid="notifications.step_released")
def on_step_released(sender, release, **kwargs):
    """A check-in step is heard of as the check-in's proposal; a guide or
    an article, as the step itself."""
    if release.reflection_id:
        enrolment = release.enrolment
        notify_step_released(reflection=release.reflection, coach=enrolment.programme.coach, couple=enrolment.couple)


@receiver(programme_changed, dispatch_uid="notifications.programme_changed")
def on_programme_changed(sender, enrolment, change, **kwargs):
    notify_programme_changed(couple=enrolment.couple, coach=enrolment.programme.coach, change=change)
