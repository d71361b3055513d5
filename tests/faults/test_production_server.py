"""`make serve`'s stack as it runs: gunicorn with DEBUG off serves hashed,
compressed static files through whitenoise, the health check, signed-in
pages, and one JSON log line per request. (Here with the fault tests because
it starts a real server against a database other processes can open.)"""

import json
import re
import secrets

import httpx
import pytest
from django.conf import settings

from tools.servers import gunicorn, production_env, session_cookie_for

from .conftest import database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_gunicorn_serves_pages_static_files_health_and_json_logs(alice, tmp_path):
    secret_key = secrets.token_urlsafe(50)
    cookies = session_cookie_for(alice, secret_key)
    env = production_env(
        database_url=database_url(), field_keys=settings.FIELD_ENCRYPTION_KEYS, secret_key=secret_key, LOG_LEVEL="INFO"
    )
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log, gunicorn(env, workers=2, log=log) as base_url:
        home = httpx.get(f"{base_url}/", cookies=cookies)
        stylesheet = re.search(r'href="(/static/css/twofold\.[0-9a-f]{12}\.css)"', home.text)
        static = httpx.get(f"{base_url}{stylesheet.group(1)}", headers={"Accept-Encoding": "gzip"})
        health = httpx.get(f"{base_url}/healthz")

    assert home.status_code == 200 and "Alice" in home.text
    assert static.status_code == 200
    assert static.headers["Content-Encoding"] == "gzip"
    assert "immutable" in static.headers["Cache-Control"]
    assert health.status_code == 200 and health.json()["status"] == "ok"
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    requests = [line for line in lines if line["logger"] == "twofold.request"]
    assert {(line["path"], line["status"]) for line in requests} >= {("/", 200), ("/healthz", 200)}
    assert any(line["user_id"] == alice.pk for line in requests)
