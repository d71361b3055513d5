"""`{% whats_new %}`: the home page's unread notices. The page leaves room
for them; notifications fills it, so reflections needs no import of it."""

from django import template

from ..selectors import whats_new_for

register = template.Library()


@register.inclusion_tag("notifications/_whats_new.html", takes_context=True)
def whats_new(context):
    request = context["request"]
    return {"whats_new": whats_new_for(request.user), "request": request, "csrf_token": context.get("csrf_token")}
