"""Live versions: how an open reflection page learns cheaply that its
partner status has not changed.

Each viewer of a reflection has a version in the default cache, a random
value that any change to what their status line shows replaces (P6: the
line shows the partner's progress and readiness, never text). The page's
poll carries a signed token naming the reflection, the viewer, their
session and the version the page was rendered at; while that version is
still the one in the cache, nothing the line shows has changed, so the
poll can be answered "unchanged" without opening the reflection
(config/live_polls.py). A version that is gone (evicted, Redis restarted)
or replaced sends the poll to the full view.

The rule for who sees a change is here, in `status_changed`; the services
say what changed.

A poll answered before Django must still come from a session Django would
sign in: besides the version, each person has a sign-in stamp in the cache,
their session auth hash while the account is active, replaced once their
password changes or the account is deactivated or deleted
(`sign_in_changed`, from reflections/receivers.py). A session whose hash is
not the stamp (signed in before a password change on another device) goes
to Django, which signs it out, as it does any session whose hash is stale.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "reflections.live.poll"
SESSION_SALT = "reflections.live.session"


def version_key(reflection_id: int, user_id: int) -> str:
    """Where the version lives in the default cache."""
    return f"live:{reflection_id}:{user_id}"


def sign_in_key(user_id: int) -> str:
    """Where a person's sign-in stamp lives in the default cache."""
    return f"live-sign-in:{user_id}"


# The stamp of an account that signs nobody in; never a session's hash.
SIGNS_IN_NOBODY = "inactive"


def live_version(reflection_id: int, user) -> str:
    """The version of `user`'s status line of `reflection_id`, made now if
    there is none, and their sign-in stamp likewise. Read it BEFORE reading
    the status it will vouch for: a change committed after the read replaces
    it, so the pair can only be too old, never newer than the version says.
    The stamp is only added, never replaced here: `user` was loaded at the
    start of the request, and a password change committed since then has
    already set the new one."""
    key, stamp_key = version_key(reflection_id, user.pk), sign_in_key(user.pk)
    found = cache.get_many([key, stamp_key])
    if stamp_key not in found:
        cache.add(stamp_key, user.get_session_auth_hash(), timeout=settings.SESSION_COOKIE_AGE)
    version = found.get(key)
    if version is None:
        # A fresh random value, never a counter restarted from 1: a page
        # rendered before the old version was lost must not match it again.
        fresh = secrets.token_urlsafe(9)
        version = fresh if cache.add(key, fresh, timeout=settings.SESSION_COOKIE_AGE) else cache.get(key)
    return version or ""


def status_changed(reflection_id: int, user_ids: Iterable[int]) -> None:
    """What the status lines of `user_ids` in `reflection_id` show has
    changed: their versions go once the change commits (at once outside a
    transaction), so their next poll reads the reflection again. Deleted,
    not counted up: the next page or full poll makes a fresh one."""
    keys = [version_key(reflection_id, user_id) for user_id in user_ids]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def progress_changed(reflection_id: int, participants: Iterable, *, author_id: int) -> None:
    """`author_id` answered one more or one fewer prompt: only the partner's
    line shows that count (mine shows it in the progress bar, which my own
    save refreshes)."""
    status_changed(reflection_id, [p.user_id for p in participants if p.user_id != author_id])


def everyone_changed(reflection_id: int, participants: Iterable) -> None:
    """Readiness, the reveal, or unlinking: both partners' lines change."""
    status_changed(reflection_id, [p.user_id for p in participants])


def sign_in_changed(user, *, deleted: bool = False) -> None:
    """`user`'s password, active flag or account changed: once that commits,
    their stamp is the new hash, or says that nobody signs in as them."""
    signs_in = user.is_active and not deleted
    stamp = user.get_session_auth_hash() if signs_in else SIGNS_IN_NOBODY
    key = sign_in_key(user.pk)
    transaction.on_commit(lambda: cache.set(key, stamp, timeout=settings.SESSION_COOKIE_AGE))


def session_signs_in(session: dict | None, user_id: int, stamp: str | None) -> bool:
    """Whether a session's data still signs in `user_id` as Django would
    see it: the session is theirs and carries their current auth hash,
    for an active account (`stamp`, from the cache)."""
    if not session or not stamp or stamp == SIGNS_IN_NOBODY:
        return False
    return session.get(SESSION_KEY) == str(user_id) and constant_time_compare(session.get(HASH_SESSION_KEY, ""), stamp)


# The poll's token


def session_hash(session_key: str) -> str:
    """Names a session without showing its key: the token sits in a URL."""
    return salted_hmac(SESSION_SALT, session_key, algorithm="sha256").hexdigest()[:20]


@dataclass(frozen=True)
class PollToken:
    reflection_id: int
    user_id: int
    session: str  # session_hash of the session the page was rendered for
    version: str

    def for_session(self, session_key: str | None) -> bool:
        return bool(session_key) and constant_time_compare(self.session, session_hash(session_key))


def poll_token(*, reflection_id: int, user_id: int, session_key: str, version: str) -> str:
    value = f"{reflection_id}.{user_id}.{session_hash(session_key)}.{version}"
    return signing.Signer(salt=TOKEN_SALT).sign(value)


def read_poll_token(token: str) -> PollToken | None:
    """The token's claims if it is one we signed, else None."""
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    reflection_id, user_id, session, version = value.split(".", 3)
    return PollToken(int(reflection_id), int(user_id), session, version)
