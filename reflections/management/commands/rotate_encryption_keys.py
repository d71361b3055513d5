"""Re-encrypt every answer, joint note, reply and two-factor secret with the first
key of FIELD_ENCRYPTION_KEYS. Run after putting a new key first; then the
old keys can be removed. Safe to run again at any time, and while people
save (reflections/rotation.py); it also encrypts what was stored before
encryption was switched on, and pads what was stored unpadded."""

from django.core.management.base import BaseCommand

from accounts.mfa import authenticators_reencrypt
from reflections.rotation import encrypted_models, rewrite, rows_of


class Command(BaseCommand):
    help = "Re-encrypt answers, joint notes, replies and two-factor secrets with the current (first) key."

    def handle(self, *args, **options):
        for model in encrypted_models():
            count = rewrite(model, rows_of(model))
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} re-encrypted")
        self.stdout.write(f"authenticators: {authenticators_reencrypt()} re-encrypted")
