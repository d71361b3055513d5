"""allauth's pages speak like the rest of Twofold: sentence case, the
navigation's words ("Log in", "Sign up"), and secondary and destructive
buttons that look it (rewordings/en, templates/allauth/elements/button.html)."""

import gettext
import re

from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

LOCALE = settings.BASE_DIR / "rewordings" / "en" / "LC_MESSAGES"


def po_entries():
    text = (LOCALE / "django.po").read_text()
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, re.MULTILINE)
    return [(msgid.replace('\\"', '"'), msgstr.replace('\\"', '"')) for msgid, msgstr in pairs]


def test_the_compiled_words_are_the_words_written():
    with open(LOCALE / "django.mo", "rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    entries = po_entries()

    assert len(entries) > 30
    for msgid, msgstr in entries:
        assert translations.gettext(msgid) == msgstr, f"{msgid!r}: run make catalogues"


def test_log_in_and_sign_up_use_the_navigations_words(client, db):
    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()

    assert re.search(r"<title>\s*Log in\s*· Twofold</title>", login)
    assert re.search(r"<button[^>]*>\s*Log in\s*</button>", login)
    assert "Sign In" not in login and "sign in" not in login.lower().replace("sign-in", "")
    assert re.search(r"<button[^>]*>\s*Sign up\s*</button>", signup)
    assert "Sign Up" not in signup and "Already have an account?" in signup


def test_the_email_page_is_in_sentence_case_with_buttons_that_look_like_what_they_do(client, alice):
    client.force_login(alice)

    body = client.get(reverse("account_email")).content.decode()

    assert "Email addresses" in body and "Email Addresses" not in body
    assert re.search(r'class="button">\s*Make primary', body)
    assert re.search(r'class="button danger">\s*Remove', body)


def test_no_verification_to_send_again_when_every_address_is_verified(client, alice):
    client.force_login(alice)

    assert "action_send" not in client.get(reverse("account_email")).content.decode()

    EmailAddress.objects.create(user=alice, email="alice.other@example.com", verified=False)
    body = client.get(reverse("account_email")).content.decode()
    assert re.search(r'name="action_send"[^>]*class="button secondary">\s*Send the verification email again', body)
