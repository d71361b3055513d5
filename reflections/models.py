from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import CoachingLink, Couple
from accounts.selectors import coach_profile_for

from .encryption import AnswerContent, EncryptedAnswerField, EncryptedTextField

ANSWER_MAX_LENGTH = 10_000
SCALE_MIN, SCALE_MAX = 1, 10
SCALE_RANGE = range(SCALE_MIN, SCALE_MAX + 1)


class PromptKind(models.TextChoices):
    TEXT = "text", "Open text"
    SCALE = "scale", "Scale 1–10"
    CHOICE = "choice", "Single choice"


class Theme(models.Model):
    """What a guide is about (money, conflict and repair, …): the library is
    browsed by theme, and home suggests one not explored yet."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    blurb = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
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


class Article(models.Model):
    """Something to read together, with prompts. Either a Twofold guide,
    written in our own words (`body`), or our summary of a piece published
    elsewhere, which is credited and linked and never copied here."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone (public library)"
        CLIENTS = "clients", "My clients only"
        COUPLE = "couple", "The two of us"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    source_title = models.CharField("title of the source", max_length=300, blank=True)
    source_name = models.CharField("source", max_length=200, blank=True)
    source_url = models.URLField("link to the source", max_length=500, blank=True)
    summary = models.TextField(help_text="In our own words.")
    body = models.TextField(blank=True, help_text="A Twofold guide's own text; empty for a summary of a source.")
    credits = models.CharField(max_length=300, blank=True, help_text="The named ideas or studies it builds on.")
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="main_articles",
        help_text="Its main theme.",
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="articles", help_text="Every theme, the main one too."
    )
    reading_minutes = models.PositiveSmallIntegerField(default=0)
    # An article a couple brought themselves: the link and its details, and
    # a line of their own; never the article's text.
    couple = models.ForeignKey(Couple, null=True, blank=True, on_delete=models.CASCADE, related_name="own_articles")
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("why this one", blank=True, max_length=1000)
    source_author = models.CharField("author", max_length=200, blank=True)
    source_published = models.DateField("published", null=True, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
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

    @property
    def is_guide(self):
        return bool(self.body)


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

    def clean(self):
        """A prompt that a partner can actually answer."""
        errors = {}
        if not (self.text or "").strip():
            errors["text"] = "Write the question."
        if self.kind == PromptKind.SCALE:
            if not self.scale_min_label.strip():
                errors["scale_min_label"] = "Say what 1 means."
            if not self.scale_max_label.strip():
                errors["scale_max_label"] = "Say what 10 means."
        if self.kind == PromptKind.CHOICE:
            options = [c.strip() for c in self.choices or [] if c.strip()]
            if len(set(options)) < 2:
                errors["choices"] = "Give at least two different options, one per line."
        if errors:
            raise ValidationError(errors)

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
        ordering = ["theme", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["theme", "text"], name="one_bank_question_per_text")]


class Prompt(PromptFields):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="prompts")

    class Meta(PromptFields.Meta):
        pass


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


class Reflection(models.Model):
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
        help_text="The coach who assigned it, if any.",
    )
    coach_note = models.TextField(blank=True, max_length=1000)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)
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
    def visible_to(self, viewer):
        """P8: the one gate to answer text. P1–P5 in one place:
        - my own answers, always;
        - my linked partner's, once our reflection is revealed and only while
          the couple that reflection belongs to is still linked;
        - as a coach, a revealed reflection both partners shared with me,
          while they are linked and my coaching link is active.
        Nobody else, staff included, reads anything. Callers narrow it
        further (one reflection, my own), never widen it."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(Q(author=viewer) | shared_view_open(viewer, "prompt__reflection"))


class Answer(models.Model):
    """One partner's answer to one prompt. A pass is an answer. A row exists
    only while the answer says something or passes (answer_save deletes an
    emptied one), so counting rows counts answers (P6) without reading them."""

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers")
    content = EncryptedAnswerField(default=AnswerContent)
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


class TalkedMark(models.Model):
    """Together mode: "we talked about this", one mark per partner and
    prompt. Each partner sets or clears only their own; a prompt counts as
    talked about once either of them marked it."""

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="talked_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
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

    class Kind(models.TextChoices):
        REMEMBER = "remember", "What we want to remember"
        TRY = "try", "What we will try"

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = EncryptedTextField(blank=True, max_length=ANSWER_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = JointNoteQuerySet.as_manager()

    class Meta:
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

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(max_length=REPLY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["prompt", "created_at"], name="reply_prompt_created")]

    def __str__(self):
        return f"Reply #{self.pk}"


class Reaction(models.Model):
    """One partner's reaction to the other's answer to a prompt: one of a
    small fixed set, one per partner and prompt."""

    class Kind(models.TextChoices):
        MOVED = "moved", "This moved me"
        ME_TOO = "me_too", "Me too"
        IN_PERSON = "in_person", "Let’s talk about this in person"

    prompt = models.ForeignKey(ReflectionPrompt, on_delete=models.CASCADE, related_name="reactions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prompt", "author"], name="one_reaction_per_partner")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.prompt_id}"


class ReflectionEvent(models.Model):
    """The visible trail of a reflection: who became ready or withdrew, the
    reveal, and sharing with a coach or taking it back. Never any text."""

    class Kind(models.TextChoices):
        READY = "ready", "became ready to reveal"
        WITHDREW = "withdrew", "withdrew to edit again"
        REVEALED = "revealed", "Revealed to both of you"
        SHARED = "shared", "chose to share it with"
        UNSHARED = "unshared", "stopped sharing it with"

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
