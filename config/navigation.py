"""`{% link name %}`: the URL of one of the site's own links that take no
arguments, as `{% url name %}` gives it, reversed once per process (and URL
prefix): base.html shows ten on every page, and reversing one costs several
times looking it up."""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.cache
def _reversed(name, prefix, urlconf):
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def link(name):
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
