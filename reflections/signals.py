"""What reflections tells the apps built on it. They listen; reflections
imports none of them."""

from django.dispatch import Signal

# Sent once per reflection, after the transaction that revealed it commits
# (P2: exactly once). Receivers get `reflection`.
reflection_revealed = Signal()

# A partner said ready and the reflection is not revealed yet: `reflection`,
# `user`. Sent inside that transaction.
partner_ready = Signal()

# A coach assigned `reflection` to a client couple: `reflection`, `coach`.
# Sent inside the assignment's transaction.
reflection_assigned = Signal()

# A partner brought an article of their own and started `reflection` on it:
# `reflection`, `user`. Sent inside that transaction.
article_brought = Signal()

# A partner replied under a prompt of a revealed reflection: `reflection`,
# `user`. Sent inside that transaction.
partner_replied = Signal()

# A partner started `reflection`, a follow-up of a revealed one, for both of
# them: `reflection`, `user`. Sent inside that transaction.
follow_up_started = Signal()
