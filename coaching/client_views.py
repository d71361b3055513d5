"""Coaching links: becoming a coach, inviting couples, and ending coaching
(from either side). The coach's articles and assignments are in views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import services
from accounts.models import CoachingLink
from accounts.selectors import clients_of, coaching_link_for, pending_invitations_of
from core.errors import DomainError
from core.http import posted
from practice.intake import intake_consent_give, intake_of
from practice.models import IntakeConsent

from .decorators import coach_required
from .forms import CoachProfileForm
from .selectors import names_and


@login_required
def coach_profile(request):
    profile = getattr(request.user, "coach_profile", None)
    if profile is not None and not profile.active:
        return render(request, "coaching/profile_inactive.html", status=403)
    initial = {"name": profile.name, "practice": profile.practice, "bio": profile.bio} if profile else None
    form = CoachProfileForm(posted(request), initial=initial or {"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        services.coach_profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your coach profile is saved."))
        return redirect("coach:dashboard")
    return render(
        request, "coaching/profile.html", {"form": form, "profile": profile}, status=400 if form.errors else 200
    )


@coach_required
@require_safe
def clients(request):
    return render(
        request,
        "coaching/clients.html",
        {
            "links": [
                (link, names_and(m.user.name for m in link.couple.memberships.all()))
                for link in clients_of(request.user)
            ],
            "pending": [
                (link, request.build_absolute_uri(reverse("coach:coaching_accept", args=[link.token])))
                for link in pending_invitations_of(request.user)
            ],
        },
    )


@coach_required
@require_POST
def coaching_invite_create(request):
    try:
        services.coaching_invite_create(coach=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Here is a new invitation link. Send it to both partners of one couple."))
    return redirect("coach:clients")


@login_required
def coaching_end(request, pk):
    """Either partner, or the coach, ends coaching after a confirmation."""
    link = coaching_link_for(request.user, pk)
    if link is None:
        raise Http404("No such coaching.")
    is_coach = link.coach_id == request.user.pk
    if request.method == "POST":
        try:
            services.coaching_end(link=link, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Coaching has ended.") if link.started_at else _("Invitation withdrawn."))
        return redirect("coach:clients" if is_coach else "accounts:partner")
    names = ""
    if is_coach and link.started_at:
        names = " & ".join(m.user.name for m in link.couple.memberships.all())
    return render(request, "coaching/end.html", {"link": link, "is_coach": is_coach, "names": names})


@login_required
def coaching_accept(request, token):
    link = get_object_or_404(CoachingLink.objects.select_related("coach__coach_profile"), token=token)
    accepted = link.acceptances.filter(user=request.user).exists()
    if request.method == "POST":
        try:
            link = services.coaching_accept(link=link, user=request.user)
            if request.POST.get("share_intake") == "yes":
                intake_consent_give(link=link, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if link.started_at:
                messages.success(request, _("%(name)s is now your coach.") % {"name": link.coach.coach_profile.name})
            else:
                messages.success(request, _("Thank you. Coaching starts once your partner accepts too."))
            return redirect("accounts:partner")
    intake = intake_of(link)
    context = {
        "link": link,
        "accepted": accepted,
        "intake": intake,
        "intake_questions": list(intake.prompts.all()) if intake else [],
        "shares_intake": IntakeConsent.objects.filter(link=link, user=request.user).exists(),
    }
    return render(request, "coaching/accept.html", context)
