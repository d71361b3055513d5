"""Twofold settings: one file, read from the environment.

Development defaults are safe and need nothing set: SQLite in WAL mode, DEBUG
on, mail printed to the console. Production (DEBUG off) refuses to start
without a real SECRET_KEY.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import redis
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name, default):
    """Addresses and networks (10.0.0.0/8), or * for any; checked as
    strictly as gunicorn checks them, so the two agree."""
    networks = env_list(name, default)
    for network in networks:
        if network == "*":
            continue
        try:
            ipaddress.ip_network(network)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list addresses or networks, not {network!r}") from None
    return networks


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "accounts",
    "library",
    "reflections",
    "checkins",
    "conversation",
    "practice",
    "coaching",
    "notifications",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.humanize",
    "django_tasks_db",
    "crontask",
    "django.forms",
]

MIDDLEWARE = [
    # First: the rest wait their turn before any of Django's work (the log's
    # duration starts once a request's turn has come).
    "config.admission.AdmissionMiddleware",
    "config.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the cookie or the browser; a signed-in person's own
    # replaces it (accounts.middleware.PersonLanguageMiddleware).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PersonLanguageMiddleware",
    "accounts.middleware.DeviceActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.cache_control.PrivatePagesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Every app server runs Django under ASGI (config/gunicorn.py: uvicorn
# workers), so the open pages' event streams wait on an event loop.
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Forms render through Django's form rendering API with our templates:
# templates/forms/ (a whole form, one field) and the non-field error box in
# templates/django/forms/errors/list/default.html. TemplatesSetting loads
# them from TEMPLATES above; "django.forms" in INSTALLED_APPS lets it find
# Django's own widget templates.
FORM_RENDERER = "config.forms.FormRenderer"

# A revealed reflection's page is the conversation's (reflections.pages hands
# it over by this name, so that reflections imports nothing built on it).
SHARED_VIEW = "conversation.pages.shared_view"
# What the apps built on reflections add to home, in this order.
HOME_PANELS = ["practice.selectors.home_panel", "checkins.selectors.home_panel"]

# SQLite by default, in WAL mode with IMMEDIATE transactions so that two
# writers queue for the lock instead of failing halfway through.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        # A kept connection is checked before reuse, so a database restart
        # costs one reconnect, not one failed request per worker.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL binds the parameters itself, so psycopg can prepare a query
    # once a connection has run it 5 times and the planner stops planning the
    # pages' queries again: every page runs the same few queries, so planning
    # them once per connection rather than once per request adds up. Turn
    # off behind a pooler that cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_int("DATABASE_POOL_SIZE", 0):
    # Under ASGI each request has a thread of its own, and a connection kept
    # per thread would be lost with it: a pool shared by a worker's threads
    # keeps a few open instead (psycopg_pool; CONN_MAX_AGE must be 0 with
    # it). Off unless asked for: docs/OPERATIONS.md says what it cost
    # during a database outage.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DATABASE_POOL_SIZE", 0),
        "timeout": 10,
    }

# How many requests of one worker run Django's code at once
# (config/admission.py). SQLite has one writer at a time, and a thread that
# holds its lock while it waits its turn at the interpreter keeps every
# other writer waiting: there a worker runs one request at a time, as a sync
# worker did.
REQUESTS_AT_ONCE = env_int("REQUESTS_AT_ONCE", 1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 4)

# One cache shared by every worker process (rate limits must not be per
# process): Redis when REDIS_URL is set, else a table in the database.
# config/cache.py (django-redis, which keeps one Redis client per connection
# pool where Django's own backend builds one for every call) makes a Redis
# that cannot be reached a miss rather than an error, so a Redis restart
# costs no request; a reply that takes over a second means it is not
# answering.
REDIS_URL = env_str("REDIS_URL")
REDIS_OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
CACHES = {
    "default": (
        {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_OPTIONS}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "twofold_cache"}
    ),
    # A reflection's prompts never change once it has started (they are a
    # snapshot), so pages keep them here: in Redis when there is one, else in
    # each process's memory, where an entry can never be stale either.
    "snapshots": (
        {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "snapshots",
            "OPTIONS": REDIS_OPTIONS,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    ),
}
# With Redis, sessions are read from it and written through to the database
# (a Redis restart signs nobody out), and a sign-out ends them in both or
# fails saying so (config/sessions.py); without it they live in the database.
SESSION_ENGINE = "config.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# Live updates (core/live.py) reach the open pages on every app server
# through Redis pub/sub. Without Redis one process serves everything (make
# run), and they stay in it. Pub/sub ignores Redis's database numbers, so
# the number goes in the prefix: two sites (or test runs) on one Redis do
# not hear each other. A message sent on a connection Redis has closed (it
# restarted since) is sent once more on a new one; without that, each
# worker's first message after a restart was lost, and an open page missed
# that change.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "retry_on_error": [redis.ConnectionError]}],
                "prefix": f"twofold{urlsplit(REDIS_URL).path.strip('/') or '0'}.",
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Each person reads Twofold in their own (accounts.User.language). To add
# one: README, "Adding a language".
LANGUAGES = [("en", "English"), ("es", "Español")]
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
# Each app keeps its catalogues in <app>/locale/; locale/ has the project's
# own (templates/, config/); rewordings/ has Twofold's words, written by
# hand, for some of allauth's and Django's messages: sentence case and the
# navigation's words in English, "tú" in Spanish (theirs say "usted").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "rewordings"]
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic gathers the assets whitenoise serves.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail goes through Django's mail API; the console in development.
MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", f"django.core.mail.backends.{'console' if DEBUG else 'smtp'}.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            }.items()
            if env_str("EMAIL_HOST")
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Twofold <hello@twofold.localhost>")

# Accounts: email is the login, verified before use.
LOGIN_REDIRECT_URL = "reflections:home"
LOGIN_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twofold] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth's limits (login, signup, password reset, ...) plus ours. Partner
# codes: 31^8 possible codes against 10 tries an hour per account. Article
# lookups (reflections/lookups.py): a request from our servers to an address
# someone typed, per person, per address they come from, and per site.
ACCOUNT_RATE_LIMITS = {
    "invitation_code": "10/h/user,30/h/ip",
    "article_lookup": "20/h/user,60/h/ip,30/h/key",
}

# Optional two-factor sign-in for everyone: an authenticator app (TOTP) with
# recovery codes, and passkeys / security keys (WebAuthn). WebAuthn needs a
# secure origin; in development plain http://localhost is allowed.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Plain http is allowed only where nothing else is possible: in development
# and on this machine with HTTPS=false (`make run`, `make serve`).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or not env_bool("HTTPS", True)
# The authenticator app's key and the recovery codes' seed are stored
# encrypted with FIELD_ENCRYPTION_KEYS (accounts/mfa.py).
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
# Signed-in devices: a list of a user's sessions, others can be signed out;
# each is recorded at most once a minute (accounts/middleware.py).
USERSESSIONS_TRACK_ACTIVITY = True


# Answer text, joint notes and two-factor secrets are encrypted at rest
# (core/encryption.py).
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, the first one encrypts.
# In development a key is made on first run and kept in .keys/ (not in git).
def _development_encryption_key():
    path = BASE_DIR / ".keys" / "field-encryption.key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS when DEBUG is off (see SECURITY.md).")
    FIELD_ENCRYPTION_KEYS = _development_encryption_key()

# The web surface: a strict Content-Security-Policy (no inline script or
# style, no eval; htmx is configured for it in base.html), no framing, no
# referrer beyond our own origin, and an isolated browsing context.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# How long a partner invitation stays usable.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)

# Bring your own article (reflections/fetching.py): the time a fetch of a
# pasted link may take in all, in seconds, and how it introduces itself to
# the site. Loopback is refused like any private address; only the tests
# allow it, to read pages from a server of their own.
ARTICLE_FETCH_TIMEOUT = env_int("ARTICLE_FETCH_TIMEOUT", 5)
ARTICLE_FETCH_USER_AGENT = "Twofold/1.0 (reading a page a couple shared; +https://twofold.example/fetching)"
ARTICLE_FETCH_ALLOW_LOOPBACK = False

# Background work (notification emails) goes through Django's tasks API; the
# database backend keeps the queue in the database and `manage.py db_worker`
# runs it (`make run` starts one).
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# The periodic runs (django-crontask: `manage.py crontask` enqueues each
# task on its schedule; the task worker runs it). With Redis, a lock there
# keeps a second scheduler from running the same schedule twice.
CRONTASK = {"REDIS_URL": REDIS_URL} if REDIS_URL else {}

# The hour of a check-in round's day (local time) from which the one gentle
# reminder goes to a partner who has not finished it; none on a later day.
CHECKIN_REMINDER_HOUR = env_int("CHECKIN_REMINDER_HOUR", 17)

# After how many days of one partner being ready the other gets the one
# gentle reminder (`manage.py send_reminders`).
REMINDER_DAYS = env_int("REMINDER_DAYS", 3)

# Production is served over HTTPS (TLS ends at the proxy, which sets
# X-Forwarded-Proto). HTTPS=false is only for `make run` and `make serve` on
# plain http://127.0.0.1, where secure cookies would never be sent back.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("HTTPS", True):
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
        SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = True
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Behind the proxy every request comes from the proxy's address, so the
# limits per IP (failed logins, partner codes) would be one bucket for the
# whole site. The proxies in FORWARDED_ALLOW_IPS (gunicorn trusts the same
# list with X-Forwarded-Proto) are believed about the client: the
# TRUSTED_PROXY_COUNT-th address from the right of X-Forwarded-For, or
# their own header (TRUSTED_CLIENT_IP_HEADER, e.g. CF-Connecting-IP). By
# default, and for any other peer, the client is REMOTE_ADDR
# (accounts/adapter.py).
FORWARDED_ALLOW_IPS = env_networks("FORWARDED_ALLOW_IPS", ["127.0.0.1"])
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None

# Logs go to stderr: one JSON object per line in production (LOG_FORMAT=json),
# readable text in development. config/logs.py decides what a line may hold;
# answer text never reaches a log.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logs.LogFormatter"},
        "text": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "filters": {"routes_not_paths": {"()": "config.logs.RoutesNotPaths"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["routes_not_paths"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver prints its own request lines in development.
        "twofold.request": {"level": "WARNING" if DEBUG else env_str("LOG_LEVEL", "INFO")},
        # httpx logs every request it makes, URL and query string and all:
        # the links people paste to bring their own article.
        "httpx": {"level": "WARNING"},
    },
}
