"""A coach's translation of their own article: a couple reading Twofold in
that language reads it and its questions in their words."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.http import posted
from library.models import Article

from . import authoring
from .decorators import coach_required
from .forms import ArticleTranslationForm


def _translatable(request, pk, language) -> Article:
    """The coach's own article, and a language it may be translated into."""
    article = get_object_or_404(Article.objects.filter(owner=request.user), pk=pk)
    if language not in dict(settings.LANGUAGES) or language == article.language:
        raise Http404("No such translation")
    return article


@coach_required
def article_translation(request, pk, language):
    article = _translatable(request, pk, language)
    prompts = list(article.prompts.all())
    form = ArticleTranslationForm(posted(request), article=article, prompts=prompts, language=language)
    name = get_language_info(language)["name_translated"]
    if request.method == "POST" and form.is_valid():
        try:
            authoring.article_translation_save(
                coach=request.user, article=article, language=language, words=form.words(), prompts=form.prompt_words()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Translation saved: couples who read Twofold in %(language)s see it.") % {"language": name}
            )
            return redirect("coach:article", pk=pk)
    context = {"article": article, "form": form, "language": language, "language_name": name}
    return render(request, "coaching/article_translation.html", context, status=400 if form.errors else 200)


@coach_required
def article_translation_remove(request, pk, language):
    """Asks first; the coach's words as written are untouched."""
    article = _translatable(request, pk, language)
    name = get_language_info(language)["name_translated"]
    if request.method == "POST":
        authoring.article_translation_remove(coach=request.user, article=article, language=language)
        messages.success(
            request,
            _("Translation removed: couples who read Twofold in %(language)s see the article as you wrote it.")
            % {"language": name},
        )
        return redirect("coach:article", pk=pk)
    translated = language in article.translations
    context = {"article": article, "language": language, "language_name": name, "translated": translated}
    return render(request, "coaching/article_translation_remove.html", context)
