"""State changes for people and links. Each one checks its rule, runs in a
transaction and raises DomainError with a message fit to show the user."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import DomainError
from .models import Couple, Invitation, Membership
from .selectors import linked_couple_for


def invitation_create(*, inviter):
    """A new single-use invitation; any earlier open one is revoked so that
    only one link or code of mine works at a time."""
    if linked_couple_for(inviter):
        raise DomainError("You are already linked with a partner. Unlink first to invite someone else.")
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.usable().filter(inviter=inviter).update(revoked_at=now)
        return Invitation.objects.create(inviter=inviter, expires_at=now + timedelta(days=settings.INVITATION_DAYS))


def invitation_revoke(*, invitation, by):
    if invitation.inviter_id != by.pk:
        raise DomainError("Only the person who sent an invitation can revoke it.")
    if not invitation.is_usable:
        raise DomainError("This invitation can no longer be used, so there is nothing to revoke.")
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())


def invitation_accept(*, invitation, user):
    """P7: link `user` with the inviter. Single use; refused when expired,
    revoked or used, for one's own invitation, or when either person is
    already linked. Nothing changes when it is refused."""
    with transaction.atomic():
        # Lock the invitation so two people cannot both use it.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.inviter_id == user.pk:
            raise DomainError("This is your own invitation. Send the link or code to your partner.")
        if invitation.used_at:
            raise DomainError("This invitation has already been used. Ask your partner for a new one.")
        if invitation.revoked_at:
            raise DomainError("This invitation was revoked. Ask your partner for a new one.")
        if invitation.is_expired:
            raise DomainError("This invitation has expired. Ask your partner for a new one.")
        if linked_couple_for(user):
            raise DomainError("You are already linked with a partner. Unlink first to accept this.")
        if linked_couple_for(invitation.inviter):
            raise DomainError(f"{invitation.inviter.name} is already linked with someone else.")

        couple = Couple.objects.create()
        try:
            # The unique constraint is the last word if two accepts race.
            with transaction.atomic():
                Membership.objects.bulk_create(
                    [
                        Membership(couple=couple, user=invitation.inviter),
                        Membership(couple=couple, user=user),
                    ]
                )
        except IntegrityError:
            raise DomainError("One of you was linked with someone else a moment ago.") from None
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
        return couple


def couple_unlink(*, couple, by):
    """P4: closes the shared view for both. Each keeps their own answers;
    answers never revealed stay private forever."""
    with transaction.atomic():
        couple = Couple.objects.select_for_update().get(pk=couple.pk)
        if not couple.memberships.filter(user=by).exists():
            raise DomainError("You are not part of this couple.")
        if couple.ended_at:
            raise DomainError("You are not linked any more.")
        couple.ended_at = timezone.now()
        couple.ended_by = by
        couple.save(update_fields=["ended_at", "ended_by"])
        couple.memberships.update(active=False)
    return couple
