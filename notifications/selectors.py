from accounts.querysets import prebuilt

from .models import Notification

WHATS_NEW_LIMIT = 5


def whats_new_for(user, *, limit=WHATS_NEW_LIMIT):
    """The newest unread notices of `user` that still mean something, with
    everything their sentences name loaded (a fixed number of queries)."""
    if not user.is_authenticated:
        return []
    return list(_unread_notices().filter(user=user)[:limit])


@prebuilt
def _unread_notices():
    return Notification.objects.unread().still_relevant().select_related("actor__coach_profile", "reflection")
