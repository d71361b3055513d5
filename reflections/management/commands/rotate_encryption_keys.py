"""Re-encrypt every answer, joint note and two-factor secret with the first
key of FIELD_ENCRYPTION_KEYS. Run after putting a new key first; then the
old keys can be removed. Safe to run again at any time; it also encrypts
what was stored before encryption was switched on."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.mfa import authenticators_reencrypt
from reflections.models import Answer, JointNote


class Command(BaseCommand):
    help = "Re-encrypt answers, joint notes and two-factor secrets with the current (first) key."

    def handle(self, *args, **options):
        for model in (Answer, JointNote):
            count = 0
            # The field decrypts with any known key and encrypts with the first.
            for pk, text in model.objects.exclude(text="").values_list("pk", "text").iterator(chunk_size=500):
                with transaction.atomic():
                    model.objects.filter(pk=pk).update(text=text)
                count += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} re-encrypted")
        self.stdout.write(f"authenticators: {authenticators_reencrypt()} re-encrypted")
