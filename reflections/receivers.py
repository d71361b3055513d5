from django.dispatch import receiver

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
