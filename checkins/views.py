"""The partners' check-in pages: the check-in (propose, accept, change,
pause, stop, share with a coach) and the trend. Each view starts from
checkin_of_partner (404 for anyone else) and calls the service of the same
name; the rules are the services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import CoachingLink
from core.errors import DomainError
from core.numbers import whole_number
from library.models import BankQuestion

from . import services
from .forms import OWN, CheckInForm
from .selectors import checkin_of_partner, checkin_page, trend_of
from .sets import checkin_sets


def _mine_or_404(request, pk):
    checkin = checkin_of_partner(request.user, pk)
    if checkin is None:
        raise Http404
    return checkin


@login_required
@require_safe
def checkin(request):
    return render(request, "checkins/checkin.html", {"page": checkin_page(request.user)})


def _form_page(request, form, *, checkin=None, status=200):
    context = {"form": form, "checkin": checkin, "sets": checkin_sets().values()}
    return render(request, "checkins/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_propose(request):
    form = CheckInForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form)
    if form.is_valid():
        try:
            services.checkin_propose(by=request.user, **form.checkin_fields())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Proposed. It starts once your partner says yes."))
            return redirect("checkins:checkin")
    return _form_page(request, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_change(request, pk):
    checkin = _mine_or_404(request, pk)
    prompts = list(checkin.prompts.all())
    initial = {
        "source": checkin.set_slug or OWN,
        "title": checkin.title,
        "questions": BankQuestion.objects.filter(text__in=[p.text for p in prompts]),
        "cadence": checkin.cadence,
        "weekday": checkin.weekday,
    }
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, checkin=checkin)
    if form.is_valid():
        fields = form.checkin_fields()
        fields.pop("title")
        try:
            services.checkin_change(checkin=checkin, by=request.user, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Changed. The next round asks it this way; one already open stays as it is."))
            return redirect("checkins:checkin")
    return _form_page(request, form, checkin=checkin, status=400)


def _act(request, pk, change, said):
    checkin = _mine_or_404(request, pk)
    try:
        change(checkin=checkin, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, said)
    return redirect("checkins:checkin")


@login_required
@require_POST
def checkin_accept(request, pk):
    return _act(request, pk, services.checkin_accept, _("Your check-in has started. The first round opens on its day."))


@login_required
@require_POST
def checkin_decline(request, pk):
    return _act(request, pk, services.checkin_decline, _("No check-in, then. You can propose one whenever you like."))


@login_required
@require_POST
def checkin_pause(request, pk):
    return _act(request, pk, services.checkin_pause, _("Paused. No rounds open until one of you resumes it."))


@login_required
@require_POST
def checkin_resume(request, pk):
    return _act(request, pk, services.checkin_resume, _("Resumed. The next round opens on its day."))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_stop(request, pk):
    """A GET asks first: stopping ends the rhythm for both of you."""
    if request.method != "POST":
        return render(request, "checkins/stop.html", {"checkin": _mine_or_404(request, pk)})
    return _act(request, pk, services.checkin_stop, _("Stopped. Your rounds and answers stay where they are."))


def _coach_link(request, checkin) -> CoachingLink:
    """The active coaching link the form names, of this couple; 404 for any other."""
    links = CoachingLink.objects.active().select_related("coach")
    return get_object_or_404(links, couple=checkin.couple, pk=whole_number(request.POST.get("link")))


def _sharing(request, pk, change, said):
    checkin = _mine_or_404(request, pk)
    coach = _coach_link(request, checkin).coach
    try:
        change(checkin=checkin, by=request.user, coach=coach)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, said)
    return redirect("checkins:checkin")


@login_required
@require_POST
def checkin_share(request, pk):
    said = _("Shared. Your coach sees the rounds and the trend once your partner shares too.")
    return _sharing(request, pk, services.checkin_share, said)


@login_required
@require_POST
def checkin_unshare(request, pk):
    said = _("No longer shared. Your coach sees none of its rounds now.")
    return _sharing(request, pk, services.checkin_unshare, said)


@login_required
@require_safe
def checkin_trend(request, pk):
    checkin = _mine_or_404(request, pk)
    return render(request, "checkins/trend.html", {"trend": trend_of(checkin, request.user)})
