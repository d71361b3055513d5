"""Reads for finding something to read: the library filtered by theme and
length and searched, what this couple has reflected on, and the one guide
home suggests next. A fixed number of queries whatever the library's size."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User

from .forms import LibraryFilterForm
from .models import Article, Prompt, Reflection, Theme

SEARCH_CONFIG = "english"


def search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles whose title, summary, text or prompts match `query`. On
    PostgreSQL its full-text search, best match first; elsewhere every word
    must appear somewhere (case-insensitive), newest first."""
    if not query.split():
        return articles
    prompts = Prompt.objects.filter(article=OuterRef("pk"))
    if connection.vendor == "postgresql":
        wanted = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
            "summary", "body", weight="B", config=SEARCH_CONFIG
        )
        in_prompts = prompts.annotate(found=SearchVector("text", config=SEARCH_CONFIG)).filter(found=wanted)
        return (
            articles.annotate(found=vector, rank=SearchRank(vector, wanted))
            .filter(Q(found=wanted) | Exists(in_prompts))
            .order_by("-rank", "title")
        )
    for word in query.split():
        articles = articles.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Exists(prompts.filter(text__icontains=word))
        )
    return articles


def reflected_on(viewer: User) -> dict[int, Reflection]:
    """The articles the couple `viewer` is linked in has started, each with
    its reflection (one query)."""
    reflections = Reflection.objects.filter(
        couple__ended_at__isnull=True,
        couple__memberships__user=viewer,
        couple__memberships__active=True,
        follow_up_of__isnull=True,  # its follow-ups share its article
    ).only("pk", "article_id", "revealed_at")
    return {r.article_id: r for r in reflections if r.article_id}


@dataclass(frozen=True)
class LibraryEntry:
    article: Article
    reflection: Reflection | None  # ours, if we started it


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
    articles = (
        Article.objects.available_to(viewer)
        .select_related("theme")
        .annotate(questions=Count("prompts", distinct=True))
        .order_by("theme__order", "title")
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
        entries=[LibraryEntry(article, ours.get(article.pk)) for article in search(articles, form.value("q"))],
        filtered=any(form.value(name) for name in ("q", "theme", "length")),
    )


def next_guide_for(viewer: User, *, like: Article | None = None) -> Article | None:
    """One guide to suggest: from a theme the couple has not explored yet if
    there is one, else any guide they have not started. `like` (the article
    of a reflection just talked through) puts guides sharing its main theme
    first. Never a streak or a count to keep up (one query)."""
    ours = Reflection.objects.filter(couple__memberships__user=viewer, couple__memberships__active=True)
    explored = Exists(ours.filter(article__theme=OuterRef("theme")))
    started = Exists(ours.filter(article=OuterRef("pk")))
    guides = Article.objects.in_library().select_related("theme").filter(theme__isnull=False).exclude(started)
    order = ["explored", "theme__order", "created_at", "pk"]
    if like is not None and like.theme_id is not None:
        related = Exists(Article.themes.through.objects.filter(article=OuterRef("pk"), theme=like.theme_id))
        guides, order = guides.annotate(related=related), ["-related", *order]
    return guides.annotate(explored=explored).order_by(*order).first()
