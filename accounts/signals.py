"""What accounts tells the apps built on it. They listen; accounts imports none of them.

Each signal is sent inside the transaction of what caused it, so a receiver's
writes commit or roll back with the cause."""

from django.dispatch import Signal

# Two people linked: `inviter` and `partner` (users), `couple`.
partner_linked = Signal()

# A couple unlinked (P4: the shared view closes for both): `couple`, `by`.
couple_unlinked = Signal()

# Both partners accepted a coaching link: it starts now (`link`).
coaching_started = Signal()

# A coaching link ended (by either partner or the coach): `link`.
coaching_ended = Signal()
