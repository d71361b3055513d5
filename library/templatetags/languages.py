"""Content in the reader's language: `{{ prompt|translated:"text" }}` is the
prompt's text in the active language where the content has a translation,
and as written where it has none (library.models.Translated)."""

from django import template

register = template.Library()


@register.filter
def translated(content, field: str):
    return content.translated(field)


@register.filter
def option_shown(prompt, chosen: str) -> str:
    """A choice answer in the reader's language (PromptFields.option_shown)."""
    return prompt.option_shown(chosen) if chosen else chosen
