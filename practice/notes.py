"""A coach's private notes on a client couple: the coach's alone (the gate
is CoachNote.objects.of), kept after coaching ends until the coach deletes
them or their account."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import CoachingLink, Couple, User
from core.errors import DomainError
from reflections.services import written_text

from .models import NOTE_MAX_LENGTH, CoachNote


def coached_couple(coach: User, couple_pk: int) -> Couple | None:
    """A couple `coach` coaches or has coached (notes outlive the coaching)."""
    links = CoachingLink.objects.filter(coach=coach, couple=couple_pk, started_at__isnull=False)
    return Couple.objects.filter(pk=couple_pk, pk__in=links.values("couple")).first()


def note_save(*, coach: User, couple: Couple, text: str, written_on: date, note: CoachNote | None = None) -> CoachNote:
    text = written_text(
        text,
        at_most=NOTE_MAX_LENGTH,
        # written_text fills in {most} and {length}.
        too_long=_("A note holds at most {most} characters; this one has {length}."),
    )
    if not text.strip():
        raise DomainError(_("Write something first: an empty note is not kept."))
    with transaction.atomic():
        if note is None:
            return CoachNote.objects.create(coach=coach, couple=couple, text=text, written_on=written_on)
        if note.coach_id != coach.pk:
            raise DomainError(_("This note is not yours."))
        CoachNote.objects.filter(pk=note.pk).update(text=text, written_on=written_on, version=F("version") + 1)
        note.refresh_from_db()
        return note


def note_delete(*, coach: User, note: CoachNote) -> None:
    if note.coach_id != coach.pk:
        raise DomainError(_("This note is not yours."))
    note.delete()
