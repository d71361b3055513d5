"""The bench's second yardstick: the "ok" view served as a project fresh from
`django-admin startproject` would serve it, with Django's default apps and
middleware only, on the bench's database, cache, sessions and server. Beside
Twofold's ceiling (the same view through Twofold's whole stack) it shows what
Twofold's own stack costs. `make bench` serves it from a second gunicorn."""

from bench.settings import *  # noqa: F403

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.default_stack_urls"
# Its server collects its static files too: elsewhere than Twofold's, whose
# manifest the other server reads.
STATIC_ROOT = BASE_DIR / "bench" / "results" / "default-stack-static"  # noqa: F405
STATICFILES_DIRS = []
# Django's own user model and backend: Twofold's apps are not installed here.
AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
