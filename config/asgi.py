"""The app every server runs (config/gunicorn.py: uvicorn workers), as
Django's own ASGI handler, with nothing in front of it."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# whitenoise serves static files as a plain file iterator, which Django's
# ASGI handler reads in a thread, with a warning (not a JSON log line) the
# first time. Static files have hashed names and are kept by browsers for a
# year, so they are few and the thread is no cost worth the noise.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators", module="django.core.handlers.asgi"
)
application = get_asgi_application()
