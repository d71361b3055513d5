"""When a sign-in ends, the open pages of that session (or of every
session the account had) stop listening (core.live): the streams check
again whether their session still signs their viewer in, as Django does
on every request."""

from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import live

from .models import User

# What Django checks of a session's account on every request: the hash of
# its password, and that it is active.
SIGN_IN_FIELDS = {"password", "is_active"}


@receiver(user_logged_out, dispatch_uid="accounts.live_ends_with_the_sign_in")
def signed_out(sender, request, user, **kwargs):
    if user is not None and request.session.session_key:
        live.changed(live.ACCESS, [user.pk], session_key=request.session.session_key)


@receiver(post_delete, sender=UserSession, dispatch_uid="accounts.live_ends_with_the_device")
def device_signed_out(sender, instance, **kwargs):
    """A device signed out from another one (allauth's usersessions)."""
    live.changed(live.ACCESS, [instance.user_id], session_key=instance.session_key)


@receiver(post_save, sender=User, dispatch_uid="accounts.live_follows_the_account")
def account_saved(sender, instance, update_fields=None, created=False, **kwargs):
    """A password change (here or on another device) or a deactivation
    ends the account's other sessions for Django: their streams ask again."""
    if not created and (update_fields is None or SIGN_IN_FIELDS & set(update_fields)):
        live.changed(live.ACCESS, [instance.pk])


@receiver(post_delete, sender=User, dispatch_uid="accounts.live_ends_with_the_account")
def account_deleted(sender, instance, **kwargs):
    live.changed(live.ACCESS, [instance.pk])
