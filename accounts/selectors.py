"""Reads for people and links."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from .models import CoachingLink, CoachProfile, Couple, Invitation, Membership, User


def linked_couple_for(user: User) -> Couple | None:
    """The couple `user` is linked in now (P7: at most one), or None, with
    both memberships and their users loaded."""
    if not user.is_authenticated:
        return None
    members = Prefetch("memberships", queryset=Membership.objects.select_related("user"))
    return (
        Couple.objects.linked()
        .filter(memberships__user=user, memberships__active=True)
        .prefetch_related(members)
        .first()
    )


@dataclass(frozen=True)
class Linked:
    """The couple someone is linked in now, and their partner."""

    couple: Couple
    partner: User


def linked_partner_for(user: User) -> Linked | None:
    """The couple `user` is linked in now and their partner (P7: at most
    one), in one query over the partner's membership; None when unlinked."""
    if not user.is_authenticated:
        return None
    partners_membership = (
        Membership.objects.filter(
            active=True,
            couple__ended_at__isnull=True,
            couple__memberships__user=user,
            couple__memberships__active=True,
        )
        .exclude(user=user)
        .select_related("couple", "user")
        .first()
    )
    return Linked(partners_membership.couple, partners_membership.user) if partners_membership else None


def partner_of(user: User) -> User | None:
    linked = linked_partner_for(user)
    return linked.partner if linked else None


def open_invitation_for(user: User) -> Invitation | None:
    """The invitation `user` sent that can still be accepted, if any."""
    return Invitation.objects.usable().filter(inviter=user).order_by("-created_at").first()


def coach_profile_for(user: User) -> CoachProfile | None:
    """The user's coach profile when they are an active coach, else None."""
    profile = getattr(user, "coach_profile", None) if user.is_authenticated else None
    return profile if profile is not None and profile.active else None


def coaching_links_for_couple(couple: Couple | None) -> QuerySet[CoachingLink]:
    """Open coaching links the couple's partners can see: active ones and
    ones waiting for the second partner."""
    if couple is None:
        return CoachingLink.objects.none()
    return (
        CoachingLink.objects.filter(couple=couple, ended_at__isnull=True, coach__coach_profile__active=True)
        .select_related("coach__coach_profile")
        .prefetch_related("acceptances")
    )


def pending_invitations_of(coach: User) -> QuerySet[CoachingLink]:
    """The coach's invitation links that no couple has completed yet."""
    return (
        CoachingLink.objects.filter(coach=coach, ended_at__isnull=True, started_at__isnull=True)
        .prefetch_related("acceptances")
        .order_by("-created_at")
    )


def clients_of(coach: User) -> QuerySet[CoachingLink]:
    """Active coaching links of `coach`, with both partners loaded. Links
    still waiting for a partner show nothing of the couple."""
    return (
        CoachingLink.objects.active()
        .filter(coach=coach)
        .select_related("couple")
        .prefetch_related("couple__memberships__user")
        .order_by("started_at")
    )


def coaching_link_for(user: User, pk: int) -> CoachingLink | None:
    """An open coaching link `user` is party to, as the coach or as a partner
    of its linked couple; else None."""
    my_couples = Couple.objects.linked().filter(memberships__user=user)
    return (
        CoachingLink.objects.filter(Q(coach=user) | Q(couple__in=my_couples))
        .select_related("coach__coach_profile", "couple")
        .filter(pk=pk, ended_at__isnull=True)
        .first()
    )
