"""What the conversation tells the apps built on it (notifications)."""

from django.dispatch import Signal

# A partner replied under a prompt of a revealed reflection: `reflection`,
# `user`. Sent inside that transaction.
partner_replied = Signal()

# A partner started `reflection`, a follow-up of a revealed one, for both of
# them: `reflection`, `user`. Sent inside that transaction.
follow_up_started = Signal()
