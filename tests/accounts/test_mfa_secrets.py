"""The secrets of two-factor sign-in (the authenticator app's key, the seed
of the recovery codes) are encrypted at rest with the field keys (audit
finding 3): whoever reads the database cannot make anyone's codes."""

import json
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet, InvalidToken
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.encryption import PREFIX, decrypt, unpadded

from ..conftest import PASSWORD
from ..reflections.test_encryption import full_dump

# The frozen clock is an autouse fixture there: importing it pins allauth's
# TOTP clock in this module too.
from .test_mfa import activate_totp, code_for, frozen_totp_clock, is_signed_in  # noqa: F401


def stored_data(user):
    """Each authenticator's data as the database holds it, by type."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT type, data FROM {Authenticator._meta.db_table} WHERE user_id = %s", [user.pk])
        return {kind: json.loads(data) if isinstance(data, str) else data for kind, data in cursor.fetchall()}


def signs_in_with(client, user, code):
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    return is_signed_in(client)


def test_the_authenticator_secret_and_the_recovery_seed_are_stored_encrypted(client, alice):
    secret = activate_totp(client, alice)

    stored = stored_data(alice)

    assert stored["totp"]["secret"].startswith(PREFIX)
    assert decrypt(stored["totp"]["secret"]) == secret
    seed = decrypt(stored["recovery_codes"]["seed"])
    assert stored["recovery_codes"]["seed"].startswith(PREFIX)
    dump = full_dump()
    assert secret not in dump
    assert seed not in dump


def test_codes_from_encrypted_secrets_still_sign_in(client, alice):
    secret = activate_totp(client, alice)
    codes = RecoveryCodes(Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES))

    assert signs_in_with(client, alice, code_for(secret))
    assert signs_in_with(client, alice, codes.get_unused_codes()[0])


def test_a_secret_stored_before_encryption_still_works_and_the_rotation_encrypts_it(client, alice):
    secret = activate_totp(client, alice)
    Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).update(data={"secret": secret})
    assert stored_data(alice)["totp"]["secret"] == secret

    assert signs_in_with(client, alice, code_for(secret))
    call_command("rotate_encryption_keys", stdout=StringIO())

    assert stored_data(alice)["totp"]["secret"].startswith(PREFIX)
    cache.clear()  # allauth refuses a code used once already in its 30 seconds
    assert signs_in_with(client, alice, code_for(secret))


def test_keys_rotate_without_locking_anyone_out(settings, client, alice):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    secret = activate_totp(client, alice)
    codes = RecoveryCodes(Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES))
    unused = codes.get_unused_codes()
    assert signs_in_with(client, alice, unused[0])
    new = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    settings.FIELD_ENCRYPTION_KEYS = [new]

    assert "authenticators: 2 re-encrypted" in out.getvalue()
    stored = stored_data(alice)
    assert unpadded(Fernet(new.encode()).decrypt(stored["totp"]["secret"][len(PREFIX) :].encode())).decode() == secret
    assert stored["recovery_codes"]["used_mask"] == 1  # the code used before the rotation stays used
    assert signs_in_with(client, alice, code_for(secret))
    assert not signs_in_with(client, alice, unused[0])
    assert signs_in_with(client, alice, unused[1])


def test_without_the_key_no_code_is_accepted(settings, client, alice):
    secret = activate_totp(client, alice)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(InvalidToken):
        signs_in_with(client, alice, code_for(secret))
