from django.core.management.base import BaseCommand

from checkins.services import reminders_due, rounds_open_due


class Command(BaseCommand):
    help = (
        "Open the check-in rounds due today and send the day's one gentle reminder. "
        "The scheduler (manage.py crontask) runs this every ten minutes; it is safe to run again."
    )

    def handle(self, *args, **options):
        opened, reminded = rounds_open_due(), reminders_due()
        self.stdout.write(f"{opened} round{'s' if opened != 1 else ''} opened, {reminded} reminded.")
