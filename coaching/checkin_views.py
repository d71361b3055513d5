"""A coach and check-ins: proposing one to a client couple, who accept or
decline it, and the trend of one both partners share (P5; else 404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import CoachingLink
from checkins.forms import CoachCheckInForm
from checkins.selectors import checkin_shared_with, trend_of
from checkins.services import checkin_propose_as_coach
from checkins.sets import checkin_sets
from core.errors import DomainError

from .decorators import coach_required


@coach_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_propose(request):
    form = CoachCheckInForm(request.POST or None, coach=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.checkin_fields()
        link = CoachingLink.objects.active().get(coach=request.user, couple=form.cleaned_data["couple"])
        try:
            checkin_propose_as_coach(coach=request.user, link=link, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Proposed. It starts once the couple says yes; you will see its rounds here."))
            return redirect("coach:dashboard")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "sets": checkin_sets().values()}
    return render(request, "coaching/checkin_propose.html", context, status=status)


@coach_required
@require_safe
def checkin_trend(request, pk):
    checkin = checkin_shared_with(request.user, pk)
    if checkin is None:
        raise Http404
    trend = trend_of(checkin, request.user, as_coach=True)
    return render(request, "checkins/trend.html", {"trend": trend, "coach_view": True})
