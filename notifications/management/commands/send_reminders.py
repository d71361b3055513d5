from django.core.management.base import BaseCommand

from notifications.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send the one gentle reminder to partners whose partner has been ready for REMINDER_DAYS days. "
        "Safe to run as often as you like (e.g. hourly from cron): nobody is reminded twice."
    )

    def handle(self, *args, **options):
        created = reminders_send()
        self.stdout.write(f"{created} reminder{'' if created == 1 else 's'} queued.")
