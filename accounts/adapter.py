"""How allauth behaves here (ACCOUNT_ADAPTER)."""

import ipaddress

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied


def from_trusted_proxy(request) -> bool:
    """Whether the peer is one of our proxies (FORWARDED_ALLOW_IPS), the only
    ones whose word about the client is worth anything."""
    if "*" in settings.FORWARDED_ALLOW_IPS:
        return True
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(network) for network in settings.FORWARDED_ALLOW_IPS)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address rate limits count and signed-in devices show. Through
        our proxy, the client the proxy names (allauth reads it as the
        TRUSTED_PROXY_COUNT / TRUSTED_CLIENT_IP_HEADER settings say); from
        anyone else X-Forwarded-For is whatever they typed, a fresh bucket
        per request, so the peer's own address counts."""
        if from_trusted_proxy(request):
            return super().get_client_ip(request)
        if not request.META.get("REMOTE_ADDR"):
            raise PermissionDenied("Unable to determine client IP address")
        return request.META["REMOTE_ADDR"]
