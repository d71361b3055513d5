from functools import cache

from django import template
from django.utils.html import format_html_join

from reflections.models import SCALE_RANGE

register = template.Library()

# The scale line in _scale_svg.html: 1 sits at x=20, 10 at x=300.
LEFT, STEP = 20, (300 - 20) / 9


@register.filter
def scale_x(value):
    """Where a value from 1 to 10 sits on the drawn scale."""
    return round(LEFT + (int(value) - 1) * STEP, 1)


@register.simple_tag
@cache
def scale_ticks():
    """The ticks and their numbers, the same on every drawn scale: made once,
    not once per scale question on every shared view."""
    return format_html_join(
        "\n",
        '<line class="scale-tick" x1="{0}" y1="33" x2="{0}" y2="43"></line>'
        '<text class="scale-tick-label" x="{0}" y="74" text-anchor="middle">{1}</text>',
        ((scale_x(n), n) for n in SCALE_RANGE),
    )
