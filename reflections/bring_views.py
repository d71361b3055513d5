"""Bringing an article of our own (a couple's, never in the library): a
link or its pasted text first, then its details, a line of our own and the
questions; starting it tells the partner. Twofold keeps the link and the
details, never the article's text."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import linked_partner_for
from core.errors import DomainError
from core.http import posted
from library.fetching import FetchError, reading_minutes
from library.forms import PROMPT_FORM_FIELDS
from library.lookups import LookupLimited, article_look_up
from library.models import BankQuestion
from library.suggesting import suggest

from . import services
from .forms import BringDetailsForm, BringLinkForm, OwnQuestionFormSet

SUGGESTED_TICKED = 3


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_bring(request):
    """Bring an article of our own: a link (or its text) first, then its
    details, a line of our own and the questions; starting it tells the
    partner. Whatever fails says so and keeps what was typed."""
    linked = linked_partner_for(request.user)
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "start":
        return _bring_start(request, linked)
    link_form = BringLinkForm(posted(request) if step == "lookup" else None)
    if not link_form.is_bound or not link_form.is_valid():
        status = 400 if link_form.is_bound else 200
        return render(request, "reflections/bring.html", {"link_form": link_form, "linked": linked}, status=status)
    form, status = _looked_up(request, link_form.cleaned_data)
    return _bring_details(request, linked, form, status=status)


def _looked_up(request, data) -> tuple[BringDetailsForm, int]:
    """The details form, filled in from the page (or the pasted text) as
    far as it could be, with questions suggested from its words; and the
    status to answer with (429 once over the lookup limits)."""
    initial = {"url": data["url"]}
    words = data["text"]
    status = 200
    if data["url"]:
        try:
            page = article_look_up(request, data["url"])
        except FetchError as error:
            messages.error(
                request,
                _(
                    "%(error)s You can fill in the details yourself, or start over and paste the article's text:"
                    " questions are suggested from it too."
                )
                % {"error": error},
            )
            status = 429 if isinstance(error, LookupLimited) else 200
        else:
            initial.update(
                url=page.url,
                title=page.title,
                site_name=page.site_name,
                author=page.author,
                published=page.published,
                description=page.description,
                image_url=page.image_url,
                reading_minutes=page.reading_minutes,
            )
            words = words or f"{page.title} {page.description} {page.text}"
    if data["text"].strip():
        initial["reading_minutes"] = reading_minutes(data["text"])
    suggested = suggest(words) if words.strip() else None
    if suggested:
        initial["suggested"] = ",".join(str(q.pk) for q in suggested.questions)
        # A few ticked to start with, the best matches: an evening's worth.
        initial["questions"] = [q.pk for q in suggested.questions[:SUGGESTED_TICKED]]
    return BringDetailsForm(initial=initial), status


def _bring_details(request, linked, form, own=None, *, status=200):
    suggested_ids = form.suggested_ids()
    chosen = {str(pk) for pk in (form["questions"].value() or [])}
    bank = BankQuestion.objects.select_related("theme").order_by("theme__order", "order")
    by_id = {q.pk: q for q in bank}
    return render(
        request,
        "reflections/bring_details.html",
        {
            "form": form,
            "own": own or OwnQuestionFormSet(prefix="own"),
            "linked": linked,
            "suggested": [by_id[pk] for pk in suggested_ids if pk in by_id],
            "bank": bank,
            "chosen": chosen,
        },
        status=status,
    )


def _bring_start(request, linked):
    form = BringDetailsForm(request.POST)
    own = OwnQuestionFormSet(request.POST, prefix="own")
    if not (form.is_valid() and own.is_valid()):
        return _bring_details(request, linked, form, own, status=400)
    # A bank question keeps its words in every language, as the library's prompts do.
    questions = [
        {**{f: getattr(q, f) for f in PROMPT_FORM_FIELDS}, "translations": q.translations}
        for q in form.cleaned_data["questions"]
    ]
    questions += [q for q in (f.question() for f in own.forms) if q]
    details = {k: v for k, v in form.cleaned_data.items() if k not in {"questions", "suggested", "note"}}
    try:
        reflection = services.article_bring(
            by=request.user, details=details, note=form.cleaned_data["note"], questions=questions
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _bring_details(request, linked, form, own, status=400)
    title = reflection.translated("title")
    if linked:
        said = _("Started. %(name)s will hear that you suggested “%(title)s”.") % {
            "name": linked.partner.name,
            "title": title,
        }
    else:
        said = _("Started. Your partner will hear that you suggested “%(title)s”.") % {"title": title}
    messages.success(request, said)
    return redirect("reflections:reflection", pk=reflection.pk)
