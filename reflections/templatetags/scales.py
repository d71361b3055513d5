from functools import cache

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

from reflections.models import SCALE_MAX, SCALE_MIN, SCALE_RANGE

register = template.Library()

# The drawn scale (scale_figure): 1 sits at x=20, 10 at x=300.
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


@register.simple_tag
def scale_figure(prompt, mine_name, partner_name):
    """Both answers to a scale question on one drawn line (`prompt.mine` and
    `prompt.partners`, as the gate gave them); the title is the text
    alternative. Joined from strings here, as scale_options is: as a
    template it cost a sixth of the shared view. Every value put in is a
    number or escaped here."""
    mine = prompt.mine.scale_value if prompt.mine else None
    partner = prompt.partners.scale_value if prompt.partners else None
    mine_name, partner_name = escape(mine_name), escape(partner_name)
    low, high = escape(prompt.scale_min_label), escape(prompt.scale_max_label)
    title_id = f"scale-title-{int(prompt.pk)}"
    markers = ""
    if mine:
        x = scale_x(mine)
        markers += (
            f'<g class="marker marker-mine" data-value="{int(mine)}"><circle cx="{x}" cy="38" r="9"></circle>'
            f'<text x="{x}" y="16" text-anchor="middle">{mine_name}</text></g>'
        )
    if partner:
        x = scale_x(partner)
        markers += (
            f'<g class="marker marker-partner" data-value="{int(partner)}">'
            f'<rect x="-7" y="-7" width="14" height="14" transform="translate({x} 38) rotate(45)"></rect>'
            f'<text x="{x}" y="62" text-anchor="middle">{partner_name}</text></g>'
        )
    return mark_safe(
        '<figure class="scale-figure">'
        f'<svg class="scale-svg" viewBox="0 0 320 76" role="img" aria-labelledby="{title_id}" focusable="false">'
        f'<title id="{title_id}">{mine_name}: {mine or "no number"}. {partner_name}: {partner or "no number"}.'
        f" On a scale from 1 ({low}) to 10 ({high}).</title>"
        '<line class="scale-track" x1="20" y1="38" x2="300" y2="38"></line>'
        f"{scale_ticks()}{markers}</svg>"
        f'<figcaption class="scale-ends"><span>1 = {low}</span><span>10 = {high}</span></figcaption>'
        "</figure>"
    )
