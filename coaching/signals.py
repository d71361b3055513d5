"""What the coach's workspace tells the apps built on it (notifications)."""

from django.dispatch import Signal

# A coach assigned `reflection` to a client couple: `reflection`, `coach`.
# Sent inside the assignment's transaction.
reflection_assigned = Signal()
