"""Small helpers for allauth's pages as Twofold shows them."""

from django import template

register = template.Library()


@register.filter
def has_unverified(addresses):
    """Whether any of a person's email addresses still waits for verification."""
    return any(not address.verified for address in addresses or ())
