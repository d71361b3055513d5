from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened. Each kind is also an email preference (EmailPreferences
    has one boolean named after each value)."""

    PARTNER_JOINED = "partner_joined", _("My partner accepted my invitation")
    PARTNER_READY = "partner_ready", _("My partner is ready to reveal")
    REVEALED = "revealed", _("A reflection was revealed")
    ASSIGNED = "assigned", _("My coach assigned a reflection")
    REMINDER = "reminder", _("A gentle reminder")
    SUGGESTED = "suggested", _("My partner suggested an article")
    REPLIED = "replied", _("My partner replied after a reveal")
    CHECKIN_PROPOSED = "checkin_proposed", _("A check-in was proposed to us")
    CHECKIN_ROUND = "checkin_round", _("The day of a check-in round")
    STEP_RELEASED = "step_released", _("My coach released the next step of our programme")
    PROGRAMME_PAUSED = "programme_paused", _("My coach paused our programme")
    PROGRAMME_ENDED = "programme_ended", _("My coach ended our programme")


# Notices of what a coach did: the actor goes by the name they show clients.
COACH_KINDS = [Kind.ASSIGNED, Kind.CHECKIN_PROPOSED, Kind.STEP_RELEASED, Kind.PROGRAMME_PAUSED, Kind.PROGRAMME_ENDED]

# Notices that only matter while the reflection waits for the recipient: they
# go quiet once it is revealed or the couple has unlinked.
WAITING_KINDS = [Kind.PARTNER_READY, Kind.REMINDER, Kind.CHECKIN_ROUND]


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def still_relevant(self):
        """Drops "your partner is ready" and reminders for reflections that
        were revealed since, or whose couple has unlinked."""
        moot = Q(kind__in=WAITING_KINDS) & (
            Q(reflection__revealed_at__isnull=False)
            | Q(reflection__closed_at__isnull=False)
            | Q(reflection__couple__ended_at__isnull=False)
        )
        return self.exclude(moot)


class Notification(models.Model):
    """Something that happened that concerns `user`. It carries who and what
    (names and a reflection), never text anyone wrote."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reflection = models.ForeignKey(
        "reflections.Reflection", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The partner or coach who did it, if anyone."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            # "At most one gentle reminder": the database has the last word,
            # even when two runs of send_reminders overlap.
            models.UniqueConstraint(
                fields=["user", "reflection"],
                condition=Q(kind="reminder"),
                name="one_reminder_per_person_and_reflection",
            ),
        ]

    def __str__(self):
        return gettext("%(kind)s for %(user)s") % {"kind": self.get_kind_display(), "user": self.user}

    @property
    def when(self):
        """Calm and approximate: "just now", "3 hours ago"."""
        if timezone.now() - self.created_at < timedelta(minutes=1):
            return gettext("just now")
        return gettext("%(time)s ago") % {"time": timesince(self.created_at, depth=1)}

    @property
    def actor_name(self):
        """The name to show for who did it: a coach by the name they show
        clients, a partner by their display name."""
        if self.actor is None:
            # Someone who has since deleted their account; templates capitalise.
            return pgettext("actor", "your coach") if self.kind in COACH_KINDS else pgettext("actor", "your partner")
        if self.kind in COACH_KINDS:
            profile = getattr(self.actor, "coach_profile", None)
            if profile is not None:
                return profile.name
        return self.actor.name


class EmailPreferences(models.Model):
    """Which emails a person wants, one switch per kind, all on until they
    say otherwise. Notices on the home page are always kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="email_preferences"
    )
    partner_joined = models.BooleanField(Kind.PARTNER_JOINED.label, default=True)
    partner_ready = models.BooleanField(Kind.PARTNER_READY.label, default=True)
    revealed = models.BooleanField(Kind.REVEALED.label, default=True)
    assigned = models.BooleanField(Kind.ASSIGNED.label, default=True)
    reminder = models.BooleanField(Kind.REMINDER.label, default=True)
    suggested = models.BooleanField(Kind.SUGGESTED.label, default=True)
    replied = models.BooleanField(Kind.REPLIED.label, default=True)
    checkin_proposed = models.BooleanField(Kind.CHECKIN_PROPOSED.label, default=True)
    checkin_round = models.BooleanField(Kind.CHECKIN_ROUND.label, default=True)
    step_released = models.BooleanField(Kind.STEP_RELEASED.label, default=True)
    programme_paused = models.BooleanField(Kind.PROGRAMME_PAUSED.label, default=True)
    programme_ended = models.BooleanField(Kind.PROGRAMME_ENDED.label, default=True)

    class Meta:
        verbose_name_plural = _("email preferences")

    def __str__(self):
        return gettext("Email preferences of %(user)s") % {"user": self.user}

    def wants(self, kind):
        return getattr(self, kind)
