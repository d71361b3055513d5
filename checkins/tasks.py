"""The check-ins' background part: a periodic run, scheduled by
django-crontask (`manage.py crontask`, which `make run` and the production
setup start beside the task worker) and run by that worker. `manage.py
checkins_run` does the same by hand. Safe to run as often as you like: a
round opens once, a reminder goes once."""

from crontask import cron
from django.tasks import task

from .services import reminders_due, rounds_open_due


@cron("*/10 * * * *")
@task
def checkins_run() -> dict:
    return {"opened": rounds_open_due(), "reminded": reminders_due()}
