from django import template

register = template.Library()

# The scale line in _scale_svg.html: 1 sits at x=20, 10 at x=300.
LEFT, STEP = 20, (300 - 20) / 9


@register.filter
def scale_x(value):
    """Where a value from 1 to 10 sits on the drawn scale."""
    return round(LEFT + (int(value) - 1) * STEP, 1)
