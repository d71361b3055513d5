import os

from django.core.asgi import get_asgi_application

from config.live_polls import AsyncLivePolls

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The live servers' app (README, "Running in production"): status polls that
# changed nothing are answered in front of Django, as config/wsgi.py does.
application = AsyncLivePolls(get_asgi_application())
