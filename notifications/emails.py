"""The emails. They carry names, a reflection's title and links — never an
answer, a note or anything else someone wrote (P1)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import WAITING_KINDS, Kind
from .selectors import email_preferences_for


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def reason_not_to_email(notification):
    """Why this notification should not be emailed (now), or None."""
    user = notification.user
    if not user.is_active or not user.email:
        return "no address"
    if notification.emailed_at:
        return "already sent"
    if not email_preferences_for(user).wants(notification.kind):
        return "turned off"
    reflection = notification.reflection
    if notification.kind in WAITING_KINDS and reflection is not None:
        if reflection.revealed_at or reflection.closed_at or reflection.couple.ended_at:
            return "no longer waiting"
        if (
            notification.kind in (Kind.REMINDER, Kind.CHECKIN_ROUND)
            and reflection.participants.filter(user=user, ready_at__isnull=False).exists()
        ):
            return "no longer waiting"
    return None


def notification_email(notification):
    """The email for `notification`, in its recipient's language whoever
    caused it: subject, plain text and HTML from
    templates/notifications/email/<kind>_subject.txt, _body.txt, _body.html."""
    with translation.override(notification.user.language):
        return _email(notification)


def _email(notification):
    reflection = notification.reflection
    if reflection is not None:
        url = absolute(reverse("reflections:reflection", kwargs={"pk": reflection.pk}))
    elif notification.kind == Kind.PARTNER_JOINED:
        url = absolute(reverse("library:index"))
    elif notification.kind == Kind.CHECKIN_PROPOSED:
        url = absolute(reverse("checkins:checkin"))
    else:
        url = absolute(reverse("reflections:home"))
    context = {
        "name": notification.user.name,
        "actor_name": notification.actor_name,
        "title": reflection.translated("title") if reflection is not None else "",
        "follow_up": reflection is not None and reflection.follow_up_of_id is not None,
        "url": url,
        "settings_url": absolute(reverse("notifications:email_preferences")),
        "site_url": absolute("/"),
    }
    base = f"notifications/email/{notification.kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
        # Lets people (and tests) sort Twofold's emails by what they are about.
        headers={"X-Twofold-Notification": notification.kind},
    )
    message.attach_alternative(render_to_string(f"{base}_body.html", context), "text/html")
    return message
