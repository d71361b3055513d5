"""What check-ins tell the apps built on them (notifications). Each is
sent inside the transaction of its cause."""

from django.dispatch import Signal

# Someone (a partner, or a coach through their link) proposed `checkin`: `checkin`, `by`.
checkin_proposed = Signal()

# A round opened: `round`.
round_opened = Signal()

# The one gentle reminder of a round's day: `round`, `users` (the partners not ready yet).
round_reminder = Signal()
