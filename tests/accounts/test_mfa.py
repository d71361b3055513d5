"""Optional two-factor sign-in (allauth MFA) and the list of signed-in devices."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from ..conftest import PASSWORD

NOW = int(time.time())


class _FrozenClock:
    """allauth reads `time.time()` through its module; pin it so codes never straddle a 30 s step."""

    @staticmethod
    def time():
        return NOW


@pytest.fixture(autouse=True)
def frozen_totp_clock(monkeypatch):
    monkeypatch.setattr(totp_auth, "time", _FrozenClock)


def code_for(secret, steps=0):
    counter = NOW // 30 + steps
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


def sign_in(client, user):
    """A real sign-in with email and password (so the session is freshly authenticated)."""
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def confirm_password(client):
    """Changing sign-in methods asks for the password again (allauth's reauthentication)."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def is_signed_in(client):
    return "_auth_user_id" in client.session


def activate_totp(client, user):
    sign_in(client, user)
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing in, next to the QR code
    assert 'src="data:image/' in page.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    return secret


def test_the_manage_pages_link_two_factor_and_devices(client, alice):
    sign_in(client, alice)

    html = client.get(reverse("mfa_index")).content.decode()

    assert '<nav class="subnav" aria-label="Account">' in html
    assert f'href="{reverse("mfa_index")}" aria-current="page"' in html
    assert f'href="{reverse("usersessions_list")}"' in html
    assert f'href="{reverse("accounts:account_delete")}"' in html


def test_a_wrong_code_does_not_activate(client, alice):
    sign_in(client, alice)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[totp_auth.SECRET_SESSION_KEY]

    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret, steps=5)})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=alice).exists()


def test_after_activation_sign_in_asks_for_the_code_and_only_the_right_one_works(client, alice):
    secret = activate_totp(client, alice)
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))
    assert not is_signed_in(client)

    response = sign_in(client, alice)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not is_signed_in(client)  # the password alone is not enough
    assert client.get(reverse("accounts:partner")).status_code == 302

    wrong = client.post(reverse("mfa_authenticate"), {"code": code_for(secret, steps=5)})
    assert wrong.status_code == 200
    assert not is_signed_in(client)

    right = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert right.status_code == 302
    assert is_signed_in(client)
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_a_used_code_cannot_be_replayed(client, alice):
    secret = activate_totp(client, alice)
    client.post(reverse("account_logout"))
    sign_in(client, alice)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert is_signed_in(client)
    client.post(reverse("account_logout"))

    sign_in(client, alice)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})

    assert not is_signed_in(client)


def test_recovery_codes_are_generated_and_each_works_once(client, alice):
    activate_totp(client, alice)
    rc = RecoveryCodes(Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES))
    codes = rc.get_unused_codes()
    assert len(codes) == 10
    assert codes[0] in client.get(reverse("mfa_view_recovery_codes")).content.decode()
    client.post(reverse("account_logout"))

    sign_in(client, alice)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert is_signed_in(client)
    client.post(reverse("account_logout"))

    sign_in(client, alice)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert not is_signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert is_signed_in(client)


def test_the_sessions_list_shows_this_device_and_signs_out_the_others(client, alice, bob):
    phone = Client(HTTP_USER_AGENT="Phone browser")
    sign_in(phone, alice)
    sign_in(client, alice)
    Client(HTTP_USER_AGENT="Bob's laptop").post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    assert UserSession.objects.filter(user=alice).count() == 2
    assert phone.get(reverse("accounts:partner")).status_code == 200

    html = client.get(reverse("usersessions_list")).content.decode()
    assert html.count("This device") == 1 and html.count("Another device") == 1
    assert "Phone browser" in html
    assert "Bob&#x27;s laptop" not in html

    response = client.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert UserSession.objects.filter(user=alice).count() == 1
    assert UserSession.objects.filter(user=bob).count() == 1  # other people's sessions are untouched
    assert client.get(reverse("accounts:partner")).status_code == 200
    assert phone.get(reverse("accounts:partner")).status_code == 302
    assert not is_signed_in(phone)
