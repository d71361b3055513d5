"""What a coach does to articles, prompts and assignments. Each function
checks its rule in a transaction and raises DomainError (or, for field by
field problems, ValidationError from full_clean) before anything is saved.

Couples never see these edits shift under them: a reflection copies its
prompts when it starts (reflections.services.reflection_create)."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import CoachingLink, Couple, User
from core.errors import DomainError
from library.models import Article, Prompt
from reflections.models import Reflection
from reflections.services import reflection_create

from .selectors import names_and
from .signals import reflection_assigned

ARTICLE_FIELDS = ["title", "source_title", "source_name", "source_url", "summary", "status", "visibility"]
PROMPT_FIELDS = ["kind", "text", "scale_min_label", "scale_max_label", "choices"]


def _unique_slug(title: str, *, exclude: int | None = None) -> str:
    base = slugify(title)[:180] or "article"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exclude(pk=exclude).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def article_save(*, coach: User, article: Article | None = None, **fields) -> Article:
    """Create or edit one of the coach's own articles. Publishing needs at
    least one question."""
    with transaction.atomic():
        if article is not None:
            article = Article.objects.select_for_update().get(pk=article.pk)
            if article.owner_id != coach.pk:
                raise DomainError(_("You can only edit your own articles."))
        article = article or Article(owner=coach, language=coach.language)
        for name in ARTICLE_FIELDS:
            if name in fields:
                setattr(article, name, fields[name])
        if not article.slug:
            article.slug = _unique_slug(article.title)
        if article.status == Article.Status.PUBLISHED and (article.pk is None or not article.prompts.exists()):
            raise DomainError(_("Add at least one question before publishing."))
        article.full_clean()
        article.save()
    return article


def article_translation_save(*, coach: User, article: Article, language: str, words: dict, prompts: dict) -> None:
    """The coach's own translation of their article into `language`: its
    title and summary (`words`) and each question's words (`prompts`, by
    the question's id). A couple reading Twofold in that language sees it
    in place of the words as written; everyone else, the words as written."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.owner_id != coach.pk:
            raise DomainError(_("You can only edit your own articles."))
        if language == article.language or language not in dict(settings.LANGUAGES):
            raise DomainError(_("Choose a language other than the one the article is written in."))
        if set(prompts) != set(article.prompts.values_list("pk", flat=True)):
            raise DomainError(_("The questions changed meanwhile: translate them again."))
        article.translations = {**article.translations, language: words}
        article.save(update_fields=["translations"])
        for prompt in article.prompts.select_for_update():
            prompt.translations = {**prompt.translations, language: prompts[prompt.pk]}
            prompt.save(update_fields=["translations"])


def article_translation_remove(*, coach: User, article: Article, language: str) -> None:
    """Take back the coach's translation into `language`: partners who read
    Twofold in it see the article as written again. Reflections already
    started keep the words they started with."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.owner_id != coach.pk:
            raise DomainError(_("You can only edit your own articles."))
        article.translations = {code: words for code, words in article.translations.items() if code != language}
        article.save(update_fields=["translations"])
        for prompt in article.prompts.select_for_update():
            prompt.translations = {code: words for code, words in prompt.translations.items() if code != language}
            prompt.save(update_fields=["translations"])


def article_delete(*, coach: User, article: Article) -> None:
    """Deleting an article never deletes answers: reflections keep their own
    copy of the prompts and their title."""
    with transaction.atomic():
        if article.owner_id != coach.pk:
            raise DomainError(_("You can only delete your own articles."))
        article.delete()


def prompt_save(*, article: Article, prompt: Prompt | None = None, translations=None, **fields) -> Prompt:
    """Add a question at the end, or edit one. A question from the bank
    comes with its `translations`; an edit to its words leaves them behind,
    since they no longer say the same."""
    with transaction.atomic():
        if prompt is None:
            last = article.prompts.aggregate(last=Max("order"))["last"] or 0
            prompt = Prompt(article=article, order=last + 1)
        if translations is not None:
            prompt.translations = translations
        elif any(name in fields and fields[name] != getattr(prompt, name) for name in PROMPT_FIELDS):
            prompt.translations = {}
        for name in PROMPT_FIELDS:
            if name in fields:
                setattr(prompt, name, fields[name])
        prompt.choices = [c.strip() for c in prompt.choices if c.strip()] if prompt.is_choice else []
        if not prompt.is_scale:
            prompt.scale_min_label = prompt.scale_max_label = ""
        prompt.full_clean()
        prompt.save()
    return prompt


def prompt_move(*, prompt: Prompt, direction: str) -> None:
    """Swap a question with its neighbour ("up" or "down")."""
    if direction not in {"up", "down"}:
        raise DomainError(_("Move a question up or down."))
    with transaction.atomic():
        prompts = list(Prompt.objects.select_for_update().filter(article=prompt.article_id))
        index = next(i for i, p in enumerate(prompts) if p.pk == prompt.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(prompts):
            prompts[index], prompts[other] = prompts[other], prompts[index]
        _renumber(prompts)


def prompt_delete(*, prompt: Prompt) -> None:
    article = prompt.article
    with transaction.atomic():
        prompt.delete()
        remaining = list(article.prompts.select_for_update())
        if not remaining and article.status == Article.Status.PUBLISHED:
            raise DomainError(_("A published article needs at least one question. Unpublish it first."))
        _renumber(remaining)


def _renumber(prompts: list[Prompt]) -> None:
    for order, p in enumerate(prompts, 1):
        p.order = order
    Prompt.objects.bulk_update(prompts, ["order"])


def assignment_create(
    *, coach: User, article: Article, couples: list[Couple], note: str = "", due_date: date | None = None
) -> list[Reflection]:
    """Assign an article to client couples: one reflection each, shown to both
    partners as coming from the coach. All or nothing: one couple that is not
    a client, or has started this article already, stops the whole assignment."""
    with transaction.atomic():
        if not Article.objects.assignable_by(coach).filter(pk=article.pk).exists():
            raise DomainError(_("You can assign your own published articles, or ones from the public library."))
        if not couples:
            raise DomainError(_("Choose at least one couple."))
        clients = set(CoachingLink.objects.active().filter(coach=coach).values_list("couple", flat=True))
        reflections = []
        for couple in couples:
            if couple.pk not in clients:
                raise DomainError(_("You can only assign to couples you coach."))
            if Reflection.objects.filter(couple=couple, article=article).exists():
                names = names_and(m.user.name for m in couple.memberships.all())
                raise DomainError(
                    _("%(names)s already have “%(title)s”. Nothing was assigned.")
                    % {"names": names, "title": article.translated("title")}
                )
            reflections.append(
                reflection_create(
                    couple=couple,
                    article=article,
                    started_by=None,
                    assigned_by=coach,
                    coach_note=note,
                    due_date=due_date,
                )
            )
        for reflection in reflections:
            reflection_assigned.send(sender=Reflection, reflection=reflection, coach=coach)
    return reflections
