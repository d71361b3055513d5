"""The conversation after the reveal: talked marks, joint notes, replies
and reactions. The tables keep the names they had in reflections/, where
these models began."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reflections.encryption import EncryptedTextField
from reflections.models import ANSWER_MAX_LENGTH, Reflection, ReflectionPrompt, shared_view_open


class TalkedMark(models.Model):
    """Together mode: "we talked about this", one mark per partner and
    prompt. Each partner sets or clears only their own; a prompt counts as
    talked about once either of them marked it."""

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="talked_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reflections_talkedmark"
        constraints = [models.UniqueConstraint(fields=["prompt", "user"], name="one_talked_mark_per_partner")]

    def __str__(self):
        return f"Talked about {self.prompt_id} ({self.user_id})"


class JointNoteQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """The gate to joint notes, by the same rules as revealed answers:
        the partners while linked, and a coach both partners shared with."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(shared_view_open(viewer, "reflection"))


class JointNote(models.Model):
    """What the couple wants to remember or to try, written together after
    the reveal. `version` goes up with every save, so that a save made from
    an older version is caught instead of overwriting the partner's words."""

    # Key rotation rewrites a row only while this is as it read it (rotation.py).
    ENCRYPTION_GUARD = "version"

    class Kind(models.TextChoices):
        REMEMBER = "remember", _("What we want to remember")
        TRY = "try", _("What we will try")

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = EncryptedTextField(blank=True, max_length=ANSWER_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = JointNoteQuerySet.as_manager()

    class Meta:
        db_table = "reflections_jointnote"
        constraints = [
            models.UniqueConstraint(fields=["reflection", "kind"], name="one_note_of_each_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.reflection_id})"


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """The gate to replies and reactions: my own, always, as answers are
        (each partner keeps and exports their own half after an unlink);
        the rest by the joint notes' rules: the partners while linked, and a
        coach both partners shared with (P4, P5)."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(Q(author=viewer) | shared_view_open(viewer, "prompt__reflection"))


REPLY_MAX_LENGTH = 2_000


class Reply(models.Model):
    """One message under a revealed prompt: the conversation after the
    reveal, a thread per prompt, newest last. Encrypted like answers."""

    # Key rotation rewrites a row only while this is as it read it (rotation.py): an edit sets it.
    ENCRYPTION_GUARD = "updated_at"

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(max_length=REPLY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        db_table = "reflections_reply"
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["prompt", "created_at"], name="reply_prompt_created")]

    def __str__(self):
        return f"Reply #{self.pk}"


class Reaction(models.Model):
    """One partner's reaction to the other's answer to a prompt: one of a
    small fixed set, one per partner and prompt."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("This moved me")
        ME_TOO = "me_too", _("Me too")
        IN_PERSON = "in_person", _("Let’s talk about this in person")

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="reactions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        db_table = "reflections_reaction"
        constraints = [models.UniqueConstraint(fields=["prompt", "author"], name="one_reaction_per_partner")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.prompt_id}"
