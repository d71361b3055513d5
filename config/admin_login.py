"""The admin's login page, taken over by allauth's login.

Django's own admin login form signs staff in with a password alone: no
rate limit and no second factor, and the session it makes is good for the
whole site. allauth's `secure_admin_login` (its documented recipe) sends
whoever is not signed in to allauth's login, with next= back to the admin,
and refuses people who are signed in but not staff. Signed-in staff go on
to the admin: the form is never shown to them either, so a staff session
cannot sign in as another staff account with that account's password alone.
"""

from allauth.account.decorators import secure_admin_login
from django.shortcuts import redirect


@secure_admin_login
def admin_login(request, extra_context=None):
    return redirect("admin:index")
