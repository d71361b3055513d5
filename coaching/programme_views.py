"""A coach's programmes: writing one (its steps in order, each with a note
and a rule for its release), running it with client couples, pausing and
ending it. The rules are practice.programmes'. P5: these pages show
progress at most, never what a couple wrote."""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from checkins.sets import checkin_set
from core.errors import DomainError
from core.http import posted
from practice import programmes
from practice.models import Enrolment, Programme, Step

from .decorators import coach_required
from .programme_forms import ProgrammeAssignForm, ProgrammeForm, StepForm

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _my_programme(request, pk):
    """Another coach's programme is a 404, like anything else not yours."""
    return get_object_or_404(Programme.objects.filter(coach=request.user), pk=pk)


def _my_step(request, pk):
    return get_object_or_404(Step.objects.select_related("programme").filter(programme__coach=request.user), pk=pk)


def _my_enrolment(request, pk):
    enrolments = Enrolment.objects.select_related("programme").prefetch_related("couple__memberships__user")
    return get_object_or_404(enrolments.filter(programme__coach=request.user), pk=pk)


def _save(form, action):
    """Run a service; put its refusal on the form, which then comes back unsaved."""
    try:
        return action()
    except DomainError as error:
        form.add_error(None, str(error))
    return None


@dataclass(frozen=True)
class StepRow:
    step: Step
    what: str
    opens: str


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    names: str


def _opens(step: Step, number: int) -> str:
    """The release rule in words."""
    if step.release == Step.Release.AFTER_DAYS:
        if not step.days:
            return _("When the programme starts")
        return ngettext(
            "%(count)s day after the programme starts", "%(count)s days after the programme starts", step.days
        ) % {"count": step.days}
    if number == 1:
        return _("When the programme starts")
    return _("When step %(number)s is revealed") % {"number": number - 1}


def _what(step: Step) -> str:
    if step.kind == Step.Kind.CHECKIN:
        chosen = checkin_set(step.checkin_set)
        return chosen.translated("title", get_language()) if chosen else _("A check-in that is no longer offered")
    return step.article.translated("title") if step.article else _("An article that is no longer there")


def _step_rows(programme):
    steps = programme.steps.select_related("article")
    return [StepRow(step, _what(step), _opens(step, number)) for number, step in enumerate(steps, 1)]


def _names(couple) -> str:
    return " & ".join(m.user.name for m in couple.memberships.all())


def _programme_page(request, programme, *, form=None, step_form=None, assign_form=None, status=200):
    running = (
        programme.enrolments.filter(ended_at__isnull=True)
        .prefetch_related("couple__memberships__user")
        .order_by("started_at")
    )
    return render(
        request,
        "coaching/programme.html",
        {
            "programme": programme,
            "form": form or ProgrammeForm(initial={"title": programme.title, "summary": programme.summary}),
            "steps": _step_rows(programme),
            "step_form": step_form or StepForm(coach=request.user),
            "assign_form": assign_form or ProgrammeAssignForm(coach=request.user),
            "enrolments": [EnrolmentRow(e, _names(e.couple)) for e in running],
        },
        status=status,
    )


@coach_required
@require_safe
def programmes_list(request):
    mine = (
        Programme.objects.filter(coach=request.user)
        .values("pk", "title", "summary")
        .annotate(
            steps=Count("steps", distinct=True),
            running=Count("enrolments", filter=Q(enrolments__ended_at__isnull=True), distinct=True),
        )
        .order_by("title", "pk")
    )
    return render(request, "coaching/programmes.html", {"programmes": mine})


@coach_required
@GET_OR_POST
def programme_new(request):
    form = ProgrammeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        programme = _save(form, lambda: programmes.programme_save(coach=request.user, **form.cleaned_data))
        if programme:
            messages.success(request, _("Programme created. Now add its steps."))
            return redirect("coach:programme", pk=programme.pk)
    return render(request, "coaching/programme_new.html", {"form": form}, status=400 if form.errors else 200)


@coach_required
@GET_OR_POST
def programme_edit(request, pk):
    programme = _my_programme(request, pk)
    if request.method != "POST":
        return _programme_page(request, programme)
    form = ProgrammeForm(request.POST)
    save = lambda: programmes.programme_save(coach=request.user, programme=programme, **form.cleaned_data)  # noqa: E731
    if form.is_valid() and _save(form, save):
        messages.success(request, _("Programme saved."))
        return redirect("coach:programme", pk=pk)
    return _programme_page(request, _my_programme(request, pk), form=form, status=400)


