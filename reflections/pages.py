"""A reflection's page as its stage shows it: the answering page (answering,
waiting, closed) here; once revealed, the shared view, which is the
conversation's page (settings.SHARED_VIEW names it: reflections imports
nothing of the apps built on it). Views render it after a GET, and again
when a form comes back unsaved."""

from dataclasses import dataclass, fields

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string

from .access import Stage
from .models import ANSWER_MAX_LENGTH, Reflection, ReflectionEvent
from .selectors import Opened, PromptRow, ReflectionStatus, prompt_rows, status_of, trail_of


def reflection_page(
    request: HttpRequest,
    opened: Opened,
    *,
    posted: dict | None = None,
    errors: dict | None = None,
    conflicts: set | None = None,
    status: int = 200,
    **shared_view,
) -> HttpResponse:
    """`shared_view` goes to the shared view (just_revealed, unsaved notes)."""
    viewer, reflection = request.user, opened.reflection
    # Before the reveal and after an unlink the page shows only the viewer's own answers.
    own_only = opened.access.stage != Stage.REVEALED
    rows = prompt_rows(reflection, viewer, own_only=own_only, posted=posted, errors=errors, conflicts=conflicts)
    state = status_of(opened, viewer)
    if state.stage == Stage.REVEALED:
        page = import_string(settings.SHARED_VIEW)
        return page(request, opened, rows=rows, state=state, status=status, **shared_view)
    page = answering_page(opened, rows, state)
    return render(request, "reflections/reflection.html", as_context(page), status=status)


@dataclass(frozen=True)
class ReflectionPage:
    """What every stage of a reflection's page shows: the prompts with the
    answers the viewer may read, where it stands, and its trail."""

    reflection: Reflection
    prompts: list[PromptRow]
    status: ReflectionStatus
    trail: list[ReflectionEvent]
    max_length: int = ANSWER_MAX_LENGTH


def answering_page(opened: Opened, rows: list[PromptRow], state: ReflectionStatus) -> ReflectionPage:
    return ReflectionPage(opened.reflection, rows, state, trail_of(opened))


def as_context(page) -> dict:
    """A page model's fields as a template's context (shallow: the rows stay
    the objects they are)."""
    return {field.name: getattr(page, field.name) for field in fields(page)}
