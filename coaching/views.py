"""The coach workspace: dashboard, articles and their questions, assigning,
and reading what couples chose to share. P5: a coach sees progress, never
text, except through the answer gate for shared reflections."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from checkins.selectors import checkins_for_coach
from core.errors import DomainError
from core.http import posted
from library.fetching import FetchError
from library.forms import PROMPT_FORM_FIELDS, PromptForm
from library.lookups import LookupLimited, article_look_up
from library.models import Article, BankQuestion, Prompt
from library.suggesting import suggest
from practice.selectors import attention_for, programme_rows
from reflections.access import Role
from reflections.forms import answer_form
from reflections.models import Reflection
from reflections.pages import as_context
from reflections.selectors import PromptRow
from reflections.shortcuts import reflection_or_404

from . import authoring
from .decorators import coach_required
from .forms import ArticleForm, ArticleLinkForm, AssignForm, BankPickForm
from .selectors import coach_overview, coach_view_of, names_and


def _my_article(request, pk):
    """Another coach's article is a 404, like anything else not yours."""
    return get_object_or_404(Article.objects.filter(owner=request.user), pk=pk)


def _my_prompt(request, pk):
    return get_object_or_404(Prompt.objects.select_related("article").filter(article__owner=request.user), pk=pk)


def _save(form, action):
    """Run a service with a valid form's data; put its refusal on the form."""
    try:
        return action(**form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
    except DomainError as error:
        form.add_error(None, str(error))
    return None


@coach_required
@require_safe
def dashboard(request):
    clients = coach_overview(request.user)
    links = [link for link, _reflections in clients]
    checkins = checkins_for_coach(request.user, links)
    programmes = programme_rows(links)
    rows = [
        (
            link,
            reflections,
            checkins.get(link.couple_id),
            programmes.get(link.couple_id),
            names_and(m.user.name for m in link.couple.memberships.all()),
        )
        for link, reflections in clients
    ]
    attention = attention_for(request.user, links)
    return render(request, "coaching/dashboard.html", {"clients": rows, "attention": attention})


@coach_required
@require_safe
def articles(request):
    mine = Article.objects.filter(owner=request.user).prefetch_related("prompts").order_by("-created_at")
    return render(request, "coaching/articles.html", {"articles": mine})


@coach_required
def article_new(request):
    """A new article entry; "Look it up" (a POST, as every lookup is) first
    fills in its details from a link."""
    if request.method == "POST" and request.POST.get("step") == "lookup":
        return _article_new_from_link(request)
    form = ArticleForm(posted(request), initial={"status": Article.Status.DRAFT})
    if request.method == "POST" and form.is_valid():
        article = _save(form, lambda **data: authoring.article_save(coach=request.user, **data))
        if article:
            messages.success(request, _("Article created. Now add its questions."))
            return redirect("coach:article", pk=article.pk)
    context = {"form": form, "link_form": ArticleLinkForm()}
    return render(request, "coaching/article_new.html", context, status=400 if form.errors else 200)


def _article_new_from_link(request):
    """The new-article form with the details read from the page at the
    link (the coach checks them and writes the summary in their own words);
    whatever could not be read is said, and the link is kept."""
    link_form = ArticleLinkForm(request.POST)
    initial, status = {"status": Article.Status.DRAFT}, 200
    if not link_form.is_valid():
        status = 400
    else:
        url = link_form.cleaned_data["url"]
        try:
            page = article_look_up(request, url)
        except FetchError as error:
            messages.error(request, _("%(error)s You can fill in the details yourself.") % {"error": error})
            initial["source_url"] = url
            status = 429 if isinstance(error, LookupLimited) else 200
        else:
            initial |= {
                "title": page.title[:200],
                "source_title": page.title[:300],
                "source_name": page.site_name[:200],
                "source_url": page.url[:500],
            }
    context = {"form": ArticleForm(initial=initial), "link_form": link_form}
    return render(request, "coaching/article_new.html", context, status=status)


def _article_page(request, article, *, form=None, prompt_form=None, bank_form=None, status=200):
    bank = BankQuestion.objects.select_related("theme").order_by("theme__order", "order")
    return render(
        request,
        "coaching/article.html",
        {
            "article": article,
            "form": form or ArticleForm(instance=article),
            "prompt_form": prompt_form or PromptForm(initial={"kind": "text"}),
            "bank_form": bank_form or BankPickForm(),
            "bank": bank,
            "suggested": suggest(f"{article.title} {article.summary}", limit=6).questions,
            "prompts": article.prompts.all(),
        },
        status=status,
    )


@coach_required
def article_edit(request, pk):
    article = _my_article(request, pk)
    if request.method != "POST":
        return _article_page(request, article)
    form = ArticleForm(request.POST, instance=Article.objects.get(pk=article.pk))
    if form.is_valid() and _save(
        form, lambda **data: authoring.article_save(coach=request.user, article=article, **data)
    ):
        messages.success(request, _("Article saved."))
        return redirect("coach:article", pk=pk)
    return _article_page(request, _my_article(request, pk), form=form, status=400)


@coach_required
def article_delete(request, pk):
    article = _my_article(request, pk)
    if request.method == "POST":
        authoring.article_delete(coach=request.user, article=article)
        messages.success(
            request,
            _("“%(title)s” was deleted. Couples who started it keep their answers.")
            % {"title": article.translated("title")},
        )
        return redirect("coach:articles")
    started = Reflection.objects.filter(article=article).count()
    return render(request, "coaching/article_delete.html", {"article": article, "started": started})


@coach_required
@require_safe
def article_preview(request, pk):
    article = _my_article(request, pk)
    rows = [PromptRow(prompt=prompt, form=answer_form(None)) for prompt in article.prompts.all()]
    return render(request, "coaching/preview.html", {"article": article, "prompts": rows})


@coach_required
@require_POST
def prompt_new(request, pk):
    article = _my_article(request, pk)
    form = PromptForm(request.POST)
    if form.is_valid() and _save(form, lambda **data: authoring.prompt_save(article=article, **data)):
        messages.success(request, _("Question added."))
        return redirect("coach:article", pk=pk)
    return _article_page(request, article, prompt_form=form, status=400)


@coach_required
@require_POST
def prompts_from_bank(request, pk):
    """Add the ticked bank questions to the end of the coach's article."""
    article = _my_article(request, pk)
    form = BankPickForm(request.POST)
    if not form.is_valid():
        return _article_page(request, article, bank_form=form, status=400)
    for question in form.cleaned_data["questions"]:
        authoring.prompt_save(
            article=article,
            translations=question.translations,
            **{f: getattr(question, f) for f in PROMPT_FORM_FIELDS},
        )
    added = len(form.cleaned_data["questions"])
    messages.success(
        request,
        ngettext("%(count)s question added from the bank.", "%(count)s questions added from the bank.", added)
        % {"count": added},
    )
    return redirect("coach:article", pk=pk)


@coach_required
def prompt_edit(request, pk):
    prompt = _my_prompt(request, pk)
    form = PromptForm(request.POST) if request.method == "POST" else PromptForm.for_prompt(prompt)
    save = lambda **data: authoring.prompt_save(article=prompt.article, prompt=prompt, **data)  # noqa: E731
    if request.method == "POST" and form.is_valid() and _save(form, save):
        messages.success(request, _("Question saved."))
        return redirect("coach:article", pk=prompt.article_id)
    return render(
        request, "coaching/prompt_edit.html", {"prompt": prompt, "form": form}, status=400 if form.errors else 200
    )


@coach_required
def prompt_delete(request, pk):
    prompt = _my_prompt(request, pk)
    if request.method == "POST":
        try:
            authoring.prompt_delete(prompt=prompt)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Question deleted."))
        return redirect("coach:article", pk=prompt.article_id)
    return render(request, "coaching/prompt_delete.html", {"prompt": prompt})


@coach_required
@require_POST
def prompt_move(request, pk):
    """Up or down; htmx swaps the list in place, without JavaScript the page reloads."""
    prompt = _my_prompt(request, pk)
    try:
        authoring.prompt_move(prompt=prompt, direction=request.POST.get("direction", ""))
    except DomainError as error:
        messages.error(request, str(error))
    if request.htmx:
        return _prompt_list(request, prompt)
    return redirect("coach:article", pk=prompt.article_id)


def _prompt_list(request, prompt):
    article = prompt.article
    return render(request, "coaching/article.html#prompt-list", {"article": article, "prompts": article.prompts.all()})


@coach_required
def assignment_create(request):
    form = AssignForm(posted(request), coach=request.user)
    if request.method == "POST" and form.is_valid():
        created = _save(form, lambda **data: authoring.assignment_create(coach=request.user, **data))
        if created:
            count = len(created)
            messages.success(
                request,
                ngettext("Assigned to %(count)s couple.", "Assigned to %(count)s couples.", count) % {"count": count},
            )
            return redirect("coach:dashboard")
    return render(request, "coaching/assign.html", {"form": form}, status=400 if form.errors else 200)


@coach_required
@require_safe
def shared_reflection(request, pk):
    """Read-only, and only what both partners shared with me (P5)."""
    opened = reflection_or_404(request.user, pk, role=Role.COACH)
    return render(request, "coaching/shared.html", as_context(coach_view_of(request.user, opened)))
