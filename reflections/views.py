"""The partners' pages: home, the library, a reflection from answering to
the shared view, and sharing it with a coach. Each view starts from an
access helper (shortcuts.reflection_or_404, 404 for anyone else) and calls
the service of the same name."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reselect, reswap, retarget

from accounts.models import CoachingLink
from core.errors import DomainError
from core.numbers import whole_number
from library.models import Article

from . import services
from .access import Stage
from .forms import parse_answer
from .overview import history_page, home_page
from .pages import reflection_page
from .selectors import my_progress, own_answers, prompts_of, status_of
from .shortcuts import reflection_or_404


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    page = home_page(request.user)
    # What the apps built on reflections add to home (settings.HOME_PANELS):
    # each a function of (user, page) returning something with a template, or None.
    panels = [import_string(path)(request.user, page) for path in settings.HOME_PANELS]
    return render(request, "reflections/home.html", {"page": page, "panels": [p for p in panels if p]})


@login_required
@require_POST
def reflection_start(request, slug):
    article = get_object_or_404(Article.objects.available_to(request.user), slug=slug)
    try:
        reflection = services.reflection_start(article=article, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("library:article", slug=slug)
    return redirect("reflections:reflection", pk=reflection.pk)


@login_required
@require_safe
def reflection(request, pk):
    return reflection_page(request, reflection_or_404(request.user, pk))


@login_required
@require_safe
def live_status(request, pk):
    """Fetched by the reflection page when its event stream says the status
    changed (reflections/streams.py), or polled where no stream can reach
    it: the partner's progress and readiness (P6: never text). 204 when
    nothing changed since `seen`; the shared view itself, swapped into the
    page, once the reveal happened."""
    opened = reflection_or_404(request.user, pk)
    state = status_of(opened, request.user)
    if state.stage != Stage.OPEN:
        # Revealed, or closed by an unlink: the page the stage shows now
        # takes the place of the one that asked.
        response = reflection_page(request, opened, just_revealed=state.stage == Stage.REVEALED)
        return reselect(reswap(retarget(response, "#main"), "outerHTML"), "#main")
    if request.GET.get("seen") == state.fingerprint:
        return HttpResponse(status=204)
    return render(
        request,
        "reflections/reflection.html#live-status",
        {"reflection": opened.reflection, "status": state},
    )


@login_required
@require_POST
def answers_save(request, pk):
    """Save the prompts present in the form: all of them from the plain
    form, one at a time from htmx autosave. What was typed comes back with
    any error, so nothing is lost."""
    reflection = reflection_or_404(request.user, pk, for_page=False).reflection
    posted, errors, conflicts = {}, {}, set()
    prompts = prompts_of(reflection)
    for prompt in prompts:
        answer = parse_answer(prompt, request.POST)
        if answer is None:
            continue
        posted[prompt.pk] = answer
        if answer.error:
            errors[prompt.pk] = answer.error
            continue
        try:
            saved = services.answer_save(prompt=prompt, author=request.user, **answer.values)
        except services.AnswerConflict as conflict:
            errors[prompt.pk] = str(conflict)
            conflicts.add(prompt.pk)
            answer.version = conflict.version  # the next save from this page is deliberate
            continue
        except DomainError as error:
            errors[prompt.pk] = str(error)
            continue
        answer.version = saved.version if saved else 0
    status = 409 if conflicts else 422 if errors else 200
    if request.htmx:
        return render(
            request,
            "reflections/reflection.html#autosave-result",
            {
                "saved": posted,
                "errors": errors,
                "conflicts": own_answers(request.user, conflicts),
                "status": my_progress(reflection, request.user, len(prompts)),
            },
            status=status,
        )
    if errors:
        reasons = " ".join(sorted(set(errors.values())))
        messages.error(
            request,
            _("Some answers were not saved. %(reasons)s Your text is still on this page.") % {"reasons": reasons},
        )
        # Opened again, so the progress shown counts the saves that went through.
        reopened = reflection_or_404(request.user, pk)
        return reflection_page(
            request,
            reopened,
            posted=posted,
            errors=errors,
            conflicts=conflicts,
            status=status if conflicts else 400,
        )
    messages.success(request, _("Saved."))
    return redirect("reflections:reflection", pk=pk)


@login_required
@require_POST
def readiness_set(request, pk):
    def ready(**of):
        if services.readiness_set(**of).is_revealed:
            return _("You are both ready. Here are your answers, side by side.")
        return _("You are ready. Your answers are locked until your partner is ready too.")

    return _readiness(request, pk, ready)


@login_required
@require_POST
def readiness_withdraw(request, pk):
    def withdraw(**of):
        services.readiness_withdraw(**of)
        return _("You are no longer ready. You can edit your answers again.")

    return _readiness(request, pk, withdraw)


def _readiness(request, pk, change):
    """Run `change` (being ready, or withdrawing) on the reflection, say
    what it answered or why it was refused, and go back to the page."""
    reflection = reflection_or_404(request.user, pk, for_page=False).reflection
    try:
        messages.success(request, change(reflection=reflection, user=request.user))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("reflections:reflection", pk=pk)


def _sharing(request, pk, change, said):
    """Run `change` (share or unshare) for the couple's active coaching link
    named by the form's `link` (404 for any other), then say `said` (of the
    coach's name)."""
    reflection = reflection_or_404(request.user, pk, for_page=False).reflection
    link_id = whole_number(request.POST.get("link"))
    if link_id is None:
        raise Http404("No such coach.")
    links = CoachingLink.objects.active().select_related("coach__coach_profile").filter(couple=reflection.couple_id)
    link = get_object_or_404(links, pk=link_id)
    try:
        change(reflection=reflection, user=request.user, coach=link.coach)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, said(link.coach.coach_profile.name))
    return redirect("reflections:reflection", pk=pk)


@login_required
@require_POST
def reflection_share(request, pk):
    """P5: my consent to share our revealed reflection with our coach."""

    def said(name):
        return _("You chose to share this reflection with %(name)s.") % {"name": name}

    return _sharing(request, pk, services.reflection_share, said)


@login_required
@require_POST
def reflection_unshare(request, pk):
    """P5: taking my consent back; the coach loses access at once."""

    def said(name):
        return _("You stopped sharing this reflection. %(name)s can no longer read it.") % {"name": name}

    return _sharing(request, pk, services.reflection_unshare, said)


@login_required
@require_safe
def history(request):
    number = whole_number(request.GET.get("page")) or 1
    page = history_page(request.user, max(number, 1))
    if not page.statuses and page.has_newer:
        raise Http404("There is no such page of your history.")
    return render(request, "reflections/history.html", {"page": page})
