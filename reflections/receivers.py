from django.dispatch import receiver

from accounts.signals import coaching_ended

from .models import ShareConsent


@receiver(coaching_ended, dispatch_uid="reflections.consents_end_with_coaching")
def drop_consents_of_ended_coaching(sender, link, **kwargs):
    """P5: consent to share was given to this coaching; it ends with it, so
    coaching again later never reopens old reflections by itself."""
    if link.couple_id:
        ShareConsent.objects.filter(coach=link.coach_id, reflection__couple=link.couple_id).delete()
