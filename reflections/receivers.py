from django.dispatch import receiver

from accounts.signals import coaching_ended, couple_unlinked
from core import live

from .models import ShareConsent


@receiver(coaching_ended, dispatch_uid="reflections.consents_end_with_coaching")
def drop_consents_of_ended_coaching(sender, link, **kwargs):
    """P5: consent to share was given on this link; an ended link opens
    nothing (the gate counts consents on active links only), and the
    consents go with it, so nothing of it lingers in the database."""
    ShareConsent.objects.filter(link=link).delete()


@receiver(couple_unlinked, dispatch_uid="reflections.live_closes_with_the_couple")
def close_live_pages(sender, couple, **kwargs):
    """P4: every reflection of the couple closes, for both: their open
    reflection pages stop listening, and home shows the change."""
    partners = list(couple.memberships.values_list("user_id", flat=True))
    live.changed(live.ACCESS, partners)
    live.changed(live.STATUS, partners)
