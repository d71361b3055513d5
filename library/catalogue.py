"""Reads for finding something to read: the library filtered by theme and
length and searched, what this couple has reflected on, and the one guide
home suggests next. A fixed number of queries whatever the library's size.

What a couple started is read through the couple (accounts.Couple's
`reflections` relation): the library imports nothing of the reflections
built on it."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from accounts.models import Couple, User

from .forms import LibraryFilterForm
from .models import Article, Prompt, Theme

# PostgreSQL's text search configuration for each language Twofold speaks.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def search(articles: QuerySet[Article], query: str, language: str = "en") -> QuerySet[Article]:
    """Articles whose title, summary, text or prompts match `query`, in the
    reader's `language` and as written. On PostgreSQL its full-text search,
    best match first; elsewhere every word must appear somewhere
    (case-insensitive), newest first."""
    if not query.split():
        return articles
    title, summary, body, text = (_in_language(name, language) for name in ("title", "summary", "body", "text"))
    prompts = Prompt.objects.filter(article=OuterRef("pk"))
    if connection.vendor == "postgresql":
        config = SEARCH_CONFIGS.get(language, "simple")
        wanted = SearchQuery(query, search_type="websearch", config=config)
        vector = SearchVector(*map(_expression, title), weight="A", config=config) + SearchVector(
            *map(_expression, summary + body), weight="B", config=config
        )
        in_prompts = prompts.annotate(found=SearchVector(*map(_expression, text), config=config)).filter(found=wanted)
        return (
            articles.annotate(found=vector, rank=SearchRank(vector, wanted))
            .filter(Q(found=wanted) | Exists(in_prompts))
            .order_by("-rank", by_title(language))
        )
    for word in query.split():
        articles = articles.filter(
            _contains(title + summary + body, word) | Exists(prompts.filter(_contains(text, word)))
        )
    return articles


def _in_language(field: str, language: str) -> list[str]:
    """The field as written, and its translation into `language` (a key of
    the JSON column, library.models.Translated)."""
    return [field] if language == settings.LANGUAGE_CODE else [field, f"translations__{language}__{field}"]


def by_title(language: str):
    """Alphabetical in the reader's language: the title's translation into
    `language`, else the title as written."""
    if language == settings.LANGUAGE_CODE:
        return F("title").asc()
    return Coalesce(KT(f"translations__{language}__title"), "title", output_field=CharField()).asc()


def _expression(field: str):
    return KT(field) if LOOKUP_SEP in field else F(field)


def _contains(fields: list[str], word: str) -> Q:
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": word})
    return found


@dataclass(frozen=True)
class Started:
    """Our reflection on an article: where its link goes, and whether it
    was revealed."""

    pk: int
    revealed_at: datetime | None


def _our_couples(viewer: User) -> QuerySet[Couple]:
    return Couple.objects.filter(memberships__user=viewer, memberships__active=True)


def reflected_on(viewer: User) -> dict[int, Started]:
    """The articles the couple `viewer` is linked in has started, each with
    its reflection (one query)."""
    started = _our_couples(viewer).filter(
        ended_at__isnull=True,
        reflections__article__isnull=False,
        reflections__follow_up_of__isnull=True,  # its follow-ups share its article
    )
    rows = started.values_list("reflections__article", "reflections__pk", "reflections__revealed_at")
    return {article: Started(pk, revealed_at) for article, pk, revealed_at in rows}


@dataclass(frozen=True)
class LibraryEntry:
    article: Article
    reflection: Started | None  # ours, if we started it


@dataclass(frozen=True)
class LibraryPage:
    form: LibraryFilterForm
    themes: list[Theme]
    entries: list[LibraryEntry]
    filtered: bool


def library_for(viewer: User, data) -> LibraryPage:
    in_library = Count("articles", filter=Q(articles__in=Article.objects.in_library()))
    # Meta.ordering does not apply to a grouped query: say it.
    themes = list(Theme.objects.annotate(guides=in_library).order_by("order", "name"))
    form = LibraryFilterForm(data, themes=themes)
    language = get_language()
    articles = (
        Article.objects.available_to(viewer)
        .select_related("theme")
        .annotate(questions=Count("prompts", distinct=True))
        .order_by("theme__order", by_title(language))
    )
    if theme := form.value("theme"):
        articles = articles.filter(themes__slug=theme)
    if length := form.value("length"):
        minutes = LibraryFilterForm.LENGTHS[length]
        articles = articles.filter(reading_minutes__gte=minutes.start, reading_minutes__lt=minutes.stop)
    ours = reflected_on(viewer)
    return LibraryPage(
        form=form,
        themes=themes,
        entries=[
            LibraryEntry(article, ours.get(article.pk)) for article in search(articles, form.value("q"), language)
        ],
        filtered=any(form.value(name) for name in ("q", "theme", "length")),
    )


def next_guide_for(couple: Couple | None, *, like: Article | None = None) -> Article | None:
    """One guide to suggest to `couple` (None: someone not linked, to whom
    every guide is new): from a theme they have not explored yet if there is
    one, else any guide they have not started. `like` (the article of a
    reflection just talked through) puts guides sharing its main theme
    first. Never a streak or a count to keep up (one query)."""
    guides = Article.objects.in_library().select_related("theme").filter(theme__isnull=False)
    order = ["theme__order", "created_at", "pk"]
    if couple is not None:
        ours = couple.reflections.all()
        explored = Exists(ours.filter(article__theme=OuterRef("theme")))
        guides = guides.exclude(Exists(ours.filter(article=OuterRef("pk")))).annotate(explored=explored)
        order = ["explored", *order]
    if like is not None and like.theme_id is not None:
        related = Exists(Article.themes.through.objects.filter(article=OuterRef("pk"), theme=like.theme_id))
        guides, order = guides.annotate(related=related), ["-related", *order]
    return guides.order_by(*order).first()
