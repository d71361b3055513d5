"""Which address is the client's: rate limits count it and signed-in
devices show it (accounts/adapter.py)."""

import pytest
from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from ..conftest import PASSWORD
from .test_rate_limits import PROXY, settings_from


def client_ip(remote_addr, **headers):
    request = RequestFactory().post("/", REMOTE_ADDR=remote_addr, headers=headers)
    return get_adapter().get_client_ip(request)


@pytest.fixture
def one_proxy(settings):
    settings.FORWARDED_ALLOW_IPS = [PROXY]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_by_default_the_client_is_the_peer_whatever_x_forwarded_for_says():
    assert client_ip("198.51.100.7", x_forwarded_for="192.0.2.1") == "198.51.100.7"


def test_through_one_proxy_the_client_is_the_address_the_proxy_appended(one_proxy):
    assert client_ip(PROXY, x_forwarded_for="192.0.2.1, 198.51.100.7") == "198.51.100.7"


def test_a_peer_that_is_not_our_proxy_is_not_believed(one_proxy):
    assert client_ip("203.0.113.9", x_forwarded_for="192.0.2.1") == "203.0.113.9"


def test_proxies_can_be_listed_as_a_network(one_proxy, settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/24"]

    assert client_ip("10.0.0.77", x_forwarded_for="198.51.100.7") == "198.51.100.7"


def test_a_proxy_can_name_the_client_in_a_header_of_its_own(settings):
    settings.FORWARDED_ALLOW_IPS = [PROXY]
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    assert client_ip(PROXY, x_real_ip="198.51.100.7", x_forwarded_for="192.0.2.1") == "198.51.100.7"
    assert client_ip("203.0.113.9", x_real_ip="192.0.2.1") == "203.0.113.9"


def test_the_proxy_settings_are_read_from_the_environment():
    read = settings_from(
        FORWARDED_ALLOW_IPS="10.0.0.2, 10.1.0.0/16", TRUSTED_PROXY_COUNT="2", TRUSTED_CLIENT_IP_HEADER="X-Real-IP"
    )

    assert read["FORWARDED_ALLOW_IPS"] == ["10.0.0.2", "10.1.0.0/16"]
    assert read["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    assert read["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"] == "X-Real-IP"


def test_with_no_proxy_configured_no_header_is_believed():
    read = settings_from()

    assert read["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    assert read["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"] is None


def test_a_proxy_list_gunicorn_would_refuse_stops_the_app_too():
    with pytest.raises(ImproperlyConfigured, match="FORWARDED_ALLOW_IPS"):
        settings_from(FORWARDED_ALLOW_IPS="10.0.0.1/24")


def test_signed_in_devices_show_the_clients_address_not_the_proxys(one_proxy, alice):
    browser = Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": "198.51.100.7"})
    browser.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})

    page = browser.get(reverse("usersessions_list")).content.decode()

    assert "from 198.51.100.7" in page
    assert PROXY not in page
