"""The web surface: security headers on every page, and a production
configuration that Django's own deployment checks find nothing wrong with."""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from .conftest import PASSWORD


def test_pages_carry_a_strict_content_security_policy(client, alice):
    client.force_login(alice)

    policy = client.get(reverse("reflections:home"))["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_carry_the_other_security_headers(client):
    response = client.get(reverse("reflections:home"))

    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def private(response):
    return {"no-store", "private"} <= set(response.get("Cache-Control", "").split(", "))


def test_deleting_the_account_answers_privately_though_it_signs_out(client, alice):
    """The request came in signed in: its response stays out of every cache,
    even though the view signed the person out before answering."""
    client.force_login(alice)

    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert private(response)


def test_logging_out_answers_privately_too(client, alice):
    client.force_login(alice)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert private(response)


def test_htmx_is_configured_without_eval_or_injected_styles(client):
    html = client.get(reverse("reflections:home")).content.decode()

    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html
    assert "<script>" not in html and " style=" not in html


def production_environment(**extra):
    # Not the test run's own switches (the browser tests allow sync ORM calls).
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="twofold.example",
        EMAIL_HOST="smtp.example",
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def test_deployment_checks_find_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    result = manage("check", env=production_environment(SECRET_KEY="short"))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_encryption_keys():
    result = manage("check", env=production_environment(FIELD_ENCRYPTION_KEYS=""))

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr
