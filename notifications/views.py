from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import posted

from . import services
from .forms import EmailPreferencesForm
from .models import Notification
from .selectors import email_preferences_for


def _back(request):
    """Back where the button was pressed (home by default), never off-site."""
    target = request.POST.get("next", "")
    # Only a path on this site: anything else (even a bare word, which
    # redirect() would take for a view name) goes home.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("reflections:home")


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    services.notification_mark_read(notification=notification, user=request.user)
    return _back(request)


@login_required
@require_POST
def notifications_mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return _back(request)


@login_required
def email_preferences(request):
    """One switch per kind of email; notices on the home page stay either way."""
    form = EmailPreferencesForm(posted(request), instance=email_preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.email_preferences_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved. Twofold will email you only about what you ticked."))
        return redirect("notifications:email_preferences")
    return render(request, "notifications/settings.html", {"form": form}, status=400 if form.errors else 200)
