import logging

from django.dispatch import receiver

from reflections.signals import reflection_revealed

from .services import notify_revealed

logger = logging.getLogger(__name__)


@receiver(reflection_revealed, dispatch_uid="notifications.revealed")
def on_reflection_revealed(sender, reflection, **kwargs):
    """Sent once per reveal, after its transaction commits (P2), so both
    partners hear about it exactly once. The reveal has happened by then:
    a failure here is logged, never turned into an error page."""
    try:
        notify_revealed(reflection=reflection)
    except Exception:
        logger.exception("Could not write the reveal notices for reflection %s", reflection.pk)
