"""The app every server runs (config/gunicorn.py: uvicorn workers), as
Django's own ASGI handler, with nothing in front of it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
