"""Answer text and joint notes are encrypted at rest (Fernet, AES-128-CBC
with HMAC-SHA256). A database dump, a backup or a curious look at the tables
shows ciphertext; only the running app, holding the keys, reads the words.

Keys come from settings.FIELD_ENCRYPTION_KEYS: the first encrypts, every one
of them decrypts (MultiFernet), so keys rotate without downtime: put a new
key first, run `manage.py rotate_encryption_keys`, then drop the old one."""

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models

# Marks a stored value as ciphertext, so that text written before encryption
# was switched on can still be read (and is re-encrypted by the rotation).
PREFIX = "fernet:"


@cache
def _keys(keys):
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text):
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored):
    if not stored.startswith(PREFIX):
        return stored
    return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. The empty string stays empty, so that
    "has this been answered?" still works in queries (P6 allows that much);
    any other lookup on the text is meaningless, and nothing here makes one."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value
