from dataclasses import replace

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CoachingLink, Couple
from accounts.selectors import coach_profile_for
from library.models import Article, PromptFields, Translated

from .encryption import AnswerContent, EncryptedAnswerField

ANSWER_MAX_LENGTH = 10_000


class ReflectionQuerySet(models.QuerySet):
    def together_for(self, viewer):
        """P4: revealed reflections of the couple `viewer` is linked in now
        (their membership active, the couple not ended)."""
        return self.filter(
            revealed_at__isnull=False,
            couple__ended_at__isnull=True,
            couple__memberships__user=viewer,
            couple__memberships__active=True,
        )

    def shared_with(self, coach):
        """P5: revealed reflections both partners chose to share with
        `coach`, while the couple is linked and the coaching link is active."""
        if coach_profile_for(coach) is None:  # only active coaches have active links
            return self.none()
        links = CoachingLink.objects.active().filter(coach=coach)
        return (
            self.filter(revealed_at__isnull=False, couple__in=links.values("couple"))
            # Only consents given on a link that is active now count.
            .annotate(consents=models.Count("share_consents", filter=Q(share_consents__link__in=links)))
            .filter(consents=2)
        )


class Reflection(Translated):
    """A couple working through one article. It keeps the prompts as they
    were when it started, so later edits (or deleting the article) never
    shift or remove what was answered."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="reflections")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="reflections")
    title = models.CharField(max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        help_text=_("The coach who assigned it, if any."),
    )
    coach_note = models.TextField(blank=True, max_length=1000)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Closed quietly before any reveal: a check-in round nobody finished by
    # the time the next one opened. Its answers stay their authors'; nothing
    # more is answered in it, and nothing of it is ever revealed.
    closed_at = models.DateTimeField(null=True, blank=True)
    # How many prompts its snapshot holds: set with the snapshot, which never
    # changes, so status lines count without reading the prompts.
    prompt_total = models.PositiveSmallIntegerField(default=0)
    # A follow-up asks again, of the same article, the questions a revealed
    # reflection's partners wanted to talk about in person.
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One reflection per article for a couple, besides its follow-ups.
            models.UniqueConstraint(
                fields=["couple", "article"],
                condition=Q(follow_up_of__isnull=True),
                name="one_reflection_per_article",
            ),
            models.UniqueConstraint(fields=["follow_up_of"], name="one_follow_up_per_reflection"),
        ]
        indexes = [
            # A couple's revealed reflections: the history page (newest reveal
            # first), and the gates that open a partner's answers and joint
            # notes, or a coach's shared view, only once a reflection is revealed.
            models.Index(fields=["couple", "revealed_at"], name="reflection_couple_revealed"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_revealed(self):
        return self.revealed_at is not None


class ReflectionPrompt(PromptFields):
    """The snapshot of a prompt taken when the reflection started."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="prompts")

    class Meta(PromptFields.Meta):
        pass


class Participant(models.Model):
    """One partner's side of a reflection: P3 readiness lives here, and
    how many prompts they answered and passed (P6: counts, never what),
    which answer_save keeps in the transaction of every save, so that pages
    count without reading answers. `passed` is the partner's to see only
    after the reveal (selectors._status)."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations")
    ready_at = models.DateTimeField(null=True, blank=True)
    answered = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "user"], name="one_participant_per_user"),
            models.CheckConstraint(condition=Q(passed__lte=F("answered")), name="passes_are_answers"),
        ]

    def __str__(self):
        return f"{self.user} in {self.reflection}"

    @property
    def is_ready(self):
        return self.ready_at is not None


def shared_view_open(viewer, reflection_path):
    """P4, P5 as a condition on rows whose reflection is at `reflection_path`:
    the shared view of that reflection is open to `viewer` as a partner
    (access.Stage.REVEALED) or as a coach both partners share it with."""
    if not viewer.is_authenticated:
        return Q(pk__in=[])  # matches nothing
    condition = Q(**{f"{reflection_path}__in": Reflection.objects.together_for(viewer).values("pk")})
    if coach_profile_for(viewer) is not None:  # nothing is shared with anyone else
        condition |= Q(**{f"{reflection_path}__in": Reflection.objects.shared_with(viewer).values("pk")})
    return condition


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, viewer, *, own_only=False):
        """P8: the one gate to answer text. P1–P5 in one place:
        - my own answers, always;
        - my linked partner's, once our reflection is revealed and only while
          the couple that reflection belongs to is still linked;
        - as a coach, a revealed reflection both partners shared with me,
          while they are linked and my coaching link is active.
        Nobody else, staff included, reads anything. Callers narrow it
        further (one reflection, my own), never widen it. `own_only` is
        the first rule alone, for a page that shows nobody else's answers
        (before the reveal, after an unlink): it narrows, and it spares
        building the rest."""
        if not viewer.is_authenticated:
            return self.none()
        if own_only:
            return self.filter(author=viewer)
        return self.filter(Q(author=viewer) | shared_view_open(viewer, "prompt__reflection"))


class Answer(models.Model):
    """One partner's answer to one prompt. A pass is an answer. A row exists
    only while the answer says something or passes (answer_save deletes an
    emptied one), so counting rows counts answers (P6) without reading them."""

    # Key rotation rewrites a row only while this is as it read it (rotation.py).
    ENCRYPTION_GUARD = "version"

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers")
    content = EncryptedAnswerField(default=AnswerContent)
    # The language its author wrote in (theirs when they saved it), so the
    # shared view can say so to a partner who reads in another.
    language = models.CharField(max_length=8, default="en", db_default="en")
    updated_at = models.DateTimeField(default=timezone.now)
    # Goes up with every save, so a save from a stale tab is caught.
    version = models.PositiveIntegerField(default=1)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prompt", "author"], name="one_answer_per_author_and_prompt"),
        ]

    def __str__(self):
        return f"Answer #{self.pk}"

    # What the answer says, read and written through its one encrypted
    # content (Answer(text=...) and answer.text = ... both work).

    @property
    def text(self):
        return self.content.text

    @text.setter
    def text(self, value):
        self.content = replace(self.content, text=value)

    @property
    def scale_value(self):
        return self.content.scale_value

    @scale_value.setter
    def scale_value(self, value):
        self.content = replace(self.content, scale_value=value)

    @property
    def passed(self):
        return self.content.passed

    @passed.setter
    def passed(self, value):
        self.content = replace(self.content, passed=value)

    @property
    def is_given(self):
        return self.passed or bool(self.text.strip()) or self.scale_value is not None


class ShareConsent(models.Model):
    """P5: one partner's consent to show a revealed reflection to the coach
    of one coaching link. It belongs to that link and ends with it: coaching
    again later (a new link) starts with nothing shared. The coach reads the
    reflection only while both partners' consents on an active link exist."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="share_consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(CoachingLink, on_delete=models.CASCADE, related_name="share_consents")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "user", "link"], name="one_consent_per_partner_and_link"),
        ]

    def __str__(self):
        return f"{self.user} shares {self.reflection} with coaching {self.link_id}"


class ReflectionEvent(models.Model):
    """The visible trail of a reflection: who became ready or withdrew, the
    reveal, and sharing with a coach or taking it back. Never any text."""

    class Kind(models.TextChoices):
        READY = "ready", _("became ready to reveal")
        WITHDREW = "withdrew", _("withdrew to edit again")
        REVEALED = "revealed", _("Revealed to both of you")
        SHARED = "shared", _("chose to share it with")
        UNSHARED = "unshared", _("stopped sharing it with")

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["reflection", "at"])]

    def __str__(self):
        return f"{self.kind} on {self.reflection_id}"
