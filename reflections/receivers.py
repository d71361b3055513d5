from django.dispatch import receiver

from accounts.signals import coaching_ended

from .models import ShareConsent


@receiver(coaching_ended, dispatch_uid="reflections.consents_end_with_coaching")
def drop_consents_of_ended_coaching(sender, link, **kwargs):
    """P5: consent to share was given on this link; an ended link opens
    nothing (the gate counts consents on active links only), and the
    consents go with it, so nothing of it lingers in the database."""
    ShareConsent.objects.filter(link=link).delete()
