from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import coaching_ended, couple_unlinked
from reflections.signals import reflection_revealed

from .models import CheckIn, CheckInShare
from .services import consents_follow


@receiver(couple_unlinked, dispatch_uid="checkins.stop_with_the_couple")
def stop_with_the_couple(sender, couple, **kwargs):
    """Unlinking stops the check-in; each partner keeps their own answers
    (the rounds close with the couple, as every reflection does)."""
    CheckIn.objects.live().filter(couple=couple).update(
        status=CheckIn.Status.STOPPED, ended_at=timezone.now(), next_round_on=None
    )


@receiver(reflection_revealed, dispatch_uid="checkins.shares_follow_the_reveal")
def shares_follow_the_reveal(sender, reflection, **kwargs):
    """P5: a partner who shares the check-in with a coach consents to each
    round as it is revealed (the coach reads it once both have)."""
    for share in CheckInShare.objects.filter(checkin__rounds__reflection=reflection):
        consents_follow(share)


@receiver(coaching_ended, dispatch_uid="checkins.shares_end_with_coaching")
def drop_shares_of_ended_coaching(sender, link, **kwargs):
    """P5: a share was given on this link; coaching again starts with nothing shared."""
    CheckInShare.objects.filter(link=link).delete()
