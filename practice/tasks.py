"""The practice's periodic run (django-crontask, as checkins/tasks.py):
steps released a number of days after their programme started."""

from crontask import cron
from django.tasks import task

from .programmes import releases_due


@cron("*/10 * * * *")
@task
def programme_steps_run() -> int:
    return releases_due()
