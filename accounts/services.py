"""State changes for people and links. Each one checks its rules inside its
transaction and raises DomainError with a message fit to show the user."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import CoachingAcceptance, CoachingLink, CoachProfile, Couple, Invitation, Membership, User
from .selectors import coach_profile_for, linked_couple_for
from .signals import coaching_ended, coaching_started, couple_unlinked, partner_linked


def invitation_create(*, inviter: User) -> Invitation:
    """A new single-use invitation; any earlier open one is revoked so that
    only one link or code of mine works at a time."""
    with transaction.atomic():
        if linked_couple_for(inviter):
            raise DomainError(_("You are already linked with a partner. Unlink first to invite someone else."))
        now = timezone.now()
        Invitation.objects.usable().filter(inviter=inviter).update(revoked_at=now)
        return Invitation.objects.create(inviter=inviter, expires_at=now + timedelta(days=settings.INVITATION_DAYS))


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.inviter_id != by.pk:
            raise DomainError(_("Only the person who sent an invitation can revoke it."))
        if not invitation.is_usable:
            raise DomainError(_("This invitation can no longer be used, so there is nothing to revoke."))
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def invitation_accept(*, invitation: Invitation, user: User) -> Couple:
    """P7: link `user` with the inviter. Single use; refused when expired,
    revoked or used, for one's own invitation, or when either person is
    already linked. Nothing changes when it is refused."""
    with transaction.atomic():
        # Lock the invitation so two people cannot both use it.
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("inviter").get(pk=invitation.pk)
        if invitation.inviter_id == user.pk:
            raise DomainError(_("This is your own invitation. Send the link or code to your partner."))
        if invitation.used_at:
            raise DomainError(_("This invitation has already been used. Ask your partner for a new one."))
        if invitation.revoked_at:
            raise DomainError(_("This invitation was revoked. Ask your partner for a new one."))
        if invitation.is_expired:
            raise DomainError(_("This invitation has expired. Ask your partner for a new one."))
        if linked_couple_for(user):
            raise DomainError(_("You are already linked with a partner. Unlink first to accept this."))
        if linked_couple_for(invitation.inviter):
            raise DomainError(_("%(name)s is already linked with someone else.") % {"name": invitation.inviter.name})

        couple = Couple.objects.create()
        try:
            # The unique constraint is the last word if two accepts race.
            with transaction.atomic():
                Membership.objects.bulk_create(
                    [Membership(couple=couple, user=invitation.inviter), Membership(couple=couple, user=user)]
                )
        except IntegrityError:
            raise DomainError(_("One of you was linked with someone else a moment ago.")) from None
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
        # Linked now: no other invitation of either of them may link them again.
        Invitation.objects.usable().filter(inviter__in=[invitation.inviter, user]).update(revoked_at=invitation.used_at)
        partner_linked.send(sender=Couple, couple=couple, inviter=invitation.inviter, partner=user)
        return couple


def couple_unlink(*, couple: Couple, by: User) -> Couple:
    """P4: closes the shared view for both. Each keeps their own answers;
    answers never revealed stay private forever."""
    with transaction.atomic():
        couple = Couple.objects.select_for_update().get(pk=couple.pk)
        if not couple.memberships.filter(user=by).exists():
            raise DomainError(_("You are not part of this couple."))
        if couple.ended_at:
            raise DomainError(_("You are not linked any more."))
        couple.ended_at = timezone.now()
        couple.ended_by = by
        couple.save(update_fields=["ended_at", "ended_by"])
        couple.memberships.update(active=False)
        couple_unlinked.send(sender=Couple, couple=couple, by=by)
    return couple


def coach_profile_save(*, user: User, name: str, practice: str = "", bio: str = "") -> CoachProfile:
    """Any account can become a coach; saving again edits the profile. A
    profile staff switched off stays off."""
    with transaction.atomic():
        profile, _created = CoachProfile.objects.update_or_create(
            user=user, defaults={"name": name, "practice": practice, "bio": bio}
        )
    return profile


def coaching_invite_create(*, coach: User) -> CoachingLink:
    """A link the coach sends to a couple; each partner accepts on their own."""
    with transaction.atomic():
        if coach_profile_for(coach) is None:
            raise DomainError(_("Only coaches can do this. Create a coach profile first."))
        return CoachingLink.objects.create(
            coach=coach, expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS)
        )


def coaching_accept(*, link: CoachingLink, user: User) -> CoachingLink:
    """One partner says yes. The link binds to that partner's couple; it
    starts (and the coach sees the couple) once both partners have said yes."""
    with transaction.atomic():
        link = CoachingLink.objects.select_for_update().get(pk=link.pk)
        couple = linked_couple_for(user)
        if link.ended_at:
            raise DomainError(_("This coaching invitation was withdrawn or has ended."))
        if link.started_at is None and link.expires_at <= timezone.now():
            raise DomainError(_("This coaching invitation has expired. Ask your coach for a new one."))
        if link.coach_id == user.pk:
            raise DomainError(_("This is your own coaching invitation. Send it to a couple."))
        if coach_profile_for(link.coach) is None:
            raise DomainError(_("This coach is not available on Twofold at the moment."))
        if couple is None:
            raise DomainError(_("Link with your partner first: a coach works with both of you."))
        if couple.memberships.filter(user=link.coach).exists():
            raise DomainError(_("A coach cannot coach their own couple."))
        if link.couple_id is None:
            if CoachingLink.objects.filter(coach=link.coach, couple=couple, ended_at__isnull=True).exists():
                raise DomainError(_("This coach already works with you, or has invited you already."))
            link.couple = couple
            link.save(update_fields=["couple"])
        elif link.couple_id != couple.pk:
            raise DomainError(_("This coaching invitation was accepted by another couple."))
        CoachingAcceptance.objects.get_or_create(link=link, user=user)
        if link.started_at is None and link.acceptances.count() == 2:
            link.started_at = timezone.now()
            link.save(update_fields=["started_at"])
            coaching_started.send(sender=CoachingLink, link=link)
    return link


def coaching_end(*, link: CoachingLink, by: User) -> CoachingLink:
    """Either partner, or the coach, ends coaching. The coach loses all
    access at once: progress and anything that was shared (P5: the apps that
    keep consents drop them on `coaching_ended`, in this transaction)."""
    with transaction.atomic():
        link = CoachingLink.objects.select_for_update(of=("self",)).select_related("couple").get(pk=link.pk)
        is_partner = link.couple is not None and link.couple.memberships.filter(user=by).exists()
        if link.coach_id != by.pk and not is_partner:
            raise DomainError(_("Only the coach or the couple can end this."))
        if link.ended_at:
            raise DomainError(_("This coaching has already ended."))
        link.ended_at = timezone.now()
        link.ended_by = by
        link.save(update_fields=["ended_at", "ended_by"])
        coaching_ended.send(sender=CoachingLink, link=link)
    return link


def coach_profile_end(*, profile: CoachProfile, delete: bool = False) -> None:
    """Staff switch a coach off (or delete the profile): every coaching link
    of theirs ends with it, so switching them on again later reopens no
    couple and nothing that was shared (P5); a couple who wants them back
    accepts a new link."""
    with transaction.atomic():
        open_links = CoachingLink.objects.select_for_update().filter(coach=profile.user_id, ended_at__isnull=True)
        for link in open_links:
            link.ended_at = timezone.now()
            link.save(update_fields=["ended_at"])
            coaching_ended.send(sender=CoachingLink, link=link)
        if delete:
            profile.delete()
        elif profile.active:
            profile.active = False
            profile.save(update_fields=["active"])


def language_set(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def account_delete(*, user: User) -> None:
    """Delete an account and everything it wrote. A linked couple is unlinked
    first (P4: the shared view closes for both); the partner keeps their own
    answers, which stay theirs alone. Coaching links the user ran as a coach
    end with the account."""
    with transaction.atomic():
        couple = linked_couple_for(user)
        if couple is not None:
            couple_unlink(couple=couple, by=user)
        # Answers, notes' authorship, readiness, consents and memberships go
        # with the user (CASCADE / SET_NULL on their foreign keys).
        user.delete()
