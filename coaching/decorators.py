from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.selectors import coach_profile_for


def coach_required(view):
    """Logged in with an active coach profile; otherwise off to create one."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if coach_profile_for(request.user) is None:
            messages.info(request, _("Create your coach profile to open the coach workspace."))
            return redirect("coach:profile")
        return view(request, *args, **kwargs)

    return wrapper
