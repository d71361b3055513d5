import os

from django.core.wsgi import get_wsgi_application

from config.live_polls import LivePolls

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Status polls that changed nothing are answered in front of Django (config/live_polls.py).
application = LivePolls(get_wsgi_application())
