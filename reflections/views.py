from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import CoachingLink
from accounts.selectors import linked_couple_for
from notifications.selectors import whats_new_for

from .forms import form_values, parse_answer, whole_number
from .models import ANSWER_MAX_LENGTH, Article
from .selectors import (
    MyProgress,
    answered_by,
    notes_for,
    prompts_of,
    prompts_with_answers,
    reflection_for,
    reflection_status,
    reflection_to_answer,
    reflections_for,
    scale_summary,
    sharing_with_coaches,
    trail_of,
)
from .services import (
    AnswerConflict,
    answer_save,
    readiness_set,
    readiness_withdraw,
    reflection_share,
    reflection_start,
    reflection_unshare,
)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    couple = linked_couple_for(request.user)
    statuses = [reflection_status(r, request.user) for r in reflections_for(request.user)]
    groups = {state: [s for s in statuses if s.state == state] for state, _ in STATE_HEADINGS}
    return render(
        request,
        "reflections/home.html",
        {
            "couple": couple,
            "partner": couple.partner_of(request.user) if couple else None,
            "groups": [(heading, groups[state]) for state, heading in STATE_HEADINGS],
            "has_reflections": bool(statuses),
            "whats_new": whats_new_for(request.user),
        },
    )


STATE_HEADINGS = [
    ("yours", "Waiting for you"),
    ("partner", "Waiting for your partner"),
    ("revealed", "Revealed"),
    ("archived", "Archived"),
]


@login_required
def library(request):
    articles = Article.objects.available_to(request.user).prefetch_related("prompts")
    return render(request, "reflections/library.html", {"articles": articles})


@login_required
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.available_to(request.user), slug=slug)
    couple = linked_couple_for(request.user)
    started = couple.reflections.filter(article=article).first() if couple else None
    return render(
        request,
        "reflections/article.html",
        {"article": article, "prompts": article.prompts.all(), "couple": couple, "started": started},
    )


@login_required
@require_POST
def reflection_new(request, slug):
    article = get_object_or_404(Article.objects.available_to(request.user), slug=slug)
    try:
        reflection = reflection_start(article=article, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("article", slug=slug)
    return redirect("reflection", pk=reflection.pk)


def my_reflection(request, pk):
    """A reflection I take part in, with both partners and their progress;
    else 404."""
    reflection = reflection_for(request.user, pk)
    if reflection is None:
        raise Http404("No such reflection.")
    return reflection


def reflection_page(
    request, reflection, *, posted=None, errors=None, conflicts=None, status=200, just_revealed=False, notes=None
):
    """The reflection as its state shows it: answering, waiting, archived,
    or the shared view (with notes and the scale summary)."""
    prompts = prompts_with_answers(reflection, request.user)
    reflection.prompt_count = len(prompts)
    posted, errors = posted or {}, errors or {}
    for prompt in prompts:
        prompt.form = form_values(prompt, posted.get(prompt.pk))
        prompt.error = errors.get(prompt.pk, "")
        prompt.conflict = (conflicts or {}).get(prompt.pk)
    state = reflection_status(reflection, request.user)
    template = "reflections/shared.html" if state.state == "revealed" else "reflections/reflection.html"
    revealed = state.state == "revealed"
    coaches = sharing_with_coaches(reflection, request.user) if revealed else []
    joint_notes = [(notes or {}).get(n.kind, n) for n in notes_for(reflection, request.user)] if revealed else []
    return render(
        request,
        template,
        {
            "reflection": reflection,
            "prompts": prompts,
            "status": state,
            "max_length": ANSWER_MAX_LENGTH,
            "just_revealed": just_revealed,
            "coaches": coaches,
            "trail": trail_of(reflection),
            "notes": joint_notes,
            "summary": scale_summary(prompts) if revealed else None,
        },
        status=status,
    )


@login_required
def reflection_detail(request, pk):
    reflection = my_reflection(request, pk)
    return reflection_page(request, reflection)


@login_required
def live_status(request, pk):
    """Polled by the reflection page while the tab is visible: the partner's
    progress and readiness (P6: never text). 204 when nothing changed; the
    shared view itself, swapped into the page, once the reveal happened."""
    reflection = my_reflection(request, pk)
    state = reflection_status(reflection, request.user)
    if state.state == "revealed":
        response = reflection_page(request, reflection, just_revealed=True)
        response["HX-Retarget"], response["HX-Reswap"], response["HX-Reselect"] = "#main", "outerHTML", "#main"
        return response
    if request.GET.get("seen") == state.fingerprint:
        return HttpResponse(status=204)
    return render(request, "reflections/reflection.html#live-status", {"reflection": reflection, "status": state})


@login_required
@require_POST
def answers_save(request, pk):
    """Save the prompts present in the form: all of them from the plain
    form, one at a time from htmx autosave."""
    reflection = reflection_to_answer(request.user, pk)
    if reflection is None:
        raise Http404("No such reflection.")
    posted, errors, conflicts = {}, {}, {}
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
            saved = answer_save(prompt=prompt, author=request.user, **answer.values)
        except AnswerConflict as conflict:
            errors[prompt.pk], conflicts[prompt.pk] = str(conflict), conflict.answer
            saved = conflict.answer  # the next save from this page is deliberate
        except DomainError as error:
            errors[prompt.pk] = str(error)
            continue
        answer.version = saved.version if saved else 0
    if request.htmx:
        return render(
            request,
            "reflections/reflection.html#autosave-result",
            {
                "saved": posted,
                "errors": errors,
                "conflicts": conflicts,
                "status": MyProgress(answered_by(reflection, request.user), len(prompts)),
            },
            status=409 if conflicts else 422 if errors else 200,
        )
    if errors:
        reasons = " ".join(sorted(set(errors.values())))
        messages.error(request, f"Some answers were not saved. {reasons} Your text is still on this page.")
        # Loaded now, with the partners' side, so the progress shown counts these saves.
        reflection = my_reflection(request, pk)
        return reflection_page(
            request, reflection, posted=posted, errors=errors, conflicts=conflicts, status=409 if conflicts else 400
        )
    messages.success(request, "Saved.")
    return redirect("reflection", pk=pk)


@login_required
@require_POST
def ready(request, pk):
    reflection = my_reflection(request, pk)
    try:
        reflection = readiness_set(reflection=reflection, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if reflection.is_revealed:
            messages.success(request, "You are both ready. Here are your answers, side by side.")
        else:
            messages.success(request, "You are ready. Your answers are locked until your partner is ready too.")
    return redirect("reflection", pk=pk)


@login_required
@require_POST
def withdraw(request, pk):
    reflection = my_reflection(request, pk)
    try:
        readiness_withdraw(reflection=reflection, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You are no longer ready. You can edit your answers again.")
    return redirect("reflection", pk=pk)


@login_required
@require_POST
def share(request, pk):
    """P5: share a revealed reflection with our coach, or take it back."""
    reflection = my_reflection(request, pk)
    link_id = whole_number(request.POST.get("link"))
    if link_id is None:
        raise Http404("No such coach.")
    coach = get_object_or_404(CoachingLink.objects.active().filter(couple=reflection.couple), pk=link_id)
    action = reflection_unshare if request.POST.get("action") == "stop" else reflection_share
    try:
        action(reflection=reflection, user=request.user, coach=coach.coach)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        name = coach.coach.coach_profile.name
        if action is reflection_unshare:
            messages.success(request, f"You stopped sharing this reflection. {name} can no longer read it.")
        else:
            messages.success(request, f"You chose to share this reflection with {name}.")
    return redirect("reflection", pk=pk)
