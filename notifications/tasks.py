"""Background work, through Django's tasks API (django-tasks-db in
production, the immediate backend in tests)."""

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from .emails import notification_email, reason_not_to_email
from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait a little longer after each failure; a mail server that is down for a
# while should not be hammered.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]


@task
def send_notification_email(notification_id, attempt=1):
    """Email one notification, unless the person turned that kind off or it no
    longer applies. A failed send is tried again later (up to MAX_ATTEMPTS);
    `emailed_at` is claimed before sending so that a notification is emailed
    at most once, whoever runs the task."""
    notification = (
        Notification.objects.select_related("user", "actor__coach_profile", "reflection__couple")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"
    reason = reason_not_to_email(notification)
    if reason:
        return reason
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return "already sent"
    try:
        notification_email(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        if attempt >= MAX_ATTEMPTS:
            logger.exception("Gave up emailing notification %s after %s attempts", notification_id, attempt)
            raise
        logger.warning("Emailing notification %s failed (attempt %s); trying again", notification_id, attempt)
        retry(notification_id, attempt=attempt + 1)
        return "retrying"
    return "sent"


def retry(notification_id, *, attempt):
    """Queue attempt number `attempt`, after a pause when the backend can
    defer tasks (the immediate backend cannot: it tries again at once)."""
    pending = send_notification_email
    if pending.get_backend().supports_defer:
        delay = RETRY_DELAYS[min(attempt - 2, len(RETRY_DELAYS) - 1)]
        pending = pending.using(run_after=timezone.now() + delay)
    pending.enqueue(notification_id=notification_id, attempt=attempt)
