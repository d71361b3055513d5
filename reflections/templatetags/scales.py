from functools import cache

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

from reflections.models import SCALE_MAX, SCALE_MIN, SCALE_RANGE

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


@register.simple_tag
def scale_options(prompt):
    """The radio buttons of a scale question in a form (`prompt.form` says
    which is chosen), each end labelled for screen readers. Made here, not by
    a template loop (which cost a tenth of the answering page), and joined
    from plain strings rather than format_html per button (which still cost
    a twentieth): every value put in is a number or escaped here."""
    name = f"p{int(prompt.pk)}-scale"
    chosen = prompt.form.scale_value
    ends = {
        SCALE_MIN: f'<span class="visually-hidden"> ({escape(prompt.scale_min_label)})</span>',
        SCALE_MAX: f'<span class="visually-hidden"> ({escape(prompt.scale_max_label)})</span>',
    }
    return mark_safe(
        "\n".join(
            f'<label class="scale-option"><input type="radio" name="{name}" value="{n}"'
            f"{' checked' if chosen == n else ''}><span>{n}{ends.get(n, '')}</span></label>"
            for n in SCALE_RANGE
        )
    )
