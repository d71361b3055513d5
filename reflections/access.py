"""Who may open a reflection, and for what: the one rule every view and
service asks (P2–P5). The answer and note gates (models.AnswerQuerySet and
JointNoteQuerySet.visible_to) say the same in SQL; a test holds the two
together for every persona.

- A partner opens their reflection in every stage: answering while it is
  open, the shared view once it is revealed, their own answers alone once
  the couple has unlinked.
- A coach opens it read-only, only while both partners share it with them.
- Nobody else opens it at all: views answer 404, services refuse.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.selectors import coach_profile_for
from core.errors import DomainError

from .models import Participant, Reflection


class Stage(StrEnum):
    OPEN = "open"  # before the reveal, the couple linked: answers may change (P3)
    REVEALED = "revealed"  # revealed, the couple linked: the shared view is open (P4)
    # The couple unlinked, or a check-in round closed unfinished: each
    # partner keeps only their own answers (P4).
    CLOSED = "closed"


class Role(StrEnum):
    PARTNER = "partner"
    COACH = "coach"


@dataclass(frozen=True)
class Access:
    reflection: Reflection
    role: Role
    stage: Stage


def stage_of(reflection: Reflection) -> Stage:
    if reflection.couple.ended_at is not None or reflection.closed_at is not None:
        return Stage.CLOSED
    if reflection.revealed_at is not None:
        return Stage.REVEALED
    return Stage.OPEN


def access_to(reflection: Reflection, viewer: User, *, participants: list[Participant] | None = None) -> Access | None:
    """How `viewer` may open `reflection`, or None. `participants` are the
    reflection's, when they were read with it (else they are read here)."""
    if not viewer.is_authenticated:
        return None
    if participants is None:
        participants = list(reflection.participants.all())
    if any(p.user_id == viewer.pk for p in participants):
        return Access(reflection, Role.PARTNER, stage_of(reflection))
    if coach_profile_for(viewer) and Reflection.objects.shared_with(viewer).filter(pk=reflection.pk).exists():
        return Access(reflection, Role.COACH, Stage.REVEALED)
    return None


# Why a partner cannot do something that needs another stage (in English:
# require_partner says it in the reader's language).
REFUSALS = {
    (Stage.OPEN, Stage.REVEALED): gettext_noop("This reflection has been revealed; answers no longer change."),
    (Stage.OPEN, Stage.CLOSED): gettext_noop("You are no longer linked, so this reflection is closed."),
    (Stage.REVEALED, Stage.OPEN): gettext_noop("This opens once you are both ready and the reflection is revealed."),
    (Stage.REVEALED, Stage.CLOSED): gettext_noop("You are no longer linked, so the shared view is closed."),
}


ROUND_CLOSED = gettext_noop(
    "This check-in round has closed, so its answers no longer change. Your own stay here for you."
)


def require_partner(reflection: Reflection, user: User, *, stage: Stage | None = None) -> Access:
    """`user`'s access as a partner in `reflection`, in `stage` if given;
    DomainError otherwise. Services call it inside their transaction, with
    the reflection's row locked where the stage must not change meanwhile."""
    access = access_to(reflection, user)
    if access is None or access.role != Role.PARTNER:
        raise DomainError(_("You are not part of this reflection."))
    if stage is not None and access.stage != stage:
        if access.stage == Stage.CLOSED and reflection.couple.ended_at is None:
            raise DomainError(_(ROUND_CLOSED))
        raise DomainError(_(REFUSALS[(stage, access.stage)]))
    return access
