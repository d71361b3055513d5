"""What reflections tells the apps built on it. They listen; reflections
imports none of them."""

from django.dispatch import Signal

# Sent once per reflection, after the transaction that revealed it commits
# (P2: exactly once). Receivers get `reflection`.
reflection_revealed = Signal()

# A partner said ready and the reflection is not revealed yet: `reflection`,
# `user`. Sent inside that transaction.
partner_ready = Signal()

# A partner brought an article of their own and started `reflection` on it:
# `reflection`, `user`. Sent inside that transaction.
article_brought = Signal()
