"""What a coach's practice tells the apps built on it (notifications). Each
is sent inside the transaction of its cause."""

from django.dispatch import Signal

# A programme's step became the couple's: `release` (a StepRelease).
step_released = Signal()

# A coach paused or ended a couple's programme: `enrolment`, `change` ("paused" or "ended").
programme_changed = Signal()
