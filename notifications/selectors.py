from accounts.models import User

from .models import EmailPreferences, Notification

WHATS_NEW_LIMIT = 5


def whats_new_for(user: User) -> list[Notification]:
    """The newest unread notices of `user` (WHATS_NEW_LIMIT at most) that
    still mean something, with everything their sentences name loaded (one
    query)."""
    if not user.is_authenticated or not user.unread_notices:  # a count kept on write: no query for none
        return []
    return list(
        Notification.objects.unread()
        .still_relevant()
        .select_related("actor__coach_profile", "reflection")
        .filter(user=user)[:WHATS_NEW_LIMIT]
    )


def email_preferences_for(user: User) -> EmailPreferences:
    """The person's choices; everything is on until they change it."""
    return EmailPreferences.objects.filter(user=user).first() or EmailPreferences(user=user)
