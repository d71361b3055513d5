from .models import CoachingLink, Invitation, Membership
from .querysets import precompiled, set_prefetched


@precompiled
def _linked_memberships_of(*, user_pk):
    """Both memberships of the couple `user_pk` is linked in now."""
    return Membership.objects.filter(
        couple__ended_at__isnull=True, couple__memberships__user=user_pk, couple__memberships__active=True
    ).select_related("couple", "user")


def linked_couple_for(user):
    """The couple `user` is linked in now (P7: at most one), or None, with
    both memberships and their users: one query, over the membership rows."""
    if not user.is_authenticated:
        return None
    memberships = _linked_memberships_of(user_pk=user.pk)
    if not memberships:
        return None
    couple = memberships[0].couple
    ours = [m for m in memberships if m.couple_id == couple.pk]  # P7 makes it all of them
    for membership in ours:
        membership.couple = couple  # one instance, not one per row
    set_prefetched(couple, "memberships", ours)
    return couple


def partner_of(user):
    couple = linked_couple_for(user)
    return couple.partner_of(user) if couple else None


def open_invitation_for(user):
    """The invitation `user` sent that can still be accepted, if any."""
    return Invitation.objects.usable().filter(inviter=user).order_by("-created_at").first()


def coach_profile_for(user):
    """The user's coach profile when they are an active coach, else None."""
    profile = getattr(user, "coach_profile", None) if user.is_authenticated else None
    return profile if profile is not None and profile.active else None


def coaching_links_for_couple(couple):
    """Open coaching links the couple's partners can see: active ones and
    ones waiting for the second partner."""
    if couple is None:
        return CoachingLink.objects.none()
    return (
        CoachingLink.objects.filter(couple=couple, ended_at__isnull=True, coach__coach_profile__active=True)
        .select_related("coach__coach_profile")
        .prefetch_related("acceptances")
    )


def clients_of(coach):
    """Active coaching links of `coach`, with both partners loaded. Links
    still waiting for a partner show nothing of the couple."""
    return (
        CoachingLink.objects.active()
        .filter(coach=coach)
        .select_related("couple")
        .prefetch_related("couple__memberships__user")
        .order_by("started_at")
    )
