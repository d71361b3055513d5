"""Fernet (AES-128-CBC with HMAC-SHA256) for what the app keeps encrypted at
rest: answer text and joint notes (reflections), the secrets of two-factor
sign-in (accounts). A database dump, a backup or a curious look at the
tables shows ciphertext; only the running app, holding the keys, reads it.

Keys come from settings.FIELD_ENCRYPTION_KEYS: the first encrypts, every one
of them decrypts (MultiFernet), so keys rotate without downtime: put a new
key first, run `manage.py rotate_encryption_keys`, then drop the old one."""

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# Marks a stored value as ciphertext, so that what was written before
# encryption was switched on can still be read (and is re-encrypted by the
# rotation).
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
