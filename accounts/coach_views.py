"""Coaching links: becoming a coach, inviting couples, and ending coaching
(from either side). Article authoring lives in reflections.coach_views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .errors import DomainError
from .forms import CoachProfileForm
from .models import CoachingLink, Couple
from .selectors import clients_of, coach_profile_for
from .services import coach_profile_save, coaching_accept, coaching_end, coaching_invite_create


def coach_required(view):
    """Logged in with an active coach profile; otherwise off to create one."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if coach_profile_for(request.user) is None:
            messages.info(request, "Create your coach profile to open the coach workspace.")
            return redirect("coach_profile")
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def coach_profile(request):
    profile = getattr(request.user, "coach_profile", None)
    if profile is not None and not profile.active:
        return render(request, "coach/profile_inactive.html", status=403)
    initial = {"name": profile.name, "practice": profile.practice, "bio": profile.bio} if profile else None
    form = CoachProfileForm(request.POST or None, initial=initial or {"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        coach_profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Your coach profile is saved.")
        return redirect("coach_dashboard")
    return render(request, "coach/profile.html", {"form": form, "profile": profile}, status=400 if form.errors else 200)


@coach_required
def clients(request):
    pending = (
        CoachingLink.objects.filter(coach=request.user, ended_at__isnull=True, started_at__isnull=True)
        .prefetch_related("acceptances")
        .order_by("-created_at")
    )
    return render(
        request,
        "coach/clients.html",
        {
            "links": clients_of(request.user),
            "pending": [
                (link, request.build_absolute_uri(reverse("coaching_accept", args=[link.token]))) for link in pending
            ],
        },
    )


@coach_required
@require_POST
def coaching_invite(request):
    try:
        coaching_invite_create(coach=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Here is a new invitation link. Send it to both partners of one couple.")
    return redirect("coach_clients")


def _link_for(user, pk):
    """A coaching link the user is party to, as the coach or as a partner."""
    return get_object_or_404(
        CoachingLink.objects.select_related("coach__coach_profile", "couple").filter(
            Q(coach=user) | Q(couple__in=Couple.objects.linked().filter(memberships__user=user))
        ),
        pk=pk,
        ended_at__isnull=True,
    )


@login_required
def coaching_stop(request, pk):
    """Either partner, or the coach, ends coaching after a confirmation."""
    link = _link_for(request.user, pk)
    is_coach = link.coach_id == request.user.pk
    if request.method == "POST":
        try:
            coaching_end(link=link, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Coaching has ended." if link.started_at else "Invitation withdrawn.")
        return redirect("coach_clients" if is_coach else "partner")
    return render(request, "coach/end.html", {"link": link, "is_coach": is_coach})


@login_required
def coaching_accept_view(request, token):
    link = get_object_or_404(CoachingLink.objects.select_related("coach__coach_profile"), token=token)
    accepted = link.acceptances.filter(user=request.user).exists()
    if request.method == "POST":
        try:
            link = coaching_accept(link=link, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if link.started_at:
                messages.success(request, f"{link.coach.coach_profile.name} is now your coach.")
            else:
                messages.success(request, "Thank you. Coaching starts once your partner accepts too.")
            return redirect("partner")
    return render(request, "coach/accept.html", {"link": link, "accepted": accepted})