@coach_required
@GET_OR_POST
def programme_delete(request, pk):
    programme = _my_programme(request, pk)
    if request.method == "POST":
        try:
            programmes.programme_delete(programme=programme)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("coach:programme", pk=pk)
        messages.success(
            request, _("“%(title)s” was deleted. Couples keep every step it released.") % {"title": programme.title}
        )
        return redirect("coach:programmes")
    return render(request, "coaching/programme_delete.html", {"programme": programme})


@coach_required
@require_POST
def step_new(request, pk):
    programme = _my_programme(request, pk)
    form = StepForm(request.POST, coach=request.user)
    if form.is_valid() and _save(form, lambda: programmes.step_save(programme=programme, **form.step_fields())):
        messages.success(request, _("Step added."))
        return redirect("coach:programme", pk=pk)
    return _programme_page(request, programme, step_form=form, status=400)


@coach_required
@GET_OR_POST
def step_edit(request, pk):
    step = _my_step(request, pk)
    if request.method == "POST":
        form = StepForm(request.POST, coach=request.user)
    else:
        form = StepForm.for_step(step, coach=request.user)
    save = lambda: programmes.step_save(programme=step.programme, step=step, **form.step_fields())  # noqa: E731
    if request.method == "POST" and form.is_valid() and _save(form, save):
        messages.success(request, _("Step saved."))
        return redirect("coach:programme", pk=step.programme_id)
    number = list(step.programme.steps.values_list("pk", flat=True)).index(step.pk) + 1
    return render(
        request,
        "coaching/programme_step.html",
        {"step": step, "number": number, "form": form},
        status=400 if form.errors else 200,
    )


@coach_required
@GET_OR_POST
def step_delete(request, pk):
    step = _my_step(request, pk)
    if request.method == "POST":
        programmes.step_delete(step=step)
        messages.success(request, _("Step deleted."))
        return redirect("coach:programme", pk=step.programme_id)
    row = StepRow(step, _what(step), "")
    return render(request, "coaching/programme_step_delete.html", {"step": step, "row": row})


@coach_required
@require_POST
def step_move(request, pk):
    """Up or down; htmx swaps the list in place, without JavaScript the page reloads."""
    step = _my_step(request, pk)
    try:
        programmes.step_move(step=step, direction=request.POST.get("direction", ""))
    except DomainError as error:
        messages.error(request, str(error))
    if request.htmx:
        programme = step.programme
        context = {"programme": programme, "steps": _step_rows(programme)}
        return render(request, "coaching/programme.html#step-list", context)
    return redirect("coach:programme", pk=step.programme_id)


@coach_required
@require_POST
def programme_assign(request, pk):
    programme = _my_programme(request, pk)
    form = ProgrammeAssignForm(request.POST, coach=request.user)
    assign = lambda: programmes.programme_assign(coach=request.user, programme=programme, **form.cleaned_data)  # noqa: E731
    if form.is_valid() and _save(form, assign):
        names = _names(form.cleaned_data["couple"])
        messages.success(request, _("The programme now runs with %(names)s.") % {"names": names})
        return redirect("coach:programme", pk=pk)
    return _programme_page(request, programme, assign_form=form, status=400)


def _enrolment_action(request, pk, action, done):
    enrolment = _my_enrolment(request, pk)
    try:
        action(enrolment=enrolment, coach=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"names": _names(enrolment.couple)})
    return redirect("coach:programme", pk=enrolment.programme_id)


@coach_required
@require_POST
def enrolment_pause(request, pk):
    return _enrolment_action(
        request, pk, programmes.enrolment_pause, _("Paused for %(names)s: no new steps until you resume it.")
    )


@coach_required
@require_POST
def enrolment_resume(request, pk):
    return _enrolment_action(request, pk, programmes.enrolment_resume, _("Resumed for %(names)s."))


@coach_required
@GET_OR_POST
def enrolment_end(request, pk):
    if request.method == "POST":
        return _enrolment_action(
            request, pk, programmes.enrolment_end, _("Ended for %(names)s. What it released stays theirs.")
        )
    enrolment = _my_enrolment(request, pk)
    if enrolment.ended_at is not None:
        messages.error(request, _("This programme has ended."))
        return redirect("coach:programme", pk=enrolment.programme_id)
    context = {"enrolment": enrolment, "names": _names(enrolment.couple)}
    return render(request, "coaching/programme_end.html", context)
