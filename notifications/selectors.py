from accounts.querysets import precompiled

from .models import Notification

WHATS_NEW_LIMIT = 5


def whats_new_for(user):
    """The newest unread notices of `user` (WHATS_NEW_LIMIT at most) that
    still mean something, with everything their sentences name loaded (a
    fixed number of queries)."""
    if not user.is_authenticated:
        return []
    return _unread_notices_of(user_pk=user.pk)


@precompiled
def _unread_notices_of(*, user_pk):
    return (
        Notification.objects.unread()
        .still_relevant()
        .select_related("actor__coach_profile", "reflection")
        .filter(user=user_pk)[:WHATS_NEW_LIMIT]
    )
