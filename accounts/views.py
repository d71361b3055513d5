"""A person's partner page, invitations, unlinking and deleting the account.
Each view calls the service of the same name."""

from allauth.core import ratelimit
from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language

from core.errors import DomainError
from core.http import posted

from . import services
from .forms import AccountDeleteForm, InvitationCodeForm, LanguageForm
from .middleware import remember_language
from .models import Invitation
from .selectors import coaching_links_for_couple, linked_partner_for, open_invitation_for, partner_of


@login_required
@require_safe
def partner(request):
    linked = linked_partner_for(request.user)
    couple = linked.couple if linked else None
    invitation = None if couple else open_invitation_for(request.user)
    coaching = [
        (link, any(a.user_id == request.user.pk for a in link.acceptances.all()))
        for link in coaching_links_for_couple(couple)
    ]
    return render(
        request,
        "accounts/partner.html",
        {
            "couple": couple,
            "partner": linked.partner if linked else None,
            "invitation": invitation,
            "invite_url": request.build_absolute_uri(invitation_url(invitation)) if invitation else "",
            "code_form": InvitationCodeForm(),
            "coaching": coaching,
        },
    )


def invitation_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation_accept", args=[invitation.token])


@login_required
@require_POST
def invitation_create(request):
    try:
        services.invitation_create(inviter=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Here is your invitation. Share the link or the code with your partner."))
    return redirect("accounts:partner")


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, inviter=request.user)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation revoked. Its link and code no longer work."))
    return redirect("accounts:partner")


@login_required
def invitation_code(request):
    """Typing the code instead of opening the link: it leads to the link."""
    form = InvitationCodeForm(posted(request))
    if request.method == "POST" and not ratelimit.consume(request, action="invitation_code", user=request.user):
        # Guessing someone's code must be impractical: a few tries an hour.
        form.add_error(None, _("Too many codes tried. Please wait an hour, or ask your partner for their link."))
        return render(request, "accounts/join.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        invitation = Invitation.objects.filter(code=form.cleaned_data["code"]).first()
        if invitation is None:
            form.add_error("code", _("No invitation has this code. Check it with your partner."))
        elif not invitation.is_usable:
            # Its page would name the inviter to whoever typed an old code.
            form.add_error("code", _("This code can no longer be used. Ask your partner for a new one."))
        else:
            return redirect("accounts:invitation_accept", token=invitation.token)
    return render(request, "accounts/join.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("inviter"), token=token)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You and %(name)s are now linked.") % {"name": invitation.inviter.name})
            return redirect("reflections:home")
    return render(request, "accounts/accept.html", {"invitation": invitation})


@login_required
def couple_unlink(request):
    """Says exactly what happens, then does it."""
    linked = linked_partner_for(request.user)
    if linked is None:
        messages.info(request, _("You are not linked with anyone."))
        return redirect("accounts:partner")
    if request.method == "POST":
        try:
            services.couple_unlink(couple=linked.couple, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You are no longer linked. Your own answers stay with you."))
        return redirect("accounts:partner")
    coaches = [link.coach.coach_profile.name for link in coaching_links_for_couple(linked.couple)]
    return render(
        request,
        "accounts/unlink.html",
        {"partner": linked.partner, "coaches": coaches, "coach_names": names_joined(coaches)},
    )


def names_joined(names: list[str]) -> str:
    """Names in a sentence: Ana; Ana and Ben; Ana and Ben and Cleo."""
    joined = names[0] if names else ""
    for name in names[1:]:
        joined = _("%(names)s and %(name)s") % {"names": joined, "name": name}
    return joined


@login_required
def account_delete(request):
    """Says exactly what happens, asks for the password, then does it."""
    form = AccountDeleteForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        # Every device's session ends in every store before anything is
        # deleted; if one cannot, nothing is (config/sessions.py).
        usersessions_adapter().end_sessions(UserSession.objects.filter(user=user))
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account and everything you wrote are deleted."))
        return redirect("reflections:home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "partner": partner_of(request.user)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def language(request):
    """The language Twofold speaks: a page of the account, and what the
    switcher at the foot of every page posts to, signed in or not. Django's
    own set_language keeps the choice in its cookie and goes back safely;
    a signed-in person's is kept on their account too, for every device
    and every email."""
    if request.method == "GET" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = LanguageForm(posted(request), initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.language_set(user=request.user, language=chosen)
            remember_language(request.session, chosen)
            with translation.override(chosen):
                messages.success(request, translation.gettext("Saved. Twofold speaks to you in this language now."))
        return set_language(request)
    return render(request, "accounts/language.html", {"form": form}, status=400 if form.errors else 200)
