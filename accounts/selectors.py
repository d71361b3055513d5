from .models import Couple, Invitation


def linked_couple_for(user):
    """The couple `user` is linked in now (P7: at most one), or None."""
    if not user.is_authenticated:
        return None
    return (
        Couple.objects.linked()
        .filter(memberships__user=user, memberships__active=True)
        .prefetch_related("memberships__user")
        .first()
    )


def partner_of(user):
    couple = linked_couple_for(user)
    return couple.partner_of(user) if couple else None


def open_invitation_for(user):
    """The invitation `user` sent that can still be accepted, if any."""
    return Invitation.objects.usable().filter(inviter=user).order_by("-created_at").first()
