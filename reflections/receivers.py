from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.signals import coaching_ended, couple_unlinked

from . import live
from .models import Participant, ShareConsent


@receiver(coaching_ended, dispatch_uid="reflections.consents_end_with_coaching")
def drop_consents_of_ended_coaching(sender, link, **kwargs):
    """P5: consent to share was given on this link; an ended link opens
    nothing (the gate counts consents on active links only), and the
    consents go with it, so nothing of it lingers in the database."""
    ShareConsent.objects.filter(link=link).delete()


@receiver(couple_unlinked, dispatch_uid="reflections.live_status_closes_with_the_couple")
def close_live_status(sender, couple, **kwargs):
    """P4: every reflection of the couple closes, for both; their open pages
    must hear it on their next poll."""
    viewers = {}
    for reflection_id, user_id in Participant.objects.filter(reflection__couple=couple).values_list(
        "reflection_id", "user_id"
    ):
        viewers.setdefault(reflection_id, []).append(user_id)
    for reflection_id, user_ids in viewers.items():
        live.status_changed(reflection_id, user_ids)


# What Django checks of a session's account on every request: the hash of
# its password, and that it is active.
SIGN_IN_FIELDS = {"password", "is_active"}


@receiver(post_save, sender=User, dispatch_uid="reflections.live_sign_in_follows_the_account")
def account_saved(sender, instance, update_fields=None, **kwargs):
    """A password change (here or on another device) or a deactivation
    ends the account's other sessions for Django; the polls answered before
    Django must hear it too (live.session_signs_in)."""
    if update_fields is None or SIGN_IN_FIELDS & set(update_fields):
        live.sign_in_changed(instance)


@receiver(post_delete, sender=User, dispatch_uid="reflections.live_sign_in_ends_with_the_account")
def account_deleted(sender, instance, **kwargs):
    live.sign_in_changed(instance, deleted=True)
