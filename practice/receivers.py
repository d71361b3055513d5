from django.dispatch import receiver

from accounts.signals import coaching_started
from reflections.signals import reflection_revealed

from .intake import intake_revealed, intake_start
from .programmes import release_after_reveal


@receiver(coaching_started, dispatch_uid="practice.intake_starts_with_coaching")
def start_intake(sender, link, **kwargs):
    intake_start(link)


@receiver(reflection_revealed, dispatch_uid="practice.reveal_moves_things_on")
def after_a_reveal(sender, reflection, **kwargs):
    """A revealed step releases the next one that waits on it; a revealed
    intake becomes shared with the coach by whoever agreed up front (P5)."""
    release_after_reveal(reflection)
    intake_revealed(reflection)
