"""Two-factor sign-in's secrets, kept encrypted with the field keys.

allauth stores the authenticator app's key (TOTP) and the seed its recovery
codes are derived from in the database, passing each through the MFA
adapter's encrypt() first; ours encrypts with FIELD_ENCRYPTION_KEYS, so a
database dump shows no secret from which anyone's codes could be made.
Values stored before this was switched on are plain text without the
"fernet:" prefix: decrypt() reads them as they are, and
authenticators_reencrypt() (run by `manage.py rotate_encryption_keys`)
encrypts them."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.db import transaction

from core.encryption import decrypt, encrypt


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


def _reencrypted(data: dict) -> dict:
    """`data` with every value allauth encrypted re-encrypted with the first
    key: a TOTP secret, a recovery seed, codes migrated from another app."""
    data = dict(data)
    for key in ("secret", "seed"):
        if key in data:
            data[key] = encrypt(decrypt(data[key]))
    if "migrated_codes" in data:
        data["migrated_codes"] = [encrypt(decrypt(code)) for code in data["migrated_codes"]]
    return data


def authenticators_reencrypt() -> int:
    """Re-encrypt every authenticator's secrets with the first key; returns
    how many authenticators were rewritten. Each row is locked while it is
    rewritten, so a recovery code used meanwhile stays used."""
    count = 0
    kinds = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    for pk in Authenticator.objects.filter(type__in=kinds).values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            authenticator.data = _reencrypted(authenticator.data)
            authenticator.save(update_fields=["data"])
        count += 1
    return count
