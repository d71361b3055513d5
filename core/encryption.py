"""Fernet (AES-128-CBC with HMAC-SHA256) for what the app keeps encrypted at
rest: partners' answers and joint notes (reflections), the secrets of
two-factor sign-in (accounts). A database dump, a backup or a curious look
at the tables shows ciphertext; only the running app, holding the keys,
reads it.

Before encrypting, the plaintext is padded up to a fixed bucket size, so
the ciphertext's length says only which bucket it fell in: "Tea" and
"Coffee", a 3 and a 10, a pass and a short answer all look alike.

Keys come from settings.FIELD_ENCRYPTION_KEYS: the first encrypts, every one
of them decrypts (MultiFernet), so keys rotate without downtime: put a new
key first, run `manage.py rotate_encryption_keys`, then drop the old one."""

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# Marks a stored value as padded ciphertext. Values without it were written
# earlier: LEGACY_PREFIX marks unpadded ciphertext, no prefix plain text;
# both are still read, and the rotation rewrites them.
PREFIX = "sealed:"
LEGACY_PREFIX = "fernet:"

# Plaintext sizes in bytes, a 4-byte length header included. An answer's
# longest text (10,000 characters of UTF-8) fits the last one.
BUCKETS = (256, 1024, 4096, 16384, 65536)
_LENGTH_BYTES = 4


@cache
def _keys(keys):
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def padded(data: bytes) -> bytes:
    """`data` behind its length, filled with zeros up to its bucket (past
    the last bucket, up to a multiple of it)."""
    size = _LENGTH_BYTES + len(data)
    last = BUCKETS[-1]
    bucket = next((b for b in BUCKETS if b >= size), -(-size // last) * last)
    return len(data).to_bytes(_LENGTH_BYTES, "big") + data + bytes(bucket - size)


def unpadded(data: bytes) -> bytes:
    length = int.from_bytes(data[:_LENGTH_BYTES], "big")
    return data[_LENGTH_BYTES : _LENGTH_BYTES + length]


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(padded(text.encode())).decode()


def decrypt(stored: str) -> str:
    if stored.startswith(PREFIX):
        return unpadded(fernet().decrypt(stored[len(PREFIX) :].encode())).decode()
    if stored.startswith(LEGACY_PREFIX):
        return fernet().decrypt(stored[len(LEGACY_PREFIX) :].encode()).decode()
    return stored
