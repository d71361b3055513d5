"""Answer text and joint notes are encrypted at rest with the app's field
keys (core/encryption.py)."""

from django.db import models

from core.encryption import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. The empty string stays empty, so that
    "has this been answered?" still works in queries (P6 allows that much);
    any other lookup on the text is meaningless, and nothing here makes one."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value
