"""A coach's practice: programmes released to a couple step by step, an
intake a new client couple answers first, and the coach's private notes.
What couples write stays behind the same gate as ever: a step and the
intake are reflections (P5: read only when both partners share)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CoachingLink, Couple
from checkins.models import CheckIn
from library.models import Article
from reflections.encryption import EncryptedTextField
from reflections.models import Reflection

NOTE_MAX_LENGTH = 10_000


class Programme(models.Model):
    """An ordered list of steps a coach reuses for many couples. Editing it
    changes only what is not yet released to a couple."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programmes")
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class Step(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("A guide or one of my articles")
        CHECKIN = "checkin", _("A check-in")

    class Release(models.TextChoices):
        AFTER_PREVIOUS = "previous", _("When the step before it is revealed")
        AFTER_DAYS = "days", _("A number of days after the programme starts")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checkin_set = models.SlugField(max_length=60, blank=True)
    note = models.TextField(_("a note for the couple"), blank=True, max_length=1000)
    release = models.CharField(max_length=10, choices=Release.choices, default=Release.AFTER_PREVIOUS)
    days = models.PositiveSmallIntegerField(default=0, help_text=_("Days after the programme starts."))
    # How long a released step may take before the coach sees it overdue.
    due_days = models.PositiveSmallIntegerField(_("days to take over it"), default=14)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.programme}: step {self.order}"


class Enrolment(models.Model):
    """A programme running with one client couple, through the coaching link."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    link = models.ForeignKey(CoachingLink, on_delete=models.CASCADE, related_name="enrolments")
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="enrolments")
    started_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # How many steps were released: "Step 2 of 6" without counting rows.
    released = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["couple"], condition=Q(ended_at__isnull=True), name="one_running_programme_per_couple"
            ),
        ]

    def __str__(self):
        return f"{self.programme} with couple {self.couple_id}"

    @property
    def is_running(self):
        return self.ended_at is None and self.paused_at is None


class StepRelease(models.Model):
    """A step as released to one couple: the reflection it became (a guide
    or an article), or the check-in it proposed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="releases")
    step = models.ForeignKey(Step, null=True, on_delete=models.SET_NULL, related_name="releases")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    reflection = models.ForeignKey(Reflection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checkin = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="one_release_per_step_number"),
        ]

    def __str__(self):
        return f"step {self.number} of enrolment {self.enrolment_id}"


class Intake(models.Model):
    """The questions a coach's new client couples answer first: one of the
    coach's own published articles."""

    coach = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"Intake of {self.coach}"


class IntakeConsent(models.Model):
    """P5, given before answering: one partner agrees, when accepting the
    coaching link, to share the intake with this coach once it is revealed.
    Revocable: taking it back before the reveal deletes it; after, the
    reflection's ShareConsent it became is taken back as any other."""

    link = models.ForeignKey(CoachingLink, on_delete=models.CASCADE, related_name="intake_consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "user"], name="one_intake_consent_per_partner")]

    def __str__(self):
        return f"{self.user} will share the intake of {self.link_id}"


class IntakeRound(models.Model):
    """The intake as one couple answers it: a reflection, from the link."""

    link = models.OneToOneField(CoachingLink, on_delete=models.CASCADE, related_name="intake_round")
    reflection = models.OneToOneField(Reflection, on_delete=models.CASCADE, related_name="intake_round")

    def __str__(self):
        return f"Intake of link {self.link_id}"


class CoachNoteQuerySet(models.QuerySet):
    def of(self, coach):
        """The one gate to a coach's notes: their own, nobody else's, ever."""
        if not coach.is_authenticated:
            return self.none()
        return self.filter(coach=coach)


class CoachNote(models.Model):
    """P9: a coach's dated note on a client couple: for the coach alone, never
    shown to the couple, another coach or staff; encrypted at rest; never
    in a notice, an email or a log line. It outlives the coaching."""

    # Key rotation rewrites a row only while this is as it read it (reflections/rotation.py).
    ENCRYPTION_GUARD = "version"

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    written_on = models.DateField(default=timezone.localdate)
    text = EncryptedTextField(max_length=NOTE_MAX_LENGTH)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CoachNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["coach", "couple", "written_on"], name="coach_note_by_couple")]

    def __str__(self):
        return f"Note #{self.pk}"
