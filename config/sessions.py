"""Sessions read from Redis and written through to the database, ended in
both or in neither.

Django's cached_db engine deletes the database row first and the Redis copy
second. While Redis is cut off, the second step fails after the first has
happened: the sign-out answers an error, and once Redis is back the copy it
kept signs the old cookie in again, since a session found in the cache is
never looked up in the database.

Here the copy goes first. If Redis cannot be reached, nothing has changed
and `SessionNotEnded` says so (config.health.server_error shows it as a
503 that tells the person they are still signed in). Then the row goes, and
then the copy once more: a request that read the session from the database
between the two steps may have put a copy back. That second delete is only
for that race, so when it fails the session has still ended.

Every way a session ends comes through `delete`: signing out (`flush`),
"sign out everywhere" and a password change (allauth's usersessions), a
sign-in's new key (`cycle_key`), an account deleted (accounts/views.py)."""

import logging

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionNotEnded(Exception):
    """The session's copy in the cache could not be removed, so it was left
    whole in both stores: the person is still signed in."""


class SessionStore(cached_db.SessionStore):
    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        cache_key = self.cache_key_prefix + session_key
        try:
            self._cache.delete(cache_key)
        except Exception as error:
            raise SessionNotEnded("the session's cached copy could not be removed") from error
        DBStore.delete(self, session_key)
        try:
            self._cache.delete(cache_key)
        except Exception as error:
            logger.warning("session copy not removed twice", extra={"error": type(error).__name__})

    async def adelete(self, session_key=None):
        await sync_to_async(self.delete)(session_key)
