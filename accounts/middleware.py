"""Signed-in devices (allauth's usersessions), recorded at most once a
minute, and the signed-in person's own language."""

import time

from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.utils import translation

# When this session was last recorded, and under which key (a sign-in
# cycles the key, and the new one must be recorded at once).
RECORDED = "_device_recorded"
RECORD_EVERY_SECONDS = 60
# The signed-in person's language, and when it was read from their account.
LANGUAGE = "_language"
READ_LANGUAGE_EVERY_SECONDS = 60


class DeviceActivityMiddleware:
    """In place of allauth's UserSessionsMiddleware, which records the
    device on every request: a transaction, a read and a write before any
    view runs. The list of signed-in devices shows when each was last seen,
    and a minute's precision is all it needs, so a session is recorded when
    it is new to this middleware and then at most once a minute. The time
    lives in the session itself, which a signed-in request reads anyway, so
    a request within the minute costs nothing; recording writes the session
    once a minute. A changed address or browser (allauth's
    `session_client_changed`) is noticed within the minute too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # The session says whether anyone is signed in; the user is loaded
        # (a query) only when the minute is up, to record them.
        if (
            app_settings.TRACK_ACTIVITY
            and session.get(SESSION_KEY)
            and self._due(session)
            and request.user.is_authenticated
        ):
            UserSession.objects.create_from_request(request)
            session[RECORDED] = [session.session_key, int(time.time())]
        return self.get_response(request)

    @staticmethod
    def _due(session):
        key, at = session.get(RECORDED) or (None, 0)
        return key != session.session_key or time.time() - at >= RECORD_EVERY_SECONDS


class PersonLanguageMiddleware:
    """A signed-in person reads Twofold in the language on their account,
    on every device; LocaleMiddleware, before this, has chosen one from the
    language cookie or the browser for everyone else. Like the device's
    time above, the language is kept in the session, which a signed-in
    request reads anyway, and read from the account when the session is new
    to it and then once a minute: a request that needs no user loads none,
    and a change made on another device arrives within the minute (one
    made here at once: remember_language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_KEY):
            language = self._language(request)
            if language and language != request.LANGUAGE_CODE and translation.check_for_language(language):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)

    @staticmethod
    def _language(request) -> str | None:
        language, at = request.session.get(LANGUAGE) or (None, 0)
        if language is None or time.time() - at >= READ_LANGUAGE_EVERY_SECONDS:
            if not request.user.is_authenticated:
                return None
            language = request.user.language
            remember_language(request.session, language)
        return language


def remember_language(session, language: str) -> None:
    session[LANGUAGE] = [language, int(time.time())]
