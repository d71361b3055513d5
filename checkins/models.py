"""A couple's check-in: a few short prompts they answer every week or two,
each round a reflection like any other (its prompts frozen when it opens,
answered privately, revealed by consent through the same gate)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CoachingLink, Couple
from library.models import PromptFields, Translated
from reflections.models import Reflection

PROMPTS_PER_CHECKIN = range(3, 7)
# Proposed, running or paused: a couple has at most one such check-in.
LIVE_STATUSES = ["proposed", "active", "paused"]


class CheckInQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)


class CheckIn(Translated):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for an answer")
        ACTIVE = "active", _("Running")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")
        DECLINED = "declined", _("Declined")

    class Cadence(models.IntegerChoices):
        WEEKLY = 7, _("Every week")
        FORTNIGHTLY = 14, _("Every two weeks")

    class Weekday(models.IntegerChoices):  # date.weekday()
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    LIVE = LIVE_STATUSES

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="checkins")
    title = models.CharField(max_length=120)
    # The Twofold set it was made from, if any (checkins/sets.py).
    set_slug = models.SlugField(max_length=60, blank=True)
    cadence = models.PositiveSmallIntegerField(choices=Cadence.choices, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.SUNDAY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A coach's proposal is made through their coaching link.
    proposed_through = models.ForeignKey(
        CoachingLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The day the next round opens while it runs; None while proposed or paused.
    next_round_on = models.DateField(null=True, blank=True)
    rounds_opened = models.PositiveIntegerField(default=0)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["couple"], condition=Q(status__in=LIVE_STATUSES), name="one_live_checkin_per_couple"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_round_on"], name="checkin_due")]

    def __str__(self):
        return self.title


class CheckInPrompt(PromptFields):
    """A prompt as the next round will ask it: changing these changes the
    rounds still to open, never one already open (its snapshot is its own)."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="prompts")
    # Twofold's words for a scale where the two numbers of a round are far apart.
    starter = models.CharField(max_length=160, blank=True)

    class Meta(PromptFields.Meta):
        pass


class Round(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="rounds")
    reflection = models.OneToOneField(Reflection, on_delete=models.CASCADE, related_name="checkin_round")
    number = models.PositiveIntegerField()
    opens_on = models.DateField()
    # The one gentle reminder, on the round's day only.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["checkin", "number"], name="one_round_per_number")]

    def __str__(self):
        return f"{self.checkin} #{self.number}"


class CheckInShare(models.Model):
    """P5 for a check-in: one partner's standing consent to share its
    revealed rounds with the coach of one coaching link. While it stands,
    each revealed round carries that partner's ShareConsent for the link
    (services keep the two together), so the coach reads a round, and the
    trend, through the same gate as any shared reflection: only once both
    partners consent, and only while the link is active."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(CoachingLink, on_delete=models.CASCADE, related_name="checkin_shares")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkin", "user", "link"], name="one_checkin_share_per_partner_and_link"),
        ]

    def __str__(self):
        return f"{self.user} shares {self.checkin} with coaching {self.link_id}"
