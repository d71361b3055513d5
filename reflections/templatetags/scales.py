"""The 1–10 scale as a partner answers it (radio buttons) and as the shared
view draws both answers on one line. Every value goes through format_html."""

from functools import cache

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from library.models import SCALE_MAX, SCALE_MIN, SCALE_RANGE
from reflections.models import Answer, ReflectionPrompt

register = template.Library()

# The drawn scale (scale_figure): 1 sits at x=20, 10 at x=300.
LEFT, STEP = 20, (300 - 20) / 9


@register.filter
def scale_x(value: int) -> float:
    """Where a value from 1 to 10 sits on the drawn scale."""
    return round(LEFT + (int(value) - 1) * STEP, 1)


@cache
def _ticks() -> SafeString:
    """The ticks and their numbers: the same on every drawn scale."""
    return format_html_join(
        "\n",
        '<line class="scale-tick" x1="{0}" y1="33" x2="{0}" y2="43"></line>'
        '<text class="scale-tick-label" x="{0}" y="74" text-anchor="middle">{1}</text>',
        ((scale_x(n), n) for n in SCALE_RANGE),
    )


@register.simple_tag
def scale_options(prompt: ReflectionPrompt, chosen: int | None) -> SafeString:
    """The radio buttons of a scale question in a form, `chosen` checked,
    each end labelled for screen readers."""
    ends = {
        SCALE_MIN: format_html('<span class="visually-hidden"> ({})</span>', prompt.translated("scale_min_label")),
        SCALE_MAX: format_html('<span class="visually-hidden"> ({})</span>', prompt.translated("scale_max_label")),
    }
    return format_html_join(
        "\n",
        '<label class="scale-option"><input type="radio" name="p{}-scale" value="{}"{}><span>{}{}</span></label>',
        ((prompt.pk, n, " checked" if chosen == n else "", n, ends.get(n, "")) for n in SCALE_RANGE),
    )


@register.simple_tag
def scale_figure(
    prompt: ReflectionPrompt, mine: Answer | None, partners: Answer | None, mine_name: str, partner_name: str
) -> SafeString:
    """Both answers to a scale question on one drawn line (as the gate gave
    them); the title is the text alternative."""
    mine_value = mine.scale_value if mine else None
    partner_value = partners.scale_value if partners else None
    low, high = prompt.translated("scale_min_label"), prompt.translated("scale_max_label")
    said = {
        "mine_name": mine_name,
        "mine": mine_value or _("no number"),
        "partner_name": partner_name,
        "partner": partner_value or _("no number"),
        "low": low,
        "high": high,
    }
    # Each value escaped, as format_html escapes them; the sentence is ours.
    title = mark_safe(
        _("%(mine_name)s: %(mine)s. %(partner_name)s: %(partner)s. On a scale from 1 (%(low)s) to 10 (%(high)s).")
        % {key: conditional_escape(value) for key, value in said.items()}
    )
    markers = []
    if mine_value:
        markers.append(
            format_html(
                '<g class="marker marker-mine" data-value="{0}"><circle cx="{1}" cy="38" r="9"></circle>'
                '<text x="{1}" y="16" text-anchor="middle">{2}</text></g>',
                mine_value,
                scale_x(mine_value),
                mine_name,
            )
        )
    if partner_value:
        markers.append(
            format_html(
                '<g class="marker marker-partner" data-value="{0}">'
                '<rect x="-7" y="-7" width="14" height="14" transform="translate({1} 38) rotate(45)"></rect>'
                '<text x="{1}" y="62" text-anchor="middle">{2}</text></g>',
                partner_value,
                scale_x(partner_value),
                partner_name,
            )
        )
    return format_html(
        '<figure class="scale-figure">'
        '<svg class="scale-svg" viewBox="0 0 320 76" role="img" aria-labelledby="scale-title-{id}" focusable="false">'
        '<title id="scale-title-{id}">{title}</title>'
        '<line class="scale-track" x1="20" y1="38" x2="300" y2="38"></line>'
        "{ticks}{markers}</svg>"
        '<figcaption class="scale-ends"><span>1 = {low}</span><span>10 = {high}</span></figcaption>'
        "</figure>",
        id=prompt.pk,
        title=title,
        low=low,
        high=high,
        ticks=_ticks(),
        markers=format_html_join("", "{}", ((m,) for m in markers)),
    )
