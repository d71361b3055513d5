from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Couple

ANSWER_MAX_LENGTH = 10_000
SCALE_MIN, SCALE_MAX = 1, 10


class PromptKind(models.TextChoices):
    TEXT = "text", "Open text"
    SCALE = "scale", "Scale 1–10"
    CHOICE = "choice", "Single choice"


class ArticleQuerySet(models.QuerySet):
    def in_library(self):
        return self.filter(status=Article.Status.PUBLISHED, visibility=Article.Visibility.PUBLIC)


class Article(models.Model):
    """Something to read together, with our own summary and prompts. The
    source is credited and linked; its text is never copied here."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone (public library)"
        CLIENTS = "clients", "My clients only"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    source_title = models.CharField("title of the source", max_length=300)
    source_name = models.CharField("source", max_length=200)
    source_url = models.URLField("link to the source", max_length=500)
    summary = models.TextField(help_text="In our own words.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class PromptFields(models.Model):
    """What a prompt asks; shared by the article's prompt and the snapshot a
    reflection takes of it."""

    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=PromptKind.choices, default=PromptKind.TEXT)
    text = models.CharField(max_length=500)
    scale_min_label = models.CharField(max_length=60, blank=True)
    scale_max_label = models.CharField(max_length=60, blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_scale(self):
        return self.kind == PromptKind.SCALE

    @property
    def is_choice(self):
        return self.kind == PromptKind.CHOICE


class Prompt(PromptFields):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="prompts")

    class Meta(PromptFields.Meta):
        pass


class Reflection(models.Model):
    """A couple working through one article. It keeps the prompts as they
    were when it started, so later edits never shift under answers."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="reflections")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="reflections")
    title = models.CharField(max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["couple", "article"], name="one_reflection_per_article"),
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
    """One partner's side of a reflection: P3 readiness lives here."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations")
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "user"], name="one_participant_per_user"),
        ]

    def __str__(self):
        return f"{self.user} in {self.reflection}"

    @property
    def is_ready(self):
        return self.ready_at is not None


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """P8: the one gate to answer text. P1–P4 in one place:
        - my own answers, always;
        - my linked partner's, once our reflection is revealed and only while
          the couple that reflection belongs to is still linked.
        Nobody else, staff included, reads anything.
        """
        if not viewer.is_authenticated:
            return self.none()
        my_linked_couple = Couple.objects.linked().filter(memberships__user=viewer, memberships__active=True)
        revealed_to_my_couple = Q(
            prompt__reflection__revealed_at__isnull=False,
            prompt__reflection__couple__in=my_linked_couple,
        )
        return self.filter(Q(author=viewer) | revealed_to_my_couple)


class Answer(models.Model):
    """One partner's answer to one prompt. A pass is an answer."""

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True, max_length=ANSWER_MAX_LENGTH)
    scale_value = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prompt", "author"], name="one_answer_per_author_and_prompt"),
            models.CheckConstraint(
                condition=Q(scale_value__isnull=True) | Q(scale_value__gte=SCALE_MIN, scale_value__lte=SCALE_MAX),
                name="scale_value_between_1_and_10",
            ),
        ]

    def __str__(self):
        return f"Answer #{self.pk}"

    @property
    def is_given(self):
        return self.passed or bool(self.text.strip()) or self.scale_value is not None
