"""The library: themes, articles (Twofold's guides, coaches' articles and
what a couple brings) with their prompts, and the question bank. The tables
keep the names they had in reflections/, where these models began."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import CoachingLink, Couple

SCALE_MIN, SCALE_MAX = 1, 10
SCALE_RANGE = range(SCALE_MIN, SCALE_MAX + 1)
# The scale rule, in this one place. The database cannot check it: an
# answer's number is sealed in its ciphertext (reflections migration 0009).
# OFF_THE_SCALE is its message in English; off_the_scale() in the reader's.
_OFF_THE_SCALE = gettext_noop("Choose a number from %(min)s to %(max)s.")
OFF_THE_SCALE = _OFF_THE_SCALE % {"min": SCALE_MIN, "max": SCALE_MAX}


def off_the_scale() -> str:
    return gettext(_OFF_THE_SCALE) % {"min": SCALE_MIN, "max": SCALE_MAX}


def on_the_scale(value: int) -> bool:
    return value in SCALE_RANGE


class PromptKind(models.TextChoices):
    TEXT = "text", _("Open text")
    SCALE = "scale", _("Scale 1–10")
    CHOICE = "choice", _("Single choice")


class Translated(models.Model):
    """Words kept as they were written, with translations beside them:
    `translations = {"es": {"title": "…", "summary": "…"}}`. Each reader
    gets their own language where there is a translation, and the words as
    written where there is none (a coach's article, an article a couple
    brought). One column, read with the row: no join for a page."""

    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None):
        """`field` in `language` (the active one by default)."""
        words = self.translations.get(language or translation.get_language() or "", {}).get(field)
        return words if words else getattr(self, field)


class Theme(Translated):
    """What a guide is about (money, conflict and repair, …): the library is
    browsed by theme, and home suggests one not explored yet."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    blurb = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "reflections_theme"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def in_library(self):
        return self.filter(status=Article.Status.PUBLISHED, visibility=Article.Visibility.PUBLIC)

    def available_to(self, user):
        """Published articles `user` may read and start: the public library,
        what their own coaches publish for clients, and what their couple
        brought themselves (theirs alone, while they are linked)."""
        my_coaches = CoachingLink.objects.active().filter(couple__memberships__user=user).values("coach")
        my_couple = Couple.objects.linked().filter(memberships__user=user, memberships__active=True).values("pk")
        return self.filter(status=Article.Status.PUBLISHED).filter(
            Q(visibility=Article.Visibility.PUBLIC)
            | Q(visibility=Article.Visibility.CLIENTS, owner__in=my_coaches)
            | Q(visibility=Article.Visibility.COUPLE, couple__in=my_couple)
        )

    def assignable_by(self, coach):
        """What a coach may assign: their own published articles, and the
        public library."""
        return self.filter(status=Article.Status.PUBLISHED).filter(
            Q(owner=coach) | Q(visibility=Article.Visibility.PUBLIC)
        )


class Article(Translated):
    """Something to read together, with prompts. Either a Twofold guide,
    written in our own words (`body`), or our summary of a piece published
    elsewhere, which is credited and linked and never copied here."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone (public library)")
        CLIENTS = "clients", _("My clients only")
        COUPLE = "couple", _("The two of us")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    # The language it is written in (its translations are in others): a
    # coach's, theirs; one a couple brought, the bringer's.
    language = models.CharField(max_length=8, default="en", db_default="en")
    source_title = models.CharField(_("title of the source"), max_length=300, blank=True)
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    summary = models.TextField(help_text=_("In our own words."))
    body = models.TextField(blank=True, help_text=_("A Twofold guide's own text; empty for a summary of a source."))
    credits = models.CharField(max_length=300, blank=True, help_text=_("The named ideas or studies it builds on."))
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="main_articles",
        help_text=_("Its main theme."),
    )
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="articles",
        help_text=_("Every theme, the main one too."),
        db_table="reflections_article_themes",
    )
    reading_minutes = models.PositiveSmallIntegerField(default=0)
    # An article a couple brought themselves: the link and its details, and
    # a line of their own; never the article's text.
    couple = models.ForeignKey(Couple, null=True, blank=True, on_delete=models.CASCADE, related_name="own_articles")
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("why this one"), blank=True, max_length=1000)
    source_author = models.CharField(_("author"), max_length=200, blank=True)
    source_published = models.DateField(_("published"), null=True, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        db_table = "reflections_article"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_guide(self):
        return bool(self.body)


class PromptFields(Translated):
    """What a prompt asks; shared by the article's prompt and the snapshot a
    reflection takes of it."""

    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=PromptKind.choices, default=PromptKind.TEXT)
    text = models.CharField(max_length=500)
    scale_min_label = models.CharField(max_length=60, blank=True)
    scale_max_label = models.CharField(max_length=60, blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta(Translated.Meta):
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text

    def clean(self):
        """A prompt that a partner can actually answer."""
        errors = {}
        if not (self.text or "").strip():
            errors["text"] = gettext("Write the question.")
        if self.kind == PromptKind.SCALE:
            if not self.scale_min_label.strip():
                errors["scale_min_label"] = gettext("Say what 1 means.")
            if not self.scale_max_label.strip():
                errors["scale_max_label"] = gettext("Say what 10 means.")
        if self.kind == PromptKind.CHOICE:
            options = [c.strip() for c in self.choices or [] if c.strip()]
            if len(set(options)) < 2:
                errors["choices"] = gettext("Give at least two different options, one per line.")
        if errors:
            raise ValidationError(errors)

    def _options(self) -> list[list[str]]:
        return [self.choices, *(words.get("choices", []) for words in self.translations.values())]

    def is_option(self, text: str) -> bool:
        """One of the options, in any language a partner may have read them in."""
        return any(text in options for options in self._options())

    def option_shown(self, chosen: str, language: str | None = None) -> str:
        """A chosen option in the reader's language: the option in the same
        place among theirs. An option that is no longer one (the article was
        edited before this snapshot) shows as chosen."""
        shown = self.translated("choices", language)
        for options in self._options():
            if chosen in options and options.index(chosen) < len(shown):
                return shown[options.index(chosen)]
        return chosen

    @property
    def is_scale(self):
        return self.kind == PromptKind.SCALE

    @property
    def is_choice(self):
        return self.kind == PromptKind.CHOICE


class BankQuestion(PromptFields):
    """One question of Twofold's question bank, from which a couple or a
    coach builds a reflection of their own."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")

    class Meta(PromptFields.Meta):
        db_table = "reflections_bankquestion"
        ordering = ["theme", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["theme", "text"], name="one_bank_question_per_text")]


class Prompt(PromptFields):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="prompts")

    class Meta(PromptFields.Meta):
        db_table = "reflections_prompt"
